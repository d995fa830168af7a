"""``edge-agent simulate``, ``edge-agent alerts list|ack`` and ``edge-agent bench sensors``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub, groups) -> None:
    p = sub.add_parser("simulate", help="play a sensor scenario on gpiozero mock pins and print the events")
    p.add_argument("--scenario", default="vending_day", help="scenario file (.toml) or built-in name: vending_day, shelf_failing_sensor, demo")
    p.add_argument("--speed", type=float, default=None, help="run N times faster than real time (default: as fast as possible)")
    p.add_argument("--json", action="store_true", help="print every event as one JSON line")
    p.add_argument("--no-model", action="store_true", help="write alert text with the template, not the local model")
    p.add_argument("--data-dir", type=Path, default=None, help="keep alert state here (default: none)")
    p.set_defaults(func=cmd_simulate)

    a = sub.add_parser("alerts", help="open restock alerts: list, acknowledge")
    asub = a.add_subparsers(dest="alerts_cmd", metavar="ACTION", required=True)
    al = asub.add_parser("list", help="list open alerts")
    al.add_argument("--data-dir", type=Path, default=None, help="the agent's data dir (default: from --config or the defaults)")
    al.add_argument("--config", type=Path, default=None)
    al.set_defaults(func=cmd_alerts_list)
    ak = asub.add_parser("ack", help="acknowledge an open alert (the running agent applies it within a second)")
    ak.add_argument("alert_id")
    ak.add_argument("--data-dir", type=Path, default=None)
    ak.add_argument("--config", type=Path, default=None)
    ak.set_defaults(func=cmd_alerts_ack)

    b = groups["bench"].add_parser("sensors", help="CPU cost of 32 sensors sampled at 10 Hz")
    b.add_argument("--seconds", type=float, default=10.0)
    b.add_argument("--bit-spi", action="store_true", help="MCP3008 through gpiozero's bit-banged software SPI on mock pins (default: hardware-style SPI transfers)")
    b.set_defaults(func=cmd_bench)


def _err(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def _load_model(no_model: bool):
    from agent.llm.optional import load_model_or_none

    return None if no_model else load_model_or_none("alert text uses the template")


def check_expectations(sc, events) -> list[str]:
    """The scenario's [[expect]] entries against the events; a list of failures."""
    problems = []
    for ex in sc.expect:
        kind = ex.get("kind")
        if kind == "restock_alert":
            got = [e.data["level"] for e in events if e.kind == "restock_alert" and e.data.get("slot") == ex["slot"]]
            if got != list(ex["levels"]):
                problems.append(f"slot {ex['slot']}: expected alerts {ex['levels']}, got {got}")
        elif kind == "sensor_fault":
            got = [e for e in events if e.kind == "sensor_fault" and (not ex.get("sensor") or e.data.get("sensor") == ex["sensor"])]
            if len(got) != ex.get("count", 0):
                problems.append(f"expected {ex.get('count', 0)} sensor_fault {ex.get('sensor', '')}, got {len(got)}")
        elif kind == "final_units":
            last = {}
            for e in events:
                if e.kind == "stock":
                    last[e.data["slot"]] = e.data["units"]
            for slot, units in ex["units"].items():
                if last.get(slot) != units:
                    problems.append(f"slot {slot}: expected {units} units at the end, got {last.get(slot)}")
    return problems


def cmd_simulate(args) -> int:
    from agent.bus import EventBus
    from agent.clock import ManualClock, ScaledClock
    from agent.config import ConfigError
    from agent.sensors.alerts import AlertStore
    from agent.sensors.scenario import ScenarioRunner, load_scenario

    try:
        sc = load_scenario(args.scenario)
    except ConfigError as e:
        return _err(str(e))
    if args.speed is not None and args.speed <= 0:
        return _err("--speed must be positive")
    model = _load_model(args.no_model)
    clock = ScaledClock(args.speed) if args.speed else ManualClock()
    bus = EventBus()
    events = []

    def show(e) -> None:
        events.append(e)
        if args.json:
            print(e.to_json(), flush=True)
        elif e.kind != "telemetry":
            d = ", ".join(f"{k}={v}" for k, v in e.data.items() if k not in ("text_reason",))
            print(f"{_hhmm(e.ts - t_start)} {e.kind:16} {d}", flush=True)

    bus.subscribe(show)
    t_start = clock.time()
    store = AlertStore(args.data_dir / "sensors") if args.data_dir else None
    runner = ScenarioRunner(sc, clock, bus, model=lambda: model, store=store)

    def progress(rel: float, total: float) -> None:
        print(f"simulate {sc.name}: {_hhmm(rel)} of {_hhmm(total)}", file=sys.stderr, flush=True)

    try:
        runner.run(progress=progress)
    except KeyboardInterrupt:
        return 130
    finally:
        runner.close()
    problems = check_expectations(sc, events)
    counts: dict[str, int] = {}
    for e in events:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    print(f"simulate {sc.name}: {runner.engine.samples} sampling ticks, events: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())), file=sys.stderr)
    for p in problems:
        print(f"EXPECTATION FAILED: {p}", file=sys.stderr)
    if sc.expect and not problems:
        print(f"simulate {sc.name}: all {len(sc.expect)} expectations met", file=sys.stderr)
    return 1 if problems else 0


def _hhmm(s: float) -> str:
    s = int(s)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _store(args):
    from agent.sensors.alerts import AlertStore

    if args.data_dir is None:
        from agent.config import load_config

        data_dir = Path(load_config(args.config).device.data_dir)
    else:
        data_dir = args.data_dir
    return AlertStore(data_dir / "sensors")


def cmd_alerts_list(args) -> int:
    try:
        alerts = _store(args).load()
    except ValueError as e:
        return _err(str(e))
    if not alerts:
        print("no open alerts")
    for a in alerts:
        print(f"{a['id']}  {a['level']:8}  slot {a['slot']}: {a.get('text', '')}")
    return 0


def cmd_alerts_ack(args) -> int:
    try:
        p = _store(args).request_ack(args.alert_id, by="cli")
    except ValueError as e:
        return _err(str(e))
    print(f"ack for {args.alert_id} queued ({p}); the running agent resolves it within a second")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from agent.sensors.bench import run_bench

    run_bench(args.seconds, word_spi=not args.bit_spi)
    return 0
