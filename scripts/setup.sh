#!/usr/bin/env bash
# Installs everything ocppfleet needs on Debian 12 (bookworm). Idempotent: packages
# already present are skipped, and npm only runs when the test peers are missing or
# their lock file changed. Run as root (or with sudo available).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev ca-certificates openssl
  nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  python3 curl libvalijson-dev
  python3-jsonschema python3-yaml
  wrk ccache clang-format lld
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js may come from elsewhere than Debian (a newer build); only ask apt when absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages already installed"
fi

# Test peers (npm ocpp-rpc strict CSMS, schemas) live in the test tree, never global.
peer_dir="$root/tests/peers"
stamp="$peer_dir/node_modules/.ocppfleet-stamp"
want="$(cat "$peer_dir/package.json" "$peer_dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1 || true)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing npm test peers into tests/peers"
  if [ -f "$peer_dir/package-lock.json" ]; then
    (cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$peer_dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
  cat "$peer_dir/package.json" "$peer_dir/package-lock.json" | sha256sum | cut -d' ' -f1 > "$stamp"
else
  echo "setup: npm test peers already installed"
fi
