"""The department API on a hub serving on 127.0.0.1, with a real station (SQLCipher) filing,
pushing and pulling: credentials and scope, the case's way from 待签收 to 办结 with a 补正
between, idempotent decisions, time limits that stand still during 补正, and the audit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from station.core.amendments import amend, amendment_draft
from station.core.applications import Status
from station.core.clock import CST
from station.core.counter import Counter
from station.core.decisions import amendment_tasks, read_decision
from station.core.models import Application
from station.core.store import StationStore
from sync.hub import cases, citizen_cases, department_keys, timelimits
from sync.hub.db import reporting_connection
from sync.hub.models import HubAction, HubBundle, HubCase
from sync.hub.queries import city_figures
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import FakeClock, Sessions
from tests.station.ui.helpers import accepted
from tests.sync.department_helpers import (
    AMENDMENT,
    COMPLETION,
    DepartmentClient,
    department_token,
    in_touch,
    sync_station,
)

ITEM = "HZ-SMK-101"  # 市民卡 application: 10 working days promised


@pytest.fixture
def clock() -> FakeClock:
    """The station's clock at the hub's real time, so both count the same days."""
    return FakeClock(datetime.now(CST))


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def _deadline(days: int = 10) -> str:
    return (datetime.now(CST).date() + timedelta(days=days)).isoformat()


def test_a_case_goes_from_new_through_amendment_to_completed_on_time(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    client = DepartmentClient(local_hub.url, department_token(local_hub.service.store, "citizen-card"))

    [case] = client.cases()
    limit = case["time_limit"]
    start = date.fromisoformat(limit["start_day"])
    assert (case["application_id"], case["receipt_number"], case["status"]) == (app.id, app.receipt_number, "new")
    assert limit["promised_days"] == 10 and limit["promised_unit"] == "working_days"
    assert limit["promised_due"] == timelimits.calendar().add_working_days(start, 10).date.isoformat()
    detail = client.get(f"/cases/{app.id}").json()
    assert detail["applicant"]["name"] == "张三"
    assert {"id": "phone", "label": "联系电话", "value": "13800000000"} in detail["fields"]

    assert client.claim(app.id).json()["status"] == "claimed"
    again = client.claim(app.id, "另一位科员")
    assert again.status_code == 409 and again.json()["error"] == "already_claimed"
    asked = client.decide(app.id, "request_amendment", deadline=_deadline(), **AMENDMENT)
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "amendment_requested" and asked.json()["time_limit"]["paused"]

    sync_station(store, sessions, service)
    assert Application.get_by_id(app.id).status == Status.NEEDS_AMENDMENT
    [task] = amendment_tasks(store, sessions.operator)
    assert task.receipt_number == app.receipt_number and task.deadline == date.fromisoformat(_deadline())
    assert [i.what for i in task.items] == ["户口簿首页及本人页复印件"] and not task.overdue

    scan = b"%PDF-1.4 household register copy " + uuid.uuid4().bytes
    store.applications.attach(sessions.operator, app.id, scan, "application/pdf", "scan", "household_register")
    counter = Counter(store)
    opened = amendment_draft(counter, sessions.operator, app.id)
    amend(counter, sessions.operator, opened.draft, opened.locked)
    service.push(sessions.sync_operator)

    [back] = client.cases(status="amended")
    assert back["application_id"] == app.id and not back["time_limit"]["paused"]
    detail = client.get(f"/cases/{app.id}").json()
    [sent] = [a for a in detail["attachments"] if a["held"]]
    assert client.get(sent["href"].removeprefix("/v1/departments")).content == scan
    assert [s["step"] for s in detail["steps"]] == ["claim", "request_amendment", "amended"]
    public = cases.public_steps(app.id)
    assert [s["name"] for s in public] == ["部门已签收", "需要补正", "已补交材料"]
    assert public[1]["details"]["items"][0]["what"] == "户口簿首页及本人页复印件" and "刘科员" not in str(public)

    assert client.decide(app.id, "accept").json()["status"] == "accepted"
    done = client.decide(app.id, "complete", **COMPLETION)
    assert done.json()["status"] == "completed" and done.json()["on_time"] is True

    sync_station(store, sessions, service)
    finished = Application.get_by_id(app.id)
    decision = read_decision(finished.status_message)
    assert finished.status == Status.COMPLETED and decision.on_time is True
    assert decision.collection is not None and decision.collection.place.startswith("西湖区市民卡")
    assert decision.document_number == "SMK-2026-000123"
    shown = {step.kind: step for step in citizen_cases.case(app.id).steps}  # the citizens' case page
    assert shown["needs_amendment"].message == "户口簿首页及本人页复印件"
    assert shown["needs_amendment"].deadline == _deadline()
    assert "西湖区市民卡" in shown["completed"].message and "SMK-2026-000123" in shown["completed"].message
    assert "刘科员" not in str(shown)
    hub_store = local_hub.service.store
    with reporting_connection(hub_store.database_url, hub_store.folder.path) as connection:
        total = city_figures(connection).total
    assert (total.completed, total.on_time, total.amended) == (1, 1, 1)
    audited = [a.action for a in HubAction.select().where(HubAction.action.startswith("department."))]
    assert {"department.list", "department.fetch", "department.claim", "department.request_amendment",
            "department.attachment", "department.accept", "department.complete", "department.refused"} <= set(audited)


def test_credentials_and_scope_keep_each_department_to_its_own_cases(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    hub = local_hub.service.store
    own = DepartmentClient(local_hub.url, department_token(hub, "citizen-card"))
    other = DepartmentClient(local_hub.url, department_token(hub, "civil-affairs"))
    narrow = DepartmentClient(local_hub.url, department_token(hub, "citizen-card", ["HZ-SMK-102"]))

    assert [c["application_id"] for c in own.cases()] == [app.id]
    assert other.cases() == [] and narrow.cases() == []
    assert other.get(f"/cases/{app.id}").status_code == 404
    assert narrow.claim(app.id).status_code == 404
    resigned = own.token[:-4] + ("AAAA" if not own.token.endswith("AAAA") else "BBBB")
    for token in ("-", "jjd1.e30.AAAA", resigned, own.token.replace("jjd1", "jjd2")):
        refused = DepartmentClient(local_hub.url, token).get("/cases")
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorised"
    kid = own.get("/me").json()["kid"]
    department_keys.revoke_key(hub, kid)
    assert own.get("/cases").status_code == 401
    department_keys.revoke_department(hub, "civil-affairs")
    assert other.get("/cases").status_code == 401


def test_a_decision_is_done_once_per_request_id(store: StationStore, sessions: Sessions,
                                                local_hub: LocalHub) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    client = DepartmentClient(local_hub.url, department_token(local_hub.service.store, "citizen-card"))
    client.cases()
    client.claim(app.id)
    body = {"request_id": "accept-0001", "officer": "刘科员", "decision": "accept"}
    first = client.post(f"/cases/{app.id}/decisions", body)
    bundles = HubBundle.select().count()
    replay = client.post(f"/cases/{app.id}/decisions", body)
    assert first.status_code == replay.status_code == 200
    assert (first.headers["jiujin-replayed"], replay.headers["jiujin-replayed"]) == ("false", "true")
    assert replay.json() == first.json() and HubBundle.select().count() == bundles
    reused = client.post(f"/cases/{app.id}/decisions", body | {"decision": "return", "reason": "非本部门事项"})
    assert reused.status_code == 409 and reused.json()["error"] == "request_id_reused"
    early = client.decide(app.id, "accept")
    assert early.status_code == 409 and early.json()["error"] == "invalid_transition"
    for bad, code in (({"decision": "complete", "result": "准予", "collection": {"method": "drone"}}, "bad_collection"),
                      ({"decision": "refuse", "reason": "不符合条件"}, "bad_field"),
                      ({"decision": "request_amendment", "items": [], "deadline": _deadline()}, "bad_items")):
        answer = client.post(f"/cases/{app.id}/decisions", {"request_id": uuid.uuid4().hex, "officer": "刘"} | bad)
        assert answer.status_code == 422 and answer.json()["error"] == code


def test_time_limits_stand_still_during_amendment_and_overdue_cases_are_listed(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    first, second = accepted(store, sessions.operator, ITEM), accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    client = DepartmentClient(local_hub.url, department_token(local_hub.service.store, "citizen-card"))
    client.cases()
    long_ago = (date.today() - timedelta(days=40)).isoformat()
    HubCase.update(start_day=long_ago, promised_due=(date.today() - timedelta(days=20)).isoformat()).execute()
    assert {c["application_id"] for c in client.get("/overdue").json()["cases"]} == {first.id, second.id}
    client.claim(first.id)
    client.decide(first.id, "request_amendment", deadline=_deadline(), **AMENDMENT)
    assert [c["application_id"] for c in client.get("/overdue").json()["cases"]] == [second.id]
    assert [c["application_id"] for c in cases.overdue(date.today())] == [second.id]

    asked_on = date.today() - timedelta(days=14)
    HubCase.update(paused_since=asked_on.isoformat()).where(HubCase.application_id == first.id).execute()
    counter = Counter(store)
    sync_station(store, sessions, service)
    opened = amendment_draft(counter, sessions.operator, first.id)
    amend(counter, sessions.operator, opened.draft, opened.locked)
    service.push(sessions.sync_operator)
    [resumed] = client.cases(status="amended")
    waited = timelimits.calendar().working_days_between(asked_on, cases.today(local_hub.service.store))[0]
    assert resumed["time_limit"]["paused_working_days"] == waited >= 9
    start = date.fromisoformat(long_ago)
    assert resumed["time_limit"]["promised_due"] == timelimits.calendar().add_working_days(start, 10 + waited).date.isoformat()


def test_the_desk_keeps_its_session_to_itself_and_decides_a_double_click_once(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    desk = httpx.Client(base_url=local_hub.url, timeout=30)
    token = department_token(local_hub.service.store, "citizen-card")
    signed_in = desk.post("/desk/login", data={"token": token})
    cookie = signed_in.headers["set-cookie"]
    assert signed_in.status_code == 303 and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/desk" in cookie and token not in desk.get("/desk").text

    form = {"request_id": "desk-claim-0001", "officer": "刘科员"}
    foreign = desk.post(f"/desk/cases/{app.id}/claim", data=form, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and HubCase.get(HubCase.application_id == app.id).status == "new"
    first = desk.post(f"/desk/cases/{app.id}/claim", data=form)
    again = desk.post(f"/desk/cases/{app.id}/claim", data=form)  # the same form, clicked twice
    assert first.status_code == again.status_code == 303
    claims = HubAction.select().where((HubAction.action == "department.claim") & (HubAction.subject == app.id))
    assert claims.count() == 1
    page = desk.get(f"/desk/cases/{app.id}?done=claim").text
    assert "已签收" in page and "<script" not in page
    desk.post("/desk/logout")
    assert "部门凭据" in desk.get("/desk").text
