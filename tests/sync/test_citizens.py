"""The citizens' pages on a real hub on 127.0.0.1, fed by a real station's signed batches: the
receipt's QR link opens the right case, a lookup by receipt number never confirms a number
without the right ID digits and is rate limited, a case is rated once, and a bad rating opens
a follow-up whose reply the citizen reads."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from devices.printer.encoder import PrinterProfile, encode_receipt
from devices.simulators.printer import PrinterSimulator
from forms.workdays import WorkingCalendar
from kernel.ratings import Rating
from station.core import ratings as station_ratings
from station.core.store import StationStore
from sync.hub import citizen_cases as cases
from sync.hub import ratings, reconcile
from sync.hub.db import reporting_connection
from sync.hub.models import HubAction, HubFollowUp
from sync.hub.rating_queries import rating_breakdown as rating_figures
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import ID_NUMBER, pdf_text
from tests.sync.citizens_helpers import SyncedCase, synced_case
from tests.sync.hubproc import jiujin


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


@pytest.fixture
def case(store: StationStore, sessions: Sessions, clock: FakeClock, local_hub: LocalHub,
         tmp_path: Path) -> SyncedCase:
    return synced_case(store, sessions, clock, local_hub, tmp_path / "receipt")


def _get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=10)


def test_the_receipt_qr_is_a_link_to_the_case_page_that_verify_qr_still_checks(
        case: SyncedCase, local_hub: LocalHub, store: StationStore, sessions: Sessions) -> None:
    from station.core import documents

    assert case.link.startswith(f"{local_hub.url}/c/JJR1:{case.receipt_number}:")
    claim = documents.verify_qr(store, sessions.operator, case.link)
    assert (claim.receipt_number, claim.application_id) == (case.receipt_number, case.application_id)
    page = _get(case.link)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert case.receipt_number in text and "浙江省居住证申领" in text and "受理" in text and "转办" in text
    assert "张*" in text and "张三" not in text and ID_NUMBER not in text and ID_NUMBER[-4:] not in text
    assert "2026-12-10" in text and "<script" not in text
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    english = _get(case.link + "?lang=en").text
    assert "Case progress" in english and "Forwarded to the department" in english


def test_the_thermal_receipt_prints_the_same_link(case: SyncedCase, store: StationStore,
                                                  sessions: Sessions) -> None:
    from station.core import documents

    layout = documents.receipt_layout(store, sessions.operator, case.receipt_number, paper_mm=58)
    printer = PrinterSimulator(58)
    printer.receive(encode_receipt(layout, PrinterProfile(paper_mm=58)))  # type: ignore[arg-type]
    (receipt,) = printer.model.receipts
    assert receipt.qr_payloads == [case.link] and not printer.model.unknown_commands
    assert _get(receipt.qr_payloads[0]).status_code == 200


def test_a_changed_or_foreign_token_opens_nothing(case: SyncedCase) -> None:
    number = case.receipt_number
    forged = case.link.replace(number, number[:-1] + ("2" if number[-1] != "2" else "3"))
    resigned = case.link[:-3] + ("AAA" if not case.link.endswith("AAA") else "BBB")
    foreign = case.link.rsplit("/", 1)[0] + "/JJH1:" + "0" * 32 + ":" + "A" * 103
    for link in (forged, resigned, foreign):
        page = _get(link)
        assert page.status_code == 404 and "链接无效" in page.text and number not in page.text


def test_steps_show_amendment_needs_and_how_to_collect(case: SyncedCase, local_hub: LocalHub,
                                                       store: StationStore) -> None:
    hub = local_hub.service.store
    station = store.config.code
    reconcile.set_status(hub, station, [{"application_id": case.application_id, "status": "needs_amendment",
                                         "message": "租赁合同原件", "deadline": "2026-12-20"}], "dept")
    text = _get(case.link).text
    assert "补正" in text and "租赁合同原件" in text and "请于 2026-12-20 前补正" in text
    reconcile.set_status(hub, station, [{"application_id": case.application_id, "status": "completed",
                                         "message": "凭回执到受理点领取居住证"}], "dept")
    text = _get(case.link).text
    assert "办结" in text and "领取方式：凭回执到受理点领取居住证" in text


def test_lookup_by_receipt_number_needs_the_right_id_digits(case: SyncedCase, local_hub: LocalHub) -> None:
    wrong_digits = httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number, "tail": "0000"})
    no_such = httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number[:-4] + "9999",
                                                     "tail": case.id_tail})
    assert wrong_digits.status_code == no_such.status_code == 200
    assert "没有找到匹配的办件" in wrong_digits.text and "没有找到匹配的办件" in no_such.text
    assert "浙江省居住证申领" not in wrong_digits.text + no_such.text
    found = httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number, "tail": case.id_tail.lower()},
                       follow_redirects=True)
    assert found.status_code == 200 and "浙江省居住证申领" in found.text and "/c/JJH1:" in str(found.url)
    outcomes = [json.loads(a.details)["outcome"] for a in HubAction.select().where(HubAction.action == "case.lookup")]
    assert outcomes == ["no_match", "no_match", "found"]
    assert all(case.receipt_number not in a.details for a in HubAction.select())


def test_lookups_are_rate_limited_per_receipt_number(case: SyncedCase, local_hub: LocalHub) -> None:
    limit = cases.RECEIPT_LIMIT[0]
    for _ in range(limit):
        assert httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number, "tail": "0000"}).status_code == 200
    limited = httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number, "tail": case.id_tail})
    assert limited.status_code == 429 and "查询过于频繁" in limited.text and "浙江省居住证申领" not in limited.text
    unknown = httpx.post(f"{local_hub.url}/c", data={"receipt": "ZZ0001-20261126-0001", "tail": case.id_tail})
    assert unknown.status_code == 200  # another number is not locked by this one


def test_a_case_is_rated_once_and_a_bad_rating_gets_a_follow_up_and_a_reply(
        case: SyncedCase, local_hub: LocalHub) -> None:
    rating_url = case.link + "/rating"
    bad = httpx.post(rating_url, data={"level": "1", "reason": ["efficiency", "guide"], "text": "等了很久"},
                     follow_redirects=True)
    assert bad.status_code == 200 and "非常不满意" in bad.text and "办事效率" in bad.text
    follow = HubFollowUp.get(HubFollowUp.application_id == case.application_id)
    rated_on = date.fromisoformat(str(ratings.given(case.application_id).rated_at)[:10])  # type: ignore[union-attr]
    assert follow.due_on == WorkingCalendar.load().add_working_days(rated_on, 15).date.isoformat()
    assert "将于" in bad.text and follow.due_on in bad.text
    again = httpx.post(rating_url, data={"level": "5"})
    assert again.status_code == 409 and "每件只能评价一次" in again.text
    ratings.reply(local_hub.service.store, follow.id, "已约谈窗口人员并优化流程", "hub-ops")
    page = _get(case.link).text
    assert "整改答复" in page and "已约谈窗口人员并优化流程" in page
    actions = [a.action for a in HubAction.select().order_by(HubAction.id)]
    assert {"rating.given", "followup.opened", "rating.duplicate", "followup.replied"} <= set(actions)


def test_a_bad_rating_input_is_refused_with_a_reason(case: SyncedCase) -> None:
    for data in ({"level": "9"}, {"level": "x"}, {"level": "3", "reason": "bribery"}, {"level": "3", "text": "长" * 301}):
        answer = httpx.post(case.link + "/rating", data=data)
        assert answer.status_code == 400 and 'class="err"' in answer.text
    assert ratings.given(case.application_id) is None


def test_a_counter_rating_travels_in_the_outbox_and_wins_over_a_later_web_one(
        case: SyncedCase, local_hub: LocalHub, store: StationStore, sessions: Sessions) -> None:
    from station.core.sync_service import SyncService

    station_ratings.rate(sessions.operator, store.clock, store.config.code, case.receipt_number,
                         Rating(2, ("attitude",), "", "counter"))
    with pytest.raises(station_ratings.RatingRejected):
        station_ratings.rate(sessions.operator, store.clock, store.config.code, case.receipt_number,
                             Rating(5, (), "", "counter"))
    SyncService(store, max_records=25).push(sessions.sync_operator)
    page = _get(case.link).text
    assert "不满意" in page and "服务态度" in page and 'name="level"' not in page
    given = ratings.given(case.application_id)
    assert given is not None and given.rating.channel == "counter" and given.due_on is not None
    with reporting_connection(f"sqlite://{local_hub.folder / 'hub.db'}") as connection:
        city = rating_figures(connection)
    assert [(r.key, r.count, r.bad) for r in city.by_station] == [(store.config.code, 1, 1)]
    assert [(r.key, r.count) for r in city.by_operator] == [(f"{store.config.code}/wang", 1)]
    assert (city.open_follow_ups, city.overdue_follow_ups) == (1, 0)


def test_a_bad_rating_is_in_the_city_report(case: SyncedCase, local_hub: LocalHub, tmp_path: Path) -> None:
    assert httpx.post(case.link + "/rating", data={"level": "2", "reason": "efficiency"}).status_code == 303
    reconcile.refresh_applications()  # the hub's pass that folds cases into the report table
    out = tmp_path / "city.pdf"
    result = jiujin("report", "city", "--pdf", str(out), "--hub-db", f"sqlite://{local_hub.folder / 'hub.db'}",
                    "--json")
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert (report["ratings"]["rated"], report["ratings"]["bad"]) == (1, 1)
    figures = report["rating_detail"]
    (station,) = figures["by_station"]
    assert (station["count"], station["bad"], station["levels"]["2"]) == (1, 1, 1)
    assert figures["open_follow_ups"] == 1
    text = pdf_text(out.read_bytes())
    assert "好差评（按受理点）" in text and "测试社区便民服务中心" in text and "待答复 1 件" in text


def test_nothing_personal_or_secret_reaches_the_hubs_log(case: SyncedCase, local_hub: LocalHub,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _get(case.link)
    httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number, "tail": case.id_tail})
    httpx.post(f"{local_hub.url}/c", data={"receipt": case.receipt_number, "tail": "0000"})
    httpx.post(case.link + "/rating", data={"level": "1", "text": "张三的意见"})
    signature = case.link.rsplit(":", 1)[1]
    hub_records = [r for r in caplog.records if r.name.startswith(("jiujin", "uvicorn", "starlette"))]
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in hub_records)
    assert "rating" in logged and "request" in logged  # the hub did log these requests
    for secret in (signature, case.receipt_number, case.id_tail, ID_NUMBER, "张三"):
        assert secret not in logged, secret
