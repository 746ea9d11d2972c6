"""共享数据核验: after sync, the hub confirms the shared data a station relied on.

At the counter, a material that shared data replaces (`replaced_by = ["shared:<dataset>"]` in
the catalog) is marked `satisfied_by_shared_data` without asking anyone: the point may be
offline, and the station only knows whether the hub last reported the dataset down
(`station.core.shared_data`). The hub asks the city's data-sharing platform (`hub.toml`
`shared_data_url`) about each such material of each new case, once:

    POST <shared_data_url>/v1/confirm
    {"dataset": "medical_insurance", "subject": "<applicant's ID number or credit code>",
     "item_code": "HZ-YB-101", "material": "insurance_record", "application_id": "…"}
    → 200 {"confirmed": true} | 200 {"confirmed": false, "reason": "未查到参保记录"}

A material the platform does not confirm sends the case back for 补正 before any department
works on it: the station is told which material to bring on paper and why (a signed status
bundle, like a department's 补正), the citizens' page says what to bring, and the case's time
limits stand still until it is amended. A platform that cannot be reached or answers anything
else leaves the material unchecked until the next round; nothing is decided on a guess.

Each answer is a case step (`shared_data_confirmed`, `shared_data_refused`) under the
department `hub`, unique per (application, material), so a material is asked about once
however many hub processes run the loop; a watermark over the cases keeps each round to the
cases not yet fully answered.
The subject's ID number goes to the platform, which holds it already; it is never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import timedelta
from typing import Any, NamedTuple

from peewee import fn

from kernel.canonical import canonical_json
from sync.hub import cases, department_feeds, timelimits
from sync.hub.db import tuples, write_transaction
from sync.hub.models import HubCase, HubCaseEvent, HubSetting
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub.shared_data")
CONFIRMED, REFUSED = "shared_data_confirmed", "shared_data_refused"
#: the department name the hub's own steps are filed under
HUB = "hub"
#: cases checked per round, and the longest answer read from the platform
BATCH, MAX_ANSWER = 200, 4096
#: calendar days the citizen has to bring on paper what the platform did not confirm
AMENDMENT_DAYS = 30
OPEN = (cases.CaseStatus.NEW.value, cases.CaseStatus.CLAIMED.value)
#: the last case (`HubCase.id`) whose shared-data materials were all answered
WATERMARK = "shared_data.watermark"


class Question(NamedTuple):
    """One shared-data material of one case, to ask the platform about."""

    case_id: int
    application_id: str
    subject: str
    item_code: str
    material: str
    name: str
    datasets: tuple[str, ...]


def pending(limit: int = BATCH) -> tuple[list[Question], int]:
    """The shared-data materials of open cases not asked about yet, from the cases after the
    watermark (`WATERMARK`), oldest first; and the id of the last case looked at."""
    mark = HubSetting.get_or_none(HubSetting.key == WATERMARK)
    after = int(mark.value) if mark is not None else 0
    found: list[Question] = []
    last = after
    query = (HubCase.select(HubCase.id, HubCase.application_id, HubCase.item_code, HubCase.catalog_version,
                            HubCase.status)
             .where(HubCase.id > after).order_by(HubCase.id).limit(limit))
    for case_id, app_id, item_code, version, status in tuples(query):
        last = int(case_id)
        item = timelimits.catalog_item(str(item_code), str(version))
        record = cases.latest_record(str(app_id)) if status in OPEN and item is not None else None
        if record is None or item is None:
            continue
        statuses = record.get("materials") or {}
        subject = str((record.get("applicant") or {}).get("id") or "")
        shared = [m for m in item.materials if m.datasets and statuses.get(m.id) == "satisfied_by_shared_data"]
        if not shared:
            continue
        asked = {str(r) for (r,) in tuples(HubCaseEvent.select(HubCaseEvent.request_id).where(
            (HubCaseEvent.application_id == app_id) & HubCaseEvent.step.in_((CONFIRMED, REFUSED))))}
        found += [Question(int(case_id), str(app_id), subject, str(item_code), m.id, m.name.zh, m.datasets)
                  for m in shared if request_id(str(app_id), m.id) not in asked]
    return found, last


def check_due(store: HubStore, url: str, timeout: float = 10.0) -> dict[str, int]:
    """One round: ask the platform about every pending material; counts of materials confirmed,
    refused (each case sent back once for all of them) and left unanswered."""
    import httpx

    department_feeds.intake(store)
    counts = {"confirmed": 0, "refused": 0, "unanswered": 0}
    refused: dict[str, list[dict[str, str]]] = {}
    questions, last = pending()
    waiting: list[int] = []
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for q in questions:
            answers = [_ask(client, url, {"dataset": d, "subject": q.subject, "item_code": q.item_code,
                                          "material": q.material, "application_id": q.application_id})
                       for d in q.datasets]
            if any(a is None for a in answers):
                counts["unanswered"] += 1
                waiting.append(q.case_id)
                continue
            reasons = [str(a.get("reason") or "") for a in answers if a and not a.get("confirmed")]
            _record(store, q, reasons)
            if reasons:
                counts["refused"] += 1
                why = "；".join(r for r in reasons if r) or "未查到记录"
                refused.setdefault(q.application_id, []).append(
                    {"kind": "material", "code": q.material, "what": q.name, "why": f"共享数据核验未通过：{why}"[:200]})
            else:
                counts["confirmed"] += 1
    for app_id, items in refused.items():
        _send_back(store, app_id, items)
    _advance(min(waiting) - 1 if waiting else last)
    return counts


def request_id(app_id: str, material: str) -> str:
    """The step's request id: one per (application, material), within the column's 64 characters."""
    return "shared-" + hashlib.sha256(f"{app_id}:{material}".encode()).hexdigest()[:48]


def _advance(case_id: int) -> None:
    with write_transaction():
        HubSetting.insert(key=WATERMARK, value=str(case_id)).on_conflict(
            conflict_target=[HubSetting.key], update={HubSetting.value: str(case_id)}).execute()


def _ask(client: Any, url: str, question: dict[str, str]) -> dict[str, Any] | None:
    """The platform's answer, or None when it gave none we can trust."""
    import httpx

    try:
        answer = client.post(url.rstrip("/") + "/v1/confirm", json=question)
    except httpx.HTTPError as error:
        log.warning("shared_data_unreachable", extra={"dataset": question["dataset"], "reason": type(error).__name__})
        return None
    if answer.status_code != 200 or len(answer.content) > MAX_ANSWER:
        log.warning("shared_data_bad_answer", extra={"dataset": question["dataset"], "status": answer.status_code})
        return None
    try:
        body = json.loads(answer.content)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("confirmed"), bool) or not isinstance(
            body.get("reason", ""), str):
        log.warning("shared_data_bad_answer", extra={"dataset": question["dataset"], "status": 200})
        return None
    return body


def _record(store: HubStore, q: Question, reasons: list[str]) -> None:
    """The answer as a case step, once per (application, material)."""
    details = {"material": q.material, "datasets": list(q.datasets)} | ({"reasons": reasons} if reasons else {})
    with write_transaction():
        HubCaseEvent.insert(application_id=q.application_id, department=HUB,
                            request_id=request_id(q.application_id, q.material), step=REFUSED if reasons else CONFIRMED,
                            at=store.now(), officer="", details=canonical_json(details).decode()
                            ).on_conflict_ignore().execute()


def _send_back(store: HubStore, app_id: str, items: list[dict[str, str]]) -> None:
    """补正 for what the platform did not confirm, decided by the hub itself."""
    deadline = (cases.today(store) + timedelta(days=AMENDMENT_DAYS)).isoformat()
    body = {"items": items[:20], "deadline": deadline, "note": "共享数据未能核验，请提交纸质材料"}
    if not cases.request_amendment_by_hub(store, app_id, body, officer="市级中心（共享数据核验）"):
        return
    department = HubCase.get(HubCase.application_id == app_id).department
    department_feeds.queue_step(store, department, app_id, "request_amendment")
    log.info("shared_data_amendment", extra={"materials": len(items)})


def state() -> dict[str, int]:
    """What waits for the platform (materials of the next round's cases, at most BATCH) and
    what it has answered so far, for the hub's operators."""
    answered = dict(tuples(HubCaseEvent.select(HubCaseEvent.step, fn.COUNT(HubCaseEvent.id))
                           .where(HubCaseEvent.step.in_((CONFIRMED, REFUSED))).group_by(HubCaseEvent.step)))
    return {"waiting": len(pending()[0]), "confirmed": int(answered.get(CONFIRMED, 0)),
            "refused": int(answered.get(REFUSED, 0))}


async def check_forever(store: HubStore, url: str, every: float = 30.0) -> None:
    """The hub process's loop: a round every `every` seconds while a platform is configured."""
    from sync.hub.pool import in_thread

    while True:
        try:
            await in_thread(check_due, store, url)
        except Exception:  # a database or platform hiccup must not end the loop; the next round retries
            log.warning("shared_data_round_failed", exc_info=True)
        await asyncio.sleep(every)
