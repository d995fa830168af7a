"""scripts/install.sh: the dry run prints every step for a Pi, and changes nothing here."""

from __future__ import annotations

import subprocess

from edtest_helpers import ROOT

SCRIPT = ROOT / "scripts" / "install.sh"


def dry_run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), "--dry-run", *args], capture_output=True, text=True, timeout=60)


def test_script_parses():
    assert subprocess.run(["bash", "-n", str(SCRIPT)]).returncode == 0


def test_dry_run_lists_the_install_steps(tmp_path):
    key = tmp_path / "cmd.pub"
    r = dry_run("--id", "shop-7", "--command-key", str(key), "--kind", "kiosk", "--broker-host", "mqtt.example.com", "--broker-port", "8883")
    assert r.returncode == 0, r.stderr
    steps = [line[2:] for line in r.stdout.splitlines() if line.startswith("+ ")]
    text = "\n".join(steps)
    assert "usermod -a -G gpio,dialout edge-agent" in text
    assert "python3 -m venv /opt/edge-agent/venv" in text or "already" in r.stderr
    assert "install -d -m 0700 -o edge-agent -g edge-agent /var/lib/edge-agent" in text
    assert "install -d -m 0750 -o root -g edge-agent /etc/edge-agent" in text
    assert (f"edge-agent provision --id shop-7 --kind kiosk --data-dir /var/lib/edge-agent --config-out /etc/edge-agent/agent.toml "
            f"--command-key {key} --broker-host mqtt.example.com --broker-port 8883") in text
    assert "install -m 0644 " + str(ROOT / "systemd/edge-agent.service") + " /etc/systemd/system/edge-agent.service" in text
    assert "systemctl enable --now edge-agent-kiosk.service" in text
    assert steps.index("systemctl daemon-reload") < steps.index("systemctl enable edge-agent.service")
    for line in r.stderr.splitlines():
        assert line.startswith("install: "), line


def test_vending_has_no_kiosk_screen_and_first_install_needs_identity():
    r = dry_run("--id", "vm-1", "--command-key", "/k.pub", "--kind", "vending")
    assert r.returncode == 0 and "edge-agent-kiosk" not in r.stdout and "cage" not in r.stdout
    r = dry_run()
    assert r.returncode == 2 and "--id DEVICE_ID and --command-key FILE" in r.stderr
    r = dry_run("--kind", "toaster")
    assert r.returncode == 2 and "--kind must be kiosk or vending" in r.stderr
