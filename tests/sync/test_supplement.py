"""补交 of 容缺 materials, from the counter to the hub: a material accepted under 容缺 and
brought in later is recorded (only a deferred one, only while one is owed, only by the counter's
roles), the application leaves 容缺受理 once nothing is owed, a 补交回执 names what came in, and
the hub on 127.0.0.1 receives the event: its copy carries the new content and the citizens'
page shows the step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from station.core import outbox
from station.core.applications import Status
from station.core.errors import NothingToSupplement, PermissionDenied, ValidationFailed
from station.core.issuing import supplement_and_issue
from station.core.models import Application, AuditEvent
from station.core.overview import application_detail, row
from station.core.print_jobs import HeldDocuments
from station.core.store import StationStore
from sync.hub import citizen_cases, reconcile
from sync.hub.models import HubApplication, HubRecord
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import ID_NUMBER, draft_input, pdf_text
from tests.sync.station_helpers import connect

DEFERRED = {"identity": "satisfied_by_card", "photo": "provided", "rental_contract": "missing_rongque",
            "employment_proof": "missing_rongque"}


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def rongque_case(store: StationStore, sessions: Sessions, clock: FakeClock) -> str:
    app = store.applications.create_draft(sessions.operator, draft_input(DEFERRED))
    clock.advance(minutes=3)
    submitted = store.applications.submit(sessions.operator, app.id, due_date=date(2026, 12, 10),
                                          rongque_deadline=date(2026, 12, 3))
    assert submitted.status == Status.ACCEPTED_PENDING_MATERIALS
    return str(app.id)


def test_supplying_the_deferred_materials_one_by_one(store: StationStore, sessions: Sessions,
                                                     clock: FakeClock) -> None:
    app_id = rongque_case(store, sessions, clock)
    before = Application.get_by_id(app_id)
    assert row(before).rongque

    with pytest.raises(PermissionDenied):
        store.applications.supplement(sessions.sync_operator, app_id, ["rental_contract"])
    with pytest.raises(ValidationFailed):  # the photo was not deferred
        store.applications.supplement(sessions.operator, app_id, ["photo"])

    first = store.applications.supplement(sessions.operator, app_id, ["rental_contract"])
    assert first.status == Status.ACCEPTED_PENDING_MATERIALS and row(first).rongque  # one still owed
    assert json.loads(first.materials)["rental_contract"] == "provided"
    assert first.content_hash != before.content_hash
    event = outbox.read_range(outbox.high_water(), outbox.high_water())[0]
    assert event.kind == "supplemented" and event.payload["materials"]["rental_contract"] == "provided"
    assert event.payload["content_hash"] == first.content_hash

    done = store.applications.supplement(sessions.operator, app_id, ["employment_proof"])
    assert done.status == Status.SUBMITTED and not row(done).rongque
    assert done.rongque_deadline == date(2026, 12, 3)  # the deadline it was accepted with stays on record
    with pytest.raises(NothingToSupplement):
        store.applications.supplement(sessions.operator, app_id, ["employment_proof"])
    recorded = [json.loads(a.details)["materials"] for a in AuditEvent.select()
                .where(AuditEvent.action == "application.supplemented").order_by(AuditEvent.seq)]
    assert recorded == [["rental_contract"], ["employment_proof"]]


def test_an_application_without_rongque_has_nothing_to_supply(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft_input({"identity": "satisfied_by_card"}))
    store.applications.submit(sessions.operator, app.id)
    with pytest.raises(NothingToSupplement) as refused:
        store.applications.supplement(sessions.operator, app.id, ["rental_contract"])
    assert refused.value.message("en") == "this application owes no materials accepted under 容缺"


def test_the_supplement_receipt_names_what_came_in_and_what_is_still_owed(
        store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    app_id = rongque_case(store, sessions, clock)
    held = HeldDocuments()
    issued = supplement_and_issue(store, sessions.operator, app_id, ["rental_contract"], None, held)
    assert (issued.kind, issued.output) == ("supplement", "a4")
    text = pdf_text(held.documents[-1].pdf)
    assert "补交回执" in text and "Receipt for Documents Handed In" in text
    assert "本次补交" in text and "房屋租赁合同" in text and "王小红" in text
    assert "仍待补交" in text and "就业证明" in text
    detail = application_detail(store, sessions.operator, app_id, None)
    assert [m for m, _name in detail.owed] == ["employment_proof"]


def test_the_hub_receives_the_supplement(store: StationStore, sessions: Sessions, clock: FakeClock,
                                         local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    app_id = rongque_case(store, sessions, clock)
    service.push(sessions.sync_operator)
    clock.advance(days=2)
    supplied = store.applications.supplement(sessions.operator, app_id, ["rental_contract", "employment_proof"])
    service.push(sessions.sync_operator)

    kinds = [r.kind for r in HubRecord.select().where(HubRecord.application_id == app_id).order_by(HubRecord.seq)]
    assert kinds == ["submitted", "supplemented"]
    reconcile.refresh_applications()
    held = HubApplication.get_by_id(app_id)
    assert held.content_hash == supplied.content_hash and held.rongque == 1  # accepted with 容缺, on record
    steps = [s.kind for s in citizen_cases.case(app_id).steps]
    assert "supplemented" in steps
    page = httpx.post(f"{local_hub.url}/c", data={"receipt": str(supplied.receipt_number), "tail": ID_NUMBER[-4:]},
                      follow_redirects=True, timeout=10)
    assert page.status_code == 200 and "容缺材料已补交" in page.text
