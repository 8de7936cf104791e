#!/usr/bin/env bash
# One command for a new user: install what is missing, build (Release), and run the main
# job, `ocppfleet serve` (control API + fleet engine + SQLite store).
#   scripts/run.sh [ocppfleet serve options...]        e.g. --listen 127.0.0.1:8080 --db ./ocppfleet.db
# On the first run (no database yet) it mints an API token for organisation "demo" and
# prints it once. The command-line fleet runner is still there:
#   scripts/run.sh fleet ws://your-csms:9000/ocpp [ocppfleet run options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" Release
bin="$root/build/release/bin/ocppfleet"

if [ "${1:-}" = "fleet" ]; then
  shift
  if [ $# -lt 1 ]; then
    echo "usage: scripts/run.sh fleet WS_URL [ocppfleet run options...]   (see: $bin run --help)" >&2
    exit 2
  fi
  url="$1"
  shift
  exec "$bin" run --ws-url "$url" "$@"
fi

db="./ocppfleet.db"
db_given=0
prev=""
for arg in "$@"; do
  case "$arg" in --db=*) db="${arg#--db=}"; db_given=1 ;; esac
  if [ "$prev" = "--db" ]; then db="$arg"; db_given=1; fi
  prev="$arg"
done
if [ ! -e "$db" ]; then
  token="$("$bin" token create --org demo --db "$db" 2>/dev/null)"
  echo "First run: API token for organisation 'demo' (shown once; mint more with: $bin token create --org NAME --db $db):"
  echo
  echo "  export TOKEN=$token"
  echo
fi
if [ "$db_given" = 1 ]; then
  exec "$bin" serve "$@"
fi
exec "$bin" serve --db "$db" "$@"
