"""The vending controller's application firmware, as seen over its serial link."""

from __future__ import annotations

from dataclasses import dataclass, field

from firmware_bridge import protocol as p
from firmware_bridge.framing import Frame


@dataclass
class Slot:
    units: int = 8
    state: str = "ok"
    vended: int = 0
    price: int = 150  # cents


@dataclass
class ControllerApp:
    slots: dict[int, Slot] = field(default_factory=lambda: {i: Slot() for i in range(1, 7)})
    temperature: float = 4.5
    setpoint: float = 4.0
    version: str = "emu-controller 1.0"
    machine_serial: str = "EMU0001"
    cash_cents: int = 0
    # The last request and its reply, so a retry (same seq, same bytes) is answered without running twice.
    _last: tuple[Frame, Frame] | None = None
    vends_executed: int = 0

    def handle(self, req: Frame) -> tuple[Frame, str | None]:
        """Reply to one request; the second value asks the device to enter the bootloader."""
        if self._last is not None and self._last[0] == req:
            return self._last[1], None
        reply, action = self._execute(req)
        self._last = (req, reply)
        return reply, action

    def boot(self) -> None:
        """RAM does not survive a reset: the retry cache starts empty."""
        self._last = None

    def _err(self, req: Frame, code: int, text: str) -> Frame:
        return Frame(req.seq, p.ERROR, bytes([code]) + text.encode())

    def _execute(self, req: Frame) -> tuple[Frame, str | None]:
        k = req.kind
        out = lambda body: Frame(req.seq, k | p.REPLY, body)  # noqa: E731
        if k == p.PING:
            return out(self.version.encode()), None
        if k == p.GET_SLOTS:
            return out(p.pack_slots([p.SlotState(n, s.units, s.state) for n, s in sorted(self.slots.items())])), None
        if k == p.GET_MOTORS:
            return out(p.pack_motors([p.MotorState(n, "fault" if s.state == "jammed" else "idle", 0) for n, s in sorted(self.slots.items())])), None
        if k == p.GET_TEMP:
            return out(p.pack_temp(self.temperature, self.setpoint)), None
        if k == p.VEND:
            if len(req.body) != 1:
                return self._err(req, 2, "VEND needs a 1-byte slot"), None
            n = req.body[0]
            s = self.slots.get(n)
            if s is None:
                return out(p.pack_vend(p.VendResult(n, "unknown_slot", 0))), None
            if s.state == "jammed":
                return out(p.pack_vend(p.VendResult(n, "jammed", s.units))), None
            if s.units <= 0:
                return out(p.pack_vend(p.VendResult(n, "empty", 0))), None
            s.units -= 1
            s.vended += 1
            self.cash_cents += s.price
            self.vends_executed += 1
            if s.units == 0:
                s.state = "empty"
            return out(p.pack_vend(p.VendResult(n, "ok", s.units))), None
        if k == p.GET_AUDIT:
            if len(req.body) != 6:
                return self._err(req, 2, "GET_AUDIT needs offset(4) length(2)"), None
            off, n = int.from_bytes(req.body[:4], "big"), int.from_bytes(req.body[4:], "big")
            text = self.audit_text().encode("latin-1")
            n = min(n, p.AUDIT_CHUNK)
            return out(len(text).to_bytes(4, "big") + off.to_bytes(4, "big") + text[off:off + n]), None
        if k == p.ENTER_BOOTLOADER:
            return out(b""), "bootloader"
        return self._err(req, 1, f"kind 0x{k:02x}"), None

    def audit_text(self) -> str:
        """An EVA-DTS 6.1 DEX/UCS audit of the current counters."""
        lines = ["DXS*EMU0000001*VA*V1/1*1", "ST*001*0001", f"ID1*{self.machine_serial}*EMU-MODEL*0001**", "CB1*EMU-CTRL*1.0*"]
        total_v = total_n = 0
        for n, s in sorted(self.slots.items()):
            lines += [f"PA1*{n}*{s.price}*", f"PA2*{s.vended}*{s.vended * s.price}*0*0"]
            total_v += s.vended * s.price
            total_n += s.vended
        lines.insert(4, f"VA1*{total_v}*{total_n}*0*0")
        lines += [f"CA2*{self.cash_cents}*{total_n}*0*0", "EA1*EGS*260101*0000**", "G85*ABCD"]
        lines += [f"SE*{len(lines)}*0001", "DXE*1*1"]  # ST..SE inclusive: all but DXS, plus SE itself
        return "\r\n".join(lines) + "\r\n"
