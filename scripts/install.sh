#!/usr/bin/env bash
# Install edge-agent on a Raspberry Pi OS 64-bit device (run as root from a checkout).
#
#   sudo scripts/install.sh --id shop-12 --command-key cloud-command.pub \
#        --broker-host mqtt.example.com --broker-port 8883 --mqtt-username shop-12 \
#        --mqtt-password-file pw.txt --ca-file broker-ca.pem [--kind vending] [--no-kiosk]
#   scripts/install.sh --dry-run ...      # print the steps, change nothing
#
# Idempotent: re-running it upgrades the code and units and leaves the identity,
# keys and config alone (re-provision with `edge-agent provision --force`).
# Layout: code + venv in /opt/edge-agent, config in /etc/edge-agent, state in
# /var/lib/edge-agent, units in /etc/systemd/system.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/edge-agent
ETC=/etc/edge-agent
STATE=/var/lib/edge-agent
UNITS=/etc/systemd/system
USER_NAME=edge-agent
KIOSK_USER=edge-kiosk
MODEL=smollm2-135m-instruct
DRY=0 KIND=kiosk KIOSK=1 ID="" CMD_KEY="" PROV_ARGS=()

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while (($#)); do
  case "$1" in
    --dry-run) DRY=1 ;;
    --id) ID=$2; shift ;;
    --kind) KIND=$2; shift ;;
    --command-key) CMD_KEY=$2; shift ;;
    --no-kiosk) KIOSK=0 ;;
    --broker-host|--broker-port|--mqtt-username|--mqtt-password-file|--ca-file) PROV_ARGS+=("$1" "$2"); shift ;;
    -h|--help) usage 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
  esac
  shift
done
[ "$KIND" = kiosk ] || [ "$KIND" = vending ] || { echo "install.sh: --kind must be kiosk or vending" >&2; exit 2; }
[ "$KIND" = kiosk ] || KIOSK=0

log() { printf 'install: %s\n' "$*" >&2; }
# Every change goes through run: in --dry-run it is printed instead of executed.
run() { if ((DRY)); then printf '+ %s\n' "$*"; else "$@"; fi; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ((!DRY)) && [ "$(id -u)" -ne 0 ]; then echo "install.sh: run as root (sudo), or with --dry-run" >&2; exit 1; fi
arch=$(uname -m)
[ "$arch" = aarch64 ] || log "warning: $arch is not aarch64; this script targets Raspberry Pi OS 64-bit"
[ -r /etc/os-release ] && log "target: $(. /etc/os-release && echo "${PRETTY_NAME:-unknown OS}")"

log "1/8 Debian packages"
# wamerican: the English word list the kiosk uses to tell real words ("doors") from misspellings (agent/kiosk/text.py)
PKGS=(python3 python3-venv python3-pip ca-certificates wamerican)
if ((KIOSK)); then
  PKGS+=(cage)
  if apt-cache show chromium-browser >/dev/null 2>&1 && ! apt-cache show chromium >/dev/null 2>&1; then PKGS+=(chromium-browser); else PKGS+=(chromium); fi
fi
missing=()
for p in "${PKGS[@]}"; do have_pkg "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

log "2/8 users and groups"
for g in gpio dialout; do getent group "$g" >/dev/null || run groupadd --system "$g"; done
id -u "$USER_NAME" >/dev/null 2>&1 || run useradd --system --user-group --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
run usermod -a -G gpio,dialout "$USER_NAME"
if ((KIOSK)); then
  id -u "$KIOSK_USER" >/dev/null 2>&1 || run useradd --system --user-group --create-home --home-dir "/var/lib/$KIOSK_USER" --shell /usr/sbin/nologin "$KIOSK_USER"
  for g in video render input; do getent group "$g" >/dev/null && run usermod -a -G "$g" "$KIOSK_USER"; done
fi

log "3/8 code and virtualenv in $PREFIX"
run install -d -m 0755 "$PREFIX" "$PREFIX/src" "$PREFIX/models"
run cp -a "$SRC/agent" "$SRC/firmware_bridge" "$SRC/pyproject.toml" "$SRC/README.md" "$SRC/docs" "$PREFIX/src/"
[ -x "$PREFIX/venv/bin/python" ] || run python3 -m venv "$PREFIX/venv"
extras=""
# lgpio drives the pins on every Pi with a current kernel (sysfs GPIO is gone, RPi.GPIO does not work on a Pi 5)
grep -qa "Raspberry Pi" /proc/device-tree/model 2>/dev/null && extras="[pi]"
run "$PREFIX/venv/bin/python" -m pip install -q --upgrade "$PREFIX/src$extras"

log "4/8 models"
if [ -d "$SRC/models/$MODEL" ]; then
  run cp -a "$SRC/models/$MODEL" "$PREFIX/models/"
elif [ -d "$PREFIX/models/$MODEL" ]; then
  log "keeping the installed model in $PREFIX/models/$MODEL"
else
  log "warning: no built model in $SRC/models/$MODEL; the kiosk answers from templates until one is installed"
  log "         (build it on a workstation with 'edge-agent model build' and re-run, or send update_model)"
fi
# the kiosk's meaning model (closest product for everyday names); optional, the kiosk answers without it
MEANING=minilm-l6-v2
if [ -d "$SRC/models/$MEANING" ]; then
  run cp -a "$SRC/models/$MEANING" "$PREFIX/models/"
elif [ ! -d "$PREFIX/models/$MEANING" ]; then
  log "note: no built $MEANING in $SRC/models; everyday names only the lexicon knows are answered 'not carried'"
fi

log "5/8 directories"
run install -d -m 0750 -o root -g "$USER_NAME" "$ETC"
run install -d -m 0700 -o "$USER_NAME" -g "$USER_NAME" "$STATE"

log "6/8 identity and config"
if [ -f "$ETC/agent.toml" ]; then
  log "keeping $ETC/agent.toml and the keys in $STATE/keys (already provisioned)"
else
  if [ -z "$ID" ] || [ -z "$CMD_KEY" ]; then
    echo "install.sh: first install needs --id DEVICE_ID and --command-key FILE (the cloud's command-signing public key)" >&2
    exit 2
  fi
  run "$PREFIX/venv/bin/edge-agent" provision --id "$ID" --kind "$KIND" --data-dir "$STATE" --config-out "$ETC/agent.toml" \
      --command-key "$CMD_KEY" ${PROV_ARGS[@]+"${PROV_ARGS[@]}"}
fi
run chown -R "$USER_NAME:$USER_NAME" "$STATE"
run chown root:"$USER_NAME" "$ETC/agent.toml"
run chmod 0640 "$ETC/agent.toml"

log "7/8 systemd units"
run install -m 0644 "$SRC/systemd/edge-agent.service" "$UNITS/edge-agent.service"
if ((KIOSK)); then
  chromium=$(command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)
  run install -m 0644 "$SRC/systemd/edge-agent-kiosk.service" "$UNITS/edge-agent-kiosk.service"
  run sed -i "s#/usr/bin/chromium #$chromium #" "$UNITS/edge-agent-kiosk.service"
fi
run systemctl daemon-reload
run systemd-analyze verify "$UNITS/edge-agent.service"

log "8/8 start"
run systemctl enable edge-agent.service
run systemctl restart edge-agent.service
if ((KIOSK)); then run systemctl enable --now edge-agent-kiosk.service; fi
if ((!DRY)); then
  for _ in $(seq 60); do
    systemctl is-active --quiet edge-agent.service && "$PREFIX/venv/bin/edge-agent" status --config "$ETC/agent.toml" && break
    sleep 1
  done
fi
log "done: 'systemctl status edge-agent', 'journalctl -u edge-agent -f', '$PREFIX/venv/bin/edge-agent status --config $ETC/agent.toml'"
