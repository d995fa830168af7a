"""One OTA update with the real quantized model: package the built model, serve it, update, answer."""

from __future__ import annotations

import functools
import hashlib
import http.server
import tarfile
import threading

import pytest

from agent import paths, signing
from agent.component import AgentContext
from agent.config import load_config
from agent.daemon.model_holder import ModelHolder
from agent.daemon.ota import ModelUpdater, signed_message
from agent.daemon.runner import make_loader

pytestmark = pytest.mark.slow


def test_update_to_the_real_model_and_answer(tmp_path):
    src = paths.model_dir()
    if not (src / "manifest.json").exists():
        pytest.skip(f"no built model at {src}: run `edge-agent model build`")
    key, pub = signing.generate_keypair()
    (tmp_path / "command.pub").write_bytes(signing.public_pem(pub))
    www = tmp_path / "www"
    www.mkdir()
    artifact = www / "smollm2-v2.tar"
    with tarfile.open(artifact, "w") as tf:
        tf.add(src, arcname="smollm2-v2")
    sha = hashlib.sha256(artifact.read_bytes()).hexdigest()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(www)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        cfg = load_config(None, overrides={"device": {"data_dir": str(tmp_path / "data")},
                                           "ota": {"public_key": str(tmp_path / "command.pub"), "smoke_deadline_s": 60.0}})
        ctx = AgentContext(config=cfg)
        holder = ModelHolder(None, make_loader(cfg))  # no model before: the update installs the first one
        ctx.model = holder
        res = ModelUpdater(ctx, holder, make_loader(cfg)).update({
            "url": f"http://127.0.0.1:{httpd.server_address[1]}/smollm2-v2.tar", "sha256": sha,
            "signature": signing.sign(key, signed_message("smollm2-v2", sha)), "version": "smollm2-v2"})
        assert res["status"] == "updated"
        assert (tmp_path / "data" / "models" / "current").resolve().name == "smollm2-v2"
        from agent.llm import GenerationConfig

        text = ctx.model().chat([{"role": "user", "content": "Say hello."}], GenerationConfig(max_new_tokens=8))
        assert isinstance(text, str) and text.strip()
        assert holder.info()["latency"]["calls"] >= 2  # the smoke check and this answer
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
