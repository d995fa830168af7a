"""The systemd units: `systemd-analyze verify` passes and the agent's exposure is at most 3.5.

verify checks that ExecStart binaries exist, and on this machine the agent is
not installed in /opt (nor is cage), so the test verifies a copy whose
ExecStart points at this checkout's .venv (and at /bin/true for cage);
everything else in the unit is checked as written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from edtest_helpers import ROOT

UNITS = ROOT / "systemd"
pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")


def local_copy(tmp_path: Path, name: str) -> Path:
    text = (UNITS / name).read_text()
    text = text.replace("/opt/edge-agent/venv/bin/edge-agent", str(Path(sys.executable).parent / "edge-agent"))
    text = text.replace("/usr/bin/cage", shutil.which("true") or "/bin/true")
    out = tmp_path / name
    out.write_text(text)
    return out


def test_units_verify(tmp_path):
    units = [local_copy(tmp_path, n) for n in ("edge-agent.service", "edge-agent-kiosk.service")]
    r = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "edge-agent" not in r.stderr, r.stderr  # no warnings about our units either


def test_agent_unit_security_exposure_at_most_3_5(tmp_path):
    r = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", str(UNITS / "edge-agent.service")],
                       capture_output=True, text=True, cwd=tmp_path)
    m = re.search(r"Overall exposure level for edge-agent\.service: (\d+\.\d+)", r.stdout)
    assert m, r.stdout + r.stderr
    score = float(m.group(1))
    print(f"systemd-analyze security edge-agent.service: {score}")
    assert score <= 3.5


def test_agent_unit_has_the_required_settings():
    text = (UNITS / "edge-agent.service").read_text()
    settings = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    assert settings["Type"] == "notify" and int(settings["WatchdogSec"]) > 0
    assert settings["Restart"] == "always" and settings["RestartPreventExitStatus"] == "78"
    assert settings["User"] == "edge-agent" and set(settings["SupplementaryGroups"].split()) == {"gpio", "dialout"}
    assert settings["ProtectSystem"] == "strict" and settings["PrivateTmp"] == "yes" and settings["NoNewPrivileges"] == "yes"
    assert settings["CapabilityBoundingSet"] == "" and settings["StateDirectory"] == "edge-agent"
    assert settings["ExecReload"] == "/bin/kill -HUP $MAINPID"
    kiosk = (UNITS / "edge-agent-kiosk.service").read_text()
    assert "--kiosk" in kiosk and "http://127.0.0.1:8080/" in kiosk
