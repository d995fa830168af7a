"""The outbox on its own: numbering, bounds, shedding order, dead letters, bad input."""

from __future__ import annotations

import json
import sqlite3

import pytest

from agent.clock import ManualClock
from agent.sync.outbox import ALERT, EVENT, QA, TELEMETRY, Outbox, OutboxError
from agent.sync.settings import OutboxSettings


def _box(tmp_path, **kw) -> Outbox:
    return Outbox(tmp_path / "o.sqlite", "dev-1", ManualClock(), OutboxSettings(**kw), evicted_topic="edge/v1/dev-1/events")


def _all(box: Outbox):
    return box.peek(-1, 10**9)


def test_seq_is_monotonic_across_restarts_even_when_empty(tmp_path):
    box = _box(tmp_path)
    for i in range(5):
        box.put("t", "telemetry", "s", {"i": i}, 1.0, TELEMETRY)
    box.flush()
    rows = _all(box)
    assert [r.seq for r in rows] == [0, 1, 2, 3, 4]
    for r in rows:
        box.ack(r.seq)
    box.flush()
    assert box.stats()["depth"] == 0
    box.close()
    box = _box(tmp_path)
    box.put("t", "sale", "s", {}, 2.0, EVENT)
    box.flush()
    (row,) = _all(box)
    p = json.loads(row.payload)
    assert row.seq == 5 and p["seq"] == 5 and p["device_id"] == "dev-1" and p["kind"] == "sale" and p["v"] == 1
    box.close()


def test_msg_ids_unique_and_kept_from_event(tmp_path):
    box = _box(tmp_path)
    box.put("t", "k", "s", {}, 1.0, msg_id="abc")
    for _ in range(100):
        box.put("t", "k", "s", {}, 1.0)
    box.flush()
    ids = [json.loads(r.payload)["msg_id"] for r in _all(box)]
    assert ids[0] == "abc" and len(set(ids)) == 101
    box.close()


def test_full_outbox_sheds_telemetry_first_never_alerts_and_reports_it(tmp_path):
    box = _box(tmp_path, max_messages=100, batch_ms=0)
    for i in range(30):
        box.put("a", "restock_alert", "s", {"i": i}, 1.0, ALERT)
    for i in range(30):
        box.put("e", "sale", "s", {"i": i}, 1.0, EVENT)
    for i in range(30):
        box.put("q", "qa", "s", {"i": i}, 1.0, QA)
    for i in range(60):
        box.put("t", "telemetry", "s", {"i": i}, 1.0, TELEMETRY)
    box.flush()
    rows = _all(box)
    kinds = [r.kind for r in rows]
    assert kinds.count("restock_alert") == 30 and kinds.count("sale") == 30 and kinds.count("qa") == 30
    assert kinds.count("telemetry") < 60
    shed = [json.loads(r.payload) for r in rows if r.kind == "outbox_evicted"]
    assert shed and sum(s["data"]["evicted"]["telemetry"] for s in shed) == 60 - kinds.count("telemetry")
    assert box.stats()["evicted"] == {"telemetry": 60 - kinds.count("telemetry")}
    # Kept telemetry is the newest.
    kept = [json.loads(r.payload)["data"]["i"] for r in rows if r.kind == "telemetry"]
    assert kept == list(range(60 - len(kept), 60))
    # Only alerts left: the bound is exceeded rather than dropping one.
    box2 = _box(tmp_path / "b", max_messages=100, batch_ms=0)
    for i in range(150):
        box2.put("a", "restock_alert", "s", {"i": i}, 1.0, ALERT)
    box2.flush()
    assert len(_all(box2)) == 150
    box.close()
    box2.close()


def test_bad_messages_are_refused_with_a_clear_error(tmp_path):
    box = _box(tmp_path, max_payload_bytes=1024)
    with pytest.raises(OutboxError, match="over outbox.max_payload_bytes=1024"):
        box.put("t", "telemetry", "cam", {"blob": "x" * 2000}, 1.0)
    with pytest.raises(OutboxError, match="not JSON-serialisable"):
        box.put("t", "telemetry", "cam", {"v": object()}, 1.0)
    with pytest.raises(OutboxError, match="not JSON-serialisable"):
        box.put("t", "telemetry", "cam", {"v": float("nan")}, 1.0)
    box.flush()
    assert _all(box) == [] and box.stats()["next_seq"] == 0
    box.close()


def test_move_aside_keeps_the_message_in_dead_letters(tmp_path):
    box = _box(tmp_path)
    box.put("t", "sale", "s", {"i": 1}, 1.0)
    box.put("t", "sale", "s", {"i": 2}, 1.0)
    box.flush()
    first, second = _all(box)
    box.move_aside(first.seq, 5, "broker refused it 5 times")
    assert [r.seq for r in _all(box)] == [second.seq]  # hidden at once, before the commit
    box.flush()
    (dead,) = box.dead_letters()
    assert dead["seq"] == first.seq and dead["tries"] == 5 and "refused" in dead["reason"]
    assert box.stats()["dead"] == 1
    # The cloud is told (an alert on the events topic), without the refused payload itself.
    assert [r.kind for r in _all(box)] == ["sale", "outbox_dead_letter"]
    report = json.loads(_all(box)[1].payload)
    assert report["data"] == {"seq": first.seq, "topic": "t", "kind": "sale", "tries": 5, "reason": "broker refused it 5 times"}
    assert report["seq"] == 2
    box.close()


def test_dead_letters_are_requeued_with_their_payload_at_the_end_of_the_queue(tmp_path):
    box = Outbox(tmp_path / "o.sqlite", "dev-1", ManualClock(), OutboxSettings())  # no dead-letter reports, to keep the queue plain
    for i in range(3):
        box.put("t", "sale", "s", {"i": i}, 1.0)
    box.flush()
    rows = _all(box)
    for r in rows[:2]:
        box.move_aside(r.seq, 3, "refused")
    box.flush()
    assert box.stats()["dead"] == 2 and [r.seq for r in _all(box)] == [2]
    assert box.requeue_dead([rows[1].seq, 999]) == 1  # unknown seqs are ignored
    back = _all(box)
    assert [r.seq for r in back] == [2, 3] and back[1].payload == rows[1].payload  # same seq/msg_id inside
    assert box.stats()["dead"] == 1 and box.stats()["depth"] == 2
    assert box.stats()["bytes"] == sum(len(r.payload) for r in back)
    box.close()
    box = Outbox(tmp_path / "o.sqlite", "dev-1", ManualClock(), OutboxSettings())  # committed: survives a restart
    assert box.stats()["dead"] == 1 and box.requeue_dead(None) == 1 and box.requeue_dead(None) == 0
    assert [json.loads(r.payload)["data"]["i"] for r in _all(box)] == [2, 1, 0] and box.dead_letters() == []
    box.close()


def test_committed_rows_are_in_a_wal_database_with_the_configured_sync(tmp_path):
    box = _box(tmp_path, synchronous="FULL")
    box.put("t", "restock_alert", "s", {}, 1.0, ALERT)  # alerts return only once committed
    db = sqlite3.connect(tmp_path / "o.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    db.close()
    box.close()


def test_cursor_survives_an_emptied_table(tmp_path):
    # SQLite reuses row ids once the table is empty; the sender's cursor is seq, which never goes back.
    box = _box(tmp_path)
    cursor = -1
    for i in range(3):
        box.put("t", "telemetry", "s", {"i": i}, 1.0, TELEMETRY)
        box.flush()
        rows = box.peek(cursor, 10)
        assert [json.loads(r.payload)["data"]["i"] for r in rows] == [i]
        cursor = rows[-1].seq
        box.ack(rows[-1].seq)
        box.flush()
        assert box.stats()["depth"] == 0
    box.close()


def test_a_corrupt_outbox_file_is_moved_aside_and_a_new_one_works(tmp_path, caplog):
    path = tmp_path / "o.sqlite"
    path.write_bytes(b"this is not an sqlite database, an SD card sector went bad" * 100)
    box = _box(tmp_path)
    box.put("t", "restock_alert", "s", {"slot": "A1"}, 1.0, ALERT)
    assert [r.kind for r in _all(box)] == ["restock_alert"]
    (aside,) = tmp_path.glob("o.sqlite.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not an sqlite database")
    assert any(rec.getMessage().startswith("outbox database unreadable") for rec in caplog.records)
    box.close()
