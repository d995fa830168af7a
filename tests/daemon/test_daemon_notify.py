"""sd_notify against a test notify socket (path and abstract namespace)."""

from __future__ import annotations

import os
import socket
import uuid

from agent.daemon.notify import Notifier


def test_ready_status_stopping_reach_the_socket(notify_socket):
    n = Notifier({"NOTIFY_SOCKET": notify_socket.path})
    assert n.enabled
    assert n.ready(status="running 3 components")
    assert n.watchdog()
    assert n.stopping()
    assert notify_socket.wait_for("STOPPING=1", 5)
    assert notify_socket.messages[0][1] == "READY=1\nSTATUS=running 3 components"
    assert notify_socket.lines()[2:] == ["WATCHDOG=1", "STOPPING=1"]


def test_abstract_namespace_socket():
    name = f"edtest-{uuid.uuid4().hex}"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + name)
    s.settimeout(5)
    try:
        assert Notifier({"NOTIFY_SOCKET": "@" + name}).reloading(123)
        assert s.recv(100) == b"RELOADING=1\nMONOTONIC_USEC=123"
    finally:
        s.close()


def test_outside_systemd_everything_is_a_noop():
    n = Notifier({})
    assert not n.enabled and n.watchdog_interval_s is None
    assert n.ready() is False


def test_watchdog_interval_is_half_the_timeout_and_respects_pid():
    assert Notifier({"WATCHDOG_USEC": "30000000"}).watchdog_interval_s == 15.0
    assert Notifier({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid())}).watchdog_interval_s == 15.0
    # the watchdog is meant for another process (e.g. a parent shell): not ours to ping
    assert Notifier({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}).watchdog_interval_s is None


def test_missing_socket_is_logged_not_raised(tmp_path, caplog):
    n = Notifier({"NOTIFY_SOCKET": str(tmp_path / "nobody-listens")})
    assert n.ready() is False
    assert "sd_notify failed" in caplog.text
