"""What `edge-agent status`, GET /api/health, /metrics and the watchdog see.

One function builds the health report from the supervisor, the model holder
and what other components expose in ``ctx.shared``; the same report is
written to a state file (so `status` works without the HTTP server), sent as
a HEALTH event, and rendered as Prometheus text.
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from agent import __version__
from agent.component import AgentContext
from agent.daemon.model_holder import ModelHolder
from agent.daemon.supervisor import Supervisor
from agent.events import Event, EventKind


def read_temperatures(pattern: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in sorted(glob.glob(pattern)):
        try:
            milli = int(Path(p).read_text().strip())
        except (OSError, ValueError):
            continue
        out[Path(p).parent.name] = round(milli / 1000.0, 1)
    return out


def _call_shared(ctx: AgentContext, key: str) -> Any:
    v = ctx.shared.get(key)
    if not callable(v):
        return v
    try:
        return v()
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}


def outbox_depth(components: dict[str, dict[str, Any]], ctx: AgentContext) -> int | None:
    """From ctx.shared["outbox_depth"] if sync exposes it, else from any component health with such a key."""
    v = _call_shared(ctx, "outbox_depth")
    if isinstance(v, int):
        return v
    ob = _call_shared(ctx, "outbox")  # sync exposes its outbox stats()
    if isinstance(ob, dict) and isinstance(ob.get("depth"), int):
        return ob["depth"]
    for info in components.values():
        h = info.get("health") or {}
        for k in ("outbox_depth", "depth", "pending"):
            if isinstance(h.get(k), int) and not isinstance(h.get(k), bool):
                return h[k]
        ob = h.get("outbox")
        if isinstance(ob, dict) and isinstance(ob.get("depth"), int):
            return ob["depth"]
    return None


class HealthReporter:
    def __init__(self, ctx: AgentContext, supervisor: Supervisor, holder: ModelHolder, started_monotonic: float) -> None:
        self.ctx = ctx
        self.supervisor = supervisor
        self.holder = holder
        self.started = started_monotonic
        self._unhealthy_since: dict[str, float] = {}
        self._event_temps: dict[str, float] = {}
        ctx.bus.subscribe(self._on_telemetry, kinds={EventKind.TELEMETRY})

    def _on_telemetry(self, event: Event) -> None:
        """Keep the latest temperature any component reports (e.g. the controller's fridge: controller_temp_c)."""
        for k, v in event.data.items():
            if k.endswith("temp_c") and isinstance(v, int | float) and not isinstance(v, bool):
                self._event_temps[k.removesuffix("_c")] = round(float(v), 1)

    def report(self) -> dict[str, Any]:
        comps = self.supervisor.states()
        temps = read_temperatures(self.ctx.config.health.thermal_glob)
        temps.update(self._event_temps)
        extra = _call_shared(self.ctx, "temperatures")
        if isinstance(extra, dict):
            temps.update({str(k): v for k, v in extra.items() if isinstance(v, int | float)})
        return {
            "ok": all(c["ok"] for c in comps.values()),
            "device": self.ctx.config.device.id,
            "version": __version__,
            "pid": os.getpid(),
            "ts": self.ctx.clock.time(),
            "uptime_s": round(self.ctx.clock.monotonic() - self.started, 1),
            "components": comps,
            "outbox_depth": outbox_depth(comps, self.ctx),
            "model": self.holder.info(),
            "temperatures_c": temps,
            "in_flight": self.ctx.activity.in_flight(),
        }

    def watchdog_ok(self, report: dict[str, Any]) -> tuple[bool, str]:
        """Whether to ping the systemd watchdog: components alive, not crash-looping, not unhealthy too long."""
        hs = self.ctx.config.health
        now = self.ctx.clock.monotonic()
        for name, c in report["components"].items():
            if c["state"] == "disabled":
                continue
            if c["crash_loop"] >= hs.max_crash_loop:
                return False, f"{name} crashed {c['crash_loop']} times in a row"
            if c["state"] == "running" and not c["alive"]:
                return False, f"{name} thread died"
            if c["ok"] or name in hs.watchdog_exempt or c["state"] == "backoff":
                self._unhealthy_since.pop(name, None)
                continue
            since = self._unhealthy_since.setdefault(name, now)
            if now - since >= hs.unhealthy_grace_s:
                return False, f"{name} unhealthy for {now - since:.0f}s"
        return True, ""


def metrics_text(report: dict[str, Any]) -> str:
    """Prometheus text exposition format (version 0.0.4)."""
    dev = _label(report["device"])
    lines = [
        "# HELP edge_agent_up 1 when every component is healthy.", "# TYPE edge_agent_up gauge",
        f'edge_agent_up{{device="{dev}"}} {int(report["ok"])}',
        "# HELP edge_agent_uptime_seconds Seconds since the daemon started.", "# TYPE edge_agent_uptime_seconds gauge",
        f'edge_agent_uptime_seconds{{device="{dev}"}} {report["uptime_s"]}',
        "# HELP edge_agent_component_up 1 when the component runs and reports ok.", "# TYPE edge_agent_component_up gauge",
    ]
    for name, c in report["components"].items():
        lines.append(f'edge_agent_component_up{{device="{dev}",component="{_label(name)}"}} {int(c["ok"])}')
    lines += ["# HELP edge_agent_component_restarts_total Restarts after a crash.", "# TYPE edge_agent_component_restarts_total counter"]
    for name, c in report["components"].items():
        lines.append(f'edge_agent_component_restarts_total{{device="{dev}",component="{_label(name)}"}} {c["restarts"]}')
    if report.get("outbox_depth") is not None:
        lines += ["# HELP edge_agent_outbox_depth Messages waiting to be sent to the cloud.", "# TYPE edge_agent_outbox_depth gauge",
                  f'edge_agent_outbox_depth{{device="{dev}"}} {report["outbox_depth"]}']
    model = report["model"]
    lines += ["# HELP edge_agent_model_loaded 1 when the language model is loaded.", "# TYPE edge_agent_model_loaded gauge",
              f'edge_agent_model_loaded{{device="{dev}"}} {int(model["loaded"])}']
    lat = model.get("latency", {})
    if "p50_ms" in lat:
        lines += ["# HELP edge_agent_model_latency_seconds Median time of a whole model answer (last 50).", "# TYPE edge_agent_model_latency_seconds gauge",
                  f'edge_agent_model_latency_seconds{{device="{dev}"}} {lat["p50_ms"] / 1000:.4f}']
    if report["temperatures_c"]:
        lines += ["# HELP edge_agent_temperature_celsius Temperatures (CPU zones and sensors).", "# TYPE edge_agent_temperature_celsius gauge"]
        for zone, t in report["temperatures_c"].items():
            lines.append(f'edge_agent_temperature_celsius{{device="{dev}",zone="{_label(zone)}"}} {t}')
    return "\n".join(lines) + "\n"


def _label(v: object) -> str:
    return str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def state_file_path(ctx: AgentContext, env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    if ctx.config.health.state_file:
        return Path(ctx.config.health.state_file)
    rt = env.get("RUNTIME_DIRECTORY", "").split(":")[0]
    return Path(rt) / "health.json" if rt else Path(ctx.config.device.data_dir) / "health.json"


def state_file_candidates(ctx: AgentContext) -> list[Path]:
    """Where `edge-agent status` looks: a shell has no $RUNTIME_DIRECTORY, so /run/edge-agent is tried too."""
    out = [state_file_path(ctx), Path("/run/edge-agent/health.json"), Path(ctx.config.device.data_dir) / "health.json"]
    return list(dict.fromkeys(out))


def write_state(path: Path, report: dict[str, Any]) -> None:
    """Atomic (write + rename) so `status` never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".health.")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(report, f, default=str, sort_keys=True)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install(ctx: AgentContext, reporter: HealthReporter) -> None:
    """Expose the callables the kiosk HTTP server serves at /api/health and /metrics."""
    ctx.shared["health"] = reporter.report
    ctx.shared["metrics"] = lambda: metrics_text(reporter.report())

