"""A case as the citizen sees it: found by the receipt's signed link or by receipt number plus
the last four characters of the ID number, and told as steps with dates.

Two kinds of link open a case. The receipt's QR code carries the station's signed payload
(`reports.qr`, `JJR1:…`), checked against the station's registered key. A lookup by receipt
number answers with the hub's own link (`JJH1:<application id>:<signature>`, Ed25519 by the
hub's key). Either is unguessable and names exactly one case. Lookups by receipt number are
rate limited per client and per receipt number, and a wrong number and wrong digits get the
same answer, so a lookup never tells whether a receipt number exists.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

import reports
from kernel.masking import mask_name
from sync.hub.db import tuples, write_transaction
from sync.hub.models import (
    HubApplication,
    HubBatch,
    HubCaseKey,
    HubCaseStep,
    HubLookupAttempt,
    HubRecord,
    HubSetting,
    HubStation,
)
from sync.hub.onething import bundle_name, onething_case
from sync.hub.store import HubStore

HUB_TAG = "JJH1"
HUB_DOMAIN = b"jiujin-case-link-v1\n"
KEYS_WATERMARK = "cases.keys_watermark"
_HUB_TOKEN = re.compile(r"^JJH1:[0-9a-f]{32}:[A-Z2-7]{103}$")
#: (attempts, window) per client address and per receipt number.
CLIENT_LIMIT = (10, timedelta(minutes=10))
RECEIPT_LIMIT = (5, timedelta(hours=1))
DECISIONS = ("accepted", "needs_amendment", "amended", "completed", "rejected", "returned")


@dataclass(frozen=True)
class Step:
    """One step of a case: 受理, 转办, 补正, 已补正, 办结, 不予受理, with its day."""

    kind: str
    at: str
    message: str = ""
    deadline: str | None = None


@dataclass
class Case:
    """What the citizens' page shows of one case: no personal data beyond a masked name."""

    application_id: str
    receipt_number: str
    station: str
    station_name: str
    item_code: str
    item_name: str
    masked_name: str
    operator: str
    due_date: str | None
    status: str
    steps: list[Step] = field(default_factory=list)
    bundle: tuple[str, str, str] | None = None  # 一件事: its code and names (zh, en), when this is one of its items
    together: list[Case] = field(default_factory=list)  # 一件事: the case's other items


def hub_token(store: HubStore, application_id: str) -> str:
    """The hub's own link token for a case found by receipt number."""
    canonical = str(uuid.UUID(application_id))
    signature = store.keys.signing.sign(HUB_DOMAIN + canonical.encode())
    return f"{HUB_TAG}:{uuid.UUID(canonical).hex}:{base64.b32encode(signature).decode().rstrip('=')}"


def application_of(store: HubStore, token: str) -> str | None:
    """The application a token names when its signature holds (station's or hub's), else None."""
    if len(token) > 300:
        return None
    if token.startswith(HUB_TAG + ":"):
        return _hub_token_application(store, token)
    try:
        claim, _ = reports.parse_payload(token)
        station = HubStation.get_or_none(HubStation.code == claim.station_code)
        if station is None or station.signing_public_key is None:
            return None
        reports.verify_payload(token, bytes(station.signing_public_key))
    except reports.QRError:
        return None
    return claim.application_id


def _hub_token_application(store: HubStore, token: str) -> str | None:
    if not _HUB_TOKEN.match(token):
        return None
    _, raw_id, raw_signature = token.split(":")
    application_id = str(uuid.UUID(hex=raw_id))
    try:
        signature = base64.b32decode(raw_signature + "=" * (-len(raw_signature) % 8))
        Ed25519PublicKey.from_public_bytes(store.public.signing_public_key).verify(
            signature, HUB_DOMAIN + application_id.encode())
    except (binascii.Error, ValueError, InvalidSignature):
        return None
    return application_id


# -- the case ---------------------------------------------------------------------------

def case(application_id: str, with_bundle: bool = True) -> Case | None:
    """The case as its records and the departments' decisions tell it; None when the hub holds
    no record of it yet. An item of a 一件事 comes with the case's other items (`with_bundle`)."""
    rows = tuples(HubRecord.select(HubRecord.kind, HubRecord.at, HubRecord.record, HubRecord.batch_id)
                  .where(HubRecord.application_id == application_id).order_by(HubRecord.seq))
    if not rows:
        return None
    first = json.loads(rows[0][2])["record"]
    station = HubStation.get_or_none(HubStation.code == first["station"])
    found = Case(application_id, str(first.get("receipt_number") or ""), str(first["station"]),
                 station.name if station is not None and station.name else str(first["station"]),
                 str(first.get("item_code", "")), str(first.get("item_name", "")),
                 mask_name(str((first.get("applicant") or {}).get("name", ""))), str(first.get("operator", "")),
                 first.get("due_date"), str(first.get("status", "submitted")))
    found.steps.append(Step("submitted", str(first.get("submitted_at") or rows[0][1])))
    received = HubBatch.get_or_none(HubBatch.batch_id == rows[0][3])
    if received is not None:
        found.steps.append(Step("forwarded", str(received.received_at)))
    for kind, at, _, _ in rows[1:]:
        if kind in ("amended", "supplemented", "voided"):
            found.steps.append(Step(str(kind), str(at)))
    for step in HubCaseStep.select().where(HubCaseStep.application_id == application_id):
        found.steps.append(Step(str(step.status), str(step.at), str(step.message or ""), step.deadline))
    found.steps.sort(key=lambda s: s.at)
    decided = [s.kind for s in found.steps if s.kind in (*DECISIONS, "voided")]
    found.status = decided[-1] if decided else ("forwarded" if received is not None else "submitted")
    if with_bundle:
        _add_bundle(found, first)
    return found


def _add_bundle(found: Case, record: dict[str, Any]) -> None:
    """一件事: name the bundle and add the case's other items (those folded into hub_application
    so far), each as its own page shows it."""
    together = onething_case(record)
    if not together:
        return
    code = together["bundle_code"]
    found.bundle = (code, bundle_name(code), bundle_name(code, "en"))
    others = [str(app_id) for (app_id,) in tuples(
        HubApplication.select(HubApplication.id).where(HubApplication.case_id == together["case_id"],
                                                       HubApplication.id != found.application_id)
        .order_by(HubApplication.id))]
    found.together = [item for item in (case(app_id, with_bundle=False) for app_id in others) if item is not None]


def record_steps(updates: list[dict[str, Any]], at: str) -> None:
    """Keep the departments' decisions with their day (call inside `set_status`'s transaction)."""
    for update in updates:
        HubCaseStep.create(application_id=update["application_id"], status=update["status"],
                           message=str(update.get("message") or ""), deadline=update.get("deadline"), at=at)


# -- finding a case by receipt number --------------------------------------------------

def refresh_keys(batch: int = 5000) -> int:
    """Index receipt numbers of submissions stored since the last call; how many records read."""
    done = 0
    while True:
        row = HubSetting.get_or_none(HubSetting.key == KEYS_WATERMARK)
        mark = int(row.value) if row is not None else 0
        rows = tuples(HubRecord.select(HubRecord.id, HubRecord.kind, HubRecord.application_id, HubRecord.station,
                                       HubRecord.record).where(HubRecord.id > mark).order_by(HubRecord.id).limit(batch))
        if not rows:
            return done
        with write_transaction():
            for _rid, kind, app_id, station, text in rows:
                if kind == "submitted":
                    _index(str(app_id), str(station), json.loads(text)["record"])
            HubSetting.insert(key=KEYS_WATERMARK, value=str(rows[-1][0])).on_conflict(
                conflict_target=[HubSetting.key], update={HubSetting.value: str(rows[-1][0])}).execute()
        done += len(rows)


def _index(application_id: str, station: str, record: dict[str, Any]) -> None:
    number = str(record.get("receipt_number") or "")
    id_number = str((record.get("applicant") or {}).get("id", ""))
    if number and len(id_number) >= 4:
        HubCaseKey.insert(receipt_number=number, application_id=application_id, station=station,
                          id_tail_digest=_tail_digest(application_id, id_number[-4:])).on_conflict_ignore().execute()


def _tail_digest(application_id: str, tail: str) -> str:
    return hashlib.sha256(f"jiujin-id-tail-v1\n{application_id}\n{tail.upper()}".encode()).hexdigest()


def find(receipt_number: str, id_tail: str) -> str | None:
    """The application whose receipt number and ID tail both match; None for any mismatch."""
    refresh_keys()
    key = HubCaseKey.get_or_none(HubCaseKey.receipt_number == receipt_number.strip().upper())
    probe = _tail_digest(key.application_id if key is not None else "0" * 32, id_tail.strip())
    if key is None or not hmac.compare_digest(probe, key.id_tail_digest):
        return None
    return str(key.application_id)


def allowed(store: HubStore, client: str, receipt_number: str) -> bool:
    """Count one lookup attempt; False when the client or the receipt number is over its limit."""
    now = store.clock()
    buckets = [(_bucket(store, "client", client), CLIENT_LIMIT),
               (_bucket(store, "receipt", receipt_number.strip().upper()), RECEIPT_LIMIT)]
    with write_transaction():
        over = any(_recent(bucket, (now - window).isoformat(timespec="seconds")) >= limit
                   for bucket, (limit, window) in buckets)
        for bucket, _ in buckets:
            HubLookupAttempt.create(bucket=bucket, at=now.isoformat(timespec="seconds"))
        HubLookupAttempt.delete().where(
            HubLookupAttempt.at < (now - timedelta(days=1)).isoformat(timespec="seconds")).execute()
    return not over


def _recent(bucket: str, since: str) -> int:
    return int(HubLookupAttempt.select().where((HubLookupAttempt.bucket == bucket)
                                               & (HubLookupAttempt.at >= since)).count())


def _bucket(store: HubStore, kind: str, value: str) -> str:
    return hmac.new(_limit_key(store), f"{kind}\n{value}".encode(), hashlib.sha256).hexdigest()


@cache
def _limit_key(store: HubStore) -> bytes:
    """A key only this hub knows, so the buckets cannot be reversed into addresses."""
    return hashlib.sha256(b"jiujin-lookup-limit-v1" + store.keys.signing.sign(b"jiujin-lookup-limit-v1")).digest()
