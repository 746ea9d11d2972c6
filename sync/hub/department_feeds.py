"""The same cases for department systems that are not called through the API: a signed daily
export of new cases to a folder (pull) and webhooks with signatures and retries (push).

Export: `<folder>/<department>/<day>/cases.json` and `cases.csv` (the case model of
`sync.hub.cases.summary`, one row per case that reached the department that day) and
`manifest.json`, signed by the hub (`{"document": {"format": "jiujin-department-export/1",
"department", "day", "count", "files": {name: sha256}}, "signature"}`, context
`jiujin/department-export/v1` 00).

Webhooks: each new case and each step is POSTed as JSON to the department's URL with
`Jiujin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`. A delivery
that does not get a 2xx is tried again after 30 s, 1 min, 2 min… up to 6 h apart, at most
`MAX_ATTEMPTS` times; the hub's log and `hub department list` show what failed.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import hmac
import io
import json
import logging
import secrets
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kernel.atomic import atomic_write_bytes
from kernel.canonical import canonical_json
from sync.errors import HubError
from sync.hub import cases
from sync.hub.db import write_transaction
from sync.hub.models import HubCase, HubDepartment, HubWebhook, HubWebhookDelivery
from sync.hub.store import HubStore
from sync.signed import sign_document

log = logging.getLogger("jiujin.hub.departments")
EXPORT_CONTEXT = b"jiujin/department-export/v1\x00"
EXPORT_FORMAT = "jiujin-department-export/1"
MAX_ATTEMPTS = 12
DELIVERY_BATCH = 50
CSV_COLUMNS = ("application_id", "receipt_number", "item_code", "item_name", "station", "status", "status_name",
               "received_at", "start_day", "promised_due", "legal_due", "amendment_deadline", "closed_on")


# -- pull: the signed daily export ------------------------------------------------------

def export_day(store: HubStore, department: str, day: date, folder: Path) -> Path:
    """Write the department's cases that arrived on `day` (Hangzhou) to `folder`; the day's folder."""
    if HubDepartment.get_or_none(HubDepartment.code == department) is None:
        raise HubError(f"没有部门 {department}", f"no department {department}")
    intake(store)
    start = datetime.combine(day, datetime.min.time(), cases.CHINA)
    window = [(start + timedelta(days=n)).astimezone(store.clock().tzinfo).isoformat(timespec="seconds")
              for n in (0, 1)]
    rows = [cases.summary(c, cases.today(store)) for c in HubCase.select().where(
        (HubCase.department == department) & (HubCase.received_at >= window[0])
        & (HubCase.received_at < window[1])).order_by(HubCase.id)]
    target = folder / department / day.isoformat()
    target.mkdir(parents=True, exist_ok=True)
    files = {"cases.json": json.dumps({"department": department, "day": day.isoformat(), "cases": rows},
                                      ensure_ascii=False, indent=1, sort_keys=True).encode(),
             "cases.csv": _csv(rows)}
    for name, data in files.items():
        atomic_write_bytes(target / name, data, mode=0o640)
    document = {"format": EXPORT_FORMAT, "department": department, "day": day.isoformat(), "count": len(rows),
                "created_at": store.now(), "hub": store.fingerprint,
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}
    atomic_write_bytes(target / "manifest.json", sign_document(document, EXPORT_CONTEXT, store.keys.signing),
                       mode=0o640)
    cases.audit(store, "hub", "export", details={"department": department, "day": day.isoformat(),
                                                  "count": len(rows)})
    return target


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        flat = row | {"promised_due": row["time_limit"]["promised_due"], "legal_due": row["time_limit"]["legal_due"],
                      "start_day": row["time_limit"]["start_day"]}
        writer.writerow([_cell(flat.get(column)) for column in CSV_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()  # a BOM so that spreadsheet programs read UTF-8


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas from data


# -- push: webhooks ---------------------------------------------------------------------

def set_webhook(store: HubStore, department: str, url: str) -> str:
    """Point the department's webhook at `url` (https, or http to 127.0.0.1 for tests); the new
    shared secret, shown once."""
    if not (url.startswith("https://") or url.startswith("http://127.0.0.1")) or len(url) > 500:
        raise HubError("回调地址应为 https://…", "the webhook URL is https://…")
    if HubDepartment.get_or_none(HubDepartment.code == department) is None:
        raise HubError(f"没有部门 {department}", f"no department {department}")
    secret = secrets.token_urlsafe(32)
    with write_transaction():
        HubWebhook.delete().where(HubWebhook.department == department).execute()
        HubWebhook.create(department=department, url=url, secret=secret, created_at=store.now())
    return secret


def intake(store: HubStore) -> int:
    """`cases.intake`, then owe the webhooks the new cases and the 补交 received; cases opened."""
    opened, resumed = cases.intake(store)
    hooked = {w.department for w in HubWebhook.select(HubWebhook.department)}
    for step, app_ids in (("received", opened), ("amended", resumed)):
        for start in range(0, len(app_ids) if hooked else 0, 500):
            for case in HubCase.select().where(HubCase.application_id.in_(app_ids[start:start + 500])
                                               & HubCase.department.in_(hooked)):
                queue_step(store, case.department, case.application_id, step)
    return len(opened)


def queue_step(store: HubStore, department: str, app_id: str, step: str) -> None:
    """Owe the department's webhook (if it has one) this step of the case."""
    if HubWebhook.get_or_none(HubWebhook.department == department) is None:
        return
    fresh = HubCase.get(HubCase.application_id == app_id)
    event = {"id": str(uuid.uuid4()), "type": "case.new" if step == "received" else "case.step", "step": step,
             "at": store.now(), "case": cases.summary(fresh, cases.today(store))}
    with write_transaction():
        HubWebhookDelivery.create(department=department, event=canonical_json(event).decode(),
                                  next_at=store.now())


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Jiujin-Signature` header value of a webhook body."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver_due(store: HubStore, timeout: float = 10.0) -> dict[str, int]:
    """Try every delivery that is due once; counts of delivered and failed attempts."""
    import httpx

    now = store.now()
    hooks = {w.department: w for w in HubWebhook.select()}
    if not hooks:
        return {"delivered": 0, "failed": 0}
    due = list(HubWebhookDelivery.select().where(
        HubWebhookDelivery.delivered_at.is_null() & (HubWebhookDelivery.next_at <= now)
        & (HubWebhookDelivery.attempts < MAX_ATTEMPTS)).order_by(HubWebhookDelivery.id).limit(DELIVERY_BATCH))
    counts = {"delivered": 0, "failed": 0}
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        for delivery in due:
            hook = hooks.get(delivery.department)
            if hook is None or not _take(store, delivery):
                continue
            error = _post(client, hook, delivery.event.encode(), int(store.clock().timestamp()))
            _record_attempt(store, delivery, error)
            counts["failed" if error else "delivered"] += 1
    return counts


def _take(store: HubStore, delivery: HubWebhookDelivery) -> bool:
    """Claim a due delivery for this process (several hub processes run the loop): its next
    attempt moves a minute on unless another process moved it first."""
    later = (store.clock() + timedelta(minutes=1)).isoformat(timespec="seconds")
    with write_transaction():
        return bool(HubWebhookDelivery.update(next_at=later).where(
            (HubWebhookDelivery.id == delivery.id) & (HubWebhookDelivery.next_at == delivery.next_at)
            & HubWebhookDelivery.delivered_at.is_null()).execute())


def _post(client: Any, hook: HubWebhook, body: bytes, timestamp: int) -> str:
    import httpx

    try:
        answer = client.post(hook.url, content=body, headers={
            "Content-Type": "application/json", "Jiujin-Signature": signature(hook.secret, timestamp, body)})
    except httpx.HTTPError as error:
        return type(error).__name__
    return "" if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"


def _record_attempt(store: HubStore, delivery: HubWebhookDelivery, error: str) -> None:
    attempts = delivery.attempts + 1
    with write_transaction():
        if not error:
            HubWebhookDelivery.update(attempts=attempts, delivered_at=store.now(), last_error="").where(
                HubWebhookDelivery.id == delivery.id).execute()
            return
        wait = min(30 * 2 ** (attempts - 1), 6 * 3600)
        later = (store.clock() + timedelta(seconds=wait)).isoformat(timespec="seconds")
        HubWebhookDelivery.update(attempts=attempts, next_at=later, last_error=error[:200]).where(
            HubWebhookDelivery.id == delivery.id).execute()
    log.warning("webhook_failed", extra={"department": delivery.department, "reason": error[:60],
                                         "attempts": attempts})


async def deliver_forever(store: HubStore, every: float = 5.0) -> None:
    """The hub process's webhook loop: due deliveries every `every` seconds."""
    from sync.hub.pool import in_thread

    while True:
        try:
            await in_thread(deliver_due, store)
        except Exception:  # a database hiccup must not end the loop; the next pass retries
            log.warning("webhook_round_failed", exc_info=True)
        await asyncio.sleep(every)
