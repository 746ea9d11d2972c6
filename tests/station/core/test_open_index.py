"""The indexes a submission writes: the open applications indexed apart (migration 9), found
through that index, and a day's applications found by their receipt numbers (migration 10)."""

from __future__ import annotations

from typing import Any

from peewee import Query

from station.core import offline_policy
from station.core.applications import OPEN, Status, open_only
from station.core.db import database
from station.core.migrations import OPEN_STATUSES
from station.core.models import Application, Operator
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.station.core.helpers import draft


def _plan(sql: str, params: Any = ()) -> str:
    return " | ".join(str(row[-1]) for row in database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))


def _query_plan(query: Query) -> str:
    return _plan(*query.sql())


def test_the_open_statuses_are_the_same_in_the_index_and_in_the_code(store: StationStore) -> None:
    assert {s.strip(" '") for s in OPEN_STATUSES.strip("()").split(",")} == {str(s) for s in OPEN}
    indexes = {row[1] for row in database.execute_sql("PRAGMA index_list(application)")}
    assert "application_open" in indexes and "application_status" not in indexes
    triggers = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert not [t for (t,) in triggers if t.startswith("application_unsent")]


def test_what_the_counter_looks_for_is_read_through_the_open_index(store: StationStore, sessions: Sessions) -> None:
    for _ in range(3):
        store.applications.create_draft(sessions.operator, draft())
    assert "COVERING INDEX application_open" in _plan(offline_policy._UNSENT)  # the index alone
    drafts = (Application.select(Application, Operator).join(Operator)
              .where((Application.status == Status.DRAFT) & open_only()))
    assert "application_open" in _query_plan(drafts)
    amendments = Application.select().where((Application.status == Status.NEEDS_AMENDMENT) & open_only())
    assert "application_open" in _query_plan(amendments)
    assert [a.status for a in store.applications.list(sessions.operator, status=Status.DRAFT)] == ["draft"] * 3


def test_the_unsent_count_follows_submissions_and_drafts_do_not_count(store: StationStore, sessions: Sessions) -> None:
    ids = [store.applications.create_draft(sessions.operator, draft()).id for _ in range(3)]
    assert offline_policy.unsent_count() == 0
    store.applications.submit(sessions.operator, ids[0])
    store.applications.submit(sessions.operator, ids[1])
    assert offline_policy.unsent_count() == 2
    store.applications.void(sessions.supervisor, ids[0], "重复受理")
    assert offline_policy.unsent_count() == 1


def test_a_days_applications_are_found_by_their_receipt_numbers(store: StationStore, sessions: Sessions) -> None:
    from station.core.applications import accepted_between
    from station.core.clock import local_day
    from station.core.day_close import applications_by_day

    ids = [store.applications.create_draft(sessions.operator, draft()).id for _ in range(3)]
    for app_id in ids[:2]:
        store.applications.submit(sessions.operator, app_id)
    today = local_day(store.clock())
    assert "application_day" not in {row[1] for row in database.execute_sql("PRAGMA index_list(application)")}
    days = Application.select().where(accepted_between(store.config.code, today, today))
    assert "application_receipt_number" in _query_plan(days)
    assert sorted(a.id for a in days) == sorted(ids[:2])  # the draft has no receipt number
    assert applications_by_day(store.config.code, 30) == [(today.isoformat(), 2)]
    listed = store.applications.list(sessions.operator, day=today)
    assert {a.id for a in listed} == set(ids)  # the day's list shows its drafts as well
