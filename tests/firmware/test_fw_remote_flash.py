"""fw_flash as the sync layer would dispatch it: window, staging, checks, progress events."""

import base64
import os
import time

import pytest

from agent.clock import ManualClock
from agent.component import CommandError
from agent.events import EventKind
from agent.signing import generate_keypair, public_pem
from firmware_bridge.component import ControllerComponent
from firmware_bridge.image import make_manifest
from firmware_bridge.serialport import open_serial

from .conftest import FAST_BAUD, make_device
from .test_fw_component import kinds, make_ctx

KEY, PUB = generate_keypair()


@pytest.fixture
def setup(tmp_path, pins, boot):
    dev = make_device(pins)
    clock = ManualClock()  # 2026-01-01 00:00 UTC
    ctx, events = make_ctx(tmp_path, clock=clock, firmware={"maintenance_window": "02:00-04:00", "public_key": public_pem(PUB).decode(),
                                                            "page_size": 2048, "fetch_hosts": ["127.0.0.1"]})
    comp = ControllerComponent(ctx, port_factory=lambda: open_serial(dev.path, FAST_BAUD, timeout=0.2), boot_factory=lambda: boot)
    comp._open()
    yield comp, ctx, events, dev, clock
    comp.port.close()
    dev.stop()


def wait_done(comp, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end and (comp.remote.thread is None or comp.remote.thread.is_alive()):
        time.sleep(0.02)
    return comp.remote.last_result


def args_for(data, **extra):
    return {"image_b64": base64.b64encode(data).decode(), "manifest": make_manifest(data, KEY, version="2.0.0"), **extra}


def test_refused_outside_maintenance_window(setup):
    comp, ctx, events, dev, clock = setup
    before = bytes(dev.rom.flash)
    with pytest.raises(CommandError, match=r"maintenance window \(02:00-04:00"):
        ctx.commands.dispatch("fw_flash", args_for(os.urandom(4096)))
    assert bytes(dev.rom.flash) == before and kinds(events, EventKind.FIRMWARE) == []


def test_signed_image_flashed_with_progress_inside_window(setup):
    comp, ctx, events, dev, clock = setup
    clock.advance(2.5 * 3600)
    data = os.urandom(20_000)
    r = ctx.commands.dispatch("fw_flash", args_for(data))
    assert r["accepted"] and r["size"] == 20_000 and r["version"] == "2.0.0"
    result = wait_done(comp)
    assert result["ok"] and result["stage"] == "done", result
    assert bytes(dev.rom.flash[:20_000]) == data
    fw = kinds(events, EventKind.FIRMWARE)
    stages = [e["stage"] for e in fw]
    assert stages[0] == "accepted" and stages[-1] == "done" and "erase" in stages and "verify" in stages
    writes = [e["percent"] for e in fw if e["stage"] == "write"]
    assert writes == sorted(writes) and writes[-1] == 100 and 5 <= len(writes) <= 12  # throttled, not one per chunk
    assert (ctx.data_dir / "firmware" / f"{r['sha256']}.bin").read_bytes() == data
    assert dev.wait_mode("app")
    assert comp.poll_once()  # the link is usable again after the flash


@pytest.mark.parametrize(("mutate", "match"), [
    (lambda a: {**a, "manifest": {**a["manifest"], "version": "6.6.6"}}, "signature"),
    (lambda a: {k: v for k, v in a.items() if k != "manifest"}, "no manifest"),
    (lambda a: {**a, "image_b64": "!!notbase64"}, "base64"),
    (lambda a: {"path": "../../etc/passwd", "manifest": a["manifest"]}, "inside the staging directory"),
    (lambda a: {"url": "http://example.com/fw.bin", "manifest": a["manifest"]}, "fetch_hosts"),
    (lambda a: {"manifest": a["manifest"]}, "needs one of"),
])
def test_bad_requests_are_refused_before_touching_the_device(setup, mutate, match):
    comp, ctx, events, dev, clock = setup
    clock.advance(3 * 3600)
    before = bytes(dev.rom.flash)
    with pytest.raises(CommandError, match=match):
        ctx.commands.dispatch("fw_flash", mutate(args_for(os.urandom(1024))))
    assert bytes(dev.rom.flash) == before and comp.remote.thread is None


def test_second_flash_while_one_runs_is_refused(setup):
    comp, ctx, events, dev, clock = setup
    clock.advance(2.1 * 3600)
    ctx.commands.dispatch("fw_flash", args_for(os.urandom(60_000)))
    with pytest.raises(CommandError, match="already running"):
        ctx.commands.dispatch("fw_flash", args_for(os.urandom(1024)))
    assert wait_done(comp)["ok"]


def test_emulated_controller_flashed_remotely_through_the_link(tmp_path, running):
    """emulate = true: bootloader entered by the ENTER_BOOTLOADER request, app started by GO, link usable after."""
    from firmware_bridge import build_component

    clock = ManualClock()
    clock.advance(2 * 3600 + 60)
    ctx, events = make_ctx(tmp_path, clock=clock, controller={"emulate": True, "audit_every_s": 0.0},
                           firmware={"maintenance_window": "02:00-04:00", "require_signature": False})
    comp = build_component(ctx)
    with running(comp) as stop:
        for _ in range(200):
            if comp.port is not None and len(kinds(events, EventKind.STOCK)) >= 6:
                break
            stop.wait(0.02)
        data = os.urandom(3000)
        assert ctx.commands.dispatch("fw_flash", {"image_b64": base64.b64encode(data).decode()})["accepted"]
        result = wait_done(comp)
        assert result["ok"], result
        dev = comp._emulated
        assert bytes(dev.rom.flash[:3000]) == data and dev.wait_mode("app")
        assert ctx.commands.dispatch("vend", {"slot": 2})["result"] == "ok"
        assert comp.firmware_state()["last_flash"]["ok"] is True


def test_image_fetched_from_an_allowed_local_host(setup, tmp_path):
    import functools
    import http.server
    import threading

    comp, ctx, events, dev, clock = setup
    clock.advance(2.5 * 3600)
    data = os.urandom(5000)
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "fw.bin").write_bytes(data)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_address[1]}/fw.bin"
        manifest = make_manifest(data, KEY, version="2.1.0")
        assert ctx.commands.dispatch("fw_flash", {"url": url, "manifest": manifest})["accepted"]
        assert wait_done(comp)["ok"]
        assert bytes(dev.rom.flash[:5000]) == data
        with pytest.raises(CommandError, match="could not fetch"):
            ctx.commands.dispatch("fw_flash", {"url": url.replace("fw.bin", "missing.bin"), "manifest": manifest})
    finally:
        srv.shutdown()
