#!/usr/bin/env bash
# One command for the whole suite: install what is missing, then build and test both
# build types: Sanitize (ASan + UBSan) first, Release last. Output ends with ctest's
# summary; a failing build type stops the run with its own summary as the last lines.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
jobs="${OCPPFLEET_JOBS:-$(nproc)}"
for type in Sanitize Release; do
  echo "== build $type"
  # The benchmark binaries are built (and so compile-checked) in Release only.
  extra=()
  [ "$type" = Sanitize ] && extra=(-DOCPPFLEET_BUILD_BENCH=OFF)
  "$root/scripts/build.sh" "$type" "${extra[@]}"
  dir="$root/build/$(echo "$type" | tr '[:upper:]' '[:lower:]')"
  echo "== test $type"
  ( cd "$dir" && ctest --output-on-failure --timeout 300 -j "$jobs" )
done
