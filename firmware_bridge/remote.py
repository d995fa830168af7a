"""``fw_flash``: a flash requested over MQTT (the sync layer has already checked its signature).

The command only stages and checks the image, then flashes in the
background and reports FIRMWARE progress events, so the MQTT round trip is
not held for a minute. It is refused outside the configured maintenance
window (checked on the injected clock), while another flash runs, and for
any image that fails the manifest checks, before the device is touched.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from agent.clock import SystemClock
from agent.component import CommandError
from agent.events import Event, EventKind
from agent.logs import fields
from firmware_bridge.image import ImageError, VerifiedImage, verify_image
from firmware_bridge.window import in_window

log = logging.getLogger(__name__)


class RemoteFlash:
    def __init__(self, comp) -> None:
        self.comp = comp
        self.fw = comp.fw
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.last_result: dict[str, Any] | None = None

    def stage_dir(self) -> Path:
        d = Path(self.fw.stage_dir) if self.fw.stage_dir else self.comp.ctx.data_dir / "firmware"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _publish(self, **data: Any) -> None:
        self.comp.ctx.bus.publish(Event(EventKind.FIRMWARE, self.comp.clock.time(), "firmware", data))

    # -- staging -------------------------------------------------------------------
    def _image_bytes(self, args: dict[str, Any]) -> bytes:
        limit = self.fw.flash_size
        if "image_b64" in args:
            try:
                data = base64.b64decode(str(args["image_b64"]), validate=True)
            except (binascii.Error, ValueError):
                raise CommandError("image_b64 is not valid base64") from None
        elif "path" in args:
            base = self.stage_dir().resolve()
            p = (base / str(args["path"])).resolve()
            if base not in p.parents:
                raise CommandError(f"path must name a file inside the staging directory {base}")
            if not p.is_file():
                raise CommandError(f"staged image {p.name} not found in {base}")
            data = p.read_bytes()
        elif "url" in args:
            data = self._fetch(str(args["url"]), limit)
        else:
            raise CommandError("fw_flash needs one of image_b64, path (in the staging dir) or url, plus a signed manifest")
        if len(data) > limit:
            raise CommandError(f"image is {len(data)} bytes; the flash holds {limit}")
        return data

    def _fetch(self, url: str, limit: int) -> bytes:
        u = urllib.parse.urlsplit(url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise CommandError(f"url must be http(s)://host/..., got {url!r}")
        if u.hostname not in self.fw.fetch_hosts:
            raise CommandError(f"host {u.hostname!r} is not in [firmware].fetch_hosts; images are fetched only from the local network")
        try:
            with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - host allow-listed above
                data = r.read(limit + 1)
        except OSError as e:
            raise CommandError(f"could not fetch the image from {u.hostname}: {e}") from None
        if len(data) > limit:
            raise CommandError(f"image at {url} is larger than the flash ({limit} bytes)")
        return data

    def check(self, args: dict[str, Any]) -> VerifiedImage:
        now = self.comp.clock.time()
        if not in_window(self.fw.maintenance_window, now):
            window = self.fw.maintenance_window or "not set"
            raise CommandError(f"remote flash is allowed only in the maintenance window ({window}, UTC); "
                               "set [firmware].maintenance_window or retry inside it")
        manifest = args.get("manifest")
        if manifest is not None and not isinstance(manifest, dict):
            raise CommandError("manifest must be a JSON object")
        data = self._image_bytes(args)
        try:
            return verify_image(data, manifest, flash_size=self.fw.flash_size, flash_base=self.fw.flash_base, target=self.fw.target,
                                public_key=self.fw.public_key, require_signature=self.fw.require_signature)
        except ImageError as e:
            raise CommandError(f"image refused: {e}") from None

    # -- command -------------------------------------------------------------------
    def handle(self, args: dict[str, Any]) -> dict[str, Any]:
        image = self.check(args)
        if self.comp.port is None:
            raise CommandError("the controller port is not open yet (component starting or restarting); retry in a minute")
        if self.fw.target != "stm32":
            raise CommandError("remote flash supports STM32 targets; flash an ESP32 with `edge-agent fw flash` on site")
        with self._lock:
            if self.thread is not None and self.thread.is_alive():
                raise CommandError("a flash is already running; wait for its FIRMWARE 'done' or 'failed' event")
            staged = self.stage_dir() / f"{image.sha256}.bin"
            staged.write_bytes(image.data)
            job = uuid.uuid4().hex[:12]
            self.comp.flashing = True
            self.thread = threading.Thread(target=self._run, args=(job, image), name=f"fw-flash-{job}", daemon=True)
            self.thread.start()
        self._publish(job=job, stage="accepted", sha256=image.sha256, size=len(image.data), version=image.version)
        return {"accepted": True, "job": job, "sha256": image.sha256, "size": len(image.data), "version": image.version}

    def _run(self, job: str, image: VerifiedImage) -> None:
        from firmware_bridge.flash_job import bootloader_port, make_boot_control
        from firmware_bridge.flasher import FlashError, Stm32Flasher

        last_pct = {"v": -10}

        def progress(stage: str, done: int, total: int) -> None:
            pct = int(100 * done / max(total, 1))
            if stage != "write" or pct >= last_pct["v"] + 10 or done == total:
                if stage == "write":
                    last_pct["v"] = pct
                self._publish(job=job, stage=stage, done=done, total=total, percent=pct)

        comp = self.comp
        result: dict[str, Any]
        boot = None
        with comp.ctx.activity.busy("flash"), comp.port_lock:
            try:
                # Reset pulses and boot delays are physical: real time even when the agent's clock is simulated.
                boot = comp._boot_factory() if comp._boot_factory else make_boot_control(comp.ctx.config, SystemClock(), emulated=comp.cfg.emulate)
                with bootloader_port(comp.port, self.fw.baud):
                    report = Stm32Flasher(comp.port, boot, page_size=self.fw.page_size, flash_base=self.fw.flash_base, flash_size=self.fw.flash_size,
                                          attempts=self.fw.attempts, progress=progress).flash(image)
                result = {"job": job, "stage": "done", "ok": True, "seconds": round(report.seconds, 2), "attempts": report.attempts,
                          "retries": report.retries, "sha256": image.sha256, "version": image.version, "started": report.started}
            except FlashError as e:
                result = {"job": job, "stage": "failed", "ok": False, "error": str(e), "in_bootloader": e.in_bootloader}
            except Exception as e:  # the daemon must survive anything a flash throws
                log.exception("flash job crashed", extra=fields(job=job))
                result = {"job": job, "stage": "failed", "ok": False, "error": f"{type(e).__name__}: {e}", "in_bootloader": False}
            finally:
                if boot is not None and not comp._boot_factory:
                    boot.close()
                comp.flashing = False
        self.last_result = result
        self._publish(**result)
        log.info("remote flash finished", extra=fields(**{k: v for k, v in result.items() if k != "error"}))
