"""一件事 as one case at the counter: the drafts share a case id, one submit accepts every item
together (or none, with one notice), one receipt lists each item's receipt number, and the
record of each item carries its case to the hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from forms import load_catalog
from reports import ApplicantInfo
from station.cli import main
from station.core import documents
from station.core.counter import Counter, identity_from_card
from station.core.errors import PermissionDenied, SubmitWithCase, ValidationFailed
from station.core.issuing import preview_lines
from station.core.models import Application, OutboxEvent
from station.core.offline_policy import StationFrozen
from station.core.store import StationStore
from tests.conftest import PASSWORDS, FakeClock, Sessions
from tests.reports.helpers import pdf_text
from tests.station.core.onething_helpers import (
    BUNDLE_POINTS,
    CARD,
    fill_case,
    hand_in_missing,
    station_at,
)

CATALOG = load_catalog()


def _compact(text: str) -> str:
    return text.replace("\n", "").replace(" ", "")


def test_retirement_is_one_submit_one_case_and_one_receipt_listing_each_item(
        store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    case = counter.start_case(sessions.operator, CATALOG.bundle("HZ-YJS-002"), identity_from_card(CARD),
                              include=("HZ-SMK-106",))
    assert [d.item.code for d in case.drafts] == ["HZ-RS-102", "HZ-GJJ-101", "HZ-SMK-106"]
    rows = list(Application.select().where(Application.case_id == case.case_id))
    assert len(rows) == 3 and {r.bundle_code for r in rows} == {"HZ-YJS-002"}
    fill_case(counter, sessions.operator, case)

    submitted = counter.submit_case(sessions.operator, case)

    assert submitted.accepted and submitted.outcome == "accept"
    numbers = [s.receipt_number for s in submitted.submissions]
    assert len(numbers) == 3 and all(numbers) and len(set(numbers)) == 3
    events = [json.loads(e.payload) for e in OutboxEvent.select().where(OutboxEvent.kind == "submitted")]
    assert [e["case"] for e in events] == [{"id": case.case_id, "bundle": "HZ-YJS-002"}] * 3
    text = _compact(pdf_text(documents.case_receipt_pdf(store, sessions.operator, case.case_id)))
    assert "一件事受理回执" in text and "退休一件事" in text and "HZ-YJS-002" in text
    for draft, number in zip(case.drafts, numbers, strict=True):
        assert number in text and draft.item.code in text
    thermal = "\n".join(preview_lines(documents.case_receipt_layout(store, sessions.operator, case.case_id,
                                                                    paper_mm=58), 58))
    assert "一件事受理回执" in thermal.replace(" ", "")
    assert all(number in thermal for number in numbers)


def test_after_a_death_with_papers_missing_gives_one_notice_and_keeps_every_draft(
        store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    bundle = CATALOG.bundle("HZ-YJS-003")
    case = counter.start_case(sessions.operator, bundle, identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)

    submitted = counter.submit_case(sessions.operator, case)

    assert not submitted.accepted and submitted.submissions == ()
    assert {a.status for a in Application.select().where(Application.case_id == case.case_id)} == {"draft"}
    assert OutboxEvent.select().count() == 0
    notice = _compact(pdf_text(documents.bundle_notice_pdf(
        store, sessions.operator, bundle, list(submitted.evaluations), ApplicantInfo(CARD["name"], CARD["id_number"]))))
    assert "身后一件事" in notice
    resumed = counter.resume_case(sessions.operator, case.case_id)
    assert [d.app_id for d in resumed.drafts] == [d.app_id for d in case.drafts]
    assert resumed.drafts[0].values == case.drafts[0].values
    lead = resumed.drafts[0]
    missing = {m.material.id for m in counter.evaluate(sessions.operator, lead).materials if m.status == "missing"}
    lead.received |= missing  # the papers are brought the next time
    again = counter.submit_case(sessions.operator, resumed)
    assert again.accepted and len(again.submissions) == 2


def test_an_item_of_a_case_is_never_submitted_on_its_own(store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    case = counter.start_case(sessions.operator, CATALOG.bundle("HZ-YJS-002"), identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)
    with pytest.raises(SubmitWithCase) as caught:
        counter.submit(sessions.operator, case.drafts[0])
    assert "HZ-YJS-002" in caught.value.message("zh") and "一件事" in caught.value.message("en")
    assert Application.select().where(Application.status != "draft").count() == 0


def test_a_role_without_the_right_is_refused_by_the_counter(store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    bundle = CATALOG.bundle("HZ-YJS-002")
    for session in (sessions.sync_operator, sessions.admin):
        with pytest.raises(PermissionDenied):
            counter.start_case(session, bundle, identity_from_card(CARD))
    case = counter.start_case(sessions.operator, bundle, identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)
    with pytest.raises(PermissionDenied):
        counter.submit_case(sessions.sync_operator, case)
    with pytest.raises(PermissionDenied):
        documents.case_receipt_pdf(store, sessions.admin, case.case_id)
    assert Application.select().where(Application.status != "draft").count() == 0


def test_every_item_is_accepted_together_or_none_is(store: StationStore, sessions: Sessions) -> None:
    """A refusal while the second item is accepted (here the offline policy's guard, which runs
    inside each submission) leaves the first one a draft too: one transaction for the case."""
    counter = Counter(store)
    case = counter.start_case(sessions.operator, CATALOG.bundle("HZ-YJS-002"), identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)
    calls: list[int] = []

    def second_refused() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise StationFrozen("本站暂停受理新申请：离线受理已达上限。请同步后再试。",
                                "this station takes no new applications: the offline limit is reached")

    store.applications.accepting_guard = second_refused
    with pytest.raises(StationFrozen):
        counter.submit_case(sessions.operator, case)
    assert len(calls) == 2
    assert {a.status for a in Application.select().where(Application.case_id == case.case_id)} == {"draft"}
    assert Application.select().where(Application.receipt_number.is_null(False)).count() == 0
    assert OutboxEvent.select().count() == 0
    store.applications.accepting_guard = None
    assert counter.submit_case(sessions.operator, case).accepted


def test_an_optional_item_joins_the_case_and_nothing_else_does(store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    case = counter.start_case(sessions.operator, CATALOG.bundle("HZ-YJS-003"), identity_from_card(CARD))
    added = counter.add_to_case(sessions.operator, case, "HZ-CL-104")
    assert (added.case_id, added.bundle_code, case.drafts[-1]) == (case.case_id, "HZ-YJS-003", added)
    for code in ("HZ-CL-104", "HZ-GA-112", "HZ-YB-106"):  # twice, a required one, not of the bundle
        with pytest.raises(ValidationFailed):
            counter.add_to_case(sessions.operator, case, code)
    with pytest.raises(PermissionDenied):
        counter.add_to_case(sessions.sync_operator, case, "HZ-CL-104")
    assert [d.item.code for d in counter.resume_case(sessions.operator, case.case_id).drafts] == [
        "HZ-GA-112", "HZ-MZ-106", "HZ-CL-104"]


@pytest.mark.parametrize("code", sorted(BUNDLE_POINTS))
def test_each_shipped_bundle_is_one_receipt_at_the_point_that_files_it(
        tmp_path: Path, clock: FakeClock, code: str) -> None:
    """Each bundle at its lead item's point type; what the card and shared data do not prove is
    first asked for in one notice (身后一件事 always: the deceased's papers), then brought."""
    bundle = CATALOG.bundle(code)
    with station_at(tmp_path / "station", clock, BUNDLE_POINTS[code]) as (store, sessions):
        counter = Counter(store)
        case = counter.start_case(sessions.operator, bundle, identity_from_card(CARD), include=bundle.optional)
        assert [d.item.code for d in case.drafts] == list(bundle.codes)
        fill_case(counter, sessions.operator, case)
        first = counter.submit_case(sessions.operator, case)
        assert first.accepted or code != "HZ-YJS-002"  # 退休: the card and shared data prove everything
        if not first.accepted:
            notice = _compact(pdf_text(documents.bundle_notice_pdf(
                store, sessions.operator, bundle, list(first.evaluations),
                ApplicantInfo(CARD["name"], CARD["id_number"]))))
            assert bundle.name.zh in notice and "一次性告知书" in notice
            hand_in_missing(counter, sessions.operator, case)
            first = counter.submit_case(sessions.operator, case)
        assert first.accepted and len(first.submissions) == len(bundle.codes)
        text = _compact(pdf_text(documents.case_receipt_pdf(store, sessions.operator, case.case_id)))
        assert bundle.name.zh in text and all(s.receipt_number in text for s in first.submissions)


def test_the_command_line_prints_the_case_receipt_from_any_of_its_items(
        station_dir: Path, clock: FakeClock, tmp_path: Path) -> None:
    store = StationStore(station_dir, clock)
    session = store.login("wang", PASSWORDS["wang"])
    counter = Counter(store)
    case = counter.start_case(session, CATALOG.bundle("HZ-YJS-002"), identity_from_card(CARD))
    fill_case(counter, session, case)
    numbers = [s.receipt_number for s in counter.submit_case(session, case).submissions]
    lone = counter.start(session, counter.item("HZ-YB-106"), identity_from_card(CARD))
    lone.values["phone"] = "13800000000"
    lone_number = counter.submit(session, lone).receipt_number
    store.close()
    env = {"JIUJIN_OPERATOR": "wang", "JIUJIN_PASSWORD": PASSWORDS["wang"], "JIUJIN_LANG": "zh",
           "JIUJIN_DATA_DIR": str(station_dir)}
    pdf, raw = tmp_path / "case.pdf", tmp_path / "case.bin"
    done = CliRunner().invoke(main, ["report", "receipt", str(numbers[1]), "--case", "--pdf", str(pdf),
                                     "--escpos", str(raw), "--paper", "58"], env=env)
    assert done.exit_code == 0, done.output
    text = _compact(pdf_text(pdf.read_bytes()))
    assert "一件事受理回执" in text and all(str(n) in text for n in numbers)
    assert "一件事受理回执".encode("gb18030") in raw.read_bytes()
    refused = CliRunner().invoke(main, ["report", "receipt", str(lone_number), "--case", "--pdf", str(pdf)],
                                 env=env)
    assert refused.exit_code != 0 and "不属于一件事" in refused.output
