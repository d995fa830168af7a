"""`edge-agent status`: what a technician sees first on site.

Reads the health state file the daemon rewrites every few seconds (works even
when the kiosk HTTP server is down) or, with --url, the HTTP health endpoint.
Exit codes follow `systemctl status`: 0 healthy, 1 degraded, 3 not running.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from typing import Any

from agent.config import ConfigError, load_config

NOT_RUNNING = 3


def _pid_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by the edge-agent user
    return True


def read_report(config: str | None, url: str | None) -> tuple[dict[str, Any] | None, str]:
    if url:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return json.loads(r.read().decode()), url
        except (OSError, ValueError) as e:
            return None, f"cannot read {url}: {e}"
    from agent.component import AgentContext
    from agent.daemon.health import state_file_candidates

    cfg = load_config(config)
    found = [p for p in state_file_candidates(AgentContext(config=cfg)) if p.is_file()]
    if not found:
        return None, "no health state file (is the agent running? `systemctl status edge-agent`)"
    newest = max(found, key=lambda p: p.stat().st_mtime)
    try:
        return json.loads(newest.read_text()), str(newest)
    except (OSError, ValueError) as e:
        return None, f"cannot read {newest}: {e}"


def render(report: dict[str, Any], source: str) -> str:
    lines = [f"edge-agent {report.get('version', '?')} on {report.get('device', '?')}: {'healthy' if report.get('ok') else 'DEGRADED'}"
             f"  (pid {report.get('pid')}, up {report.get('uptime_s', 0):.0f}s, from {source})"]
    for name, c in report.get("components", {}).items():
        extra = f" restarts={c['restarts']}" if c.get("restarts") else ""
        err = f"  last error: {c['last_error']}" if c.get("last_error") and not c.get("ok") else ""
        lines.append(f"  {'ok ' if c.get('ok') else 'BAD'} {name:<18} {c.get('state', '?')}{extra}{err}")
    m = report.get("model", {})
    lat = m.get("latency", {})
    lines.append(f"  model: {'loaded ' + str(m.get('version', '')) if m.get('loaded') else 'not loaded'}"
                 + (f", p50 {lat['p50_ms']} ms over {lat['calls']} calls" if "p50_ms" in lat else "")
                 + (f"  ({m['error']})" if m.get("error") else ""))
    depth = report.get("outbox_depth")
    lines.append(f"  outbox: {'unknown' if depth is None else f'{depth} waiting'}")
    temps = report.get("temperatures_c") or {}
    if temps:
        lines.append("  temperatures: " + ", ".join(f"{k} {v:.1f}°C" for k, v in temps.items()))
    if report.get("in_flight"):
        lines.append(f"  in flight: {report['in_flight']}")
    return "\n".join(lines)


def status_main(config: str | None, url: str | None, as_json: bool) -> int:
    try:
        report, source = read_report(config, url)
    except ConfigError as e:
        print(f"edge-agent status: {e}", file=sys.stderr)
        return 2
    if report is None:
        print(f"edge-agent: not running: {source}")
        return NOT_RUNNING
    if not url:
        age = time.time() - os.path.getmtime(source)
        if report.get("stopped") or not _pid_alive(report.get("pid")):
            print(f"edge-agent: not running (last report from pid {report.get('pid')}, {age:.0f}s ago, in {source})")
            return NOT_RUNNING
    print(json.dumps(report, indent=2, sort_keys=True, default=str) if as_json else render(report, source))
    return 0 if report.get("ok") else 1
