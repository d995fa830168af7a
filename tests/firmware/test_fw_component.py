"""The controller-link component against the emulated controller."""

import threading

import pytest

from agent.clock import ManualClock
from agent.component import AgentContext, CommandError
from agent.config import build_config
from agent.events import EventKind
from firmware_bridge import build_component
from firmware_bridge.component import ControllerComponent
from firmware_bridge.framing import Frame, encode_frame
from firmware_bridge.link import ControllerLink
from firmware_bridge.serialport import open_serial

from .conftest import FAST_BAUD


def make_ctx(tmp_path, clock=None, **sections):
    raw = {"device": {"data_dir": str(tmp_path)}, **sections}
    ctx = AgentContext(config=build_config(raw), clock=clock or ManualClock())
    events = []
    ctx.bus.subscribe(events.append)
    return ctx, events


def kinds(events, kind):
    return [e.data for e in events if e.kind == kind]


def test_disabled_by_default_is_healthy_and_idle(tmp_path):
    ctx, _ = make_ctx(tmp_path)
    comp = build_component(ctx)
    assert comp.health() == {"ok": True, "disabled": True}
    assert "vend" not in ctx.commands.names()
    stop = threading.Event()
    t = threading.Thread(target=comp.run, args=(stop,))
    t.start()
    stop.set()
    t.join(2)
    assert not t.is_alive()


@pytest.fixture
def comp(tmp_path, app_device):
    ctx, events = make_ctx(tmp_path, controller={"slot_skus": {"1": "SKU-COLA"}, "silent_after_s": 10.0, "timeout_s": 0.1, "retries": 1})
    c = ControllerComponent(ctx, port_factory=lambda: open_serial(app_device.path, FAST_BAUD, timeout=0.1))
    c._open()
    c._started = ctx.clock.monotonic()
    yield c, ctx, events, app_device
    c.port.close()


def test_poll_publishes_stock_once_per_change(comp):
    c, ctx, events, dev = comp
    assert c.poll_once()
    stock = kinds(events, EventKind.STOCK)
    assert len(stock) == 6 and stock[0] == {"slot": "1", "sku": "SKU-COLA", "units": 8, "state": "ok"}
    assert stock[1]["sku"] is None
    assert kinds(events, EventKind.TELEMETRY)[0]["controller_temp_c"] == 4.5
    c.poll_once()
    assert len(kinds(events, EventKind.STOCK)) == 6  # nothing changed
    dev.app.slots[3].state = "jammed"
    c.poll_once()
    assert kinds(events, EventKind.STOCK)[-1] == {"slot": "3", "sku": None, "units": 8, "state": "jammed"}
    assert kinds(events, EventKind.TELEMETRY)[-1]["motor_faults"] == [3]
    assert c.health()["ok"]


def test_vend_command_by_sku_publishes_vend_and_stock_inside_activity(comp):
    c, ctx, events, dev = comp
    seen = []
    orig = ctx.activity.busy
    ctx.activity.busy = lambda what: (seen.append(what), orig(what))[1]
    r = ctx.commands.dispatch("vend", {"sku": "SKU-COLA"})
    assert r == {"slot": 1, "result": "ok", "units_left": 7} and seen == ["vend"]
    assert dev.app.slots[1].units == 7
    assert kinds(events, EventKind.VEND) == [{"slot": "1", "sku": "SKU-COLA", "units": 1, "result": "ok", "units_left": 7}]
    assert kinds(events, EventKind.STOCK)[-1]["units"] == 7
    with pytest.raises(CommandError, match="no controller slot"):
        ctx.commands.dispatch("vend", {"sku": "NOPE"})
    with pytest.raises(CommandError, match="out of range"):
        ctx.commands.dispatch("vend", {"slot": 900})
    assert ctx.commands.dispatch("vend", {"slot": 42})["result"] == "unknown_slot"


class LossyPort:
    """Wraps a serial port; mangles what the controller sends back, once."""

    def __init__(self, port, mode):
        self.p, self.mode, self.done = port, mode, False

    @property
    def timeout(self):
        return self.p.timeout

    @timeout.setter
    def timeout(self, v):
        self.p.timeout = v

    def write(self, data):
        return self.p.write(data)

    def reset_input_buffer(self):
        self.p.reset_input_buffer()

    @property
    def in_waiting(self):
        return self.p.in_waiting

    def read(self, n=1):
        data = self.p.read(n)
        if data and not self.done:
            self.done = True
            if self.mode == "lose":
                while self.p.read(256):
                    pass
                return b""
            if self.mode == "corrupt":
                self.p.timeout = 0.05
                data += self.p.read(5)  # the whole short reply
                return data[:2] + bytes([data[2] ^ 0x40]) + data[3:]
            if self.mode == "stale":
                return encode_frame(Frame(0xEE, 0xA0, b"\x01\x00\x63")) + data
        return data


@pytest.mark.parametrize(("mode", "stat"), [("lose", "timeouts"), ("corrupt", "bad_frames"), ("stale", "stale_replies")])
def test_lost_corrupt_and_out_of_order_replies_do_not_double_vend(app_device, mode, stat):
    port = LossyPort(open_serial(app_device.path, FAST_BAUD, timeout=0.1), mode)
    link = ControllerLink(port, timeout_s=0.2, retries=2)
    r = link.vend(2)
    assert r.ok and r.units_left == 7
    assert app_device.app.vends_executed == 1 and app_device.app.slots[2].units == 7
    assert link.stats[stat] >= 1
    port.p.close()


def test_silent_controller_raises_health_event_once_and_recovers(comp):
    c, ctx, events, dev = comp
    assert c.poll_once()
    dev.silent = True
    assert not c.poll_once()
    assert kinds(events, EventKind.HEALTH) == []  # not yet silent for long
    ctx.clock.advance(11)
    c.poll_once()
    c.poll_once()
    (h,) = kinds(events, EventKind.HEALTH)
    assert h["ok"] is False and "silent" in h["problem"] and h["component"] == "controller"
    assert c.health()["ok"] is False
    dev.silent = False
    assert c.poll_once()
    assert kinds(events, EventKind.HEALTH)[-1]["ok"] is True and c.health()["ok"]


def test_audit_sales_between_reads_survive_restart(comp, tmp_path, app_device):
    c, ctx, events, dev = comp
    assert c.audit_once() == []
    assert kinds(events, EventKind.AUDIT)[0]["baseline"] is True
    ctx.commands.dispatch("vend", {"slot": 1})
    ctx.commands.dispatch("vend", {"slot": 1})
    # a new component (daemon restart) diffs against the stored audit
    c2 = ControllerComponent(ctx, port_factory=lambda: c.port)
    c2.link = c.link
    c2._load_audit_state()
    sales = c2.audit_once()
    assert sales == [{"slot": "1", "sku": "SKU-COLA", "units": 2, "value": 300, "counter_reset": False}]
    a = kinds(events, EventKind.AUDIT)[-1]
    assert a["ok"] and a["machine"] == "EMU0001" and not a["baseline"]


def test_malformed_audit_is_reported_and_baseline_kept(comp):
    c, ctx, events, dev = comp
    c.audit_once()
    assert c.ingest_audit("ST*001*0001\nPA1*1*150\nPA2*x*1\nSE*4*0001\n") is None
    bad = kinds(events, EventKind.AUDIT)[-1]
    assert bad["ok"] is False and "line 3, PA2 field 1" in bad["error"]
    assert c._last_audit is not None and c._last_audit.machine_serial == "EMU0001"


def test_emulated_controller_from_config_runs_end_to_end(tmp_path, running):
    ctx, events = make_ctx(tmp_path, clock=ManualClock(), controller={"emulate": True, "baud": 115200, "audit_every_s": 0.0})
    comp = build_component(ctx)
    with running(comp) as stop:
        for _ in range(200):
            if len(kinds(events, EventKind.STOCK)) >= 6:
                break
            stop.wait(0.02)
        assert len(kinds(events, EventKind.STOCK)) == 6
        assert comp.health()["ok"] and comp.health()["disabled"] is False
        assert ctx.commands.dispatch("vend", {"slot": 4})["units_left"] == 7
