"""办件 at the deciding departments: the case model, its statuses and the decisions on it.

An application the hub holds becomes a case in the queue of the department its catalog item
names (`intake`). The department claims it and decides; each decision is one step, stored
once per (department, request id), written to `hub_application` for the city report and sent
to the station at once as a signed status bundle, so no hub operator is in the loop.

Case statuses (`CaseStatus`, what the department API, the exports, the webhooks and the
citizens' page read):

    new ──claim──► claimed ──accept──► accepted ──complete──► completed      办结
                     │                   │  └──refuse──────► refused        不予许可
                     │                   └──request_amendment──► amendment_requested
                     ├──request_amendment──► amendment_requested ──补交 at the point──► amended
                     ├──not_accept──► not_accepted                                  不予受理
                     └──return──► returned                                          退回

`amended` goes on like `claimed` (or like `accepted` once accepted). While a case waits for
补正 its time limits stand still (`sync.hub.timelimits`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from peewee import JOIN

from kernel.canonical import canonical_json
from sync.errors import CaseRefused
from sync.hub import timelimits
from sync.hub.db import is_postgres, tuples, write_transaction
from sync.hub.models import (
    HubAction,
    HubApplication,
    HubCase,
    HubCaseEvent,
    HubRecord,
    HubSetting,
    HubStation,
)
from sync.hub.reconcile import WATERMARK, issue_bundle, refresh_applications
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub.cases")
CHINA = ZoneInfo("Asia/Shanghai")
MAX_PAGE = 500
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_APP_ID = re.compile(r"^[0-9a-f-]{36}$")
#: the records' watermark (`reconcile.WATERMARK`) the last intake saw
CASES_WATERMARK = "cases.watermark"
#: station statuses that put an application in its department's queue
INTAKE = ("submitted", "accepted_pending_materials", "delivered", "amended")


class CaseStatus(StrEnum):
    """办件状态 at the department."""

    NEW = "new"  # 待签收
    CLAIMED = "claimed"  # 已签收
    ACCEPTED = "accepted"  # 已受理
    AMENDMENT_REQUESTED = "amendment_requested"  # 待补正 (the clock stands still)
    AMENDED = "amended"  # 已补正: 补交 received
    COMPLETED = "completed"  # 办结
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    REFUSED = "refused"  # 不予许可
    RETURNED = "returned"  # 退回


STATUS_NAMES = {
    CaseStatus.NEW: ("待签收", "new"), CaseStatus.CLAIMED: ("已签收", "claimed"),
    CaseStatus.ACCEPTED: ("已受理", "accepted"), CaseStatus.AMENDMENT_REQUESTED: ("待补正", "awaiting amendment"),
    CaseStatus.AMENDED: ("已补正", "amended"), CaseStatus.COMPLETED: ("办结", "completed"),
    CaseStatus.NOT_ACCEPTED: ("不予受理", "not accepted"), CaseStatus.REFUSED: ("不予许可", "refused"),
    CaseStatus.RETURNED: ("退回", "returned"),
}
FINAL = frozenset({CaseStatus.COMPLETED, CaseStatus.NOT_ACCEPTED, CaseStatus.REFUSED, CaseStatus.RETURNED})
OPEN = tuple(s.value for s in CaseStatus if s not in FINAL)


class Decision(StrEnum):
    """What a department posts on a case."""

    ACCEPT = "accept"  # 受理确认
    REQUEST_AMENDMENT = "request_amendment"  # 补正
    COMPLETE = "complete"  # 办结
    NOT_ACCEPT = "not_accept"  # 不予受理
    REFUSE = "refuse"  # 不予许可
    RETURN = "return"  # 退回


#: decision -> (the statuses it may follow, the status it leads to, the station's status)
RULES: dict[Decision, tuple[frozenset[CaseStatus], CaseStatus, str]] = {
    Decision.ACCEPT: (frozenset({CaseStatus.CLAIMED, CaseStatus.AMENDED}), CaseStatus.ACCEPTED, "accepted"),
    Decision.REQUEST_AMENDMENT: (frozenset({CaseStatus.CLAIMED, CaseStatus.ACCEPTED, CaseStatus.AMENDED}),
                                 CaseStatus.AMENDMENT_REQUESTED, "needs_amendment"),
    Decision.COMPLETE: (frozenset({CaseStatus.ACCEPTED, CaseStatus.AMENDED}), CaseStatus.COMPLETED, "completed"),
    Decision.NOT_ACCEPT: (frozenset({CaseStatus.CLAIMED, CaseStatus.AMENDMENT_REQUESTED, CaseStatus.AMENDED}),
                          CaseStatus.NOT_ACCEPTED, "rejected"),
    Decision.REFUSE: (frozenset({CaseStatus.ACCEPTED, CaseStatus.AMENDED}), CaseStatus.REFUSED, "rejected"),
    Decision.RETURN: (frozenset({CaseStatus.CLAIMED, CaseStatus.ACCEPTED, CaseStatus.AMENDMENT_REQUESTED,
                                 CaseStatus.AMENDED}), CaseStatus.RETURNED, "returned"),
}
COLLECTION_METHODS = ("pickup", "delivery", "electronic")


def today(store: HubStore) -> date:
    """The hub's day in Hangzhou."""
    return store.clock().astimezone(CHINA).date()


def bad(code: str, zh: str, en: str, status: int = 422) -> CaseRefused:
    return CaseRefused(status, code, zh, en)


def not_found() -> CaseRefused:
    return bad("no_such_case", "没有该办件，或不属于本部门", "no such case for this department", 404)


# -- intake -----------------------------------------------------------------------------

def intake(store: HubStore) -> tuple[list[str], list[str]]:
    """Fold new records, open a case for each application that reached the hub, and resume the
    cases whose 补交 arrived; the application ids of the cases opened and of those resumed
    (`sync.hub.department_feeds.intake` tells the webhooks). Nothing new since the last
    intake (the records' watermark has not moved) costs two small queries."""
    refresh_applications()
    mark = HubSetting.get_or_none(HubSetting.key == WATERMARK)
    seen = HubSetting.get_or_none(HubSetting.key == CASES_WATERMARK)
    if mark is not None and seen is not None and seen.value == mark.value:
        return [], []
    opened, resumed = _open_new_cases(store), _receive_amendments(store)
    if mark is not None:
        with write_transaction():
            HubSetting.insert(key=CASES_WATERMARK, value=mark.value).on_conflict(
                conflict_target=[HubSetting.key], update={HubSetting.value: mark.value}).execute()
    return opened, resumed


def _open_new_cases(store: HubStore) -> list[str]:
    """A case for each application that has none, its snapshot read in the same query (the
    record that last changed it), a batch at a time."""
    query = (HubApplication.select(HubApplication.id, HubApplication.station, HubApplication.item_code,
                                   HubApplication.day, HubApplication.due_date, HubApplication.last_seq,
                                   HubRecord.record)
             .join(HubCase, JOIN.LEFT_OUTER, on=(HubCase.application_id == HubApplication.id))
             .join_from(HubApplication, HubRecord, on=((HubRecord.station == HubApplication.station)
                                                       & (HubRecord.seq == HubApplication.last_seq)))
             .where(HubCase.id.is_null() & HubApplication.status.in_(INTAKE)).order_by(HubApplication.id))
    rows = []
    now = store.now()
    for app_id, station, item_code, day, station_due, seq, text in tuples(query):
        snapshot = json.loads(text)["record"]
        version = str(snapshot.get("catalog_version") or "")
        values = _new_case(str(item_code), version, str(day))
        if values is None:
            continue
        rows.append(values | {
            "application_id": app_id, "station": station, "received_at": now, "amended_seq": int(seq),
            "receipt_number": str(snapshot.get("receipt_number") or ""),
            "promised_due": values["promised_due"] or station_due})
    _insert_cases(rows)
    return [str(r["application_id"]) for r in rows]


def _insert_cases(rows: list[dict[str, Any]]) -> None:
    """Insert new cases in one statement run many times (peewee would build SQL per row); a case
    another hub process opened meanwhile is kept as it is."""
    if not rows:
        return
    columns = sorted(rows[0])
    db = HubCase._meta.database
    sql = (f"INSERT INTO {HubCase._meta.table_name} ({', '.join(columns)}) VALUES "
           f"({', '.join([db.param] * len(columns))}) ON CONFLICT (application_id) DO NOTHING")
    for start in range(0, len(rows), 1000):
        with write_transaction():
            cursor = db.cursor()
            cursor.executemany(sql, [tuple(row[c] for c in columns) for row in rows[start:start + 1000]])


@cache
def _new_case(item_code: str, version: str, day: str) -> dict[str, Any] | None:
    """What a new case of this item accepted on this day starts with: its department, limits and
    due dates; None for an item no department decides."""
    department = timelimits.department_of(item_code, version) or _department_by_code(item_code)
    if department is None:
        return None
    limits = timelimits.limits(item_code, version)
    start = date.fromisoformat(day)
    promised = timelimits.due(limits.promised, limits.promised_unit, start, timelimits.Pause())
    legal = timelimits.due(limits.legal, limits.legal_unit, start, timelimits.Pause())
    return {"department": department, "item_code": item_code, "catalog_version": version,
            "status": CaseStatus.NEW.value, "start_day": day, "promised_days": limits.promised,
            "promised_unit": limits.promised_unit, "legal_days": limits.legal, "legal_unit": limits.legal_unit,
            "promised_due": promised.isoformat() if promised else None,
            "legal_due": legal.isoformat() if legal else None, "paused_working_days": 0,
            "paused_calendar_days": 0, "decision": "{}"}


def _department_by_code(item_code: str) -> str | None:
    """An item outside the packaged catalog: its department by the code's prefix (HZ-GA-…)."""
    from forms.vocab import DEPARTMENTS

    parts = item_code.split("-")
    prefix = parts[1] if len(parts) >= 3 else ""
    return next((slug for slug, (code, _name) in DEPARTMENTS.items() if code == prefix), None)


def _receive_amendments(store: HubStore) -> list[str]:
    """补交: a case waiting for 补正 whose station sent the amended application goes on."""
    query = (HubCase.select(HubCase.application_id, HubApplication.last_seq)
             .join(HubApplication, on=(HubApplication.id == HubCase.application_id))
             .where((HubCase.status == CaseStatus.AMENDMENT_REQUESTED.value)
                    & (HubApplication.status == "amended") & (HubApplication.last_seq > HubCase.amended_seq)))
    resumed = []
    for app_id, seq in tuples(query):
        with write_transaction():
            case = _locked(str(app_id))
            if case is None or case.status != CaseStatus.AMENDMENT_REQUESTED.value:
                continue
            pause = timelimits.paused_between(date.fromisoformat(str(case.paused_since)), today(store))
            case.paused_working_days += pause.working
            case.paused_calendar_days += pause.calendar
            case.paused_since, case.status, case.amended_seq = None, CaseStatus.AMENDED.value, int(seq)
            _recompute_dues(case)
            case.save()
            HubCaseEvent.create(application_id=case.application_id, department=case.department, step="amended",
                                at=store.now(), details=canonical_json({"paused_working_days": pause.working}).decode())
        resumed.append(case.application_id)
    return resumed


def _recompute_dues(case: HubCase) -> None:
    start = date.fromisoformat(case.start_day)
    pause = timelimits.Pause(case.paused_working_days, case.paused_calendar_days)
    promised = timelimits.due(case.promised_days, case.promised_unit, start, pause)
    legal = timelimits.due(case.legal_days, case.legal_unit, start, pause)
    if promised is not None:
        case.promised_due = promised.isoformat()
    if legal is not None:
        case.legal_due = legal.isoformat()


def _locked(app_id: str) -> HubCase | None:
    query = HubCase.select().where(HubCase.application_id == app_id)
    if is_postgres():
        query = query.for_update()
    found: HubCase | None = query.first()
    return found


def latest_record(app_id: str) -> dict[str, Any] | None:
    """The newest snapshot the station sent of an application."""
    row = (HubRecord.select(HubRecord.record).where(HubRecord.application_id == app_id)
           .order_by(HubRecord.seq.desc()).first())
    if row is None:
        return None
    record: dict[str, Any] = json.loads(row.record)["record"]
    return record


# -- the case model ---------------------------------------------------------------------

def summary(case: Any, on: date) -> dict[str, Any]:
    """A case (a `HubCase`, or a row of its columns read as named tuples, which lists of
    thousands read faster) as the department API, the daily export and the webhooks show it."""
    status = CaseStatus(case.status)
    item = timelimits.catalog_item(case.item_code, case.catalog_version)
    running = status not in FINAL and status != CaseStatus.AMENDMENT_REQUESTED
    return {
        "application_id": case.application_id, "receipt_number": case.receipt_number,
        "department": case.department, "item_code": case.item_code,
        "item_name": item.name.zh if item is not None else "", "station": case.station,
        "status": status.value, "status_name": STATUS_NAMES[status][0], "officer": case.officer,
        "received_at": case.received_at, "claimed_at": case.claimed_at, "accepted_at": case.accepted_at,
        "decided_at": case.decided_at,
        "time_limit": {
            "start_day": case.start_day, "promised_days": case.promised_days, "promised_unit": case.promised_unit,
            "promised_due": case.promised_due, "legal_days": case.legal_days, "legal_unit": case.legal_unit,
            "legal_due": case.legal_due, "paused": status == CaseStatus.AMENDMENT_REQUESTED,
            "paused_since": case.paused_since, "paused_working_days": case.paused_working_days,
            "overdue": running and case.promised_due is not None and case.promised_due < on.isoformat(),
            "legal_overdue": running and case.legal_due is not None and case.legal_due < on.isoformat()},
        "amendment_deadline": case.amendment_deadline, "closed_on": case.closed_on,
        "on_time": None if case.on_time is None else bool(case.on_time),
        "decision": json.loads(case.decision),
    }


def steps(app_id: str) -> list[dict[str, Any]]:
    """The case's steps in order (claim, 受理确认, 补正, 补交, 办结…), with their details."""
    query = (HubCaseEvent.select(HubCaseEvent.step, HubCaseEvent.at, HubCaseEvent.officer, HubCaseEvent.details)
             .where(HubCaseEvent.application_id == app_id).order_by(HubCaseEvent.id))
    return [{"step": step, "at": at, "officer": officer, "details": json.loads(details)}
            for step, at, officer, details in tuples(query)]


#: what a citizen may read of each step's details (never an officer's name or the applicant's data)
PUBLIC_DETAILS = ("items", "deadline", "note", "result", "document_number", "collection", "reason", "basis")
STEP_NAMES = {"claim": "部门已签收", "accept": "部门已受理", "request_amendment": "需要补正", "amended": "已补交材料",
              "complete": "已办结", "not_accept": "不予受理", "refuse": "不予许可", "return": "已退回受理点",
              "shared_data_confirmed": "共享数据已核验", "shared_data_refused": "共享数据未能核验"}


def public_steps(app_id: str) -> list[dict[str, Any]]:
    """The case's steps as the citizens' page may show them: step, its name, when, and only the
    details a citizen needs (what to bring and by when, the result and how to collect it)."""
    return [{"step": s["step"], "name": STEP_NAMES.get(s["step"], s["step"]), "at": s["at"],
             "details": {k: v for k, v in s["details"].items() if k in PUBLIC_DETAILS}}
            for s in steps(app_id)]


def page(department: str, items: frozenset[str], *, status: str | None, after: int, limit: int,
         on: date, overdue: bool = False) -> tuple[list[dict[str, Any]], int | None]:
    """One page of a department's cases in arrival order after the cursor; the next cursor."""
    query = HubCase.select().where((HubCase.department == department) & (HubCase.id > after))
    if status == "open":
        query = query.where(HubCase.status.in_(OPEN))
    elif status:
        query = query.where(HubCase.status == status)
    if items:
        query = query.where(HubCase.item_code.in_(sorted(items)))
    if overdue:
        query = query.where(HubCase.status.in_([s for s in OPEN if s != CaseStatus.AMENDMENT_REQUESTED.value])
                            & (HubCase.promised_due < on.isoformat()))
    rows = list(query.order_by(HubCase.id).limit(limit + 1).namedtuples())
    more = len(rows) > limit
    rows = rows[:limit]
    return [summary(r, on) | {"cursor": r.id} for r in rows], (rows[-1].id if more and rows else None)


def overdue(on: date, department: str | None = None) -> list[dict[str, Any]]:
    """Open cases past their promised limit (the clock running), for a department or the city."""
    query = HubCase.select().where(
        HubCase.status.in_([s for s in OPEN if s != CaseStatus.AMENDMENT_REQUESTED.value])
        & (HubCase.promised_due < on.isoformat()))
    if department:
        query = query.where(HubCase.department == department)
    return [summary(c, on) for c in query.order_by(HubCase.promised_due, HubCase.id).namedtuples()]


def find(app_id: str, department: str, items: frozenset[str]) -> HubCase:
    """The department's case, or 404 (another department's case is not said to exist)."""
    if not _APP_ID.match(app_id):
        raise not_found()
    case = HubCase.get_or_none(HubCase.application_id == app_id)
    if case is None or case.department != department or (items and case.item_code not in items):
        raise not_found()
    return case


# -- claims and decisions ------------------------------------------------------------------

def _text(body: dict[str, Any], key: str, limit: int, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise bad("bad_field", f"{key} 应为 1–{limit} 个字符的文字", f"{key} is text of 1–{limit} characters")
    return value.strip()


def _common(body: Any) -> tuple[str, str]:
    if not isinstance(body, dict):
        raise bad("bad_request", "请求应为 JSON 对象", "the body is a JSON object", 400)
    request_id = body.get("request_id")
    if not isinstance(request_id, str) or not _REQUEST_ID.match(request_id):
        raise bad("bad_request_id", "request_id 应为 8–64 位字母、数字或 ._:-",
                  "request_id is 8–64 letters, digits or ._:-")
    return request_id, _text(body, "officer", 64)


def apply(store: HubStore, actor: str, department: str, items: frozenset[str], app_id: str, action: str,
          body: Any) -> tuple[dict[str, Any], bool]:
    """Claim (`action` "claim") or decide a case, once per request id, audited under `actor` in
    the same transaction; (the answer, whether it is a replay of a request already done)."""
    request_id, officer = _common(body)
    details = _details(action, body, today(store))
    fingerprint = hashlib.sha256(canonical_json({"case": app_id, "action": action, "body": body})).hexdigest()
    with write_transaction():
        done = HubCaseEvent.get_or_none((HubCaseEvent.department == department)
                                        & (HubCaseEvent.request_id == request_id))
        if done is not None:
            if done.request_sha256 != fingerprint:
                raise bad("request_id_reused", "该 request_id 已用于另一请求", "this request_id was used for another request",
                          409)
            answer: dict[str, Any] = json.loads(done.answer)
            _audit_row(store, actor, f"{action}.replayed", done.application_id, answer.get("station"),
                       {"request_id": request_id})
            return answer, True
        station = find(app_id, department, items).station
        if is_postgres():  # one bundle version at a time per station
            HubStation.select().where(HubStation.code == station).for_update().execute()
        case = _locked(app_id)
        assert case is not None
        answer = _claim(store, case, officer) if action == "claim" else _decide(store, case, Decision(action),
                                                                              officer, details)
        HubCaseEvent.create(application_id=app_id, department=department, request_id=request_id,
                            step=action, at=store.now(), officer=officer,
                            details=canonical_json(details).decode(), request_sha256=fingerprint,
                            answer=canonical_json(answer).decode())
        _audit_row(store, actor, action, app_id, case.station, {"request_id": request_id, "status": answer["status"]})
    return answer, False


def request_amendment_by_hub(store: HubStore, app_id: str, body: dict[str, Any], officer: str) -> bool:
    """补正 decided by the hub itself (shared data the platform did not confirm,
    `sync.hub.shared_checks`) on a case no department has decided yet: sent to the station and
    the citizens' page like a department's request and kept as the case's step; False when the
    case has moved on meanwhile."""
    details = _amendment(body, today(store))
    with write_transaction():
        case = _locked(app_id)
        if case is None or case.status not in (CaseStatus.NEW.value, CaseStatus.CLAIMED.value):
            return False
        answer = _decide(store, case, Decision.REQUEST_AMENDMENT, officer, details, by_hub=True)
        HubCaseEvent.create(application_id=app_id, department=case.department, step=Decision.REQUEST_AMENDMENT.value,
                            at=store.now(), officer=officer, details=canonical_json(details).decode(),
                            answer=canonical_json(answer).decode())
        _audit_row(store, "hub", "request_amendment", app_id, case.station, {"by": "shared_data"})
    return True


def _claim(store: HubStore, case: HubCase, officer: str) -> dict[str, Any]:
    if case.status != CaseStatus.NEW.value:
        raise bad("already_claimed", f"该办件已由 {case.officer or '他人'} 签收", "the case is already claimed", 409)
    case.status, case.officer, case.claimed_at = CaseStatus.CLAIMED.value, officer, store.now()
    case.save()
    return summary(case, today(store))


def _decide(store: HubStore, case: HubCase, decision: Decision, officer: str,
            details: dict[str, Any], by_hub: bool = False) -> dict[str, Any]:
    allowed, target, station_status = RULES[decision]
    if by_hub:  # the hub's own 补正 comes before any department has claimed the case
        allowed = allowed | {CaseStatus.NEW}
    current = CaseStatus(case.status)
    if current not in allowed or (decision == Decision.ACCEPT and case.accepted_at is not None) or (
            decision in (Decision.COMPLETE, Decision.REFUSE) and case.accepted_at is None):
        zh, en = STATUS_NAMES[current]
        raise bad("invalid_transition", f"办件当前为“{zh}”，不能{_DECISION_NAMES[decision][0]}",
                  f"the case is {en}; it cannot be {_DECISION_NAMES[decision][1]}", 409)
    on, now = today(store), store.now()
    case.status, case.decided_at, case.officer = target.value, now, case.officer or officer
    if decision == Decision.ACCEPT:
        case.accepted_at = now
    elif decision == Decision.REQUEST_AMENDMENT:
        case.paused_since, case.amendment_deadline = on.isoformat(), details["deadline"]
    elif target in FINAL:
        case.closed_on = on.isoformat()
        case.on_time = int(case.promised_due is None or on.isoformat() <= case.promised_due)
    case.decision = canonical_json({"decision": decision.value, "officer": officer, "at": now, **details}).decode()
    case.save()
    message = station_message(decision, details, case)
    _record_for_city(case, station_status, on)
    issue_bundle(store, case.station, "statuses", {"updates": [
        {"application_id": case.application_id, "status": station_status, "message": message}]},
        operator="hub:shared-data" if by_hub else f"department:{case.department}")
    from sync.hub.citizen_cases import record_steps

    record_steps([{"application_id": case.application_id, "status": station_status,
                   "message": citizen_message(decision, details),
                   "deadline": details.get("deadline") if decision == Decision.REQUEST_AMENDMENT else None}], now)
    return summary(case, on)


def citizen_message(decision: Decision, details: dict[str, Any]) -> str:
    """The decision in the words of the citizens' case page: what to bring, how to collect, why
    not. Nothing personal: a delivery says it is posted, never to which address."""
    if decision == Decision.REQUEST_AMENDMENT:
        return "、".join(str(i["what"]) for i in details["items"])
    if decision == Decision.COMPLETE:
        collection = details["collection"]
        how = {"pickup": f"到 {collection.get('place', '')} 领取", "delivery": "邮寄送达",
               "electronic": "电子证照"}[collection["method"]]
        number = details.get("document_number")
        return f"{details['result']}；{how}" + (f"；证号 {number}" if number else "")
    if decision in (Decision.NOT_ACCEPT, Decision.REFUSE, Decision.RETURN):
        return str(details["reason"])
    return ""


_DECISION_NAMES = {
    Decision.ACCEPT: ("受理确认", "accepted"), Decision.REQUEST_AMENDMENT: ("要求补正", "sent back for amendment"),
    Decision.COMPLETE: ("办结", "completed"), Decision.NOT_ACCEPT: ("不予受理", "not accepted"),
    Decision.REFUSE: ("不予许可", "refused"), Decision.RETURN: ("退回", "returned"),
}


def _record_for_city(case: HubCase, station_status: str, on: date) -> None:
    """The city report's row follows: status, due date (moved by 补正 waits), day closed."""
    values: dict[Any, Any] = {HubApplication.status: station_status}
    if case.promised_due:
        values[HubApplication.due_date] = case.promised_due
    if station_status == "completed":
        values[HubApplication.completed_on] = on.isoformat()
    if station_status == "needs_amendment":
        values[HubApplication.amendments] = HubApplication.amendments + 1
    HubApplication.update(values).where(HubApplication.id == case.application_id).execute()


def station_message(decision: Decision, details: dict[str, Any], case: HubCase) -> str:
    """The decision as the station reads it in the status bundle's message (JSON text): 补正
    items with what / why and a deadline, 办结 with how to collect, a refusal with its basis."""
    message: dict[str, Any] = {"decision": decision.value, "department": case.department}
    if decision == Decision.REQUEST_AMENDMENT:
        message |= {"message": details.get("note") or "请按以下要求补正", "deadline": details["deadline"],
                    "items": [{"what": i["what"], "why": i.get("why") or "", "kind": i["kind"]}
                              for i in details["items"]]}
    elif decision == Decision.COMPLETE:
        message |= {"message": details["result"], "document_number": details.get("document_number") or "",
                    "collection": details["collection"], "closed_on": case.closed_on,
                    "on_time": bool(case.on_time)}
    elif decision in (Decision.NOT_ACCEPT, Decision.REFUSE):
        message |= {"message": details["reason"], "basis": details["basis"]}
    elif decision == Decision.RETURN:
        message |= {"message": details["reason"]}
    else:
        message |= {"message": details.get("note") or "部门已受理", "promised_due": case.promised_due}
    text = json.dumps(message, ensure_ascii=False, sort_keys=True)
    if len(text) > 2000:
        raise bad("too_long", "决定内容过长（站点消息最多 2000 字）", "the decision is too long for the station (2000 characters)")
    return text


def _details(action: str, body: dict[str, Any], on: date) -> dict[str, Any]:
    """The checked details of a decision (or {} for a claim)."""
    if action == "claim":
        return {}
    try:
        decision = Decision(action)
    except ValueError:
        raise bad("unknown_decision", f"未知的决定 {action}", f"unknown decision {action}", 400) from None
    if decision == Decision.ACCEPT:
        note = _text(body, "note", 500, required=False)
        return {"note": note} if note else {}
    if decision == Decision.REQUEST_AMENDMENT:
        return _amendment(body, on)
    if decision == Decision.COMPLETE:
        return _completion(body)
    if decision == Decision.RETURN:
        return {"reason": _text(body, "reason", 500)}
    return {"reason": _text(body, "reason", 500), "basis": _text(body, "basis", 500)}


def _amendment(body: dict[str, Any], on: date) -> dict[str, Any]:
    raw = body.get("items")
    if not isinstance(raw, list) or not 1 <= len(raw) <= 20:
        raise bad("bad_items", "items 应列出 1–20 项需补正的材料或信息", "items lists 1–20 materials or fields to amend")
    items = []
    for entry in raw:
        if not isinstance(entry, dict) or entry.get("kind") not in ("material", "field"):
            raise bad("bad_items", "每项应有 kind（material 或 field）与 what", "each item has kind (material or field) and what")
        item = {"kind": entry["kind"], "what": _text(entry, "what", 200)}
        for key, limit in (("code", 64), ("why", 200)):
            value = _text(entry, key, limit, required=False)
            if value:
                item[key] = value
        items.append(item)
    try:
        deadline = date.fromisoformat(str(body.get("deadline")))
    except ValueError:
        raise bad("bad_deadline", "deadline 应为日期 YYYY-MM-DD", "deadline is a date YYYY-MM-DD") from None
    if not on < deadline <= on + timedelta(days=366):
        raise bad("bad_deadline", "补正期限应在今天之后一年之内", "the deadline is after today and within a year")
    note = _text(body, "note", 500, required=False)
    return {"items": items, "deadline": deadline.isoformat()} | ({"note": note} if note else {})


def _completion(body: dict[str, Any]) -> dict[str, Any]:
    result = _text(body, "result", 500)
    number = _text(body, "document_number", 64, required=False)
    collection = body.get("collection")
    if not isinstance(collection, dict) or collection.get("method") not in COLLECTION_METHODS:
        raise bad("bad_collection", "collection.method 应为 pickup（自取）、delivery（邮寄）或 electronic（电子证照）",
                  "collection.method is pickup, delivery or electronic")
    method = collection["method"]
    kept: dict[str, str] = {"method": method}
    if method == "pickup":
        kept["place"] = _text(collection, "place", 200)
    if method == "delivery":
        kept["address"] = _text(collection, "address", 200)
    note = _text(collection, "note", 200, required=False)
    if note:
        kept["note"] = note
    return {"result": result, "document_number": number, "collection": kept}


def audit(store: HubStore, actor: str, action: str, case: HubCase | None = None,
          details: dict[str, Any] | None = None) -> None:
    """Every department call, in the hub's audit (`hub_action`): who, what, which case."""
    with write_transaction():
        _audit_row(store, actor, action, case.application_id if case is not None else "",
                   case.station if case is not None else None, details)


def _audit_row(store: HubStore, actor: str, action: str, subject: str, station: str | None,
               details: dict[str, Any] | None) -> None:
    HubAction.create(at=store.now(), operator=actor, action=f"department.{action}", station=station,
                     subject=subject, details=canonical_json(details or {}).decode())

