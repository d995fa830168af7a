"""OTA model update against a local HTTP server with Range support.

The model loader is replaced by a tiny one that reads answer.txt from the
model directory, so the download/verify/unpack/swap/rollback machinery is
tested in milliseconds; test_daemon_ota_real_model.py does one update with the
real quantized model.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import random
import string
import tarfile
import threading
import time
from pathlib import Path

import pytest

from agent import signing
from agent.component import AgentContext, CommandError
from agent.config import load_config
from agent.daemon.model_holder import ModelHolder
from agent.daemon.ota import ModelUpdater, OtaError, default_smoke, signed_message
from agent.events import EventKind


class FakeModel:
    def __init__(self, path: Path) -> None:
        self.answer = (path / "answer.txt").read_text()
        self.path = path

    def chat(self, messages, cfg=None):
        return self.answer


def fake_loader(path: Path) -> FakeModel:
    if not (path / "answer.txt").exists():
        raise FileNotFoundError(f"{path}/answer.txt: manifest file missing")
    return FakeModel(path)


def make_tar(files: dict[str, str], top: str = "model") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class ArtifactServer:
    """Serves /<name> from memory; honours Range; can cut the first response short."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str | None]] = []
        self.cut_first_after: int | None = None
        self.delay_s = 0.0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                rng = self.headers.get("Range")
                server.requests.append((self.path, rng))
                data = server.files.get(self.path.lstrip("/"))
                if data is None:
                    self.send_error(404)
                    return
                start = 0
                if rng:
                    start = int(rng.split("=")[1].split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_first_after is not None and len(server.requests) == 1:
                    self.wfile.write(body[: server.cut_first_after])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                if server.delay_s:
                    time.sleep(server.delay_s)
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = ArtifactServer()
    yield s
    s.close()


@pytest.fixture
def env(tmp_path):
    key, pub = signing.generate_keypair()
    (tmp_path / "command.pub").write_bytes(signing.public_pem(pub))
    cfg = load_config(None, overrides={
        "device": {"data_dir": str(tmp_path / "data")},
        "ota": {"public_key": str(tmp_path / "command.pub"), "download_attempts": 3, "idle_wait_s": 10.0, "download_timeout_s": 5.0},
    })
    old = tmp_path / "old-model"
    old.mkdir()
    (old / "answer.txt").write_text("old answer")
    ctx = AgentContext(config=cfg)
    holder = ModelHolder(old, fake_loader)
    ctx.model = holder
    events = []
    ctx.bus.subscribe(events.append, kinds={EventKind.COMPONENT})
    updater = ModelUpdater(ctx, holder, fake_loader, smoke=default_smoke)
    return {"key": key, "ctx": ctx, "holder": holder, "updater": updater, "events": events, "root": tmp_path / "data" / "models"}


def publish(env, server, version, files, *, corrupt=False, sign_version=None):
    data = make_tar(files)
    sha = hashlib.sha256(data).hexdigest()
    if corrupt:
        data = data[:100] + bytes([data[100] ^ 0xFF]) + data[101:]
    server.files[f"{version}.tar.gz"] = data
    sig = signing.sign(env["key"], signed_message(sign_version or version, sha))
    return {"url": f"{server.url}/{version}.tar.gz", "sha256": sha, "signature": sig, "version": version}


def test_update_swaps_model_and_current_symlink(env, server):
    assert env["holder"]().chat([]) == "old answer"
    args = publish(env, server, "v2", {"answer.txt": "new answer", "model.onnx": "x" * 5000})
    res = env["updater"].update(args)
    assert res == {"status": "updated", "version": "v2", "previous": "old-model"}
    assert env["holder"]().chat([]) == "new answer"
    current = env["root"] / "current"
    assert current.is_symlink() and current.resolve() == (env["root"] / "versions" / "v2").resolve()
    assert (current / "model.onnx").read_text() == "x" * 5000  # top-level dir flattened
    assert not list((env["root"] / "downloads").glob("*"))
    assert env["events"][-1].data["status"] == "updated"
    # the same command again is a no-op
    assert env["updater"].update(args)["status"] == "already_current"


def test_download_resumes_with_range(env, server):
    server.cut_first_after = 3000
    args = publish(env, server, "v3", {"answer.txt": "resumed", "blob.bin": "".join(random.Random(1).choices(string.ascii_letters, k=20000))})
    assert len(server.files["v3.tar.gz"]) > 10000
    assert env["updater"].update(args)["status"] == "updated"
    assert server.requests[0][1] is None and server.requests[1][1] == "bytes=3000-"
    assert env["holder"]().chat([]) == "resumed"


def test_corrupted_download_is_rejected_and_old_model_keeps_serving(env, server):
    args = publish(env, server, "v4", {"answer.txt": "bad"}, corrupt=True)
    with pytest.raises(OtaError, match="corrupted download: sha256 is [0-9a-f]{64}, expected"):
        env["updater"].update(args)
    assert env["holder"]().chat([]) == "old answer"
    assert not (env["root"] / "current").exists()
    assert not list((env["root"] / "downloads").glob("*.part"))  # not resumed from bad bytes
    assert env["events"][-1].data["status"] == "failed"


def test_bad_signature_is_rejected_before_downloading(env, server):
    args = publish(env, server, "v5", {"answer.txt": "x"}, sign_version="v-other")
    with pytest.raises(OtaError, match="signature rejected.*nothing was downloaded"):
        env["updater"].handle(args)
    assert server.requests == []


def test_failed_smoke_check_rolls_back(env, server):
    ok = publish(env, server, "v6", {"answer.txt": "v6 answer"})
    env["updater"].update(ok)
    bad = publish(env, server, "v7", {"answer.txt": "   "})  # loads, but answers nothing
    with pytest.raises(OtaError, match="smoke check failed.*rolled back to v6"):
        env["updater"].update(bad)
    assert env["holder"]().chat([]) == "v6 answer"
    assert (env["root"] / "current").resolve().name == "v6"
    assert not (env["root"] / "versions" / "v7").exists()


def test_model_that_does_not_load_is_never_swapped_in(env, server):
    args = publish(env, server, "v8", {"readme.txt": "no model here"})
    with pytest.raises(OtaError, match="does not load"):
        env["updater"].update(args)
    assert env["holder"]().chat([]) == "old answer"


def test_swap_waits_for_the_shopper_question_in_flight(env, server):
    args = publish(env, server, "v9", {"answer.txt": "after the question"})
    done = threading.Event()
    with env["ctx"].activity.busy("question"):
        t = threading.Thread(target=lambda: (env["updater"].update(args), done.set()))
        t.start()
        time.sleep(0.5)  # downloaded and loaded by now, but must not swap
        assert not done.is_set()
        assert env["holder"]().chat([]) == "old answer"
    t.join(10)
    assert done.is_set() and env["holder"]().chat([]) == "after the question"


def test_command_runs_in_background_and_reports_an_event(env, server):
    env["ctx"].commands.register("update_model", env["updater"].handle)
    args = publish(env, server, "v10", {"answer.txt": "bg"})
    server.delay_s = 0.3
    assert env["ctx"].commands.dispatch("update_model", args) == {"status": "accepted", "version": "v10"}
    with pytest.raises(CommandError, match="already in progress"):
        env["ctx"].commands.dispatch("update_model", args)
    end = time.monotonic() + 10
    while time.monotonic() < end and not any(e.data.get("status") == "updated" for e in env["events"]):
        time.sleep(0.02)
    assert env["holder"]().chat([]) == "bg"


@pytest.mark.parametrize("bad, msg", [
    ({"url": "file:///etc/passwd"}, "'url' must be an http"),
    ({"sha256": "abc"}, "'sha256' must be 64 hex"),
    ({"version": "../../etc"}, "'version' must be"),
    ({"signature": ""}, "'signature'"),
])
def test_bad_arguments_are_named(env, server, bad, msg):
    args = {**publish(env, server, "v11", {"answer.txt": "x"}), **bad}
    with pytest.raises(OtaError, match=msg):
        env["updater"].handle(args)


def test_http_404_is_not_retried(env, server):
    args = publish(env, server, "v12", {"answer.txt": "x"})
    args["url"] = server.url + "/missing.tar.gz"
    with pytest.raises(OtaError, match="HTTP 404"):
        env["updater"].update(args)
    assert len(server.requests) == 1


def test_tar_with_path_traversal_is_refused(env, server):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        info = tarfile.TarInfo("../../evil.txt")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"bad"))
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    server.files["evil.tar"] = data
    args = {"url": f"{server.url}/evil.tar", "sha256": sha, "signature": signing.sign(env["key"], signed_message("v13", sha)), "version": "v13"}
    with pytest.raises(OtaError, match="not a valid model tar"):
        env["updater"].update(args)
    assert not list(env["root"].parent.rglob("evil.txt"))


def test_presigned_url_tokens_never_reach_logs_or_errors(env, server, caplog):
    args = publish(env, server, "v14", {"answer.txt": "x"})
    args["url"] = f"http://127.0.0.1:{server.httpd.server_address[1]}/missing.tar.gz?X-Amz-Signature=SECRET123"
    with caplog.at_level("INFO"), pytest.raises(OtaError) as e:
        env["updater"].update(args)
    assert "SECRET" not in str(e.value) and "SECRET" not in caplog.text
    assert "/missing.tar.gz?…" in str(e.value)


def test_disabled_ota_refuses(env, server):
    from agent.config import load_config

    env["ctx"].config = load_config(None, overrides={"ota": {"enabled": False}})
    with pytest.raises(OtaError, match="ota.enabled = false"):
        env["updater"].handle(publish(env, server, "v15", {"answer.txt": "x"}))
    assert server.requests == []


def test_not_enough_disk_space_is_refused_before_downloading_the_body(env, server, monkeypatch):
    import collections

    import agent.daemon.ota as ota

    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(ota.shutil, "disk_usage", lambda p: usage(10**9, 10**9 - 50 * 2**20, 50 * 2**20))  # a nearly full card
    with pytest.raises(OtaError, match="not enough disk space.*50 MB free"):
        env["updater"].update(publish(env, server, "v16", {"answer.txt": "x"}))
    assert env["holder"]().chat([]) == "old answer"
