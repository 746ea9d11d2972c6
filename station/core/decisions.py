"""What the deciding department decided, as the counter reads it: the hub's status message
(`status_message`, JSON from `sync.hub.cases.station_message`, or plain text from an older
hub) turned into a decision, and the 补正 tasks waiting at the counter — what to bring, by when.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from station.core.applications import Status, open_only
from station.core.clock import local_day
from station.core.models import Application
from station.core.roles import Action, require
from station.core.session import Session
from station.core.store import StationStore

#: decision -> (Chinese, English) as the counter names it
DECISION_NAMES = {
    "accept": ("部门已受理", "accepted by the department"), "request_amendment": ("需要补正", "amendment requested"),
    "complete": ("已办结", "completed"), "not_accept": ("不予受理", "not accepted"),
    "refuse": ("不予许可", "refused"), "return": ("部门退回", "returned by the department"),
}
#: how the citizen collects the result -> (Chinese, English)
COLLECTION_NAMES = {"pickup": ("自取", "pick up"), "delivery": ("邮寄送达", "delivered by post"),
                    "electronic": ("电子证照", "electronic licence")}


@dataclass(frozen=True)
class RequestedItem:
    """One material or field the department asks for in a 补正."""

    what: str
    why: str
    kind: str  # material | field


@dataclass(frozen=True)
class Collection:
    """How the citizen collects the result of a 办结: pick-up place, delivery address, or electronic."""

    method: str
    place: str = ""
    address: str = ""
    note: str = ""


@dataclass(frozen=True)
class HubDecision:
    """The department's latest decision on an application; `decision` is "" for a plain message."""

    decision: str
    message: str
    department: str = ""
    items: tuple[RequestedItem, ...] = ()
    deadline: date | None = None
    document_number: str = ""
    collection: Collection | None = None
    basis: str = ""
    closed_on: str = ""
    on_time: bool | None = None


def hub_message(status_message: str | None) -> dict[str, Any] | None:
    """The hub's status message as a JSON object, or None when it is plain text (or nothing)."""
    text = (status_message or "").strip()
    try:
        data = json.loads(text) if text.startswith("{") else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_decision(status_message: str | None) -> HubDecision:
    """The decision carried by a hub status message; never fails on what an older hub sent."""
    data = hub_message(status_message)
    if data is None:
        return HubDecision("", (status_message or "").strip())
    return HubDecision(
        decision=_str(data, "decision"), message=_str(data, "message"), department=_str(data, "department"),
        items=tuple(RequestedItem(_str(i, "what"), _str(i, "why"), _str(i, "kind") or "material")
                    for i in data.get("items") or [] if isinstance(i, dict)),
        deadline=_day(data.get("deadline")), document_number=_str(data, "document_number"),
        collection=_collection(data.get("collection")), basis=_str(data, "basis"),
        closed_on=_str(data, "closed_on"),
        on_time=data["on_time"] if isinstance(data.get("on_time"), bool) else None)


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _collection(value: Any) -> Collection | None:
    if not isinstance(value, dict) or value.get("method") not in COLLECTION_NAMES:
        return None
    return Collection(str(value["method"]), _str(value, "place"), _str(value, "address"), _str(value, "note"))


@dataclass(frozen=True)
class AmendmentTask:
    """补正 task at the counter: whose application, what to bring, by when."""

    app_id: str
    receipt_number: str
    item_name: str
    applicant_name: str
    items: tuple[RequestedItem, ...]
    message: str
    deadline: date | None
    overdue: bool


def amendment_tasks(store: StationStore, session: Session) -> list[AmendmentTask]:
    """Applications the departments sent back for 补正, the nearest deadline first."""
    require(session, Action.APPLICATION_VIEW)
    today = local_day(store.clock())
    tasks = []
    for app in Application.select().where((Application.status == Status.NEEDS_AMENDMENT) & open_only()):
        decision = read_decision(app.status_message)
        tasks.append(AmendmentTask(str(app.id), str(app.receipt_number or ""), str(app.item_name),
                                   str(app.applicant_name), decision.items, decision.message, decision.deadline,
                                   decision.deadline is not None and decision.deadline < today))
    return sorted(tasks, key=lambda t: (t.deadline or date.max, t.receipt_number))
