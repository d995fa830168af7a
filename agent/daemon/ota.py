"""Model updates over the air: download, verify, unpack, swap, smoke check, roll back.

The cloud sends ``update_model`` with an artifact (a tar of a built model
directory), its sha256 and an ed25519 signature over
``signed_message(version, sha256)``. The sync layer has already checked that
the command itself is authentic; the artifact signature is checked here too,
so a compromised download server cannot push a model. The old model keeps
serving until the swap, the swap waits until no shopper question and no vend
is in flight, and a new model that fails its smoke check is swapped back out.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent import signing
from agent.component import AgentContext, CommandError
from agent.config import Config
from agent.daemon.model_holder import Loader, ModelHolder, default_loader
from agent.events import Event, EventKind
from agent.logs import fields

log = logging.getLogger(__name__)

_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 256 * 1024


class OtaError(CommandError):
    """The update did not happen; the message says why and what to do. The old model still serves."""


def signed_message(version: str, sha256: str) -> bytes:
    """What the artifact signature covers: the version name bound to the exact bytes' digest."""
    return f"edge-agent-model\n{version}\n{sha256}\n".encode()


def models_root(cfg: Config) -> Path:
    return Path(cfg.ota.models_root) if cfg.ota.models_root else Path(cfg.device.data_dir) / "models"


def public_key_path(cfg: Config) -> Path:
    return Path(cfg.ota.public_key) if cfg.ota.public_key else Path(cfg.device.data_dir) / "keys" / "command.pub"


def parse_args(args: dict[str, Any]) -> tuple[str, str, str, str]:
    """(url, sha256, signature, version) or a CommandError naming the bad argument."""
    url = args.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        shown = safe_url(url) if isinstance(url, str) else type(url).__name__
        raise OtaError(f"update_model: 'url' must be an http(s) URL, got {shown!r}")
    sha = args.get("sha256")
    if not isinstance(sha, str) or not _SHA_RE.match(sha.lower()):
        raise OtaError("update_model: 'sha256' must be 64 hex digits (the artifact's SHA-256)")
    sig = args.get("signature")
    if not isinstance(sig, str) or not sig:
        raise OtaError("update_model: 'signature' (base64 ed25519 over the version and sha256) is missing")
    version = args.get("version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise OtaError(f"update_model: 'version' must be 1-64 letters, digits, '.', '_' or '-', got {version!r}")
    return url, sha.lower(), sig, version


def safe_url(url: str) -> str:
    """The URL without credentials, query or fragment: presigned URLs carry tokens that must not reach logs or replies."""
    p = urllib.parse.urlsplit(url)
    host = p.hostname or ""
    if p.port:
        host += f":{p.port}"
    return urllib.parse.urlunsplit((p.scheme, host, p.path, "", "")) + ("?…" if p.query else "")


def check_space(directory: Path, needed: int) -> None:
    """Refuse early rather than fill the SD card (the old model, the outbox and the logs live there too)."""
    free = shutil.disk_usage(directory).free
    reserve = 100 * 1024 * 1024
    if free - needed < reserve:
        raise OtaError(f"not enough disk space for the update: need {needed // 2**20} MB plus a {reserve // 2**20} MB reserve, "
                       f"{free // 2**20} MB free in {directory}; free space or lower ota.keep_versions")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def download(url: str, dest: Path, max_bytes: int, timeout_s: float, attempts: int,
             sleep: Callable[[float], None] = time.sleep) -> Path:
    """Fetch ``url`` into ``dest``, resuming a partial file with an HTTP Range request."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    last_error = ""
    for attempt in range(1, attempts + 1):
        have = dest.stat().st_size if dest.exists() else 0
        req = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as r:
                if have and r.status == 206:
                    if not r.headers.get("Content-Range", "").startswith(f"bytes {have}-"):
                        raise OtaError(f"server answered a resume with the wrong range ({r.headers.get('Content-Range')})")
                    mode = "ab"
                else:
                    mode, have = "wb", 0
                length = r.headers.get("Content-Length")
                total = have + int(length) if length and length.isdigit() else None
                if total is not None and total > max_bytes:
                    raise OtaError(f"artifact is {total} bytes, above ota.max_download_mb; raise the limit if this model is intended")
                if total is not None:
                    check_space(dest.parent, total - have + total)  # the rest of the download, then the unpacked copy
                log.info("model download", extra=fields(url=safe_url(url), resume_from=have, total=total, attempt=attempt))
                done, next_report = have, have + 10 * 1024 * 1024
                with dest.open(mode) as f:
                    for block in iter(lambda: r.read(CHUNK), b""):
                        f.write(block)
                        done += len(block)
                        if done > max_bytes:
                            raise OtaError("artifact exceeds ota.max_download_mb while downloading")
                        if done >= next_report:
                            log.info("model download progress", extra=fields(bytes=done, total=total))
                            next_report = done + 10 * 1024 * 1024
                if total is not None and done < total:
                    raise OSError(f"connection closed at {done} of {total} bytes")
                return dest
        except urllib.error.HTTPError as e:
            if e.code == 416 and have:  # nothing left to fetch: the partial file is already whole
                return dest
            if e.code < 500:
                raise OtaError(f"download refused: HTTP {e.code} for {safe_url(url)}; check the artifact URL") from None
            last_error = f"HTTP {e.code}"
        except OtaError:
            raise
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            last_error = str(getattr(e, "reason", e))
        log.warning("model download interrupted; will resume", extra=fields(url=safe_url(url), attempt=attempt, error=last_error))
        if attempt < attempts:
            sleep(min(2.0 ** attempt, 30.0))
    raise OtaError(f"download failed after {attempts} attempts ({last_error}); the partial file is kept and the next update_model resumes it")


def unpack(archive: Path, dest: Path) -> Path:
    """Extract a tar (any compression) safely; a single top-level directory is flattened."""
    tmp = dest.with_name(f".{dest.name}.unpack")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with tarfile.open(archive) as tf:
            tf.extractall(tmp, filter="data")  # refuses absolute paths, '..', devices and links out of the tree
    except (tarfile.TarError, OSError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OtaError(f"artifact is not a valid model tar: {e}") from None
    entries = list(tmp.iterdir())
    src = entries[0] if len(entries) == 1 and entries[0].is_dir() else tmp
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(src, dest)
    shutil.rmtree(tmp, ignore_errors=True)
    return dest


def default_smoke(model: Any, prompt: str, deadline_s: float) -> str:
    """The new model must answer a short question with text, in time; returns the answer."""
    try:
        from agent.llm import GenerationConfig
    except ImportError:  # the package exports it once load_model lands
        from agent.llm.generation import GenerationConfig

    cfg = GenerationConfig(max_new_tokens=24, temperature=0.0, stop=["\n\n"], deadline_s=deadline_s, seed=None, top_k=0, top_p=1.0)
    t0 = time.perf_counter()
    text = model.chat([{"role": "system", "content": "You are a helpful shop assistant. Answer briefly."},
                       {"role": "user", "content": prompt}], cfg)
    took = time.perf_counter() - t0
    if not isinstance(text, str) or not text.strip():
        raise OtaError("smoke check: the new model answered nothing")
    if took > deadline_s * 1.5:
        raise OtaError(f"smoke check: the new model took {took:.1f}s, over ota.smoke_deadline_s={deadline_s}")
    return text


def _point_current(root: Path, target: Path | None) -> None:
    """Atomically re-point ``current`` (symlink + rename), or remove it for None."""
    current = root / "current"
    if target is None:
        current.unlink(missing_ok=True)
        return
    tmp = root / ".current.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(os.path.relpath(target, root))
    os.replace(tmp, current)


class ModelUpdater:
    def __init__(self, ctx: AgentContext, holder: ModelHolder, loader: Loader = default_loader,
                 smoke: Callable[[Any, str, float], str] = default_smoke) -> None:
        self.ctx = ctx
        self.holder = holder
        self.loader = loader
        self.smoke = smoke
        self._lock = threading.Lock()
        self.last_result: dict[str, Any] | None = None

    @property
    def root(self) -> Path:
        return models_root(self.ctx.config)

    def handle(self, args: dict[str, Any]) -> dict[str, Any]:
        """The update_model command: checks arguments and signature now, updates in the background."""
        if not self.ctx.config.ota.enabled:
            raise OtaError("model updates are turned off on this device (ota.enabled = false)")
        url, sha, sig, version = parse_args(args)
        self._verify_signature(version, sha, sig)
        if not self._lock.acquire(blocking=False):
            raise OtaError("a model update is already in progress; wait for its result event")
        threading.Thread(target=self._background, args=(args,), name="ota-update", daemon=True).start()
        return {"status": "accepted", "version": version}

    def _background(self, args: dict[str, Any]) -> None:
        try:
            self.update(args, locked=True)
        except Exception:
            pass  # update() logged it and published the event
        finally:
            self._lock.release()

    def _verify_signature(self, version: str, sha: str, sig: str) -> None:
        key_path = public_key_path(self.ctx.config)
        try:
            key = signing.load_public_key(key_path)
        except (signing.SignatureError, ValueError, OSError) as e:
            raise OtaError(f"cannot check the artifact signature: {e} ({key_path}); run `edge-agent provision --command-key FILE` or set ota.public_key") from None
        try:
            signing.verify(key, signed_message(version, sha), sig)
        except signing.SignatureError as e:
            raise OtaError(f"artifact signature rejected: {e}; nothing was downloaded") from None

    def update(self, args: dict[str, Any], locked: bool = False) -> dict[str, Any]:
        """Synchronous update; returns the result or raises OtaError (also published as a COMPONENT event)."""
        if not locked and not self._lock.acquire(blocking=False):
            raise OtaError("a model update is already in progress")
        try:
            result = self._update(args)
        except Exception as e:
            msg = str(e) if isinstance(e, OtaError) else f"{type(e).__name__}: {e}"
            log.error("model update failed; the previous model keeps serving", extra=fields(version=args.get("version"), error=msg))
            self.last_result = {"status": "failed", "version": args.get("version"), "error": msg}
            self._event(self.last_result)
            if isinstance(e, OtaError):
                raise
            raise OtaError(msg) from e
        finally:
            if not locked:
                self._lock.release()
        self.last_result = result
        self._event(result)
        return result

    def _event(self, data: dict[str, Any]) -> None:
        self.ctx.bus.publish(Event(EventKind.COMPONENT, self.ctx.clock.time(), "ota", {"state": "model_update", **data}))

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        cfg = self.ctx.config.ota
        url, sha, sig, version = parse_args(args)
        self._verify_signature(version, sha, sig)
        root = self.root
        target = root / "versions" / version
        if self.holder.path is not None and self.holder.path.resolve() == target.resolve() and self.holder() is not None:
            return {"status": "already_current", "version": version}
        part = root / "downloads" / f"{sha}.part"
        download(url, part, cfg.max_download_mb * 1024 * 1024, cfg.download_timeout_s, cfg.download_attempts)
        got = sha256_file(part)
        if got != sha:
            part.unlink(missing_ok=True)
            raise OtaError(f"corrupted download: sha256 is {got}, expected {sha}; the file was deleted, send update_model again")
        unpack(part, target)
        part.unlink(missing_ok=True)
        try:
            new_model = self.loader(target)
        except Exception as e:
            shutil.rmtree(target, ignore_errors=True)
            raise OtaError(f"the new model does not load ({type(e).__name__}: {e}); it was removed") from None
        if not self.ctx.activity.wait_idle(cfg.idle_wait_s):
            shutil.rmtree(target, ignore_errors=True)
            raise OtaError(f"device stayed busy ({self.ctx.activity.in_flight()}) for ota.idle_wait_s={cfg.idle_wait_s}; retry later")
        old_current = (root / "current").resolve() if (root / "current").is_symlink() else None
        old_model, old_path = self.holder.swap(new_model, target)
        _point_current(root, target)
        try:
            answer = self.smoke(self.holder(), cfg.smoke_prompt, cfg.smoke_deadline_s)
        except Exception as e:
            self.holder.swap(old_model, old_path)
            _point_current(root, old_current)
            shutil.rmtree(target, ignore_errors=True)
            raise OtaError(f"smoke check failed ({e}); rolled back to {old_path.name if old_path else 'no model'}") from None
        self._prune(root, keep={target.resolve(), *(p.resolve() for p in [old_path] if p is not None)})
        log.info("model updated", extra=fields(version=version, previous=str(old_path), smoke_answer=answer[:60]))
        return {"status": "updated", "version": version, "previous": old_path.name if old_path else None}

    def _prune(self, root: Path, keep: set[Path]) -> None:
        versions = root / "versions"
        dirs = sorted((p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
        kept = 0
        for d in dirs:
            if d.resolve() in keep or kept < self.ctx.config.ota.keep_versions:
                kept += 1
                continue
            shutil.rmtree(d, ignore_errors=True)
            log.info("old model version removed", extra=fields(path=str(d)))
        for p in (root / "downloads").glob("*.part"):
            p.unlink(missing_ok=True)


def register_ota(ctx: AgentContext, holder: ModelHolder, loader: Loader = default_loader) -> ModelUpdater:
    updater = ModelUpdater(ctx, holder, loader)
    ctx.commands.register("update_model", updater.handle)
    ctx.shared["ota"] = lambda: updater.last_result
    return updater
