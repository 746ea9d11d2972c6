"""Shared helpers for the department API's tests: a department with a token on a hub store, a
small client of the API, and the station's push and pull around a decision."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub import department_keys
from sync.hub.store import HubStore
from tests.conftest import Sessions
from tests.sync.station_helpers import connect_to


def department_token(store: HubStore, code: str, items: list[str] | None = None) -> str:
    """Register `code` (if needed) and issue it a token."""
    department_keys.add_department(store, code)
    return department_keys.issue_token(store, code, items)[1]


@dataclass
class DepartmentClient:
    """The department API over HTTP, as a department system calls it."""

    url: str
    token: str

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return httpx.get(f"{self.url}/v1/departments{path}", params=params, headers=self._headers(), timeout=30)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{self.url}/v1/departments{path}", json=body, headers=self._headers(), timeout=30)

    def cases(self, status: str = "new", **params: Any) -> list[dict[str, Any]]:
        answer = self.get("/cases", status=status, **params)
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["cases"]
        return found

    def claim(self, app_id: str, officer: str = "刘科员") -> httpx.Response:
        return self.post(f"/cases/{app_id}/claim", {"request_id": uuid.uuid4().hex, "officer": officer})

    def decide(self, app_id: str, decision: str, **details: Any) -> httpx.Response:
        body = {"request_id": uuid.uuid4().hex, "officer": "刘科员", "decision": decision} | details
        return self.post(f"/cases/{app_id}/decisions", body)


AMENDMENT = {"items": [{"kind": "material", "code": "household_register", "what": "户口簿首页及本人页复印件",
                        "why": "核对户籍信息"}], "note": "请补交户口簿复印件"}
COMPLETION = {"result": "准予办理，市民卡已制作", "document_number": "SMK-2026-000123",
              "collection": {"method": "pickup", "place": "西湖区市民卡服务网点（文三路90号）"}}


def in_touch(store: StationStore, sessions: Sessions, hub: HubStore, url: str) -> SyncService:
    """A station enrolled with the hub that has heard from it since (so it counts on shared data)."""
    service = connect_to(store, sessions, hub, url)
    service.pull_from_hub(sessions.sync_operator)
    return service


def sync_station(store: StationStore, sessions: Sessions, service: SyncService) -> dict[str, Any]:
    """The station's round: push what is waiting, then apply what the hub sent down."""
    service.push(sessions.sync_operator)
    _report, applied = service.pull_from_hub(sessions.sync_operator)
    return applied
