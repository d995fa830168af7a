"""The durable outbox: every outgoing message is in SQLite before it can be sent.

Why it looks like this:

* One writer thread owns every write (enqueues, acknowledgements, moves to the
  dead-letter table) and groups them into one transaction per batch, so a
  burst of telemetry costs one fsync, not one per message (SD cards wear out).
* WAL with ``synchronous=FULL`` makes each committed batch survive power loss;
  ``NORMAL`` survives a crash of the process but may lose the last commits on
  power loss (docs/mqtt.md has the figures).
* Alerts are committed at once and the caller waits for the commit; other
  kinds return immediately and are committed within ``batch_ms``.
* The bound sheds the lowest priority first (telemetry); alerts are never
  evicted, and every eviction is itself reported as an ``outbox_evicted``
  message so the cloud can tell a shed range from a loss.
* ``seq`` is allocated inside the commit and persisted in ``meta``, so it keeps
  increasing across restarts even when the table is empty.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.clock import Clock
from agent.logs import fields
from agent.sync.settings import OutboxSettings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# Priorities: lower is shed first when the outbox is full.
TELEMETRY = 0
QA = 1
EVENT = 2
ALERT = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seq INTEGER NOT NULL,
    topic TEXT NOT NULL,
    priority INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_seq ON outbox(seq);
CREATE INDEX IF NOT EXISTS outbox_prio_seq ON outbox(priority, seq);
CREATE TABLE IF NOT EXISTS dead (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    topic TEXT NOT NULL,
    priority INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload BLOB NOT NULL,
    tries INTEGER NOT NULL,
    reason TEXT NOT NULL,
    moved_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


DEAD_LETTER_KIND = "outbox_dead_letter"


class OutboxError(ValueError):
    """A message cannot be queued (too large, not JSON); the caller's bug, not a full disk."""


class OutboxClosed(RuntimeError):
    """The outbox was closed; nothing more can be queued."""


@dataclass(frozen=True)
class Row:
    id: int
    seq: int
    topic: str
    priority: int
    kind: str
    payload: bytes


@dataclass
class _Pending:
    topic: str
    priority: int
    kind: str
    head: str  # envelope fields before seq, already JSON
    tail: str  # envelope fields after seq, already JSON
    size: int


def _json(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False, allow_nan=False)


class Outbox:
    def __init__(self, path: str | Path, device_id: str, clock: Clock, settings: OutboxSettings | None = None,
                 evicted_topic: str | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.device_id = device_id
        self.clock = clock
        self.settings = settings or OutboxSettings()
        self.evicted_topic = evicted_topic
        self._db = self._open()
        self._reader = self._connect()
        self._read_lock = threading.Lock()
        self._cond = threading.Condition()
        self._ops: deque[tuple[str, Any]] = deque()
        self._submitted = 0  # number of put ops handed to the writer
        self._committed = 0  # number of those committed
        self._closed = False
        self._max_pending = 4 * self.settings.batch_max
        self._pending_puts = 0  # queued in memory, not yet committed
        self._acked_pending: set[int] = set()
        self._error: str | None = None
        self._requeued: dict[int, int] = {}  # ticket of a requeue op -> messages it moved back
        self.evicted: dict[str, int] = {}
        # Called (from the writer thread) after a commit that added messages: the sender wakes instead of polling.
        self.listeners: list[Callable[[], None]] = []
        row = self._db.execute("SELECT count(*), coalesce(sum(length(payload)), 0), coalesce(max(seq), -1) FROM outbox").fetchone()
        self._count, self._bytes, max_seq = int(row[0]), int(row[1]), int(row[2])
        dead_max = self._db.execute("SELECT coalesce(max(seq), -1) FROM dead").fetchone()[0]
        meta_seq = self._meta("next_seq")
        self._next_seq = max(int(meta_seq) if meta_seq else 0, max_seq + 1, int(dead_max) + 1)
        self._dead = int(self._db.execute("SELECT count(*) FROM dead").fetchone()[0])
        if self._meta("schema") is None:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self._db.commit()
        self._writer = threading.Thread(target=self._write_loop, name="outbox-writer", daemon=True)
        self._writer.start()
        log.info("outbox opened", extra=fields(path=str(self.path), depth=self._count, dead=self._dead, next_seq=self._next_seq,
                                                 synchronous=self.settings.synchronous))

    def _open(self) -> sqlite3.Connection:
        """Open (or create) the database; a corrupt file is renamed aside, kept for inspection, and a new one started.

        An SD card that lost a sector must not keep the device from queueing new events.
        """
        try:
            db = self._connect()
            db.executescript(_SCHEMA)
            db.execute("SELECT count(*) FROM outbox").fetchone()
            return db
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.OperationalError) and "locked" in str(e):
                raise
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(self.clock.time())}")
            with contextlib.suppress(NameError):
                db.close()
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    src.rename(Path(str(aside) + suffix))
            log.error("outbox database unreadable; moved aside and started a new one", extra=fields(
                error=str(e), moved_to=str(aside), fix="inspect or delete the moved file; its messages were not sent"))
            db = self._connect()
            db.executescript(_SCHEMA)
            return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={self.settings.synchronous}")
        db.execute("PRAGMA busy_timeout=30000")
        # Keep memory flat however large the backlog grows.
        db.execute("PRAGMA cache_size=-2000")
        return db

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # ---- producer side -------------------------------------------------
    def put(self, topic: str, kind: str, source: str, data: dict[str, Any], ts: float, priority: int = EVENT,
            msg_id: str | None = None, wait: bool | None = None, timeout: float = 30.0) -> None:
        """Queue one message; alerts (and ``wait=True``) return only once committed to disk."""
        try:
            data_json = _json(data)
        except (TypeError, ValueError) as e:
            raise OutboxError(f"message of kind {kind!r} from {source!r} is not JSON-serialisable: {e}") from None
        head = '{"data":' + data_json + ',"device_id":' + _json(self.device_id) + ',"kind":' + _json(kind) + \
            ',"msg_id":' + _json(msg_id or uuid.uuid4().hex) + ',"seq":'
        tail = ',"source":' + _json(source) + ',"ts":' + _json(float(ts)) + ',"v":1}'
        size = len(head) + len(tail) + 12
        if size > self.settings.max_payload_bytes:
            raise OutboxError(f"message of kind {kind!r} from {source!r} is {size} bytes, over outbox.max_payload_bytes="
                              f"{self.settings.max_payload_bytes}; send less data per event")
        item = _Pending(topic, priority, kind, head, tail, size)
        with self._cond:
            if self._closed:
                raise OutboxClosed("outbox is closed")
            # Back-pressure: a producer faster than the disk waits here instead of growing memory without bound.
            if len(self._ops) >= self._max_pending and not self._cond.wait_for(
                    lambda: len(self._ops) < self._max_pending or self._closed, timeout):
                raise TimeoutError(f"outbox writer is {len(self._ops)} messages behind for {timeout}s (disk stalled?)")
            self._ops.append(("put", item))
            self._pending_puts += 1
            self._submitted += 1
            ticket = self._submitted
            self._cond.notify_all()
        if wait if wait is not None else priority >= ALERT:
            self._wait_committed(ticket, timeout)

    def _wait_committed(self, ticket: int, timeout: float) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._committed >= ticket or self._error is not None, timeout):
                raise TimeoutError(f"outbox commit not done after {timeout}s")
            if self._error is not None and self._committed < ticket:
                raise OSError(f"outbox write failed: {self._error}")

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until everything queued so far is committed (and acks are applied)."""
        with self._cond:
            self._ops.append(("barrier", None))
            self._submitted += 1
            ticket = self._submitted
            self._cond.notify_all()
        self._wait_committed(ticket, timeout)

    def requeue_dead(self, seqs: list[int] | None = None, timeout: float = 30.0) -> int:
        """Move dead letters (all, or those with these seqs) back into the outbox; returns how many.

        For after the cause is fixed (a broker ACL, a packet size limit). Each gets a new outbox
        position at the end of the queue but keeps its payload, so its ``seq`` and ``msg_id``
        are the ones the cloud saw missing (it fills the gap; a duplicate is recognisable).
        """
        with self._cond:
            if self._closed:
                raise OutboxClosed("outbox is closed")
            self._submitted += 1
            ticket = self._submitted
            self._ops.append(("requeue", (ticket, None if seqs is None else [int(x) for x in seqs])))
            self._cond.notify_all()
        self._wait_committed(ticket, timeout)
        with self._cond:
            return self._requeued.pop(ticket, 0)

    # ---- sender side ---------------------------------------------------
    def peek(self, after_seq: int, limit: int) -> list[Row]:
        """Committed messages with seq > after_seq, oldest first (skips ones acked but not yet deleted).

        The cursor is ``seq``, not the row id: SQLite reuses row ids once the table is empty.
        """
        with self._read_lock:
            rows = self._reader.execute("SELECT id, seq, topic, priority, kind, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                                        (after_seq, limit)).fetchall()
        with self._cond:
            skip = self._acked_pending
            return [Row(r[0], r[1], r[2], r[3], r[4], bytes(r[5])) for r in rows if r[1] not in skip]

    def ack(self, seq: int) -> None:
        """The broker has the message: delete it (batched with the next commit). Keyed by seq: row ids get reused."""
        with self._cond:
            self._acked_pending.add(seq)
            self._ops.append(("ack", seq))
            self._cond.notify_all()

    def move_aside(self, seq: int, tries: int, reason: str) -> None:
        """Put a message the broker keeps refusing into ``dead`` so the others can flow."""
        with self._cond:
            self._acked_pending.add(seq)
            self._ops.append(("dead", (seq, tries, reason)))
            self._cond.notify_all()

    def stats(self) -> dict[str, Any]:
        with self._cond:
            depth = self._count - len(self._acked_pending) + self._pending_puts
            return {"depth": max(depth, 0), "bytes": self._bytes, "dead": self._dead, "next_seq": self._next_seq,
                    "queued_uncommitted": self._submitted - self._committed, "evicted": dict(self.evicted),
                    "write_error": self._error}

    def oldest_ts(self) -> float | None:
        with self._read_lock:
            row = self._reader.execute("SELECT payload FROM outbox ORDER BY seq LIMIT 1").fetchone()
        if not row:
            return None
        try:
            return float(json.loads(row[0])["ts"])
        except (ValueError, KeyError, TypeError):
            return None

    def dead_letters(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._read_lock:
            rows = self._reader.execute("SELECT seq, topic, kind, tries, reason, moved_ts FROM dead ORDER BY id LIMIT ?", (limit,)).fetchall()
        return [{"seq": r[0], "topic": r[1], "kind": r[2], "tries": r[3], "reason": r[4], "moved_ts": r[5]} for r in rows]

    def close(self, timeout: float = 30.0) -> None:
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._ops.append(("stop", None))
            self._cond.notify_all()
        self._writer.join(timeout)
        self._reader.close()

    # ---- the writer thread ---------------------------------------------
    def _write_loop(self) -> None:
        batch_s = self.settings.batch_ms / 1000.0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._ops))
                # Group: wait up to batch_ms for more, unless an alert or barrier is waiting or the batch is full.
                # Real time on purpose: this paces disk writes, it is not logic a simulation should speed up.
                if batch_s > 0:
                    t_end = time.monotonic() + batch_s
                    while len(self._ops) < self.settings.batch_max and not self._urgent():
                        remaining = t_end - time.monotonic()
                        if remaining <= 0:
                            break
                        self._cond.wait(remaining)
                n = min(len(self._ops), 2 * self.settings.batch_max)
                ops = [self._ops.popleft() for _ in range(n)]
                self._cond.notify_all()
            stop = any(op == "stop" for op, _ in ops)
            try:
                done = self._commit(ops)
            except sqlite3.Error as e:
                log.error("outbox write failed; messages stay in memory and are retried", extra=fields(error=str(e), ops=len(ops)))
                with self._cond:
                    self._error = str(e)
                    self._ops.extendleft(reversed(ops))
                    self._cond.notify_all()
                time.sleep(1.0)
                if stop:
                    return
                continue
            with self._cond:
                self._error = None
                self._committed += done
                self._cond.notify_all()
            if stop:
                self._db.close()
                return

    def _urgent(self) -> bool:
        return any(op in ("barrier", "stop") or (op == "put" and item.priority >= ALERT) for op, item in self._ops)

    def _commit(self, ops: list[tuple[str, Any]]) -> int:
        db = self._db
        puts: list[_Pending] = [item for op, item in ops if op == "put"]
        acks = [item for op, item in ops if op == "ack"]
        deads = [item for op, item in ops if op == "dead"]
        requeues = [item for op, item in ops if op == "requeue"]
        done = sum(1 for op, _ in ops if op in ("put", "barrier", "requeue"))
        next_seq = first_seq = self._next_seq
        rows = []
        added_bytes = 0
        for p in puts:
            payload = (p.head + str(next_seq) + p.tail).encode()
            rows.append((next_seq, p.topic, p.priority, p.kind, payload))
            added_bytes += len(payload)
            next_seq += 1
        db.execute("BEGIN IMMEDIATE")
        try:
            removed, removed_bytes = 0, 0
            if acks:
                for chunk in _chunks(acks, 500):
                    q = ",".join("?" * len(chunk))
                    r = db.execute(f"SELECT count(*), coalesce(sum(length(payload)),0) FROM outbox WHERE seq IN ({q})", chunk).fetchone()
                    db.execute(f"DELETE FROM outbox WHERE seq IN ({q})", chunk)
                    removed += r[0]
                    removed_bytes += r[1]
            dead_reports: list[dict[str, Any]] = []
            for seq, tries, reason in deads:
                cur = db.execute("INSERT INTO dead (seq, topic, priority, kind, payload, tries, reason, moved_ts) "
                                 "SELECT seq, topic, priority, kind, payload, ?, ?, ? FROM outbox WHERE seq=?",
                                 (tries, reason, self.clock.time(), seq))
                if cur.rowcount:
                    info = db.execute("SELECT topic, kind FROM outbox WHERE seq=?", (seq,)).fetchone()
                    if info and info[1] != DEAD_LETTER_KIND:  # never report a report: no loop if the events topic is refused
                        dead_reports.append({"seq": seq, "topic": info[0], "kind": info[1], "tries": tries, "reason": reason})
                    r = db.execute("SELECT length(payload) FROM outbox WHERE seq=?", (seq,)).fetchone()
                    db.execute("DELETE FROM outbox WHERE seq=?", (seq,))
                    removed += 1
                    removed_bytes += r[0] if r else 0
            if rows:
                db.executemany("INSERT INTO outbox (seq, topic, priority, kind, payload) VALUES (?,?,?,?,?)", rows)
            requeued: dict[int, int] = {}
            for ticket, seqs in requeues:
                if seqs is None:
                    back = db.execute("SELECT id, topic, priority, kind, payload FROM dead ORDER BY id").fetchall()
                else:
                    back = [r for chunk in _chunks(seqs, 500) for r in db.execute(
                        f"SELECT id, topic, priority, kind, payload FROM dead WHERE seq IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)]
                for _id, topic, priority, kind, payload in back:
                    db.execute("INSERT INTO outbox (seq, topic, priority, kind, payload) VALUES (?,?,?,?,?)", (next_seq, topic, priority, kind, payload))
                    db.execute("DELETE FROM dead WHERE id=?", (_id,))
                    next_seq += 1
                    added_bytes += len(payload)
                requeued[ticket] = len(back)
            back_total = sum(requeued.values())
            count = self._count - removed + len(rows) + back_total
            nbytes = self._bytes - removed_bytes + added_bytes
            evicted: dict[str, int] = {}
            if count > self.settings.max_messages or nbytes > self.settings.max_bytes:
                count, nbytes, evicted, seq_range = self._evict(db, count, nbytes)
                if evicted and self.evicted_topic:
                    data = {"evicted": evicted, "first_seq": seq_range[0], "last_seq": seq_range[1],
                            "reason": "outbox full (outbox.max_messages / max_bytes)"}
                    payload = self._envelope("outbox_evicted", data, next_seq)
                    db.execute("INSERT INTO outbox (seq, topic, priority, kind, payload) VALUES (?,?,?,?,?)",
                               (next_seq, self.evicted_topic, ALERT, "outbox_evicted", payload))
                    next_seq += 1
                    count += 1
                    nbytes += len(payload)
            if self.evicted_topic:
                for report in dead_reports:
                    payload = self._envelope(DEAD_LETTER_KIND, report, next_seq)
                    db.execute("INSERT INTO outbox (seq, topic, priority, kind, payload) VALUES (?,?,?,?,?)",
                               (next_seq, self.evicted_topic, ALERT, DEAD_LETTER_KIND, payload))
                    next_seq += 1
                    count += 1
                    nbytes += len(payload)
            if next_seq != self._next_seq:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('next_seq', ?)", (str(next_seq),))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        with self._cond:
            self._next_seq = next_seq
            self._pending_puts -= len(puts)
            self._count = count
            self._bytes = nbytes
            self._dead += len(deads) - back_total
            self._requeued.update(requeued)
            for a in acks:
                self._acked_pending.discard(a)
            for seq, _, _ in deads:
                self._acked_pending.discard(seq)
            for k, v in evicted.items():
                self.evicted[k] = self.evicted.get(k, 0) + v
        if next_seq != first_seq:
            for listener in list(self.listeners):
                try:
                    listener()
                except Exception:
                    log.exception("outbox listener failed")
        if evicted:
            log.warning("outbox full: shed oldest low-priority messages", extra=fields(evicted=_json(evicted), depth=count))
        for seq, tries, reason in deads:
            log.error("message moved aside after the broker refused it", extra=fields(seq=seq, tries=tries, reason=reason))
        return done

    def _envelope(self, kind: str, data: dict[str, Any], seq: int) -> bytes:
        """An envelope for the outbox's own reports (evictions, dead letters)."""
        return ('{"data":' + _json(data) + ',"device_id":' + _json(self.device_id) + ',"kind":' + _json(kind) + ',"msg_id":'
                + _json(uuid.uuid4().hex) + ',"seq":' + str(seq) + ',"source":"sync","ts":' + _json(self.clock.time()) + ',"v":1}').encode()

    def _evict(self, db: sqlite3.Connection, count: int, nbytes: int) -> tuple[int, int, dict[str, int], tuple[int, int]]:
        evicted: dict[str, int] = {}
        lo, hi = None, None
        for prio in range(TELEMETRY, ALERT):
            while count > self.settings.max_messages or nbytes > self.settings.max_bytes:
                over = max(count - self.settings.max_messages, 1)
                # Shed at least 1% so a full outbox is not trimmed one row per commit.
                n = max(over, self.settings.max_messages // 100)
                victims = db.execute("SELECT id, seq, kind, length(payload) FROM outbox WHERE priority=? ORDER BY seq LIMIT ?",
                                     (prio, n)).fetchall()
                if not victims:
                    break
                ids = [v[0] for v in victims]
                for chunk in _chunks(ids, 500):
                    db.execute(f"DELETE FROM outbox WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                for _, seq, kind, ln in victims:
                    evicted[kind] = evicted.get(kind, 0) + 1
                    lo = seq if lo is None else min(lo, seq)
                    hi = seq if hi is None else max(hi, seq)
                    nbytes -= ln
                count -= len(victims)
        if count > self.settings.max_messages or nbytes > self.settings.max_bytes:
            log.warning("outbox over its bound with alerts only; alerts are kept", extra=fields(depth=count, bytes=nbytes))
        return count, nbytes, evicted, (lo if lo is not None else -1, hi if hi is not None else -1)


def _chunks(seq: list, n: int):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]
