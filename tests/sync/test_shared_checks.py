"""共享数据核验: a real station (SQLCipher) files an application whose material shared data
replaces, pushes it to a hub serving on 127.0.0.1, and the hub asks the city's data-sharing
platform about it. The platform cannot run here: it is played by a small HTTP server on
127.0.0.1 that answers the hub's questions as the test says and keeps them."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from station.core.applications import Status
from station.core.decisions import amendment_tasks
from station.core.models import Application
from station.core.store import StationStore
from sync.errors import HubError
from sync.hub import cases, citizen_cases, shared_checks
from sync.hub.config import HubConfig
from sync.hub.models import HubCase, HubCaseEvent
from sync.hub.serve import LocalHub
from tests.conftest import Sessions
from tests.station.ui.helpers import accepted
from tests.sync.department_helpers import in_touch, sync_station
from tests.sync.hubproc import jiujin

ITEM = "HZ-YB-106"  # 医疗保险参保凭证打印: its 医保参保信息 is replaced by shared:medical_insurance


@dataclass
class Platform:
    """The data-sharing platform as the hub sees it: POST /v1/confirm."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # dataset -> answer
    asked: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    server: ThreadingHTTPServer | None = None

    def start(self) -> Platform:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                platform.asked.append({"path": self.path, **body})
                answer = json.dumps(platform.answers.get(body["dataset"], {"confirmed": True})).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def platform() -> Iterator[Platform]:
    running = Platform().start()
    yield running
    running.stop()


def test_shared_data_the_platform_does_not_confirm_turns_into_amendment_at_the_station(
        store: StationStore, sessions: Sessions, local_hub: LocalHub, platform: Platform,
        caplog: pytest.LogCaptureFixture) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    assert json.loads(app.materials)["insurance_record"] == "satisfied_by_shared_data"
    service.push(sessions.sync_operator)
    platform.answers["medical_insurance"] = {"confirmed": False, "reason": "未查到参保记录"}

    with caplog.at_level(logging.DEBUG, logger="jiujin"):
        counts = shared_checks.check_due(local_hub.service.store, platform.url)
    assert counts == {"confirmed": 0, "refused": 1, "unanswered": 0}
    [question] = platform.asked
    assert question == {"path": "/v1/confirm", "dataset": "medical_insurance", "subject": app.applicant_id,
                        "item_code": ITEM, "material": "insurance_record", "application_id": app.id}
    assert app.applicant_id not in caplog.text  # the ID number goes to the platform, never to the log
    case = HubCase.get(HubCase.application_id == app.id)
    assert case.status == "amendment_requested" and case.paused_since is not None

    sync_station(store, sessions, service)
    assert Application.get_by_id(app.id).status == Status.NEEDS_AMENDMENT
    [task] = amendment_tasks(store, sessions.operator)
    [item] = task.items
    assert item.what == "医保参保信息" and "共享数据核验未通过：未查到参保记录" in item.why
    shown = {step.kind: step for step in citizen_cases.case(app.id).steps}
    assert shown["needs_amendment"].message == "医保参保信息"
    assert [s["name"] for s in cases.public_steps(app.id)] == ["共享数据未能核验", "需要补正"]
    assert app.applicant_id not in str(cases.public_steps(app.id))

    again = shared_checks.check_due(local_hub.service.store, platform.url)
    assert again == {"confirmed": 0, "refused": 0, "unanswered": 0} and len(platform.asked) == 1


def test_confirmed_shared_data_leaves_the_case_to_its_department_and_is_asked_once(
        store: StationStore, sessions: Sessions, local_hub: LocalHub, platform: Platform) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)

    assert shared_checks.check_due(local_hub.service.store, platform.url) == {
        "confirmed": 1, "refused": 0, "unanswered": 0}
    assert HubCase.get(HubCase.application_id == app.id).status == "new"
    [step] = HubCaseEvent.select().where(HubCaseEvent.application_id == app.id)
    assert step.step == shared_checks.CONFIRMED and json.loads(step.details)["datasets"] == ["medical_insurance"]
    shared_checks.check_due(local_hub.service.store, platform.url)
    assert len(platform.asked) == 1


def test_a_platform_that_cannot_be_reached_decides_nothing_and_is_asked_again_later(
        store: StationStore, sessions: Sessions, local_hub: LocalHub, platform: Platform) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    closed = Platform().start()
    closed.stop()  # its port answers nothing now

    assert shared_checks.check_due(local_hub.service.store, closed.url, timeout=2) == {
        "confirmed": 0, "refused": 0, "unanswered": 1}
    assert HubCase.get(HubCase.application_id == app.id).status == "new"
    assert not HubCaseEvent.select().where(HubCaseEvent.application_id == app.id).exists()

    platform.answers["medical_insurance"] = {"confirmed": "yes"}  # not an answer the hub can trust
    assert shared_checks.check_due(local_hub.service.store, platform.url)["unanswered"] == 1
    platform.answers["medical_insurance"] = {"confirmed": True}
    assert shared_checks.check_due(local_hub.service.store, platform.url)["confirmed"] == 1


def test_the_platform_address_must_be_a_web_address() -> None:
    with pytest.raises(HubError):
        HubConfig(shared_data_url="file:///etc/passwd")
    assert HubConfig(shared_data_url="https://data.hangzhou.example/api").shared_data_url.startswith("https://")


def test_the_hub_operator_sees_what_waits_and_asks_the_platform_from_the_command_line(
        store: StationStore, sessions: Sessions, local_hub: LocalHub, platform: Platform) -> None:
    service = in_touch(store, sessions, local_hub.service.store, local_hub.url)
    app = accepted(store, sessions.operator, ITEM)
    service.push(sessions.sync_operator)
    folder = str(local_hub.service.store.folder.path)

    unset = jiujin("hub", "shared-data", "--check", "--data-dir", folder, check=False)
    assert unset.returncode != 0 and "shared_data_url" in unset.stderr and not platform.asked
    env = {"JIUJIN_HUB_SHARED_DATA_URL": platform.url}
    before = json.loads(jiujin("hub", "shared-data", "--json", "--data-dir", folder, env=env).stdout)
    assert (before["platform"], before["round"], before["waiting"], before["confirmed"]) == (platform.url, None, 1, 0)
    platform.answers["medical_insurance"] = {"confirmed": False, "reason": "未查到参保记录"}
    checked = jiujin("hub", "shared-data", "--check", "--data-dir", folder, env=env).stdout
    assert "未通过 refused 1" in checked and app.applicant_id not in checked
    assert HubCase.get(HubCase.application_id == app.id).status == "amendment_requested"
    after = json.loads(jiujin("hub", "shared-data", "--json", "--data-dir", folder, env=env).stdout)
    assert (after["waiting"], after["refused"]) == (0, 1)
