"""The supervised sync component: bus events in, outbox, MQTT out, commands in.

It subscribes to the bus when it is built (not when it runs), so events keep
reaching the disk while the network thread is restarting or offline.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from agent import __version__
from agent.component import AgentContext, CommandError
from agent.events import Event, EventKind
from agent.logs import fields
from agent.signing import SignatureError, load_public_key
from agent.sync.client import SyncClient
from agent.sync.commands import CommandVerifier, NonceStore, execute
from agent.sync.discovery import discovery_messages
from agent.sync.outbox import Outbox, OutboxClosed, OutboxError
from agent.sync.scrub import scrub
from agent.sync.topics import Topics

log = logging.getLogger(__name__)

# ctx.shared entries (callables returning JSON-able data) copied into the retained state.
STATE_KEYS = ("stock", "alerts", "catalog", "firmware", "health")
# Events after which the retained state (stock, open alerts) is republished (rate-limited by the client).
STATE_KINDS = frozenset({EventKind.STOCK, EventKind.SALE, EventKind.REFILL, EventKind.VEND, EventKind.RESTOCK_ALERT,
                         EventKind.ALERT_RESOLVED, EventKind.SENSOR_FAULT, EventKind.SENSOR_RECOVERED})


class SyncComponent:
    name = "sync"

    def __init__(self, ctx: AgentContext) -> None:
        self.ctx = ctx
        cfg = ctx.config
        self.device_id = cfg.device.id
        self.topics = Topics(cfg.mqtt.topic_prefix, self.device_id)
        path = cfg.outbox.path or ctx.data_dir / "outbox.sqlite"
        self.outbox = Outbox(path, self.device_id, ctx.clock, cfg.outbox, evicted_topic=self.topics.channel("events"))
        key = None
        if cfg.commands.verify_key is not None:
            try:
                key = load_public_key(cfg.commands.verify_key)
            except (SignatureError, OSError, ValueError) as e:
                log.error("command verification key unusable; every command will be rejected",
                          extra=fields(path=str(cfg.commands.verify_key), error=str(e), fix="provision an ed25519 public key (PEM)"))
        self.nonces = NonceStore(ctx.data_dir / "command_nonces.sqlite", keep_s=2 * cfg.commands.window_s, now=ctx.clock.time())
        self.verifier = CommandVerifier(self.device_id, key, ctx.clock, self.nonces, cfg.commands.window_s, cfg.commands.max_bytes)
        self.client = SyncClient(cfg.mqtt, self.device_id, self.outbox, ctx.clock, topics=self.topics, on_command=self._on_command,
                                 state=self.state, reply_prefix=cfg.commands.reply_prefix, max_tries=cfg.outbox.max_tries,
                                 version=__version__)
        self.outbox.listeners.append(self.client.wake)
        if cfg.mqtt.ha_discovery:
            self.client.on_connected = lambda: discovery_messages(cfg.mqtt.ha_prefix, self.topics, self.device_id, self.state())
        self._commands: queue.Queue[tuple[bytes, str | None, bytes | None]] = queue.Queue(maxsize=64)
        ctx.commands.register("ping", self._ping)
        ctx.commands.register("get_state", lambda args: self.state())
        ctx.commands.register("dead_letters", lambda args: {"dead_letters": self.outbox.dead_letters(limit=100)})
        ctx.commands.register("requeue_dead_letters", self._requeue_dead)
        ctx.shared["outbox"] = self.outbox.stats
        self._unsubscribe = ctx.bus.subscribe(self.on_event)

    # ---- events in ------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        """Store the event in the outbox; never raises into the publisher (the bus would only log it)."""
        topic, prio = self.topics.route(event.kind)
        data: dict[str, Any] = event.data
        if event.kind == EventKind.QA:
            data = scrub(data)
        elif event.kind == EventKind.HEALTH and "outbox_depth" not in data:
            data = {**data, "outbox_depth": self.outbox.stats()["depth"]}
        try:
            self.outbox.put(topic, event.kind, event.source, data, event.ts, prio, msg_id=event.id)
        except OutboxError as e:
            log.error("event not queued", extra=fields(kind=event.kind, source=event.source, error=str(e)))
        except (OutboxClosed, OSError, TimeoutError) as e:
            log.error("event not stored: outbox unavailable", extra=fields(kind=event.kind, source=event.source, error=str(e)))
        if event.kind in STATE_KINDS:
            self.client.state_changed()

    # ---- state and built-in commands -------------------------------------------
    def state(self) -> dict[str, Any]:
        st = self.outbox.stats()
        out: dict[str, Any] = {"kind": self.ctx.config.device.kind, "version": __version__, "connected": self.client.health()["connected"],
                               "outbox": {"depth": st["depth"], "dead": st["dead"], "next_seq": st["next_seq"]}}
        for key in STATE_KEYS:
            provider = self.ctx.shared.get(key)
            if callable(provider):
                try:
                    out[key] = provider()
                except Exception as e:
                    out[key] = {"error": f"{type(e).__name__}: {e}"}
        return out

    def _ping(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"pong": True, "ts": self.ctx.clock.time(), "device_id": self.device_id}

    def _requeue_dead(self, args: dict[str, Any]) -> dict[str, Any]:
        """``{"seqs": [12, 40]}`` or ``{"seqs": "all"}``: send dead letters again once their cause is fixed."""
        seqs = args.get("seqs")
        if seqs == "all":
            chosen = None
        elif isinstance(seqs, list) and seqs and all(isinstance(x, int) and not isinstance(x, bool) for x in seqs):
            chosen = seqs
        else:
            raise CommandError('requeue_dead_letters needs "seqs": a list of dead-letter seq numbers (see dead_letters) or "all"')
        moved = self.outbox.requeue_dead(chosen)
        log.info("dead letters requeued", extra=fields(requested=seqs, moved=moved))
        return {"requeued": moved, "dead_left": self.outbox.stats()["dead"]}

    # ---- commands in -------------------------------------------------------------
    def _on_command(self, payload: bytes, response_topic: str | None, correlation: bytes | None) -> None:
        try:
            self._commands.put_nowait((payload, response_topic, correlation))
        except queue.Full:
            log.warning("command rejected: too many waiting", extra=fields(waiting=self._commands.qsize()))
            self.client.reply({"v": 1, "ok": False, "error": {"code": "busy", "message": "too many commands waiting; retry later"}},
                              response_topic, correlation)

    def _command_worker(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                payload, rt, corr = self._commands.get(timeout=0.2)
            except queue.Empty:
                continue
            reply = execute(self.verifier, self.ctx.commands, payload)
            self.client.reply(reply, rt, corr)
            if reply.get("ok"):
                self.client.request_state()

    # ---- supervisor interface ----------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        worker = threading.Thread(target=self._command_worker, args=(stop,), name="sync-commands", daemon=True)
        worker.start()
        try:
            if self.ctx.config.mqtt.enabled:
                self.client.run(stop)
            else:
                log.info("mqtt disabled; messages stay in the outbox", extra=fields(depth=self.outbox.stats()["depth"]))
                stop.wait()
        finally:
            worker.join(timeout=5)
            try:
                self.outbox.flush(timeout=10)
            except (TimeoutError, OSError, RuntimeError) as e:
                log.error("outbox flush at stop failed", extra=fields(error=str(e)))

    def health(self) -> dict[str, Any]:
        st = self.outbox.stats()
        h = self.client.health()
        return {"ok": st["write_error"] is None, "connected": h["connected"], "outbox_depth": st["depth"], "dead_letters": st["dead"],
                "evicted": st["evicted"], "last_error": h["last_error"] or st["write_error"]}

    def close(self) -> None:
        """Release files (tests, and a daemon shutting down for good)."""
        self._unsubscribe()
        self.outbox.close()
        self.nonces.close()


def build_component(ctx: AgentContext) -> SyncComponent:
    return SyncComponent(ctx)
