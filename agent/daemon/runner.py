"""`edge-agent run`: one process that wires and supervises every component.

The main thread only waits: for a signal (SIGTERM stops, SIGHUP reloads),
for the next health state write, or for the next watchdog ping. Components
run in supervised threads (supervisor.py); the model is shared through a
holder that an OTA update can swap (model_holder.py, ota.py).
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from agent import paths
from agent.clock import Clock, SystemClock
from agent.component import AgentContext
from agent.config import Config, ConfigError, load_config
from agent.daemon import health
from agent.daemon.model_holder import Loader, ModelHolder
from agent.daemon.notify import Notifier
from agent.daemon.supervisor import Backoff, Supervisor
from agent.events import Event, EventKind
from agent.logs import fields, setup_logging

log = logging.getLogger(__name__)

EX_CONFIG = 78  # sysexits.h; the unit's RestartPreventExitStatus stops a restart loop on a bad config
STOP_LAST = ("agent.sync",)
DAEMON_SECTIONS = {"daemon", "ota", "health"}  # read live by the daemon: a change restarts no component  # the outbox closes last so it still records what the others emit while stopping


def resolve_model_dir(cfg: Config) -> Path:
    """daemon.model_dir (explicit override) > the OTA-installed `current` > llm.model_dir > the recipe's build dir."""
    if cfg.daemon.model_dir:
        return Path(cfg.daemon.model_dir)
    from agent.daemon.ota import models_root

    current = models_root(cfg) / "current"
    if current.exists():
        return current
    llm = getattr(cfg, "llm", None)
    if llm is not None and getattr(llm, "model_dir", ""):
        return Path(llm.model_dir)
    recipe = getattr(llm, "recipe", "") if llm is not None else ""
    return paths.model_dir(recipe) if recipe else paths.model_dir()


def make_loader(cfg: Config) -> Loader:
    """The real loader with the [llm] settings (threads, context, checksum verification)."""
    llm = getattr(cfg, "llm", None)

    def load(path: Path):
        from agent.llm import load_model

        if llm is None:
            return load_model(path)
        return load_model(path, threads=llm.threads or None, max_context=llm.max_context, verify=llm.verify_checksums)

    return load


def limit_malloc_arenas(n: int = 2) -> bool:
    """glibc gives every thread its own malloc arena; with a dozen component threads that is ~20 MB of
    fragmentation on a 350 MB budget. Same effect as MALLOC_ARENA_MAX, set before the threads start."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(-8, n))  # M_ARENA_MAX
    except (OSError, AttributeError):
        return False  # not glibc


def log_config_error(e: ConfigError, what: str) -> None:
    log.error(what, extra=fields(file=e.file, key=e.key, problem=e.problem, fix=e.fix))


class Daemon:
    def __init__(self, config_path: str | Path | None, clock: Clock | None = None, notifier: Notifier | None = None,
                 loader: Loader | None = None, install_signals: bool = True, log_level: str | None = None) -> None:
        self.config_path = Path(config_path) if config_path else None
        self.clock = clock or SystemClock()
        self.notifier = notifier or Notifier()
        self.loader = loader
        self.install_signals = install_signals
        self.log_level = log_level  # --log-level wins over device.log_level
        self._wake = threading.Event()
        self._stop_requested = False
        self._reload_requested = False
        self.ctx: AgentContext | None = None
        self.supervisor: Supervisor | None = None
        self.holder: ModelHolder | None = None
        self.reporter: health.HealthReporter | None = None
        self.started = threading.Event()

    # signals -------------------------------------------------------------
    def request_stop(self) -> None:
        self._stop_requested = True
        self._wake.set()

    def request_reload(self) -> None:
        self._reload_requested = True
        self._wake.set()

    def _install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self.request_stop())
        signal.signal(signal.SIGINT, lambda *_: self.request_stop())
        signal.signal(signal.SIGHUP, lambda *_: self.request_reload())

    # wiring --------------------------------------------------------------
    def _component_factory(self, module_name: str):
        def build():
            mod = importlib.import_module(module_name)
            fn = getattr(mod, "build_component", None)
            if fn is None:  # tolerate a package that keeps it in its component module
                try:
                    fn = getattr(importlib.import_module(module_name + ".component"), "build_component", None)
                except ModuleNotFoundError as e:
                    if e.name != module_name + ".component":
                        raise
            if fn is None:
                log.warning("package has no build_component(ctx) yet; not running it", extra=fields(component=module_name))
                return None
            return fn(self.ctx)

        return build

    def _wire(self, cfg: Config) -> None:
        d = cfg.daemon
        self.ctx = AgentContext(config=cfg, clock=self.clock)
        if self.loader is None:
            self.loader = make_loader(cfg)
        self.holder = ModelHolder(resolve_model_dir(cfg), self.loader)
        self.ctx.model = self.holder
        self.supervisor = Supervisor(self.ctx.bus, self.clock, Backoff(d.restart_backoff_s, d.restart_backoff_max_s, d.stable_after_s))
        for name in d.components:
            if name in d.disabled:
                log.info("component disabled by config", extra=fields(component=name))
                continue
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as e:
                log.warning("component package not installed; not running it", extra=fields(component=name, error=str(e)))
                continue
            except Exception as e:  # an import-time bug in one package must not stop the others
                log.exception("component package failed to import; not running it", extra=fields(component=name, error=str(e)))
                continue
            self.supervisor.add(name, self._component_factory(name))
        self.reporter = health.HealthReporter(self.ctx, self.supervisor, self.holder, self.clock.monotonic())
        health.install(self.ctx, self.reporter)
        from agent.daemon.ota import register_ota

        register_ota(self.ctx, self.holder, self.loader)  # refuses while ota.enabled is false (read live: SIGHUP applies)

    def _wait_started(self, timeout_s: float) -> None:
        """READY=1 once every component is built and running with ok health (e.g. the kiosk port is bound), bounded."""
        deadline = self.clock.monotonic() + timeout_s
        assert self.supervisor is not None
        while self.clock.monotonic() < deadline:
            states = self.supervisor.states()
            if all(s["state"] not in ("new", "running") or s["ok"] for s in states.values()):
                return
            if self._wake.wait(0.05):
                return
        log.warning("not every component came up in time; reporting ready anyway", extra=fields(timeout_s=timeout_s))

    def _stop_order(self) -> list[str]:
        assert self.supervisor is not None
        names = list(reversed(self.supervisor.names()))
        return [n for n in names if n not in STOP_LAST] + [n for n in names if n in STOP_LAST]

    # main ----------------------------------------------------------------
    def run(self) -> int:
        try:
            cfg = load_config(self.config_path)
        except ConfigError as e:
            log_config_error(e, "config rejected; not starting")
            print(f"edge-agent: {e}", file=sys.stderr)
            return EX_CONFIG
        setup_logging(self.log_level or cfg.device.log_level)
        limit_malloc_arenas()
        if self.install_signals:
            self._install_signal_handlers()
        self._wire(cfg)
        assert self.ctx is not None and self.supervisor is not None and self.holder is not None and self.reporter is not None
        log.info("edge-agent starting", extra=fields(device=cfg.device.id, config=str(self.config_path or "embedded defaults"),
                                                     components=",".join(self.supervisor.names()), model=str(self.holder.path)))
        if cfg.daemon.preload_model:
            self.holder.preload()
        self.supervisor.start()
        self._wait_started(10.0)
        self.notifier.ready(status=f"running {len(self.supervisor.names())} components")
        self.started.set()
        log.info("edge-agent ready", extra=fields(components=len(self.supervisor.names()), watchdog_s=self.notifier.watchdog_interval_s))
        self._main_loop()
        return self._shutdown()

    def _main_loop(self) -> None:
        assert self.ctx is not None and self.reporter is not None
        state_path = health.state_file_path(self.ctx)
        next_state = next_event = next_ping = self.clock.monotonic()
        self._last_status = ""
        self._state_error = ""
        while True:
            now = self.clock.monotonic()
            hs = self.ctx.config.health
            wd = self.notifier.watchdog_interval_s
            due = [next_state] + ([next_ping] if wd else []) + ([next_event] if hs.event_interval_s else [])
            self._wake.wait(max(0.0, min(due) - now))
            self._wake.clear()
            if self._stop_requested:
                return
            if self._reload_requested:
                self._reload_requested = False
                self.reload()
                state_path = health.state_file_path(self.ctx)
            now = self.clock.monotonic()
            if now < min(due):
                continue
            try:
                self._tick(now, state_path, next_state, next_ping, next_event)
            except Exception:  # a bug here must not kill the agent; without pings systemd restarts it if it persists
                log.exception("health tick failed; skipping this watchdog ping")
                next_state = next_ping = next_event = now + 1.0
                continue
            hs = self.ctx.config.health
            if now >= next_state:
                next_state = now + hs.state_interval_s
            if wd and now >= next_ping:
                next_ping = now + wd
            if hs.event_interval_s and now >= next_event:
                next_event = now + hs.event_interval_s

    def _tick(self, now: float, state_path: Path, next_state: float, next_ping: float, next_event: float) -> None:
        """One round of the due work: state file, watchdog ping (only when healthy), health event."""
        assert self.ctx is not None and self.reporter is not None
        hs = self.ctx.config.health
        wd = self.notifier.watchdog_interval_s
        report = self.reporter.report()
        if now >= next_state:
            try:
                health.write_state(state_path, report)
                self._state_error = ""
            except OSError as e:
                if str(e) != self._state_error:  # once per distinct problem, not every few seconds
                    log.warning("cannot write the health state file; `edge-agent status` will not see this agent",
                                extra=fields(path=str(state_path), error=str(e), fix="make the directory writable for the agent or set health.state_file"))
                self._state_error = str(e)
        if wd and now >= next_ping:
            ok, why = self.reporter.watchdog_ok(report)
            if ok:
                self.notifier.watchdog()
            else:
                log.error("not pinging the watchdog: a component is unhealthy", extra=fields(reason=why))
            status = "all components healthy" if report["ok"] else "degraded: " + ", ".join(n for n, c in report["components"].items() if not c["ok"])
            if status != self._last_status:
                self.notifier.status(status)
                self._last_status = status
        if hs.event_interval_s and now >= next_event:
            self.ctx.bus.publish(Event(EventKind.HEALTH, self.clock.time(), "daemon", _event_payload(report)))

    def reload(self) -> bool:
        """SIGHUP: validate the new file first; on any error keep running on the old config."""
        assert self.ctx is not None and self.supervisor is not None
        self.notifier.reloading(int(self.clock.monotonic() * 1e6))
        try:
            new = load_config(self.config_path)
        except ConfigError as e:
            log_config_error(e, "config reload rejected; still running on the previous config")
            self.notifier.ready(status=f"reload rejected: {e}")
            return False
        old = self.ctx.config
        before, after = old.as_dict(), new.as_dict()
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        self.ctx.config = new
        setup_logging(self.log_level or new.device.log_level)
        if (old.daemon.components, old.daemon.disabled) != (new.daemon.components, new.daemon.disabled):
            log.warning("daemon.components changed: takes effect at the next restart", extra=fields(fix="systemctl restart edge-agent"))
        restarted = []
        if set(changed) - DAEMON_SECTIONS:
            self.ctx.activity.wait_idle(new.daemon.shutdown_idle_timeout_s)
            for name in self.supervisor.names():
                comp = self.supervisor.component(name)
                hook = getattr(comp, "reload", None)
                if callable(hook):
                    try:
                        if hook(new):
                            continue
                    except Exception:
                        log.exception("component reload hook failed; restarting it instead", extra=fields(component=name))
                self.supervisor.restart(name, rebuild=True, timeout_s=new.daemon.component_stop_timeout_s)
                restarted.append(name)
        if restarted:
            self._wait_started(10.0)  # READY=1 again only once the rebuilt components serve (e.g. the kiosk's new port)
        log.info("config reloaded", extra=fields(changed_sections=",".join(changed) or "none", restarted=",".join(restarted) or "none"))
        self.notifier.ready(status="config reloaded")
        return True

    def _shutdown(self) -> int:
        assert self.ctx is not None and self.supervisor is not None and self.reporter is not None
        self.notifier.stopping()
        d = self.ctx.config.daemon
        in_flight = self.ctx.activity.in_flight()
        if in_flight:
            log.info("stopping: waiting for work in flight", extra=fields(in_flight=in_flight, timeout_s=d.shutdown_idle_timeout_s))
            if not self.ctx.activity.wait_idle(d.shutdown_idle_timeout_s):
                log.warning("stopping with work still in flight", extra=fields(in_flight=self.ctx.activity.in_flight()))
        stuck = []
        for name in self._stop_order():
            stuck += self.supervisor.stop(d.component_stop_timeout_s, [name])
            self.supervisor.close([name])  # sync: flush and close the outbox cleanly
        report = self.reporter.report()
        report["stopped"] = True
        try:
            health.write_state(health.state_file_path(self.ctx), report)
        except OSError:
            pass
        log.info("edge-agent stopped", extra=fields(stuck=",".join(stuck) or "none"))
        self.notifier.close()
        return 0


def _event_payload(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": report["ok"],
        "uptime_s": report["uptime_s"],
        "components": {n: {"state": c["state"], "ok": c["ok"], "restarts": c["restarts"]} for n, c in report["components"].items()},
        "outbox_depth": report["outbox_depth"],
        "model": {k: report["model"].get(k) for k in ("loaded", "version", "latency")},
        "temperatures_c": report["temperatures_c"],
    }
