#!/usr/bin/env bash
# clang-tidy (.clang-tidy) on the C++ files a change touches: the working tree's changes
# against BASE (default: HEAD, i.e. uncommitted work; with none, the last commit). A changed
# header brings in its .cpp of the same name. The builds compile sources in unity batches, so
# the per-file compile database comes from build/tidy, configured (not built) with
# -DOCPPFLEET_UNITY=OFF. Usage: scripts/tidy.sh [BASE]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v clang-tidy >/dev/null || { echo "tidy: clang-tidy is not installed (apt-get install clang-tidy)"; exit 2; }
db="${OCPPFLEET_TIDY_BUILD:-build/tidy}"
cmake -S "$root" -B "$db" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DOCPPFLEET_UNITY=OFF >/dev/null
base="${1:-HEAD}"
changed=$(git diff --name-only "$base" -- '*.cpp' '*.hpp')
if [ -z "$changed" ] && [ "$base" = HEAD ]; then changed=$(git diff --name-only HEAD~1 -- '*.cpp' '*.hpp'); fi
files=()
for f in $changed; do
  case "$f" in
    *.cpp) [ -f "$f" ] && files+=("$f") ;;
    *.hpp) [ -f "${f%.hpp}.cpp" ] && files+=("${f%.hpp}.cpp") ;;
  esac
done
[ "${#files[@]}" -gt 0 ] || { echo "tidy: no changed C++ files"; exit 0; }
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
echo "tidy: ${#files[@]} file(s)"
# GCC-only warning flags in the compile database are not errors for clang.
clang-tidy -p "$db" --quiet --extra-arg=-Wno-unknown-warning-option "${files[@]}"
