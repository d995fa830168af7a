"""A real mosquitto for tests: own port, own config, stop/restart/pause.

Agent-independent on purpose (stdlib only) so other test suites can copy or
load it. Usage::

    broker = Mosquitto(tmp_path)            # picks a free port
    broker.start()
    ... broker.port ...
    broker.pause(); broker.resume()         # SIGSTOP / SIGCONT: a network cut
    broker.restart()                        # same port, persistence kept
    broker.stop()

TLS: ``Mosquitto(tmp_path, tls=(ca, cert, key), require_client_cert=True)``.
ACL: ``acl="user x\\ntopic readwrite #"``; ``passwords={"user": "pw"}``.
"""

from __future__ import annotations

import os
import pwd
import signal
import socket
import subprocess
import time
from pathlib import Path

MOSQUITTO = os.environ.get("MOSQUITTO", "/usr/sbin/mosquitto")
MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mosquitto:
    def __init__(self, workdir: str | Path, port: int | None = None, *, tls: tuple[Path, Path, Path] | None = None,
                 require_client_cert: bool = False, acl: str | None = None, passwords: dict[str, str] | None = None,
                 extra_conf: str = "") -> None:
        self.dir = Path(workdir) / f"mosquitto-{os.getpid()}-{id(self):x}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.proc: subprocess.Popen | None = None
        self.log_path = self.dir / "mosquitto.log"
        lines = [
            f"listener {self.port} 127.0.0.1",
            "persistence true",
            f"persistence_location {self.dir}/",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "max_queued_messages 0",
            # Run as us: as root mosquitto would drop to user 'mosquitto' and fail to save persistence in our temp dir.
            f"user {pwd.getpwuid(os.getuid()).pw_name}",
        ]
        if tls:
            ca, cert, key = tls
            lines += [f"cafile {ca}", f"certfile {cert}", f"keyfile {key}"]
            if require_client_cert:
                lines += ["require_certificate true"]
        if passwords:
            pw_file = self.dir / "passwd"
            pw_file.write_text("")
            for user, pw in passwords.items():
                subprocess.run([MOSQUITTO_PASSWD, "-b", str(pw_file), user, pw], check=True, capture_output=True)
            lines += [f"password_file {pw_file}", "allow_anonymous false"]
        else:
            lines += ["allow_anonymous true"]
        if acl is not None:
            acl_file = self.dir / "acl"
            acl_file.write_text(acl)
            lines += [f"acl_file {acl_file}"]
        self.conf = self.dir / "mosquitto.conf"
        self.conf.write_text("\n".join(lines) + "\n" + extra_conf)

    def start(self, timeout: float = 10.0) -> Mosquitto:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - held open for the broker process
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(self.conf)], stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited with {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {timeout}s")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.resume()
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        self._log.close()

    def kill(self) -> None:
        """Crash the broker (SIGKILL): no clean shutdown, in-memory state since the last save is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        """SIGSTOP: connections stay open but nothing answers, like a cut cable."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)

    def __enter__(self) -> Mosquitto:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
