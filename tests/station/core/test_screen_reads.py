"""The counter's screens read a store of any size by index (migration 12): the home screen, the
lists, an application's detail and its history never read the applications, the audit trail
or the outbox whole, and what they show stays the same."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from station.core import outbox
from station.core.applications import Status
from station.core.db import database
from station.core.overview import (
    ListFilters,
    application_detail,
    application_history,
    application_rows,
    counter_overview,
    last_hub_contact,
)
from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.station.core.helpers import draft

#: The tables that grow with every application; a small table (operators, batches) may be read whole.
GROWING = {"application", "audit_event", "outbox_event"}


def _statements(caplog: pytest.LogCaptureFixture) -> list[tuple[str, tuple[object, ...]]]:
    """The statements peewee ran while `caplog` listened, with their parameters."""
    return [(str(r.msg[0]), tuple(r.msg[1] or ())) for r in caplog.records
            if r.name == "peewee" and isinstance(r.msg, tuple)]


def _whole_table_reads(sql: str, params: tuple[object, ...]) -> list[str]:
    """The growing tables this statement reads row by row from the first to the last."""
    aliases = {alias: table for table, alias in re.findall(r'"(\w+)" AS "(\w+)"', sql)}
    plan = [str(row[-1]) for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
    scanned = [m.group(1) for line in plan if (m := re.fullmatch(r"SCAN (\w+)", line))]
    return [aliases.get(name, name) for name in scanned if aliases.get(name, name) in GROWING]


def _filed(store: StationStore, sessions: Sessions, clock: FakeClock) -> list[str]:
    """A few days of work: accepted, one under 容缺, one voided, drafts; the first day's at the hub."""
    ids = []
    for day in range(3):
        for n in range(3):
            rongque = (day, n) == (1, 1)
            filed = draft(name=f"第{day}天{n}")
            if rongque:
                filed = replace(filed, materials={"rental_contract": "missing_rongque"})
            app = store.applications.create_draft(sessions.operator, filed)
            store.applications.submit(sessions.operator, app.id, rongque_deadline=date(2026, 12, 20) if rongque else None)
            ids.append(app.id)
            clock.advance(minutes=5)
        clock.advance(days=1)
    store.applications.void(sessions.supervisor, ids[-1], "重复受理")
    store.applications.create_draft(sessions.operator, draft(name="草稿"))
    outbox.acknowledge(1, 3, clock())
    return ids


def test_the_counter_screens_never_read_a_growing_table_whole(
        store: StationStore, sessions: Sessions, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    ids = _filed(store, sessions, clock)
    screens: dict[str, Callable[[], object]] = {
        "home": lambda: counter_overview(store, sessions.operator),
        "today": lambda: application_rows(store, sessions.operator, ListFilters()),
        "all": lambda: application_rows(store, sessions.operator, ListFilters(today_only=False)),
        "voided": lambda: application_rows(store, sessions.operator, ListFilters(today_only=False, status="voided")),
        "search": lambda: application_rows(store, sessions.operator, ListFilters(today_only=False, search="第1天1")),
        "detail": lambda: application_detail(store, sessions.operator, ids[4], None),
        "outbox": outbox.depth,
        "contact": last_hub_contact,
    }
    for name, screen in screens.items():
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            screen()
        ran = _statements(caplog)
        assert ran, name
        for sql, params in ran:
            assert _whole_table_reads(sql, params) == [], (name, sql)


def test_the_whole_list_is_the_newest_accepted_beside_the_open_drafts(
        store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    ids = _filed(store, sessions, clock)
    newest = store.applications.list(sessions.operator, limit=3)
    assert [a.applicant_name for a in newest] == ["草稿", "第2天2", "第2天1"]
    everything = store.applications.list(sessions.operator)
    assert [a.id for a in everything[1:]] == ids[::-1]
    assert [a.id for a in store.applications.list(sessions.operator, status="voided")] == [ids[-1]]
    owing = store.applications.list(sessions.operator, status=Status.ACCEPTED_PENDING_MATERIALS)
    assert [a.id for a in owing] == [ids[4]]
    assert [a.id for a in store.applications.owing_materials(sessions.operator)] == [ids[4]]
    today = store.applications.list(sessions.operator, day=clock().date())
    assert [a.applicant_name for a in today] == ["草稿"]  # the last filing day was yesterday
    assert store.applications.counts_for_day(sessions.operator, clock().date()) == {"draft": 1}


def test_an_applications_history_holds_its_submission_and_what_the_hub_holds(
        store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    ids = _filed(store, sessions, clock)
    first = application_history(sessions.operator, ids[0], store.config.zone)
    assert [(e.action, e.detail) for e in first] == [
        ("application.draft_created", ""), ("application.submitted", ""), ("hub.acknowledged", "submitted")]
    voided = application_history(sessions.operator, ids[-1], store.config.zone)
    assert [e.action for e in voided] == ["application.draft_created", "application.submitted",
                                          "application.voided"]
    assert [e.operator for e in voided] == ["wang", "wang", "li"]
    # The submission's own link is the one index entry the history does without.
    indexed = database.execute_sql("SELECT action FROM audit_event INDEXED BY audit_event_subject"
                                   " WHERE subject = ? AND action != 'application.submitted'", (ids[-1],)).fetchall()
    assert sorted(a for (a,) in indexed) == ["application.draft_created", "application.voided"]
