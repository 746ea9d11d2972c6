"""A case's whole way on PostgreSQL, with the department desk as the department's client: a
counter submission reaches the hub (a real process) → the department claims it and asks for
补正 at the desk → the station's next sync shows the 补正 task → the worker records the 补交 →
the department completes it (办结) → the station and the city report show it closed on time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
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
from sync.hub.db import reporting_connection
from sync.hub.queries import city_figures
from sync.hub.store import HubStore, initialise_hub
from tests.conftest import PASSWORDS, FakeClock, Sessions
from tests.station.ui.helpers import accepted
from tests.sync.department_helpers import department_token, in_touch, sync_station
from tests.sync.helpers import postgres_schema
from tests.sync.hubproc import HubProcess, jiujin

CLERK = {"JIUJIN_OPERATOR": "wang", "JIUJIN_PASSWORD": PASSWORDS["wang"]}


@pytest.fixture
def clock() -> FakeClock:
    """The station's clock at the hub's real time, so both count the same days."""
    return FakeClock(datetime.now(CST))


@pytest.fixture
def postgres_hub(tmp_path: Path) -> Iterator[tuple[HubStore, HubProcess]]:
    with postgres_schema() as url:
        store = initialise_hub(tmp_path / "hub", url)
        process = HubProcess(tmp_path / "hub", url).start()
        try:
            yield store, process
        finally:
            process.stop()
            store.close()


def _desk_post(desk: httpx.Client, app_id: str, action: str, **fields: str) -> httpx.Response:
    """Submit the desk's form for `action`, with the request id the page drew into it."""
    page = desk.get(f"/desk/cases/{app_id}").text
    form = re.search(rf"action='/desk/cases/{app_id}/{action}'>.*?name=request_id value='(\w+)'", page)
    assert form is not None, f"the desk offers no {action} for this case"
    return desk.post(f"/desk/cases/{app_id}/{action}", data={"request_id": form.group(1), "officer": "刘科员"} | fields)


def test_counter_to_department_to_amendment_to_completion_on_postgres(
        store: StationStore, sessions: Sessions, postgres_hub: tuple[HubStore, HubProcess]) -> None:
    hub_store, hub = postgres_hub
    service = in_touch(store, sessions, hub_store, hub.url)
    app = accepted(store, sessions.operator, "HZ-SMK-101")
    service.push(sessions.sync_operator)

    desk = httpx.Client(base_url=hub.url, timeout=30, follow_redirects=True)
    assert "部门凭据" in desk.get("/desk").text
    assert desk.post("/desk/login", data={"token": "jjd1.forged.token"}).status_code == 401
    assert desk.post("/desk/login", data={"token": department_token(hub_store, "citizen-card")}).status_code == 200
    queue = desk.get("/desk").text
    assert str(app.receipt_number) in queue and "市民卡" in queue

    assert "已签收" in _desk_post(desk, app.id, "claim").text
    deadline = (datetime.now(CST).date() + timedelta(days=7)).isoformat()
    asked = _desk_post(desk, app.id, "request_amendment", items="户口簿首页及本人页复印件\n近期免冠照片",
                       deadline=deadline, note="请到受理点补交")
    assert asked.status_code == 200 and "待补正" in asked.text

    sync_station(store, sessions, service)
    assert Application.get_by_id(app.id).status == Status.NEEDS_AMENDMENT
    [task] = amendment_tasks(store, sessions.operator)
    assert [i.what for i in task.items] == ["户口簿首页及本人页复印件", "近期免冠照片"]
    assert task.deadline is not None and task.deadline.isoformat() == deadline
    [listed] = json.loads(jiujin("applications", "tasks", "--json", "--data-dir", str(store.data_dir),
                                 env=CLERK).stdout)
    assert (listed["receipt_number"], listed["deadline"]) == (app.receipt_number, deadline)

    store.applications.attach(sessions.operator, app.id, b"%PDF-1.4 hukou copy", "application/pdf", "scan")
    counter = Counter(store)
    opened = amendment_draft(counter, sessions.operator, app.id)
    amend(counter, sessions.operator, opened.draft, opened.locked)
    service.push(sessions.sync_operator)

    assert "已补正" in desk.get("/desk?status=open").text
    case_page = desk.get(f"/desk/cases/{app.id}").text
    assert "补交" in case_page  # the step, in 办理过程
    link = re.search(rf"href='(/desk/cases/{app.id}/attachments/\w+)'", case_page)
    assert link is not None and desk.get(link.group(1)).content == b"%PDF-1.4 hukou copy"
    accepted_page = _desk_post(desk, app.id, "accept")
    assert "已受理" in accepted_page.text
    done = _desk_post(desk, app.id, "complete", result="准予办理，市民卡已制作", document_number="SMK-2026-000777",
                      collection_method="pickup", collection_place="西湖区市民卡服务网点")
    assert "办结" in done.text

    sync_station(store, sessions, service)
    closed = Application.get_by_id(app.id)
    decision = read_decision(closed.status_message)
    assert closed.status == Status.COMPLETED and decision.on_time is True
    assert decision.collection is not None and decision.collection.place == "西湖区市民卡服务网点"
    assert amendment_tasks(store, sessions.operator) == []
    shown = json.loads(jiujin("applications", "show", str(app.receipt_number), "--data-dir", str(store.data_dir),
                              env=CLERK).stdout)
    assert shown["status"] == "completed" and shown["decision"]["document_number"] == "SMK-2026-000777"
    assert shown["decision"]["collection"]["method"] == "pickup" and shown["decision"]["on_time"] is True
    with reporting_connection(hub_store.database_url) as connection:
        total = city_figures(connection).total
    assert (total.applications, total.completed, total.on_time, total.amended) == (1, 1, 1, 1)
