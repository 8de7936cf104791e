#!/usr/bin/env bash
# Configures and builds one build type into build/<type-lowercase>.
# Usage: scripts/build.sh [Release|Debug|Sanitize] [extra cmake args...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
type="${1:-Release}"
shift || true
dir="$root/build/$(echo "$type" | tr '[:upper:]' '[:lower:]')"
jobs="${OCPPFLEET_JOBS:-$(nproc)}"
# ccache (when installed): paths under the repo are hashed relative to it and the working
# directory is not hashed, so a fresh clone in another folder (CI) hits the same cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
# Depend mode: a miss compiles once instead of running the preprocessor first to hash its
# output (about 1 s per batch here); hits come from the direct mode as before.
export CCACHE_DEPEND="${CCACHE_DEPEND:-1}"
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
cmake --build "$dir" -j "$jobs"
