#!/usr/bin/env bash
# Set up a fresh machine for edge-agent: Debian packages, a virtualenv with the
# project and its build/test extras, and the local model (built once, then reused).
# Idempotent: re-running it does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
log() { printf 'setup: %s\n' "$*" >&2; }

# wamerican: the English word list the kiosk uses to tell real words from misspellings (agent/kiosk/text.py)
APT_PKGS=(mosquitto mosquitto-clients chromium chromium-driver sqlite3 systemd wamerican)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.edge-agent-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log "installing Python packages (first time takes a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[build,test]"
  touch "$stamp"
fi

log "building the local model (reused when already built)"
.venv/bin/edge-agent model build
log "ready"
