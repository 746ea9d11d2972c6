"""Applications: draft, submit (receipt number, frozen content, outbox and audit in one
transaction), void before delivery, amendment, and the counter's queries."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from devices import RawCard, decode_card, fixture_names, load_fixture
from station.core import audit, outbox
from station.core.applications import Applicant, DraftInput, Status
from station.core.counter import Counter, identity_from_card
from station.core.errors import InvalidTransition, ValidationFailed
from station.core.models import Application
from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.station.core.helpers import CREDIT_CODE, OTHER_ID, VALID_ID, draft


def test_submit_gives_a_receipt_number_and_queues_one_outbox_event(
        store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft(phone="13800000000"))
    assert app.status == Status.DRAFT and outbox.high_water() == 0
    submitted = store.applications.submit(sessions.operator, app.id, due_date=date(2026, 12, 3))
    assert submitted.receipt_number == "TS0001-20261126-0001"
    assert submitted.status == Status.SUBMITTED
    [event] = outbox.read_range(1, 10)
    assert event.kind == "submitted" and event.application_id == app.id
    assert event.payload["values"]["phone"] == "13800000000"
    assert event.payload["content_hash"] == submitted.content_hash
    assert (event.audit_seq, event.audit_hash) == audit.head()


def test_receipt_numbers_count_per_day(store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    numbers = []
    for _ in range(2):
        app = store.applications.create_draft(sessions.operator, draft())
        numbers.append(store.applications.submit(sessions.operator, app.id).receipt_number)
    clock.advance(days=1)
    app = store.applications.create_draft(sessions.operator, draft())
    numbers.append(store.applications.submit(sessions.operator, app.id).receipt_number)
    assert numbers == ["TS0001-20261126-0001", "TS0001-20261126-0002", "TS0001-20261127-0001"]


def test_receipt_numbers_keep_counting_past_9999_and_after_a_void(
        store: StationStore, sessions: Sessions) -> None:
    def submit() -> Application:
        app = store.applications.create_draft(sessions.operator, draft())
        return store.applications.submit(sessions.operator, app.id)

    first = submit()
    store.applications.void(sessions.supervisor, first.id, "申请人撤回")
    assert submit().receipt_number == "TS0001-20261126-0002"  # a voided number is never reused
    # a very busy day: the day's numbers so far end at 9999 (written directly, to skip 9,997 submissions)
    last = submit()
    Application.update(receipt_number="TS0001-20261126-9999").where(Application.id == last.id).execute()
    numbers = [submit().receipt_number for _ in range(2)]
    assert numbers == ["TS0001-20261126-10000", "TS0001-20261126-10001"]


def test_a_submission_that_fails_part_way_leaves_nothing_behind(
        store: StationStore, sessions: Sessions) -> None:
    """The outbox refuses the event (a trigger stands in for any failure of the last write):
    the receipt number, the status and the audit link go with it, the error is peewee's as
    everywhere else, and the station's next submission takes the number the failed one had."""
    from peewee import IntegrityError

    from station.core.db import database

    app = store.applications.create_draft(sessions.operator, draft())
    head = audit.head()
    database.execute_sql("CREATE TEMP TRIGGER refuse BEFORE INSERT ON outbox_event"
                         " BEGIN SELECT RAISE(ABORT, 'outbox refused'); END")
    with pytest.raises(IntegrityError, match="outbox refused"):
        store.applications.submit(sessions.operator, app.id)
    kept = Application.get_by_id(app.id)
    assert (kept.status, kept.receipt_number, kept.content_hash) == (Status.DRAFT, None, None)
    assert audit.head() == head and outbox.high_water() == 0
    database.execute_sql("DROP TRIGGER temp.refuse")
    assert store.applications.submit(sessions.operator, app.id).receipt_number == "TS0001-20261126-0001"
    assert audit.verify().ok


def test_submitted_content_is_frozen(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft())
    store.applications.submit(sessions.operator, app.id)
    with pytest.raises(InvalidTransition):
        store.applications.update_draft(sessions.operator, app.id, draft(name="李四"))
    with pytest.raises(InvalidTransition):
        store.applications.submit(sessions.operator, app.id)


def test_rongque_acceptance_records_the_deadline(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft())
    done = store.applications.submit(sessions.operator, app.id, rongque_deadline=date(2026, 12, 10))
    assert done.status == Status.ACCEPTED_PENDING_MATERIALS
    assert outbox.read_range(1, 1)[0].payload["rongque_deadline"] == "2026-12-10"


def test_void_needs_a_reason_and_is_refused_after_delivery(store: StationStore, sessions: Sessions) -> None:
    first = store.applications.create_draft(sessions.operator, draft())
    store.applications.submit(sessions.operator, first.id)
    with pytest.raises(ValidationFailed):
        store.applications.void(sessions.supervisor, first.id, " ")
    voided = store.applications.void(sessions.supervisor, first.id, "申请人撤回")
    assert voided.status == Status.VOIDED
    second = store.applications.create_draft(sessions.operator, draft())
    store.applications.submit(sessions.operator, second.id)
    store.applications.record_hub_status(sessions.sync_operator, second.id, Status.DELIVERED)
    with pytest.raises(InvalidTransition):
        store.applications.void(sessions.supervisor, second.id, "太晚了")
    assert [e.kind for e in outbox.read_range(1, 10)] == ["submitted", "voided", "submitted"]


def test_amendment_after_the_hub_asks_for_it(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft())
    store.applications.submit(sessions.operator, app.id)
    with pytest.raises(InvalidTransition):
        store.applications.amend(sessions.operator, app.id, {"phone": "1"}, {})
    store.applications.record_hub_status(sessions.sync_operator, app.id, Status.NEEDS_AMENDMENT, "请补充照片")
    amended = store.applications.amend(sessions.operator, app.id, {"name": "张三", "phone": "13900000000"},
                                       {"phone": "typed"})
    assert amended.status == Status.AMENDED
    assert outbox.read_range(2, 2)[0].payload["values"]["phone"] == "13900000000"


def test_bad_applicants_are_refused_with_field_errors(store: StationStore, sessions: Sessions) -> None:
    with pytest.raises(ValidationFailed) as caught:
        store.applications.create_draft(sessions.operator, draft(id_number="110105194912310021"))
    assert "applicant.id_number" in caught.value.errors
    business = DraftInput("GTGSH-DJ", "个体工商户登记", "t", Applicant("business", CREDIT_CODE, "某某商行", None))
    with pytest.raises(ValidationFailed) as caught:
        store.applications.create_draft(sessions.operator, business)
    assert "applicant.representative_id" in caught.value.errors


def test_business_applicant_with_legal_representative(store: StationStore, sessions: Sessions) -> None:
    business = DraftInput("GTGSH-DJ", "个体工商户登记", "t",
                          Applicant("business", CREDIT_CODE.lower(), "某某商行", OTHER_ID))
    app = store.applications.create_draft(sessions.operator, business)
    assert app.applicant_id == CREDIT_CODE
    assert [a.id for a in store.applications.find_by_id_number(sessions.operator, OTHER_ID)] == [app.id]


def test_lowercase_x_is_normalised_and_search_finds_it(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft(id_number=VALID_ID.lower()))
    store.applications.submit(sessions.operator, app.id)
    assert Application.get_by_id(app.id).applicant_id == VALID_ID
    found = store.applications.list(sessions.operator, search=VALID_ID.lower())
    assert [a.id for a in found] == [app.id]
    assert [a.id for a in store.applications.list(sessions.operator, search="TS0001-20261126-0001")] == [app.id]


def test_attachments_are_stored_once_by_content(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft())
    first = store.applications.attach(sessions.operator, app.id, b"%PDF-1.4 scan", "application/pdf", "scan", "M1")
    again = store.applications.attach(sessions.operator, app.id, b"%PDF-1.4 scan", "application/pdf", "scan", "M1")
    assert first.id == again.id
    store.applications.submit(sessions.operator, app.id)
    assert outbox.read_range(1, 1)[0].payload["attachments"] == [first.sha256]


def test_day_counts_and_list_filters(store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    submitted = store.applications.create_draft(sessions.operator, draft())
    store.applications.submit(sessions.operator, submitted.id)
    store.applications.create_draft(sessions.operator, draft())
    counts = store.applications.counts_for_day(sessions.operator, clock().date())
    assert counts == {"draft": 1, "submitted": 1}
    assert len(store.applications.list(sessions.operator, status="draft")) == 1
    assert store.applications.list(sessions.operator, day=date(2026, 1, 1)) == []


def test_audit_details_hold_ids_not_personal_data(store: StationStore, sessions: Sessions) -> None:
    from station.core.models import AuditEvent

    app = store.applications.create_draft(sessions.operator, draft(phone="13800000000"))
    store.applications.submit(sessions.operator, app.id)
    text = json.dumps([(e.subject, e.details) for e in AuditEvent.select()], ensure_ascii=False)
    assert "张三" not in text and VALID_ID not in text and "13800000000" not in text


def test_the_list_puts_the_latest_accepted_first_and_marks_rongque(
        store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    from station.core.overview import ListFilters, application_rows

    owing = replace(draft(name="早"), materials={"rental_contract": "missing_rongque"})
    early = store.applications.create_draft(sessions.operator, owing)
    clock.advance(minutes=1)
    other = store.applications.create_draft(sessions.operator, draft(name="中"))
    store.applications.submit(sessions.operator, other.id)
    clock.advance(minutes=10)  # the early draft is accepted last, with a material to follow
    store.applications.submit(sessions.operator, early.id, rongque_deadline=date(2026, 12, 3))
    clock.advance(minutes=1)
    store.applications.create_draft(sessions.operator, draft(name="晚"))
    rows = application_rows(store, sessions.operator, ListFilters())
    assert [r.applicant_name for r in rows] == ["晚", "早", "中"]
    assert [r.updated_at[11:] for r in rows] == ["09:42", "09:41", "09:31"]
    assert rows[1].rongque and rows[1].status == Status.ACCEPTED_PENDING_MATERIALS and not rows[2].rongque


@pytest.mark.parametrize("name", fixture_names())
def test_every_demo_card_starts_an_application(store: StationStore, sessions: Sessions, name: str) -> None:
    """Each card the demo reader offers — residents, a minor, the HK/Macao/Taiwan permit, both
    foreigner permanent-residence cards — starts an application as it is read."""
    fixture = load_fixture(name)
    card = decode_card(RawCard(fixture.text_block(), fixture.photo()), store.clock().date()).as_card_data()
    counter = Counter(store)
    draft = counter.start(sessions.operator, counter.item("HZ-YB-106"), identity_from_card(card))
    assert Application.get_by_id(draft.app_id).applicant_id == card["id_number"]
