"""The audit chain: every kind of tampering is caught by `verify`, every time."""

from __future__ import annotations

import pytest

from station.core import audit
from station.core.db import database
from station.core.models import AuditEvent, OutboxEvent
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.station.core.helpers import draft


@pytest.fixture
def chain(store: StationStore, sessions: Sessions) -> StationStore:
    for _ in range(3):
        app = store.applications.create_draft(sessions.operator, draft())
        store.applications.submit(sessions.operator, app.id)
    assert audit.verify().ok
    return store


def _sql(statement: str, *params: object) -> None:
    database.execute_sql(statement, params)


def test_intact_chain_verifies(chain: StationStore) -> None:
    report = audit.verify()
    assert report.ok and report.events == AuditEvent.select().count()


def test_edited_row_is_named(chain: StationStore) -> None:
    _sql("UPDATE audit_event SET operator = 'mallory' WHERE seq = 7")
    report = audit.verify()
    assert not report.ok and report.first_broken_seq == 7


def test_deleted_row_is_named(chain: StationStore) -> None:
    _sql("DELETE FROM audit_event WHERE seq = 6")
    report = audit.verify()
    assert not report.ok and report.first_broken_seq == 6


def test_reordered_rows_are_caught(chain: StationStore) -> None:
    rows = {r.seq: r for r in AuditEvent.select().where(AuditEvent.seq.in_([8, 9]))}
    for seq, other in ((8, rows[9]), (9, rows[8])):
        _sql("UPDATE audit_event SET at=?, operator=?, action=?, subject=?, details=?, prev_hash=?, hash=? WHERE seq=?",
             other.at, other.operator, other.action, other.subject, other.details, other.prev_hash, other.hash, seq)
    report = audit.verify()
    assert not report.ok and report.first_broken_seq == 8


def test_forged_inserted_row_is_caught(chain: StationStore) -> None:
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    _sql("UPDATE audit_event SET seq = -seq - 1 WHERE seq >= 5 AND seq <= ?", last.seq)  # make room
    _sql("UPDATE audit_event SET seq = -seq WHERE seq < 0")
    prev = AuditEvent.get(AuditEvent.seq == 4)
    forged = audit.event_hash(prev.hash, 5, prev.at, "mallory", "operator.login", "x", "{}")
    _sql("INSERT INTO audit_event VALUES (5, ?, 'mallory', 'operator.login', 'x', '{}', ?, ?)",
         prev.at, prev.hash, forged)
    report = audit.verify()
    assert not report.ok and report.first_broken_seq == 6


def test_cutting_off_the_newest_rows_is_caught(chain: StationStore) -> None:
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).get().seq
    _sql("DELETE FROM audit_event WHERE seq > ?", last - 2)
    report = audit.verify()
    assert not report.ok and report.first_broken_seq == last - 1


def test_a_rewrite_from_one_row_on_is_caught_by_the_outbox_anchors(chain: StationStore) -> None:
    """Recompute every hash after an edit and even move the head: the outbox still holds
    the old chain heads, which the hub will also hold."""
    rows = list(AuditEvent.select().order_by(AuditEvent.seq))
    running = rows[2].prev_hash
    for row in rows[2:]:
        operator = "mallory" if row.seq == 3 else row.operator
        digest = audit.event_hash(running, row.seq, row.at, operator, row.action, row.subject, row.details)
        _sql("UPDATE audit_event SET operator=?, prev_hash=?, hash=? WHERE seq=?", operator, running, digest, row.seq)
        running = digest
    _sql("UPDATE setting SET value=? WHERE key='audit_head'", f"{rows[-1].seq}:{running}")
    report = audit.verify()
    anchored = OutboxEvent.select().order_by(OutboxEvent.seq).first().audit_seq
    assert not report.ok and report.first_broken_seq == anchored


def test_a_submission_is_held_by_its_outbox_event_and_other_events_by_the_head_setting(
        chain: StationStore, sessions: Sessions) -> None:
    kept = database.execute_sql("SELECT value FROM setting WHERE key = 'audit_head'").fetchone()[0]
    app = chain.applications.create_draft(sessions.operator, draft())  # moves the head setting
    moved = database.execute_sql("SELECT value FROM setting WHERE key = 'audit_head'").fetchone()[0]
    assert moved != kept
    chain.applications.submit(sessions.operator, app.id)  # anchored by its outbox event instead
    assert database.execute_sql("SELECT value FROM setting WHERE key = 'audit_head'").fetchone()[0] == moved
    newest = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    anchor = OutboxEvent.select().order_by(OutboxEvent.seq.desc()).get()
    assert audit.head() == (newest.seq, newest.hash) == (anchor.audit_seq, anchor.audit_hash)
    assert audit.verify().ok


@pytest.mark.parametrize("newest", ["submitted", "login"])
def test_cutting_off_the_newest_row_is_caught_whichever_kind_it_is(
        chain: StationStore, sessions: Sessions, newest: str) -> None:
    if newest == "login":  # an event no outbox event carries
        audit.append(chain.clock(), "wang", "operator.login", "wang")
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    assert last.action == ("operator.login" if newest == "login" else "application.submitted")
    _sql("DELETE FROM audit_event WHERE seq = ?", last.seq)
    report = audit.verify()
    assert not report.ok and report.first_broken_seq == last.seq
