"""一件事 from the counter to the hub: a real station (SQLCipher) of the point type that files each
shipped bundle (出生 at a police point, 退休 and 身后 at a community point) accepts it as one case,
pushes it to a real hub process on 127.0.0.1 (SQLite and PostgreSQL), and the hub shows the case
with its items — to its operators (`jiujin hub onething`), beside each item's own case to every
deciding department (`onething` of the department API), and to the citizen whose receipt's QR
code opens the lead item's page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import zxingcpp

from forms import load_catalog
from station.core import documents
from station.core.applications import Status
from station.core.clock import CST
from station.core.counter import Counter, identity_from_card
from station.core.models import Application
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub import timelimits
from sync.hub.store import initialise_hub
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import render_pages
from tests.station.core.onething_helpers import (
    BUNDLE_POINTS,
    CARD,
    fill_case,
    hand_in_missing,
    station_at,
)
from tests.sync.department_helpers import COMPLETION, DepartmentClient, department_token
from tests.sync.hubproc import HubProcess, jiujin

BUNDLE = "HZ-YJS-002"  # 退休一件事: the bundle of the tests that need only one


@pytest.fixture
def clock() -> FakeClock:
    """The station's clock at the hub's real time, so both count the same days."""
    return FakeClock(datetime.now(CST))


def _departments(bundle: str) -> dict[str, str]:
    catalog = load_catalog()
    found = {}
    for code in catalog.bundle(bundle).codes:
        item = catalog.get(code)
        found[code] = timelimits.department_of(item.code, item.version) or ""
    return found


@pytest.fixture(params=sorted(BUNDLE_POINTS))
def bundle(request: pytest.FixtureRequest) -> str:
    """Each shipped 一件事 (出生、退休、身后)."""
    return str(request.param)


@pytest.fixture
def station(tmp_path: Path, clock: FakeClock, bundle: str) -> Iterator[tuple[StationStore, Sessions]]:
    """A station of the point type that files `bundle` (its lead item's)."""
    with station_at(tmp_path / "station", clock, BUNDLE_POINTS[bundle]) as opened:
        yield opened


@pytest.fixture
def hub_process(tmp_path: Path, db_url: str, station: tuple[StationStore, Sessions], bundle: str
                ) -> Iterator[tuple[HubProcess, dict[str, str]]]:
    """A hub process with the station enrolled and a token for each department of the bundle."""
    store, sessions = station
    folder = tmp_path / "hub"
    hub = initialise_hub(folder, db_url)
    store.hub.configure(sessions.admin, hub.public)
    enrolment = hub.add_station(store.config.code)
    tokens = {dept: department_token(hub, dept) for dept in set(_departments(bundle).values())}
    hub.close()
    process = HubProcess(folder, db_url).start()
    store.hub.enrol(sessions.admin, enrolment, process.url)
    yield process, tokens
    process.stop()


def test_a_bundle_accepted_at_the_counter_is_one_case_and_its_items_at_the_hub(
        station: tuple[StationStore, Sessions], bundle: str, hub_process: tuple[HubProcess, dict[str, str]]) -> None:
    store, sessions = station
    process, tokens = hub_process
    service = SyncService(store)
    service.pull_from_hub(sessions.sync_operator)
    counter = Counter(store)
    optional = load_catalog().bundle(bundle).optional
    case = counter.start_case(sessions.operator, load_catalog().bundle(bundle), identity_from_card(CARD),
                              include=optional)
    fill_case(counter, sessions.operator, case)
    hand_in_missing(counter, sessions.operator, case)
    submitted = counter.submit_case(sessions.operator, case)
    assert submitted.accepted
    receipts = {s.application_id: s.receipt_number for s in submitted.submissions}

    service.push(sessions.sync_operator)

    shown = jiujin("hub", "onething", "show", case.case_id, "--json", "--data-dir", str(process.folder))
    view = json.loads(shown.stdout)
    assert (view["case_id"], view["bundle_code"], view["bundle_name"]) == (
        case.case_id, bundle, load_catalog().bundle(bundle).name.zh)
    assert view["station"] == store.config.code and view["state"] == "open"
    assert view["applicant"]["name"] == CARD["name"] and CARD["id_number"] not in shown.stdout
    assert {i["application_id"]: i["receipt_number"] for i in view["items"]} == receipts
    assert [i["item_code"] for i in view["items"]] == [d.item.code for d in case.drafts]
    listed = json.loads(jiujin("hub", "onething", "list", "--json", "--data-dir", str(process.folder)).stdout)
    assert [(c["case_id"], c["items"]) for c in listed["cases"]] == [(case.case_id, len(case.drafts))]
    words = jiujin("hub", "onething", "show", case.case_id, "--data-dir", str(process.folder)).stdout
    assert load_catalog().bundle(bundle).name.zh in words and all(number in words for number in receipts.values())

    departments = _departments(bundle)
    for draft in case.drafts:
        client = DepartmentClient(process.url, tokens[departments[draft.item.code]])
        mine = {c["application_id"] for c in client.cases()}
        assert draft.app_id in mine
        detail = client.get(f"/cases/{draft.app_id}")
        assert detail.status_code == 200, detail.text
        together = detail.json()["onething"]
        assert together["case_id"] == case.case_id and together["bundle_code"] == bundle
        assert {i["application_id"]: i["receipt_number"] for i in together["items"]} == receipts
        assert all(set(i) == {"application_id", "item_code", "receipt_number", "status", "department",
                              "department_status"} for i in together["items"])


@pytest.mark.parametrize("bundle", [BUNDLE])
def test_the_case_receipts_qr_opens_a_page_that_lists_every_item_of_the_case(
        station: tuple[StationStore, Sessions], hub_process: tuple[HubProcess, dict[str, str]],
        tmp_path: Path) -> None:
    store, sessions = station
    process, _tokens = hub_process
    service = SyncService(store)
    counter = Counter(store)
    case = counter.start_case(sessions.operator, load_catalog().bundle(BUNDLE), identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)
    numbers = [s.receipt_number for s in counter.submit_case(sessions.operator, case).submissions]
    service.push(sessions.sync_operator)

    receipt = documents.case_receipt_pdf(store, sessions.operator, case.case_id)
    (tmp_path / "receipt").mkdir()
    page = render_pages(receipt, tmp_path / "receipt", 150)[0]
    (link,) = [r.text for r in zxingcpp.read_barcodes(page)]
    assert link.startswith(f"{process.url}/c/") and numbers[0] in link  # the lead item's page
    shown = httpx.get(link, timeout=30)
    assert shown.status_code == 200
    assert "退休一件事（HZ-YJS-002）" in shown.text and all(number in shown.text for number in numbers)
    english = httpx.get(link, params={"lang": "en"}, timeout=30).text
    assert "Retirement" in english and numbers[1] in english


@pytest.mark.parametrize("bundle", [BUNDLE])
def test_a_case_the_hub_never_received_is_refused_and_none_is_listed(
        hub_process: tuple[HubProcess, dict[str, str]]) -> None:
    process, _tokens = hub_process
    missing = jiujin("hub", "onething", "show", "01900000-0000-7000-8000-000000000000", "--data-dir",
                     str(process.folder), check=False)
    assert missing.returncode != 0 and "no such 一件事 case" in missing.stderr
    listed = json.loads(jiujin("hub", "onething", "list", "--json", "--data-dir", str(process.folder)).stdout)
    assert listed == {"cases": []}


@pytest.mark.parametrize("bundle", [BUNDLE])
def test_the_case_is_completed_when_every_department_has_completed_its_item(
        station: tuple[StationStore, Sessions], hub_process: tuple[HubProcess, dict[str, str]]) -> None:
    """Each department decides its own item; the hub's case follows them (open until the last one
    is 办结), and the station hears of every decision at its next sync."""
    store, sessions = station
    process, tokens = hub_process
    service = SyncService(store)
    service.pull_from_hub(sessions.sync_operator)
    counter = Counter(store)
    case = counter.start_case(sessions.operator, load_catalog().bundle(BUNDLE), identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)
    assert counter.submit_case(sessions.operator, case).accepted
    service.push(sessions.sync_operator)
    departments = _departments(BUNDLE)

    def state() -> str:
        shown = jiujin("hub", "onething", "show", case.case_id, "--json", "--data-dir", str(process.folder))
        return str(json.loads(shown.stdout)["state"])

    for number, draft in enumerate(case.drafts, 1):
        client = DepartmentClient(process.url, tokens[departments[draft.item.code]])
        assert draft.app_id in {c["application_id"] for c in client.cases()}
        assert client.claim(draft.app_id).status_code == 200
        assert client.decide(draft.app_id, "accept").json()["status"] == "accepted"
        done = client.decide(draft.app_id, "complete", **COMPLETION)
        assert done.json()["status"] == "completed", done.text
        assert state() == ("completed" if number == len(case.drafts) else "open")

    service.pull_from_hub(sessions.sync_operator)
    assert {Application.get_by_id(d.app_id).status for d in case.drafts} == {Status.COMPLETED}
