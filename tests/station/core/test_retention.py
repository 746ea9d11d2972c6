"""Retention (数据清理): the station purges an application's personal data only once the hub
reported it completed or rejected, its day was reconciled, and `retention_days` have passed on
the station's clock; a minimal receipt record stays and the audit chain still verifies."""

from __future__ import annotations

from station.core import audit, day_close
from station.core.db import database
from station.core.models import Application, Attachment, AuditEvent, OutboxEvent
from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.station.core.reconcile_helpers import Hub, id_number, person_draft

PEOPLE = {"completed": ("欧阳甲", id_number(1)), "rejected": ("欧阳乙", id_number(2)),
          "later_day": ("欧阳丙", id_number(3)), "still_open": ("欧阳丁", id_number(4))}


def _submit(store: StationStore, sessions: Sessions, who: str) -> str:
    name, number = PEOPLE[who]
    app = store.applications.create_draft(sessions.operator, person_draft(number, name))
    store.applications.attach(sessions.operator, app.id, b"%PDF-1.7 scan", "application/pdf", "scan")
    return store.applications.submit(sessions.operator, app.id).id


def _places_holding(text: str) -> list[str]:
    """Every table (and column) of the station's database whose value contains `text`."""
    found = []
    tables = [r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        cursor = database.execute_sql(f'SELECT * FROM "{table}"')
        columns = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            for column, value in zip(columns, row, strict=True):
                raw = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                if text in raw:
                    found.append(f"{table}.{column}")
    return found


def test_purges_only_final_reconciled_applications_after_the_retention_days(
        store: StationStore, sessions: Sessions, clock: FakeClock, hub: Hub) -> None:
    ids = {who: _submit(store, sessions, who) for who in ("completed", "rejected", "still_open")}
    clock.advance(days=1)
    ids["later_day"] = _submit(store, sessions, "later_day")
    hub.deliver()
    hub.send("statuses", {"updates": [
        {"application_id": ids["completed"], "status": "completed"},
        {"application_id": ids["rejected"], "status": "rejected", "message": "材料不符"},
        {"application_id": ids["later_day"], "status": "completed"}]})
    supervisor = sessions.supervisor

    # final at the hub, but no day reconciled yet: nothing goes
    assert day_close.purge(store, supervisor) == {"purged": 0, "waiting_for_reconciliation": 3,
                                                  "waiting_for_delivery": 0}
    assert hub.send("reconciled", {"days": ["2026-11-26"]})["applied"]
    # reconciled, but the retention period has not passed
    assert day_close.purge(store, supervisor)["purged"] == 0
    clock.advance(days=store.config.retention_days - 1)
    assert day_close.purge(store, supervisor)["purged"] == 0
    clock.advance(days=1)
    assert day_close.purge(store, supervisor) == {"purged": 2, "waiting_for_reconciliation": 1,
                                                  "waiting_for_delivery": 0}
    assert day_close.purge(store, supervisor)["purged"] == 0  # once only

    for who in ("completed", "rejected"):
        row = Application.get_by_id(ids[who])
        assert row.receipt_number and row.content_hash and row.day.isoformat() == "2026-11-26"
        assert str(row.status) == who
        assert (row.applicant_name, row.applicant_id, row.payload, row.status_message) == ("", "", "{}", None)
        assert Attachment.select().where(Attachment.application == ids[who]).count() == 0
        for event in OutboxEvent.select().where(OutboxEvent.application_id == ids[who]):
            assert '"purged":true' in event.payload and row.receipt_number in event.payload
        name, number = PEOPLE[who]
        assert _places_holding(name) == [] and _places_holding(number) == []
    for who in ("later_day", "still_open"):  # not reconciled, not final: all still there
        name, number = PEOPLE[who]
        assert "application.applicant_name" in _places_holding(name)
        assert "application.applicant_id" in _places_holding(number)
        assert Attachment.select().where(Attachment.application == ids[who]).count() == 1
    assert audit.verify().ok
    assert "retention.purged" in [e.action for e in AuditEvent.select()]


def test_nothing_is_purged_while_the_outbox_still_has_to_deliver_it(
        store: StationStore, sessions: Sessions, clock: FakeClock, hub: Hub) -> None:
    app_id = _submit(store, sessions, "completed")
    hub.send("statuses", {"updates": [{"application_id": app_id, "status": "completed"}]})
    hub.send("reconciled", {"days": ["2026-11-26"]})
    clock.advance(days=store.config.retention_days + 1)
    assert day_close.purge(store, sessions.supervisor) == {"purged": 0, "waiting_for_reconciliation": 0,
                                                           "waiting_for_delivery": 1}
    assert Application.get_by_id(app_id).applicant_name == PEOPLE["completed"][0]
