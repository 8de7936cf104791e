#!/usr/bin/env bash
# Build Release and run the boot-storm benchmark.
#
#   bench/run_all.sh            N = 1000 and 10000, 3 runs each (the figures in docs/benchmarks.md)
#   bench/run_all.sh --quick    N = 1000, 3 runs (about a minute with the build done)
#   bench/run_all.sh ... ARGS   any further arguments go to bench/boot_storm.py
#
# Environment: BUILD_DIR (default build/release, as scripts/build.sh) and SKIP_BUILD=1 to reuse an existing build.
# Only the two binaries the benchmark runs are built: the test suite is not needed here
# and takes most of the build time on a 2-core machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir="${BUILD_DIR:-build/release}"

counts=(--count "1000,10000" --repeat 3)
if [[ "${1:-}" == "--quick" ]]; then
  counts=(--quick)
  shift
fi

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build_dir" --target ocppfleet ocppfleet-sink-csms
fi

exec python3 bench/boot_storm.py --bin-dir "$build_dir/bin" "${counts[@]}" "$@"
