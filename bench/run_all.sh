#!/usr/bin/env bash
# Build Release and run the benchmarks (figures in docs/benchmarks.md).
#
#   bench/run_all.sh            boot storm N = 1000, 10000, 18000 in one process (3 runs each),
#                               N = 100000 over 6 processes (1 run), steady state N = 1000 and
#                               10000 (3 pairs of 20 s / 50 s runs each): about 20 minutes
#   bench/run_all.sh --quick    N = 1000 only: boot storm (3 runs), sharded boot storm over
#                               2 processes (1 run), steady state (1 pair of 15 s / 30 s runs),
#                               a 1,000-charger CPO to READY
#   bench/run_all.sh ... ARGS   further arguments go to every script; use options they all
#                               take: --wait-idle S, --sink-threads N, --frame-log N
#
# Environment: BUILD_DIR (default build/release, as scripts/build.sh), SKIP_BUILD=1 to reuse an
# existing build, CMAKE_ARGS for extra configure flags (e.g. -DOCPPFLEET_WERROR=OFF),
# BENCHES to pick a subset of "boot_storm sharded steady cpo_generate cpo_ready" (default: all
# five).
# cpo_generate: the national-network template at its caps (2,000 locations x 5 chargers),
# generated twice: time per run and whether the sha256 of the canonical documents match.
# cpo_ready: `ocppfleet serve` brings a national-network CPO at its caps to READY (clamped to
# what the descriptor hard limit allows: 9,800 chargers at 20,000), 1 run; --quick: 200 x 5.
# It takes none of the shared ARGS.
# Only the binaries the benchmarks run are built: the test suite is not needed here
# and takes most of the build time on a 2-core machine.
# Density runs use --frame-log 0 (no OCPP frames kept per charger).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${BUILD_DIR:-build/release}"
benches="${BENCHES:-boot_storm sharded steady cpo_generate cpo_ready}"

quick=0
if [[ "${1:-}" == "--quick" ]]; then
  quick=1
  shift
fi

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  # shellcheck disable=SC2086  # CMAKE_ARGS is a list of flags
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOCPPFLEET_BUILD_TESTS=OFF -DOCPPFLEET_BUILD_BENCH=ON ${CMAKE_ARGS:-}
  cmake --build "$build_dir" --target ocppfleet ocppfleet-sink-csms ocppfleet-bench-cpo-generate
fi

bin=(--bin-dir "$build_dir/bin")
if [[ $quick == 1 ]]; then
  storm=(--count 1000 --repeat 3)
  sharded=(--count 1000 --processes 2 --repeat 1)
  steady=(--count 1000 --repeat 1 --durations 15,30)
  cpo_ready=(--quick)
else
  storm=(--count "1000,10000,18000" --repeat 3)
  sharded=(--count 100000 --processes 6 --repeat 1)
  steady=(--count "1000,10000" --repeat 3 --durations 20,50)
  cpo_ready=(--runs 1)
fi

status=0
for b in $benches; do
  case "$b" in
    boot_storm) python3 bench/boot_storm.py "${bin[@]}" "${storm[@]}" --frame-log 0 "$@" || status=1 ;;
    sharded) python3 bench/boot_storm_sharded.py "${bin[@]}" "${sharded[@]}" --frame-log 0 "$@" || status=1 ;;
    steady) python3 bench/steady_state.py "${bin[@]}" "${steady[@]}" --frame-log 0 "$@" || status=1 ;;
    cpo_generate) "$build_dir/bin/ocppfleet-bench-cpo-generate" --runs 2 || status=1 ;;
    cpo_ready) python3 bench/cpo_ready.py "${bin[@]}" "${cpo_ready[@]}" || status=1 ;;
    *) echo "run_all.sh: unknown benchmark '$b' in BENCHES" >&2; exit 2 ;;
  esac
done
exit $status
