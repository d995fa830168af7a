"""The benchmark harness runs and reports its figures (the figures themselves are printed, not asserted)."""

from __future__ import annotations

from agent.sensors.bench import bench_config, run_bench


def test_bench_rig_is_32_sensors_on_distinct_pins():
    cfg = bench_config()
    assert len(cfg.sensors.devices) == 32
    pins = [p for d in cfg.sensors.devices for p in (d.pin, d.trigger) if p >= 0 and d.kind not in ("loadcell", "thermistor")]
    assert len(pins) == len(set(pins))


def test_bench_runs_and_reports(factory):
    lines = []
    res = run_bench(0.5, out=lambda *a, **k: lines.append(a[0]))
    assert res["sensors"] == 32 and res["ticks"] >= 3
    assert res["cpu_pct_one_core"] > 0 and res["adc_read_us"] > 0
    assert any("process CPU" in line for line in lines)
