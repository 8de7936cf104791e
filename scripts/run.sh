#!/usr/bin/env bash
# One command for a new user: install what is missing, build (Release), and run the
# main job. Until the control API lands, the main job is a demo fleet against a CSMS:
#   scripts/run.sh ws://your-csms:9000/ocpp [ocppfleet run options...]
# e.g. scripts/run.sh ws://127.0.0.1:9000/ocpp --count 100 --sessions
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: scripts/run.sh WS_URL [ocppfleet run options...]   (see: build/release/bin/ocppfleet run --help)" >&2
  exit 2
fi
url="$1"
shift
"$root/scripts/setup.sh"
"$root/scripts/build.sh" Release
exec "$root/build/release/bin/ocppfleet" run --ws-url "$url" "$@"
