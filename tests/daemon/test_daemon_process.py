"""A real `edge-agent run` subprocess: READY, SIGHUP reload (good and bad), graceful SIGTERM, config errors."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from edtest_helpers import ROOT, subprocess_env


def config_text(tmp_path: Path, device_id: str, components: list[str]) -> str:
    comps = ", ".join(f'"{c}"' for c in components)
    return (f'[device]\nid = "{device_id}"\ndata_dir = "{tmp_path / "data"}"\n'
            f'[daemon]\ncomponents = [{comps}]\npreload_model = false\nmodel_dir = "{tmp_path / "no-model"}"\n'
            f"shutdown_idle_timeout_s = 20.0\nrestart_backoff_s = 0.1\n[health]\nstate_interval_s = 0.2\n")


def start(tmp_path, markers, notify_socket, cfg: Path, **env):
    log = (tmp_path / "agent.log").open("w")
    p = subprocess.Popen([sys.executable, "-m", "agent", "run", "--config", str(cfg)], cwd=tmp_path,
                         env=subprocess_env(markers, NOTIFY_SOCKET=notify_socket.path, **env), stdout=log, stderr=subprocess.STDOUT)
    return p


def count(markers: Path, name: str) -> int:
    p = markers / name
    return len(p.read_text().splitlines()) if p.exists() else 0


def wait_file(p: Path, timeout=20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if p.exists():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_sighup_reload_and_graceful_sigterm(tmp_path, markers, notify_socket):
    cfg = tmp_path / "agent.toml"
    cfg.write_text(config_text(tmp_path, "dev-a", ["edtest_steady", "edtest_busy"]))
    p = start(tmp_path, markers, notify_socket, cfg, EDTEST_BUSY_S="1.5")
    try:
        assert notify_socket.wait_for("READY=1", 30), (tmp_path / "agent.log").read_text()
        assert (markers / "steady.built").read_text() == "dev-a\n"

        # a broken config is rejected: old one stays, the log names file, key and fix
        cfg.write_text(config_text(tmp_path, "dev-a", ["edtest_steady", "edtest_busy"]).replace("preload_model = false", "preload_model = \"no\""))
        p.send_signal(signal.SIGHUP)
        assert notify_socket.wait_for("RELOADING=1", 10)
        assert notify_socket.wait_for("READY=1", 10, n=2)
        log = (tmp_path / "agent.log").read_text()
        assert "config reload rejected" in log and "key=daemon.preload_model" in log and "fix=" in log and str(cfg) in log
        assert (markers / "steady.built").read_text() == "dev-a\n"  # not rebuilt
        assert p.poll() is None

        # a good change is applied: components rebuilt from the new config
        cfg.write_text(config_text(tmp_path, "dev-b", ["edtest_steady", "edtest_busy"]))
        p.send_signal(signal.SIGHUP)
        assert notify_socket.wait_for("RELOADING=1", 10, n=2)
        assert notify_socket.wait_for("READY=1", 10, n=3)
        assert wait_file(markers / "steady.built") and (markers / "steady.built").read_text() == "dev-a\ndev-b\n"

        # a change to the daemon's own sections restarts nothing
        cfg.write_text(config_text(tmp_path, "dev-b", ["edtest_steady", "edtest_busy"]).replace("state_interval_s = 0.2", "state_interval_s = 0.3"))
        p.send_signal(signal.SIGHUP)
        assert notify_socket.wait_for("READY=1", 10, n=4)
        assert (markers / "steady.built").read_text() == "dev-a\ndev-b\n"
        assert "changed_sections=health restarted=none" in (tmp_path / "agent.log").read_text()

        # SIGTERM while an answer is in flight: the daemon waits for it, then stops cleanly
        (markers / "busy.answered").unlink(missing_ok=True)
        assert wait_file(markers / "busy.answering")
        time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        assert p.wait(30) == 0
        log = (tmp_path / "agent.log").read_text()
        assert notify_socket.count("STOPPING=1") == 1
        assert (markers / "busy.answered").exists(), log
        assert "waiting for work in flight" in log and "edge-agent stopped" in log
        assert (markers / "steady.stopped").exists() and (markers / "busy.stopped").exists()
        # status sees it stopped
        r = subprocess.run([sys.executable, "-m", "agent", "status", "--config", str(cfg)], capture_output=True, text=True,
                           cwd=tmp_path, env=subprocess_env(markers))
        assert r.returncode == 3 and "not running" in r.stdout
    finally:
        if p.poll() is None:
            p.kill()


@pytest.mark.slow
def test_status_of_a_running_agent(tmp_path, markers, notify_socket):
    cfg = tmp_path / "agent.toml"
    cfg.write_text(config_text(tmp_path, "dev-s", ["edtest_steady", "edtest_crashy", "edtest_nobuild", "edtest_missing_pkg"]))
    p = start(tmp_path, markers, notify_socket, cfg, WATCHDOG_USEC="400000")
    try:
        assert notify_socket.wait_for("READY=1", 30)
        # the crashing component is restarted (twice, with backoff); its neighbour never is
        end = time.monotonic() + 10
        while time.monotonic() < end and count(markers, "crashy.started") < 3:
            time.sleep(0.05)
        time.sleep(0.5)
        assert count(markers, "crashy.started") == 3 and count(markers, "steady.started") == 1
        r = subprocess.run([sys.executable, "-m", "agent", "status", "--config", str(cfg)], capture_output=True, text=True,
                           cwd=tmp_path, env=subprocess_env(markers))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "healthy" in r.stdout and "edtest_steady" in r.stdout and "restarts=2" in r.stdout and "outbox: 7 waiting" in r.stdout
        assert "model: not loaded" in r.stdout
        assert notify_socket.count("WATCHDOG=1") >= 3  # every 0.2 s once the crash loop settled
        log = (tmp_path / "agent.log").read_text()
        assert "package has no build_component(ctx) yet" in log and "component=edtest_nobuild" in log
        assert "component package not installed" in log and "edtest_missing_pkg" in log
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(30) == 0


@pytest.mark.parametrize("body, key, hint", [
    ("[daemon]\nrestart_backoff_s = -1.0\n", "daemon", "restart_backoff_s"),
    ("[ota]\nkeep_versoins = 3\n", "ota.keep_versoins", "keep_versions"),
    ("[health]\nevent_interval_s = \"often\"\n", "health.event_interval_s", "write health.event_interval_s = 1.5"),
    ("[daemon]\ndisabled = [\"agent.nope\"]\n", "daemon", "not in daemon.components"),
])
def test_bad_config_exits_78_with_file_key_and_fix(tmp_path, body, key, hint):
    cfg = tmp_path / "agent.toml"
    cfg.write_text(body)
    r = subprocess.run([sys.executable, "-m", "agent", "run", "--config", str(cfg)], capture_output=True, text=True,
                       cwd=tmp_path, env=subprocess_env(tmp_path), timeout=60)
    assert r.returncode == 78
    assert f"{cfg}: {key}" in r.stderr and hint in r.stderr


def test_cli_help_lists_daemon_commands():
    r = subprocess.run([sys.executable, "-m", "agent", "--help"], capture_output=True, text=True, cwd=ROOT)
    for cmd in ("run", "status", "provision", "ota-sign"):
        assert cmd in r.stdout
