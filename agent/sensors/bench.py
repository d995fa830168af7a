"""``edge-agent bench sensors``: what 32 sensors sampled at 10 Hz cost.

Runs the real engine at its real cadence on mock pins and reports process CPU
time over wall time, so the figure includes gpiozero's own threads (the
DistanceSensor queues). By default the MCP3008s answer whole SPI transfers as
a Pi's hardware SPI does; ``--bit-spi`` uses gpiozero's software SPI on mock
pins instead, which bit-bangs 24 clocks per read in Python (a cost a Pi with
spidev does not pay, but one without it would).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from agent.bus import EventBus
from agent.clock import SystemClock
from agent.config import build_config

# BCM pins left once SPI0 (7-11) is taken; 2 and 3 have fixed pull-ups (I2C), so they go to pulled-up inputs last.
GPIO_FREE = [4, 5, 6, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 0, 1, 2, 3]


def bench_config(n_ultrasonic: int = 6, n_loadcell: int = 8, n_thermistor: int = 8, n_digital: int = 10):
    pins = list(GPIO_FREE)
    devices: list[dict[str, Any]] = []
    slots: list[dict[str, Any]] = []
    for i in range(n_ultrasonic):
        slot = f"U{i}"
        devices.append({"id": f"us{i}", "kind": "ultrasonic", "slot": slot, "pin": pins.pop(0), "trigger": pins.pop(0)})
        slots.append({"slot": slot, "sku": f"SKU-{slot}"})
    for i in range(n_loadcell):
        slot = f"L{i}"
        devices.append({"id": f"lc{i}", "kind": "loadcell", "slot": slot, "channel": i, "spi_device": 0, "tare_kg": 2.0})
        slots.append({"slot": slot, "sku": f"SKU-{slot}"})
    for i in range(n_thermistor):
        devices.append({"id": f"th{i}", "kind": "thermistor", "channel": i, "spi_device": 1})
    kinds = ["beam", "beam", "beam", "beam", "beam", "beam", "door", "pir", "switch", "switch"]
    for i in range(n_digital):
        kind = kinds[i % len(kinds)]
        pin = pins.pop(0)
        d = {"id": f"d{i}", "kind": kind, "pin": pin, "pull_up": pin in (2, 3)}
        if kind in ("beam", "switch"):
            d["slot"] = f"D{i}"
            slots.append({"slot": f"D{i}", "sku": f"SKU-D{i}"})
        devices.append(d)
    return build_config({"sensors": {"devices": devices, "rate_hz": 10.0}, "stock": {"slots": slots}})


def _rig(word_spi: bool):
    from gpiozero import Device

    from agent.sensors.mock_hw import EchoPin, EchoTriggerPin, MockMCP3008, WordSPIFactory, sim_factory

    cfg = bench_config()
    factory = WordSPIFactory() if word_spi else sim_factory()
    Device.pin_factory = factory
    chips = factory.adcs if word_spi else [MockMCP3008(factory, select_pin=8, noise_lsb=1), MockMCP3008(factory, select_pin=7, noise_lsb=1, seed=2)]
    for c in chips:
        for ch in range(8):
            c.set_fraction(ch, 0.4)
    for d in cfg.sensors.devices:
        if d.kind == "ultrasonic":
            echo = factory.pin(d.pin, pin_class=EchoPin)
            factory.pin(d.trigger, pin_class=EchoTriggerPin, echo_pin=echo, distance_m=0.3, noise_m=0.002)
    return cfg, factory


def run_bench(seconds: float = 10.0, word_spi: bool = True, out=print) -> dict[str, float]:
    """Sample the 32-sensor rig at 10 Hz for ``seconds`` and report CPU; ``word_spi`` = hardware-style SPI."""
    from agent.sensors.engine import SensorEngine

    cfg, factory = _rig(word_spi)
    engine = SensorEngine(cfg.sensors, cfg.stock, cfg.alerts, clock=SystemClock(), bus=EventBus(), factory=factory)
    for d in cfg.sensors.devices:
        if d.kind == "switch":  # product present; after construction, which sets the pull
            pin = factory.pin(d.pin)
            pin.drive_low() if d.pull_up else pin.drive_high()
    n = len(cfg.sensors.devices)
    try:
        adc = [t.channel for t in engine.tracked if t.channel.spec.kind in ("loadcell", "thermistor")]
        t0 = time.process_time()
        for _ in range(20):
            for ch in adc:
                ch.read()
        spi_read_s = (time.process_time() - t0) / (20 * len(adc))
        time.sleep(0.5)  # let the DistanceSensor queues fill
        dt = 1.0 / cfg.sensors.rate_hz
        ticks: list[float] = []
        spi = "word-level (one transfer per read, like hardware SPI)" if word_spi else "bit-banged on mock pins (gpiozero software SPI)"
        out(f"bench sensors: {n} sensors at {cfg.sensors.rate_hz:g} Hz for {seconds:g} s, MCP3008 SPI {spi} ...", flush=True)
        cpu0, wall0, thr0 = time.process_time(), time.monotonic(), time.thread_time()
        k = 0
        while time.monotonic() - wall0 < seconds:
            a = time.perf_counter()
            engine.tick()
            ticks.append(time.perf_counter() - a)
            k += 1
            time.sleep(max(0.0, wall0 + k * dt - time.monotonic()))
        cpu, wall, thr = time.process_time() - cpu0, time.monotonic() - wall0, time.thread_time() - thr0
    finally:
        engine.close()
    res = {
        "sensors": n, "rate_hz": cfg.sensors.rate_hz, "ticks": k, "wall_s": wall,
        "cpu_pct_one_core": 100.0 * cpu / wall,
        "tick_mean_ms": 1000 * statistics.fmean(ticks), "tick_p99_ms": 1000 * sorted(ticks)[int(0.99 * (len(ticks) - 1))],
        "adc_read_us": 1e6 * spi_read_s, "adc_pct_one_core": 100.0 * spi_read_s * len(adc) * k / wall,
        "sampler_thread_pct": 100.0 * thr / wall, "gpiozero_threads_pct": 100.0 * (cpu - thr) / wall,
    }
    out(f"  sensors={n} (6 ultrasonic, 8 loadcell + 8 thermistor on 2 MCP3008, 10 digital) rate={res['rate_hz']:g} Hz ticks={k}")
    out(f"  process CPU = {res['cpu_pct_one_core']:.2f}% of one core (target <= 5%)")
    out(f"  split: sampling thread (engine + reads) = {res['sampler_thread_pct']:.2f}%, "
        f"gpiozero's own threads (DistanceSensor queues) = {res['gpiozero_threads_pct']:.2f}%")
    out(f"  tick wall time mean = {res['tick_mean_ms']:.3f} ms, p99 = {res['tick_p99_ms']:.3f} ms")
    out(f"  one MCP3008 read = {res['adc_read_us']:.0f} us, all 16 ADC reads = {res['adc_pct_one_core']:.2f}% of one core")
    return res
