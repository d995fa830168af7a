"""One gpiozero device per configured sensor, behind a tiny ``read()`` interface.

Analog kinds return a raw float (metres, ADC fraction, degrees C) or None when
nothing could be read; digital kinds return 0/1 and count activations through
gpiozero's edge callbacks, because a product falling through a drop beam
breaks it for a few milliseconds, far shorter than one sample at 10 Hz.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

from agent.sensors.settings import SensorSpec

# Raw valid ranges when the config does not set them.
DEFAULT_RANGES = {
    "ultrasonic": (0.02, 0.999),   # HC-SR04 cannot see closer than 2 cm; at max_distance it heard no echo
    "loadcell": (0.002, 0.998),    # a rail reading means a broken wire or a saturated amplifier
    "thermistor": (-30.0, 90.0),
    "cpu_temp": (-20.0, 95.0),
}


class Channel:
    """A configured sensor's gpiozero device."""

    def __init__(self, spec: SensorSpec, device: Any) -> None:
        self.spec = spec
        self.device = device
        self.count = 0
        self._lock = threading.Lock()

    def read(self) -> float | None:
        k, dev = self.spec.kind, self.device
        try:
            if k == "ultrasonic":
                return float(dev.distance)
            if k in ("loadcell", "thermistor"):
                return float(dev.value)
            if k == "cpu_temp":
                return float(dev.temperature)
            if k == "pir":
                # The pin itself, not MotionSensor's queue: the sampler debounces, and a fast
                # simulation must not depend on the queue thread's real-time pace.
                return 1.0 if bool(dev.pin.state) == (not self.spec.pull_up and self.spec.active_high) else 0.0
            return 1.0 if dev.is_active else 0.0
        except (OSError, ValueError, RuntimeError):
            return None

    def _on_active(self) -> None:
        with self._lock:
            self.count += 1

    def take_count(self) -> int:
        with self._lock:
            n, self.count = self.count, 0
            return n

    def valid_range(self) -> tuple[float, float]:
        lo, hi = DEFAULT_RANGES.get(self.spec.kind, (0.0, 1.0))
        if self.spec.kind == "ultrasonic":
            hi = hi * self.spec.max_distance_m
        return (self.spec.valid_min if self.spec.valid_min is not None else lo,
                self.spec.valid_max if self.spec.valid_max is not None else hi)

    def close(self) -> None:
        try:
            if self.spec.kind == "ultrasonic":
                # DistanceSensor.close() drops its trigger before stopping its sampling thread,
                # which then crashes on the missing trigger; stop the thread first.
                import gpiozero

                gpiozero.SmoothedInputDevice.close(self.device)
            self.device.close()
        except Exception:
            pass


def open_channel(spec: SensorSpec, factory: Any) -> Channel:
    """Build the gpiozero device for ``spec`` on ``factory``."""
    import gpiozero

    k = spec.kind
    if k == "ultrasonic":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PWMSoftwareFallback: we take our own median anyway
            dev = gpiozero.DistanceSensor(echo=spec.pin, trigger=spec.trigger, queue_len=1, partial=True,
                                          max_distance=spec.max_distance_m, pin_factory=factory)
    elif k in ("loadcell", "thermistor"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPISoftwareFallback on boards without spidev
            dev = gpiozero.MCP3008(channel=spec.channel, device=spec.spi_device, pin_factory=factory)
    elif k == "cpu_temp":
        dev = gpiozero.CPUTemperature(sensor_file=spec.sensor_file, pin_factory=factory)
    elif k == "pir":
        dev = gpiozero.MotionSensor(spec.pin, pull_up=spec.pull_up if spec.pull_up else None,
                                    active_state=None if spec.pull_up else spec.active_high,
                                    queue_len=1, pin_factory=factory)
    elif k in ("door", "switch"):
        dev = gpiozero.Button(spec.pin, pull_up=spec.pull_up if spec.pull_up else None,
                              active_state=None if spec.pull_up else spec.active_high,
                              bounce_time=spec.bounce_s or None, pin_factory=factory)
    else:  # beam
        dev = gpiozero.DigitalInputDevice(spec.pin, pull_up=spec.pull_up if spec.pull_up else None,
                                          active_state=None if spec.pull_up else spec.active_high,
                                          bounce_time=spec.bounce_s or None, pin_factory=factory)
    ch = Channel(spec, dev)
    if k == "beam":
        dev.when_activated = ch._on_active
    return ch
