from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

COMPONENTS = Path(__file__).resolve().parent / "components"
ROOT = Path(__file__).resolve().parents[2]
if str(COMPONENTS) not in sys.path:
    sys.path.insert(0, str(COMPONENTS))


class NotifySocket:
    """A stand-in for systemd's notify socket: collects the datagrams the daemon sends."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.1)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._t = threading.Thread(target=self._recv, daemon=True)
        self._t.start()

    def _recv(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.messages.append((time.monotonic(), data.decode()))

    def lines(self) -> list[str]:
        with self._lock:
            return [line for _, m in self.messages for line in m.split("\n")]

    def count(self, line: str) -> int:
        return self.lines().count(line)

    def wait_for(self, line: str, timeout: float = 20.0, n: int = 1) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.count(line) >= n:
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


@pytest.fixture
def notify_socket(tmp_path):
    ns = NotifySocket(str(tmp_path / "notify.sock"))
    yield ns
    ns.close()


@pytest.fixture
def markers(tmp_path, monkeypatch):
    d = tmp_path / "markers"
    d.mkdir()
    monkeypatch.setenv("EDTEST_MARKERS", str(d))
    return d
