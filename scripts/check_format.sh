#!/usr/bin/env bash
# Fails when a tracked C++ file differs from the project's .clang-format.
# Usage: scripts/check_format.sh [--fix]   (--fix rewrites the files in place)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  echo "format: rewrote ${#files[@]} files"
  exit 0
fi
if ! out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
  echo "$out" | grep -E '^[^ ].*: (error|warning):' | cut -d: -f1 | sort -u | sed 's/^/format: differs: /'
  echo "format: run scripts/check_format.sh --fix (clang-format $(clang-format --version | grep -oE '[0-9]+\.[0-9.]+' | head -1))"
  exit 1
fi
echo "format: ${#files[@]} files match .clang-format"
