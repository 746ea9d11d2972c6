"""Facts the catalog has no full source for are marked ※ and "以窗口核实为准" wherever a
citizen or a clerk reads them: the receipt (A4 and thermal), the one-time notice, the form
and the service guide. Checked on rendered documents by text extraction."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from devices.printer.encoder import PrinterProfile, encode_receipt
from devices.simulators.printer import PrinterSimulator
from forms import load_catalog
from forms.materials import notice_for_material
from reports import ApplicantInfo, NoticeData, notice_pdf, receipt_pdf
from reports.notice import items_from_entries
from station.core import documents
from station.core.session import Session
from station.core.store import StationStore
from station.ui.dialogs.guide import guide_markdown
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import RONGQUE, STATION, draft_input, pdf_text, receipt_data

CATALOG = load_catalog()
PERMIT = CATALOG.get("HZ-GA-004")
LEGEND = "以窗口核实为准"


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _file(store: StationStore, session: Session, clock: FakeClock) -> str:
    app = store.applications.create_draft(session, draft_input(RONGQUE))
    clock.advance(minutes=5)
    submitted = store.applications.submit(session, app.id, due_date=date(2026, 12, 7),
                                          rongque_deadline=date(2026, 12, 3))
    return str(submitted.receipt_number)


def test_the_permit_item_mixes_cited_and_unverified_facts() -> None:
    """The assertions below rely on these facts of HZ-GA-004 (docs/catalog-format.md §10)."""
    assert not PERMIT.promised_limit.source.verified
    assert not PERMIT.get_material("photo").source.verified
    assert PERMIT.get_material("identity").source.verified
    assert PERMIT.get_material("rental_contract").source.verified
    assert PERMIT.contact.source.verified


def test_receipt_pdf_marks_the_unverified_promise_and_materials(
        store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    number = _file(store, sessions.operator, clock)
    text = _compact(pdf_text(documents.receipt_pdf(store, sessions.operator, number, CATALOG)))
    assert "7个工作日※" in text and "近期免冠照片※" in text and "12345※" not in text
    assert "本人有效身份证件※" not in text and "本人有效身份证件" in text
    assert "房屋租赁合同※" not in text and "房屋租赁合同" in text
    assert LEGEND in text and "Tobeconfirmedatthewindow" in text


@pytest.mark.parametrize("paper", [58, 80])
def test_thermal_receipt_marks_the_unverified_promise_and_materials(
        store: StationStore, sessions: Sessions, clock: FakeClock, paper: int) -> None:
    number = _file(store, sessions.operator, clock)
    layout = documents.receipt_layout(store, sessions.operator, number, paper_mm=paper, catalog=CATALOG)
    printer = PrinterSimulator(paper)
    printer.receive(encode_receipt(layout, PrinterProfile(paper_mm=paper)))  # type: ignore[arg-type]
    (receipt,) = printer.model.receipts
    text = _compact("".join(receipt.lines))
    assert "7个工作日※" in text and "近期免冠照片※" in text and "12345※" not in text
    assert "本人有效身份证件※" not in text and "房屋租赁合同※" not in text
    assert LEGEND in text


def test_notice_marks_what_is_unverified(store: StationStore, sessions: Sessions) -> None:
    materials = {"identity": "satisfied_by_card", "photo": "missing", "rental_contract": "missing_rongque"}
    app = store.applications.create_draft(sessions.operator, draft_input(materials))
    text = _compact(pdf_text(documents.notice_pdf(store, sessions.operator, app.id, CATALOG)))
    assert "近期免冠照片※" in text and "房屋租赁合同※" not in text and "12345※" not in text
    assert LEGEND in text


def test_form_marks_unverified_materials(store: StationStore, sessions: Sessions,
                                         clock: FakeClock) -> None:
    number = _file(store, sessions.operator, clock)
    text = _compact(pdf_text(documents.form_pdf(store, sessions.operator, number, CATALOG)))
    assert "近期免冠照片※" in text and "本人有效身份证件※" not in text and LEGEND in text


def test_a_receipt_of_cited_facts_carries_no_mark() -> None:
    text = pdf_text(receipt_pdf(receipt_data()))
    assert "※" not in text and LEGEND not in text


@pytest.mark.parametrize("code", [item.code for item in CATALOG])
def test_every_unverified_material_of_every_item_is_marked_on_its_notice(code: str) -> None:
    """The whole catalog: a notice listing every material marks exactly the unverified ones."""
    item = CATALOG.get(code)
    entries = tuple(notice_for_material(m) for m in item.materials)
    data = NoticeData(STATION, ApplicantInfo("张三", "11010519491231002X"), item.name, item.code,
                      datetime(2026, 11, 26, 9), "王小红", items_from_entries(entries),
                      consult_phone=item.contact.consult,
                      consult_verified=item.contact.source.verified)
    text = _compact(pdf_text(notice_pdf(data)))
    for material in item.materials:
        name = _compact(material.name.zh)
        assert (name + "※" in text) is (not material.source.verified), material.id
    any_unverified = not item.contact.source.verified or any(
        not m.source.verified for m in item.materials)
    assert (LEGEND in text) is any_unverified


@pytest.mark.parametrize("code", [item.code for item in CATALOG])
def test_the_guide_marks_every_unverified_fact_it_shows(code: str) -> None:
    item = CATALOG.get(code)
    lines = guide_markdown(item).splitlines()
    shown = [(m.name.zh, m.source) for m in item.materials]
    shown += [(c.text.zh, c.source) for c in item.conditions]
    shown += [(f"{b.law} {b.article}", b.source) for b in item.basis]
    shown += [(f.question.zh, f.source) for f in item.faq]
    shown += [(f"承诺时限：{item.promised_limit.text().zh}", item.promised_limit.source)]
    for text, source in shown:
        line = next(line for line in lines if line.lstrip("-* ").startswith(text))
        assert line.lstrip("-* ")[len(text):].startswith("※") is (not source.verified), text
    assert (LEGEND in lines[2]) is any("※" in line for line in lines[3:])
