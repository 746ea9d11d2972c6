"""一件事 at the hub: the items of one bundle a point accepted together, tracked as one case.

Each item travels as its own application (its record carries `case` = {"id", "bundle"}) and
goes to its own department's queue as usual; `reconcile` folds the case into
`hub_application.case_id`/`bundle_code`, and `case_view` puts the items back together: the
case, its bundle, and each item with its receipt number, its status and its department's.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from peewee import fn

from kernel.masking import mask_id
from sync.hub.db import tuples, write_transaction
from sync.hub.models import HubApplication, HubCase, HubRecord

#: Department statuses that end a case's item (办结, 不予受理, 不予许可, 退回).
CLOSED = frozenset({"completed", "not_accepted", "refused", "returned"})
MAX_LIST = 500


def onething_case(record: dict[str, Any]) -> dict[str, str]:
    """The case and bundle a record names; nothing for an application filed on its own."""
    case = record.get("case")
    if not isinstance(case, dict) or not case.get("id"):
        return {}
    return {"case_id": str(case["id"])[:36], "bundle_code": str(case.get("bundle") or "")}


def case_view(case_id: str) -> dict[str, Any] | None:
    """One 一件事 as the hub holds it: the case, then each item (None when no item has arrived)."""
    apps = list(HubApplication.select().where(HubApplication.case_id == case_id)
                .order_by(HubApplication.day, HubApplication.id))
    if not apps:
        return None
    departments = {c.application_id: c for c in HubCase.select().where(
        HubCase.application_id.in_([a.id for a in apps]))}
    items = [_item(app, departments.get(app.id)) for app in apps]
    lead = _latest(apps[0].id)
    applicant = lead.get("applicant") or {}
    return {"case_id": case_id, "bundle_code": apps[0].bundle_code or "", "bundle_name": bundle_name(
        apps[0].bundle_code or ""), "station": apps[0].station, "day": apps[0].day,
        "applicant": {"name": applicant.get("name", ""), "id": mask_id(str(applicant.get("id", "")))},
        "state": _state(items), "items": items}


def case_list(station: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The newest 一件事 cases (one row each: bundle, station, day, items, state)."""
    query = (HubApplication.select(HubApplication.case_id, fn.MIN(HubApplication.bundle_code),
                                   fn.MIN(HubApplication.station), fn.MIN(HubApplication.day),
                                   fn.COUNT(HubApplication.id))
             .where(HubApplication.case_id.is_null(False)))
    if station:
        query = query.where(HubApplication.station == station)
    rows = tuples(query.group_by(HubApplication.case_id)
                  .order_by(fn.MIN(HubApplication.day).desc(), HubApplication.case_id.desc())
                  .limit(min(limit, MAX_LIST)))
    return [{"case_id": str(case_id), "bundle_code": str(code or ""), "bundle_name": bundle_name(str(code or "")),
             "station": str(station_code), "day": str(day), "items": int(count)}
            for case_id, code, station_code, day, count in rows]


def case_summary(case_id: str) -> dict[str, Any]:
    """What a department sees of the 一件事 one of its cases is part of: every item by code,
    receipt number and status (no one else's fields or materials)."""
    view = case_view(case_id) or {"items": []}
    return {"case_id": case_id, "bundle_code": view.get("bundle_code", ""),
            "bundle_name": view.get("bundle_name", ""), "state": view.get("state", ""),
            "items": [{key: item[key] for key in ("application_id", "item_code", "receipt_number", "status",
                                                  "department", "department_status")}
                      for item in view["items"]]}


def mark_cases_from_records(batch: int = 5000) -> int:
    """Fill in the case of applications folded before it was kept, from records that name one."""
    marked, after = 0, 0
    while True:
        rows = tuples(HubRecord.select(HubRecord.id, HubRecord.application_id, HubRecord.record)
                      .where(HubRecord.id > after, HubRecord.record.contains('"case":{'))
                      .order_by(HubRecord.id).limit(batch))
        if not rows:
            return marked
        with write_transaction():
            for _rid, app_id, text in rows:
                found = onething_case(json.loads(text)["record"])
                if found:
                    marked += HubApplication.update(**found).where(HubApplication.id == app_id).execute()
        after = int(rows[-1][0])


def _item(app: HubApplication, case: HubCase | None) -> dict[str, Any]:
    record = _latest(app.id)
    return {"application_id": app.id, "item_code": app.item_code, "item_name": record.get("item_name", ""),
            "receipt_number": record.get("receipt_number") or "", "status": app.status,
            "due_date": app.due_date, "department": case.department if case is not None else None,
            "department_status": case.status if case is not None else None}


def _state(items: list[dict[str, Any]]) -> str:
    """The case as a whole: `completed` when every item is, `closed` when every item ended, else `open`."""
    ended = [item.get("department_status") in CLOSED or item["status"] in ("completed", "rejected")
             for item in items]
    if all(item.get("department_status") == "completed" or item["status"] == "completed" for item in items):
        return "completed"
    return "closed" if all(ended) else "open"


def _latest(app_id: str) -> dict[str, Any]:
    row = (HubRecord.select(HubRecord.record).where(HubRecord.application_id == app_id)
           .order_by(HubRecord.seq.desc()).first())
    return dict(json.loads(row.record)["record"]) if row is not None else {}


@cache
def _bundle_names() -> dict[str, tuple[str, str]]:
    from forms import load_catalog

    return {bundle.code: (bundle.name.zh, bundle.name.en) for bundle in load_catalog().bundles}


def bundle_name(code: str, lang: str = "zh") -> str:
    """The bundle's name in the packaged catalog; the code when the catalog has no such bundle."""
    zh, en = _bundle_names().get(code, (code, code))
    return en if lang == "en" else zh
