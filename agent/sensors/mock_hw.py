"""Stand-ins for hardware that cannot exist here, speaking to gpiozero through its mock pins.

gpiozero's own test suite drives ``DistanceSensor`` with a trigger pin that
echoes and ``MCP3008`` with a ``MockSPIDevice`` that answers the chip's SPI
protocol; these are the same ideas, with two changes a long simulation needs:
pins do not record every state change (gpiozero's ``MockPin.states`` grows
forever, and an MCP3008 read toggles the clock 48 times), and the ultrasonic
echo is produced synchronously with its timestamps set from the wanted
distance, so a reading does not cost tens of milliseconds of real sleeping.
"""

from __future__ import annotations

import random
import threading
from time import monotonic

from gpiozero.pins.mock import MockFactory, MockPin, MockSPIClockPin, MockSPIDevice, MockSPISelectPin

SPEED_OF_SOUND = 343.26  # m/s, as gpiozero's DistanceSensor uses
VREF = 3.3


class _Quiet:
    """Mixin: keep pin state without appending to ``states``."""

    _state: bool
    _last_change: float

    def _change_state(self, value):
        if self._state != value:
            self._state = value
            self._last_change = monotonic()
            return True
        return False


class QuietPin(_Quiet, MockPin):
    pass


class QuietSPIClockPin(_Quiet, MockSPIClockPin):
    pass


class QuietSPISelectPin(_Quiet, MockSPISelectPin):
    pass


class EchoPin(MockPin):
    """An HC-SR04 echo line whose edge timestamps come from its trigger pin."""

    def __init__(self, factory, info):
        super().__init__(factory, info)
        self.ticks = 0.0

    def _change_state(self, value):
        if self._state != value:
            self._state = value
            self._last_change = self.ticks
            return True
        return False


class EchoTriggerPin(QuietPin):
    """An HC-SR04 trigger: a pulse makes ``echo_pin`` go high for the round trip to ``distance_m``.

    ``distance_m = None`` is a disconnected sensor (no echo at all). ``pulses``
    counts completed trigger pulses so a fast simulation can wait until the
    sensor has measured the distance it just set.
    """

    def __init__(self, factory, info, echo_pin: EchoPin | None = None, distance_m: float | None = 0.5,
                 noise_m: float = 0.0, seed: int = 0):
        super().__init__(factory, info)
        self.echo_pin = echo_pin
        self.distance_m = distance_m
        self.noise_m = noise_m
        self._rng = random.Random(seed)
        self.pulses = 0
        self._cond = threading.Condition()

    def _set_state(self, value):
        super()._set_state(value)
        echo = self.echo_pin
        if value and echo is not None and self.distance_m is not None:
            echo.ticks += 0.0005
            echo.drive_high()
            d = self.distance_m + (self._rng.uniform(-self.noise_m, self.noise_m) if self.noise_m else 0.0)
            echo.ticks += 2.0 * max(d, 0.0) / SPEED_OF_SOUND
            echo.drive_low()
        if not value:
            with self._cond:
                self.pulses += 1
                self._cond.notify_all()

    def wait_pulses(self, n: int, timeout: float = 2.0) -> bool:
        """Block (real time) until ``n`` more trigger pulses happened."""
        with self._cond:
            target = self.pulses + n
            return self._cond.wait_for(lambda: self.pulses >= target, timeout)


class MockMCP3008(MockSPIDevice):
    """The slave side of an MCP3008 (10-bit, 8 channels) on the mock SPI pins.

    ``channels`` holds volts (0..VREF) per channel; the wire protocol is the
    chip's: start bit, single/diff bit, 3 channel bits, then a null bit and 10
    data bits clocked out MSB first.
    """

    def __init__(self, factory: MockFactory, select_pin: int = 8, noise_lsb: int = 0, seed: int = 0):
        factory.pin(11, pin_class=QuietSPIClockPin)
        factory.pin(select_pin, pin_class=QuietSPISelectPin)
        super().__init__(11, 10, 9, select_pin, pin_factory=factory)
        self.channels = [0.0] * 8
        self.connected = [True] * 8
        self.noise_lsb = noise_lsb
        self._rng = random.Random(seed)
        self.state = "idle"

    def on_start(self):
        super().on_start()
        self.state = "idle"

    def on_bit(self):
        if self.state == "idle":
            if self.rx_buf[-1]:
                self.state = "mode"
                self.rx_buf = []
        elif self.state == "mode":
            self.state = "single" if self.rx_buf[-1] else "diff"
            self.rx_buf = []
        elif self.state in ("single", "diff"):
            if len(self.rx_buf) == 3:
                self._answer(self.state == "diff", self.rx_word())
                self.state = "result"
        elif self.state == "result" and not self.tx_buf:
            self.state = "idle"
            self.rx_buf = []

    def _answer(self, differential: bool, channel: int) -> None:
        volts = self.channels[channel] - self.channels[channel ^ 1] if differential else self.channels[channel]
        volts = min(max(volts, 0.0), VREF)
        code = round(volts / VREF * 1023)
        if self.noise_lsb:
            code = min(1023, max(0, code + self._rng.randint(-self.noise_lsb, self.noise_lsb)))
        if not self.connected[channel]:
            code = 1023  # a floating input with a pull-up reads full scale
        self.tx_word(code, 12)

    def set_fraction(self, channel: int, fraction: float) -> None:
        self.channels[channel] = min(max(fraction, 0.0), 1.0) * VREF


def sim_factory() -> MockFactory:
    """A MockFactory whose pins keep no state history (for long runs)."""
    return MockFactory(pin_class=QuietPin)


class WordSPIMCP3008:
    """An MCP3008 answering whole SPI transfers, as a Pi's hardware SPI (spidev) delivers them.

    gpiozero's MCP3008 sends ``[1, SGL<<7 | CH<<4, 0]`` and decodes the 10-bit
    code from the last two reply bytes; this answers that exchange in one call
    instead of bit-banging 24 clocks on mock pins, so a benchmark measures the
    agent and not the mock SPI.
    """

    bits_per_word = 8

    def __init__(self, noise_lsb: int = 0, seed: int = 0) -> None:
        self.channels = [0.0] * 8
        self.connected = [True] * 8
        self.noise_lsb = noise_lsb
        self._rng = random.Random(seed)
        self.closed = False

    def set_fraction(self, channel: int, fraction: float) -> None:
        self.channels[channel] = min(max(fraction, 0.0), 1.0) * VREF

    def transfer(self, data):
        start, cmd = data[0], data[1]
        if start != 1:
            return [0] * len(data)
        ch = (cmd >> 4) & 7
        volts = self.channels[ch] if cmd & 0x80 else self.channels[ch] - self.channels[ch ^ 1]
        code = round(min(max(volts, 0.0), VREF) / VREF * 1023) if self.connected[ch] else 1023
        if self.noise_lsb:
            code = min(1023, max(0, code + self._rng.randint(-self.noise_lsb, self.noise_lsb)))
        return [0, (code >> 8) & 0x03, code & 0xFF]

    def close(self) -> None:
        pass


class WordSPIFactory(MockFactory):
    """Mock pins plus hardware-style SPI: ``MCP3008(device=N)`` talks to ``adcs[N]``."""

    def __init__(self) -> None:
        super().__init__(pin_class=QuietPin)
        self.adcs = [WordSPIMCP3008(noise_lsb=1, seed=1), WordSPIMCP3008(noise_lsb=1, seed=2)]

    def spi(self, **spi_args):
        return self.adcs[int(spi_args.get("device", 0))]
