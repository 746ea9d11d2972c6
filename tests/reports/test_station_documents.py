"""Documents from a real SQLCipher station: receipts, notices, forms, amendment notices,
the daily report and the station's reconciliation report, with role checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from devices.printer.encoder import PrinterProfile, encode_receipt
from devices.simulators.printer import PrinterSimulator
from forms import load_catalog
from kernel.ratings import Rating
from reports import QRSignatureError, verify_payload
from station.core import documents, outbox, ratings
from station.core.applications import Status
from station.core.errors import PermissionDenied
from station.core.models import AuditEvent, SyncBatch
from station.core.session import Session
from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import (
    CARD_ONLY,
    ID_NUMBER,
    RONGQUE,
    draft_input,
    embedded_fonts,
    no_middle_digits,
    pdf_text,
    render_pages,
)

OTHER_ID = "340521198001010010"
CATALOG = load_catalog()
def _file(store: StationStore, session: Session, clock: FakeClock,
          materials: dict[str, str] = RONGQUE, minutes: int = 6) -> str:
    app = store.applications.create_draft(session, draft_input(materials))
    clock.advance(minutes=minutes)
    rongque = date(2026, 12, 3) if "missing_rongque" in materials.values() else None
    submitted = store.applications.submit(session, app.id, due_date=date(2026, 12, 7),
                                          rongque_deadline=rongque)
    return str(submitted.receipt_number)


def _issued(kind: str) -> int:
    return AuditEvent.select().where(AuditEvent.action == f"document.{kind}_issued").count()


def test_receipt_pdf_from_the_store(store: StationStore, sessions: Sessions, clock: FakeClock,
                                    tmp_path: Path) -> None:
    number = _file(store, sessions.operator, clock)
    data = documents.receipt_pdf(store, sessions.operator, number, CATALOG)
    text = pdf_text(data)
    for phrase in ("受理回执", number, "测试社区便民服务中心", "张三", "110105********002X",
                   "浙江省居住证申领", "2026-12-07", "7个工作日", "不收费", "王小红", "身份证核验",
                   "容缺受理", "2026-12-03", "房屋租赁合同", "2026-11-26 09:36"):
        assert phrase in text, phrase
    assert no_middle_digits(text)
    assert any("WenQuanYi" in name for name in embedded_fonts(data))
    assert render_pages(data, tmp_path)
    assert _issued("receipt") == 1


def test_receipt_qr_verifies_with_the_station_key(store: StationStore, sessions: Sessions,
                                                  clock: FakeClock, tmp_path: Path) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs the zxing-cpp wheel")
    number = _file(store, sessions.operator, clock)
    (page,) = render_pages(documents.receipt_pdf(store, sessions.operator, number, CATALOG), tmp_path, 150)
    (decoded,) = [r.text for r in zxingcpp.read_barcodes(page)]
    claim = documents.verify_qr(store, sessions.operator, decoded)
    app = store.applications.get(sessions.operator, number)
    assert (claim.receipt_number, claim.application_id) == (number, app.id)
    public = documents.station_public_key(store, sessions.operator)
    assert verify_payload(decoded, public) == claim
    with pytest.raises(QRSignatureError):
        documents.verify_qr(store, sessions.operator, decoded.replace(number, number[:-1] + "9"))


@pytest.mark.parametrize("paper", [58, 80])
def test_receipt_layout_prints_on_the_simulated_printer(store: StationStore, sessions: Sessions,
                                                        clock: FakeClock, paper: int) -> None:
    number = _file(store, sessions.operator, clock)
    layout = documents.receipt_layout(store, sessions.operator, number, paper_mm=paper, catalog=CATALOG)
    printer = PrinterSimulator(paper)
    printer.receive(encode_receipt(layout, PrinterProfile(paper_mm=paper)))  # type: ignore[arg-type]
    (receipt,) = printer.model.receipts
    text = "\n".join(receipt.lines)
    assert "受理回执" in text and number in text and "110105********002X" in text
    assert no_middle_digits(text)
    assert no_middle_digits(printer.model.render_text())
    (payload,) = receipt.qr_payloads
    public = documents.station_public_key(store, sessions.operator)
    assert verify_payload(payload, public).receipt_number == number
    assert not printer.model.unknown_commands


def test_no_receipt_for_a_draft(store: StationStore, sessions: Sessions) -> None:
    app = store.applications.create_draft(sessions.operator, draft_input(RONGQUE))
    with pytest.raises(documents.reports.DocumentInputError):
        documents.receipt_pdf(store, sessions.operator, app.id, CATALOG)


def test_notice_for_a_draft_lists_what_is_missing(store: StationStore, sessions: Sessions) -> None:
    materials = {"identity": "satisfied_by_card", "photo": "missing", "rental_contract": "missing_rongque"}
    app = store.applications.create_draft(sessions.operator, draft_input(materials))
    text = pdf_text(documents.notice_pdf(store, sessions.operator, app.id, CATALOG))
    assert "一次性告知书" in text and "近期免冠照片" in text and "房屋租赁合同" in text
    assert "证明合法稳定住所" in text and "出租人或房屋租赁登记信息" in text
    assert no_middle_digits(text)
    assert _issued("notice") == 1


def test_rongque_notice_states_the_deadline(store: StationStore, sessions: Sessions,
                                            clock: FakeClock) -> None:
    number = _file(store, sessions.operator, clock)
    text = pdf_text(documents.notice_pdf(store, sessions.operator, number, CATALOG))
    assert "容缺受理告知书" in text and "2026-12-03" in text


def test_form_and_amendment_notice(store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
    number = _file(store, sessions.operator, clock)
    form = pdf_text(documents.form_pdf(store, sessions.operator, number, CATALOG))
    assert "申请表" in form and "合法稳定住所" in form and "西湖区（330106）" in form
    assert no_middle_digits(form)
    app = store.applications.get(sessions.operator, number)
    with pytest.raises(documents.reports.DocumentInputError):
        documents.amendment_pdf(store, sessions.operator, number, CATALOG)
    message = json.dumps({"message": "租赁合同缺少出租人签字", "deadline": "2026-12-15",
                          "items": [{"what": "出租人签字页", "why": "合同须双方签字"}]}, ensure_ascii=False)
    store.applications.record_hub_status(sessions.sync_operator, app.id, Status.NEEDS_AMENDMENT, message)
    text = pdf_text(documents.amendment_pdf(store, sessions.operator, number, CATALOG))
    for phrase in ("补正通知书", number, "租赁合同缺少出租人签字", "2026-12-15", "出租人签字页", "合同须双方签字"):
        assert phrase in text, phrase


def test_daily_report_counts_the_day(store: StationStore, sessions: Sessions, clock: FakeClock,
                                     tmp_path: Path) -> None:
    _file(store, sessions.operator, clock, RONGQUE, minutes=6)  # 09:36
    clock.advance(hours=2)
    _file(store, sessions.operator, clock, CARD_ONLY, minutes=4)  # 11:40
    _file(store, sessions.supervisor, clock, CARD_ONLY, minutes=5)  # 11:45
    voided = _file(store, sessions.operator, clock, CARD_ONLY, minutes=5)
    voided_id = store.applications.get(sessions.supervisor, voided).id
    store.applications.void(sessions.supervisor, voided_id, "录入错误")
    draft = store.applications.create_draft(sessions.operator, draft_input({"photo": "missing"}))
    documents.notice_pdf(store, sessions.operator, draft.id, CATALOG)
    documents.notice_pdf(store, sessions.operator, draft.id, CATALOG)  # a reprint counts once

    figures = documents.daily_figures(store, sessions.supervisor, date(2026, 11, 26), CATALOG)
    assert (figures.applications, figures.voided, figures.rongque, figures.notices) == (3, 1, 1, 1)
    assert figures.card_only == 2
    assert figures.by_hour[9] == 1 and figures.by_hour[11] == 2 and sum(figures.by_hour) == 3
    assert [(c.key, c.count) for c in figures.by_operator] == [("wang", 2), ("li", 1)]
    assert [(c.key, c.count) for c in figures.by_service] == [("HZ-GA-004", 3)]
    assert figures.average_handling_minutes == pytest.approx(5.0, abs=0.01)
    assert figures.sync.events == figures.sync.pending_total == 5 and not figures.sync.settled

    data = documents.daily_pdf(store, sessions.supervisor, date(2026, 11, 26), CATALOG)
    text = pdf_text(data)
    for phrase in ("受理点日报", "2026-11-26", "一证通办", "66.7%", "容缺受理", "一次性告知书",
                   "王小红", "李主管", "浙江省居住证申领", "主管签字", "5.0 分钟", "按小时"):
        assert phrase in text, phrase
    assert render_pages(data, tmp_path)
    with pytest.raises(PermissionDenied):
        documents.daily_pdf(store, sessions.operator, date(2026, 11, 26))


def test_daily_report_counts_ratings_by_the_operator_who_accepted(store: StationStore, sessions: Sessions,
                                                                  clock: FakeClock) -> None:
    first = _file(store, sessions.operator, clock, CARD_ONLY)
    second = _file(store, sessions.operator, clock, CARD_ONLY)
    third = _file(store, sessions.supervisor, clock, CARD_ONLY)
    for number, level in ((first, 5), (second, 1), (third, 4)):
        # the rating screen runs in the clerk's session; the case's operator is credited
        ratings.rate(sessions.operator, clock, "TS0001", number, Rating(level, (), "", "counter"))
    figures = documents.daily_figures(store, sessions.supervisor, date(2026, 11, 26), CATALOG)
    assert [(r.key, r.levels, r.bad) for r in figures.ratings] == [("li", {4: 1}, 0), ("wang", {5: 1, 1: 1}, 1)]
    text = pdf_text(documents.daily_pdf(store, sessions.supervisor, date(2026, 11, 26), CATALOG))
    assert "好差评（按受理人）" in text and "满意率" in text and "50.0%" in text and "100.0%" in text


def test_station_reconciliation_follows_the_outbox(store: StationStore, sessions: Sessions,
                                                   clock: FakeClock, tmp_path: Path) -> None:
    for _ in range(4):
        _file(store, sessions.operator, clock, CARD_ONLY)
    outbox.acknowledge(1, 2, clock())
    SyncBatch.create(batch_no=1, first_seq=1, last_seq=2, record_count=2, batch_id="a" * 64,
                     prev_batch="0" * 64, body_sha256="b" * 64, created_at=clock().isoformat(), size=10,
                     state="acknowledged")
    ledger = documents.station_ledger(store, sessions.sync_operator)
    assert ledger.batches == (("acknowledged", 1),)
    assert ledger.high_water == 4 and ledger.events == 4
    assert ledger.acknowledged_runs == ((1, 2),) and ledger.pending_runs == ((3, 4),)
    assert ledger.missing_runs == () and ledger.pending == 2
    (day,) = ledger.days
    assert (day.day, day.applications, day.submitted_events, day.events, day.acknowledged) == (
        "2026-11-26", 4, 4, 4, 2)
    assert day.consistent
    data = documents.reconcile_pdf(store, sessions.sync_operator)
    text = pdf_text(data)
    for phrase in ("对账报告", "站点发件箱", "1–2", "3–4", "一致", "2026-11-26", "已确认 acknowledged 1"):
        assert phrase in text, phrase
    assert render_pages(data, tmp_path)
    with pytest.raises(PermissionDenied):
        documents.station_ledger(store, sessions.operator)


def test_the_ledger_names_each_run_and_each_lost_event(store: StationStore, sessions: Sessions,
                                                     clock: FakeClock) -> None:
    """Acknowledgements out of order and an event gone from the outbox (a hostile edit): the
    reports still show every run as it is, from one pass over the outbox."""
    from station.core.db import database

    for _ in range(6):
        _file(store, sessions.operator, clock, CARD_ONLY)
    outbox.acknowledge(1, 2, clock())
    outbox.acknowledge(5, 5, clock())
    database.execute_sql("DELETE FROM outbox_event WHERE seq = 4")
    third = outbox.read_range(3, 3)[0].at
    ledger = documents.station_ledger(store, sessions.sync_operator)
    assert ledger.high_water == 6 and ledger.events == 5 and ledger.pending == 2
    assert ledger.acknowledged_runs == ((1, 2), (5, 5)) and ledger.pending_runs == ((3, 3), (6, 6))
    assert ledger.missing_runs == ((4, 4),) and ledger.oldest_pending_at == third
    (day,) = ledger.days
    assert (day.applications, day.submitted_events, day.events, day.acknowledged) == (6, 5, 5, 3)
    assert not day.consistent
    sync = documents.daily_figures(store, sessions.supervisor, date(2026, 11, 26), CATALOG).sync
    assert (sync.events, sync.acknowledged, sync.pending_total, sync.high_water) == (5, 3, 2, 6)
    assert sync.oldest_pending_at == third and sync.last_acknowledged_at == ledger.last_acknowledged_at


def test_notice_straight_from_the_engine(store: StationStore, sessions: Sessions) -> None:
    from forms import evaluate
    from reports import ApplicantInfo

    item = CATALOG.get("HZ-GA-004", on=date(2026, 11, 26))
    values = {"applicant_name": "张三", "id_number": ID_NUMBER, "phone": "13812345678",
              "district": "330106", "address": "杭州市西湖区文三路100号", "registered_on": "2026-01-05",
              "basis": "residence"}
    evaluation = evaluate(item, values, card=None, context={"unavailable_datasets": ["photo"]},
                          today=date(2026, 11, 26))
    assert evaluation.outcome.kind == "one_time_notice"
    draft = store.applications.create_draft(sessions.operator, draft_input({}))
    data = documents.notice_pdf_from_evaluation(store, sessions.operator, evaluation,
                                                ApplicantInfo("张三", ID_NUMBER), record_subject=draft.id)
    text = pdf_text(data)
    assert "一次性告知书" in text and "本人有效身份证件" in text and no_middle_digits(text)
    for entry in evaluation.outcome.notice:
        assert text.count(entry.what.zh) == 1
    assert _issued("notice") == 1
