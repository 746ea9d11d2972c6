"""日终对账 at the station: the signed day manifest sent to the hub, the station's ledger, and
the retention purge of what the hub has completed and reconciled. What the hub sends down is
applied in station/core/downstream.py.

State lives in `setting` rows (no migration): `day.closed.<day>` (the manifest sent), and
those that downstream.py keeps (`day.reconciled.<day>`, `sync.last_contact`...).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from peewee import fn

from kernel.masking import mask_name
from kernel.times import local_time
from station.core import audit, outbox
from station.core.applications import Status, accepted_between, open_only, owes_materials
from station.core.clock import local_day
from station.core.db import database, write_transaction
from station.core.downstream import bundle_version, resend_requests
from station.core.errors import JiujinError
from station.core.models import Application, Operator, OutboxEvent, Setting, SyncBatch
from station.core.offline_policy import LAST_CONTACT, last_contact, offline_state, setting
from station.core.roles import Action, require
from station.core.session import Session
from station.core.store import StationStore
from station.core.transports import Transport
from sync import acks, manifest
from sync.errors import SyncError

log = logging.getLogger("jiujin.station.day")


class DayCloseError(JiujinError):
    pass


def _put(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(conflict_target=[Setting.key],
                                                     update={Setting.value: value}).execute()


# -- the day manifest -------------------------------------------------------------------

def applications_by_day(station_code: str, days: int) -> list[tuple[str, int]]:
    """(day, applications accepted) of the newest `days` days with any, newest first: read from
    the receipt-number index alone (the day is in the number)."""
    rows = database.execute_sql(
        "SELECT substr(receipt_number, ?, 8) AS d, COUNT(*) FROM application"
        " WHERE receipt_number >= ? AND receipt_number < ? GROUP BY d ORDER BY d DESC LIMIT ?",
        (len(station_code) + 2, f"{station_code}-", f"{station_code}.", days))
    return [(f"{d[:4]}-{d[4:6]}-{d[6:]}", int(n)) for d, n in rows]


def build_manifest(store: StationStore, day: date) -> dict[str, Any]:
    """The day's manifest: every application submitted that day (not drafts), its content
    hash and status; the day's outbox range; the audit-chain head."""
    rows = [(a.id, a.item_code, str(a.status), a.content_hash or "") for a in Application.select(
        Application.id, Application.item_code, Application.status, Application.content_hash)
        .where(accepted_between(store.config.code, day, day))]
    ids = [r[0] for r in rows]
    span = None
    if ids:
        low, high = (OutboxEvent.select(fn.MIN(OutboxEvent.seq), fn.MAX(OutboxEvent.seq))
                     .where(OutboxEvent.at.startswith(day.isoformat())).tuples().first() or (None, None))
        if low is not None:
            span = (int(low), int(high if high is not None else low))
    document = manifest.build(store.config.code, day.isoformat(), store.clock().isoformat(), rows, span,
                              audit.head())
    document["district"], document["point_type"] = store.config.district, store.config.point_type
    document["digest"] = manifest.applications_digest(document["applications"])
    return document


@dataclass(frozen=True)
class OpenDraft:
    """A draft not yet submitted: it is not part of any day's manifest. It names the citizen
    only masked (张*), never by ID number."""

    operator: str  # the operator's display name
    applicant: str  # the citizen's name, masked
    item_code: str
    item_name: str  # as stored with the draft (Chinese)
    updated_at: str  # on the station's clock, to the minute


@dataclass(frozen=True)
class DayPreview:
    """What a day close would sign, before it is signed: the day's applications by status, how
    many of them still wait for 容缺 materials, and the drafts saved that day that are still
    open (they are left out). The day is the station's (`zone`)."""

    day: date
    zone: str
    counts: dict[str, int]
    rongque_pending: int
    drafts: list[OpenDraft]

    @property
    def count(self) -> int:
        return sum(self.counts.values())


def preview_day(store: StationStore, session: Session, day: date) -> DayPreview:
    """The day's manifest as it stands (counts by status, 容缺 still owed) and the drafts last
    saved that day, on the station's clock, that are still open (supervisor)."""
    require(session, Action.DAY_CLOSE)
    counts = (Application.select(Application.status, fn.COUNT(Application.id))
              .where(accepted_between(store.config.code, day, day))
              .group_by(Application.status).tuples())
    owing = (Application.select().where(accepted_between(store.config.code, day, day)
                                        & Application.rongque_deadline.is_null(False)))
    drafts = (Application.select(Application.item_code, Application.item_name, Application.updated_at,
                                 Application.applicant_name, Operator.display_name)
              .join(Operator).where((Application.status == Status.DRAFT) & open_only())
              .order_by(Application.updated_at.desc()))
    zone = store.config.zone
    return DayPreview(day, store.config.time_zone,
                      {str(status): int(n) for status, n in cast(Iterable[tuple[str, int]], counts)},
                      sum(1 for app in owing if owes_materials(app)),
                      [OpenDraft(str(d.operator.display_name), mask_name(str(d.applicant_name)), str(d.item_code),
                                 str(d.item_name), local_time(str(d.updated_at), zone))
                       for d in drafts if local_day(datetime.fromisoformat(str(d.updated_at)), zone) == day])


def close_day(store: StationStore, session: Session, day: date, *, folder: Path | None = None,
              send: bool = True) -> dict[str, Any]:
    """`jiujin day close`: sign the manifest, audit it, and send it (HTTP, or to a USB folder).
    Returns {"manifest": summary, "sent": "http"|"folder"|None, "result": hub comparison or None}."""
    require(session, Action.DAY_CLOSE)
    document = build_manifest(store, day)
    signed = manifest.sign(document, store.signing_key())
    with write_transaction():
        _put(f"day.closed.{day.isoformat()}", signed.decode())
        audit.append(store.clock(), session.operator_name, "day.closed", day.isoformat(),
                     {"digest": document["digest"], "count": len(document["applications"]),
                      "outbox": document["outbox"]})
    summary = {"day": day.isoformat(), "count": len(document["applications"]), "counts": document["counts"],
               "digest": document["digest"], "outbox": document["outbox"], "audit_head": document["audit_head"]}
    out: dict[str, Any] = {"manifest": summary, "sent": None, "result": None}
    transport: Transport | None = None
    if folder is not None:
        transport = store.hub.folder(folder)
    elif send and store.config.hub_url:
        transport = store.hub.http()
    if transport is not None:
        with contextlib.closing(transport):
            answer = transport.send_manifest(day.isoformat(), signed)
        out["sent"] = transport.kind
        if answer is not None:
            out["result"] = _apply_manifest_ack(store, session, answer)
    return out


def _apply_manifest_ack(store: StationStore, session: Session, data: bytes) -> dict[str, Any]:
    ack = acks.verify(data, store.hub.keys(), store.config.code)
    result: dict[str, Any] = ack.document.get("result", {})
    with write_transaction():
        _put(LAST_CONTACT, store.clock().isoformat())
        audit.append(store.clock(), session.operator_name, "day.compared", str(result.get("day", "")),
                     {"verdict": result.get("verdict"), "missing": len(result.get("missing", [])),
                      "extra": len(result.get("extra", [])), "mismatch": len(result.get("content_mismatch", [])),
                      "missing_seqs": result.get("missing_seqs", [])})
    return result


# -- everything the hub has for this station -------------------------------------------

# -- ledger and offline policy ----------------------------------------------------------

def ledger(store: StationStore) -> dict[str, Any]:
    """The station's ledger for `jiujin sync status --json`: batches by state with ranges,
    outbox high-water and depth, oldest unsent age, per-day counts and closed/reconciled days,
    resend requests, bundle version, last contact and offline policy state."""
    batches = [{"batch_no": b.batch_no, "first_seq": b.first_seq, "last_seq": b.last_seq, "state": b.state,
                "transport": b.transport, "sent_at": b.sent_at, "acknowledged_at": b.acknowledged_at,
                "error": b.last_error} for b in SyncBatch.select().order_by(SyncBatch.batch_no.desc()).limit(50)]
    oldest = outbox.oldest_waiting_at()
    age = None
    if oldest:
        age = round((store.clock() - datetime.fromisoformat(oldest)).total_seconds() / 3600, 2)
    days: dict[str, Any] = {}
    for key, count in applications_by_day(store.config.code, 30):
        days[key] = {"applications": int(count), "closed": Setting.get_or_none(
            Setting.key == f"day.closed.{key}") is not None,
            "reconciled": Setting.get_or_none(Setting.key == f"day.reconciled.{key}") is not None}
    return {"outbox_high_water": outbox.high_water(), "outbox_depth": outbox.depth(),
            "oldest_unsent_hours": age, "batches": batches, "days": days,
            "resend_requests": resend_requests(), "bundle_version": bundle_version(),
            "last_contact": last_contact() or None, "offline": offline_state(store.clock)}


# -- retention ------------------------------------------------------------------------

RECEIPT_KEEP = ("id", "station", "receipt_number", "item_code", "item_name", "status", "day", "submitted_at",
                "content_hash")


def purge(store: StationStore, session: Session) -> dict[str, Any]:
    """Purge the personal data of applications the hub reported completed or rejected, whose
    day the hub reconciled at least `retention_days` ago and whose outbox events the hub
    acknowledged; keep a minimal receipt record (the receipt number, item, status, day, content
    hash) in the row and in its outbox events. Nothing is purged before reconciliation."""
    require(session, Action.DAY_CLOSE)
    now = store.clock()
    purged, kept_unreconciled, undelivered = [], 0, 0
    for app in Application.select().where(Application.status.in_((Status.COMPLETED, Status.REJECTED))
                                          & (Application.applicant_name != "")):
        reconciled = setting(f"day.reconciled.{app.day}") if app.day else ""
        if not reconciled:
            kept_unreconciled += 1
            continue
        if (now - datetime.fromisoformat(reconciled)).days < store.config.retention_days:
            continue
        if OutboxEvent.select().where((OutboxEvent.application_id == app.id)
                                      & OutboxEvent.acknowledged_at.is_null()).exists():
            undelivered += 1  # the outbox still has to carry it to the hub as it was
            continue
        purged.append(app.id)
    with write_transaction():
        for app_id in purged:
            _purge_one(app_id)
        if purged:
            audit.append(now, session.operator_name, "retention.purged", "", {"count": len(purged)})
    return {"purged": len(purged), "waiting_for_reconciliation": kept_unreconciled,
            "waiting_for_delivery": undelivered}


def _purge_one(app_id: str) -> None:
    """Blank one application's personal data in its row, attachments, counter draft and outbox."""
    from station.core.models import Attachment, CounterDraft

    Application.update(applicant_id="", applicant_name="", representative_id=None, payload="{}",
                       provenance="{}", materials="{}", status_message=None).where(
        Application.id == app_id).execute()
    Attachment.delete().where(Attachment.application == app_id).execute()
    CounterDraft.delete().where(CounterDraft.application == app_id).execute()
    for event in OutboxEvent.select(OutboxEvent.seq, OutboxEvent.payload).where(OutboxEvent.application_id == app_id):
        record = json.loads(event.payload)
        minimal = {key: record.get(key) for key in RECEIPT_KEEP} | {"purged": True}
        OutboxEvent.update(payload=json.dumps(minimal, sort_keys=True, separators=(",", ":"),
                                              ensure_ascii=False)).where(OutboxEvent.seq == event.seq).execute()


__all__ = ["DayCloseError", "SyncError", "build_manifest", "close_day", "ledger", "offline_state", "purge"]
