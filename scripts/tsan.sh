#!/usr/bin/env bash
# ThreadSanitizer run of the threaded code: builds build/tsan (the Tsan build type) and runs
# the tests that start shard threads, the transport, the store thread and the HTTP server.
# Not part of CI (a third full build); run it before resolving work that touches threads.
# Usage: scripts/tsan.sh [extra ctest args, e.g. -R Link]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" >/dev/null
"$root/scripts/build.sh" Tsan -DOCPPFLEET_BUILD_BENCH=OFF
labels="${OCPPFLEET_TSAN_LABELS:-unit_transport|unit_fleet|unit_api_http|unit_api_store|unit_api_routes|integration_v16|integration_v201|integration_profiles|integration_security|api|cli}"
# halt_on_error: a report fails the test; second_deadlock_stack: both stacks of a lock-order report.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1 history_size=4}"
cd "$root/build/tsan"
ctest --output-on-failure --timeout 600 -j "${OCPPFLEET_JOBS:-$(nproc)}" -L "$labels" "$@"
