"""日终对账 at the station: the signed day manifest, the station's ledger, and the hub's
downstream bundles (statuses, resend requests, offline policy, reconciled days, calendar).

State lives in `setting` rows (no migration): `bundle.version` (the last bundle applied),
`bundle.offline_policy`, `day.closed.<day>` (the manifest sent), `day.reconciled.<day>`,
`resend.requests` (JSON list), `sync.last_contact`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from peewee import fn

from station.core import audit, outbox
from station.core.applications import Status
from station.core.db import write_transaction
from station.core.errors import JiujinError, NotFound, ValidationFailed
from station.core.models import Application, OutboxEvent, Setting, SyncBatch
from station.core.offline_policy import LAST_CONTACT, POLICY, last_contact, offline_state, setting
from station.core.roles import Action, Role, require
from station.core.session import Session
from station.core.store import StationStore
from sync import bundles, manifest
from sync.bundles import BundleRefused
from sync.errors import SyncError
from sync.transport_folder import StationFolder

log = logging.getLogger("jiujin.station.day")
VERSION = "bundle.version"
RESEND = "resend.requests"
HUB_STATUSES = {"accepted": Status.ACCEPTED, "needs_amendment": Status.NEEDS_AMENDMENT,
                "rejected": Status.REJECTED, "completed": Status.COMPLETED}


class DayCloseError(JiujinError):
    pass


def _put(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(conflict_target=[Setting.key],
                                                     update={Setting.value: value}).execute()


# -- the day manifest -------------------------------------------------------------------

def build_manifest(store: StationStore, day: date) -> dict[str, Any]:
    """The day's manifest: every application submitted that day (not drafts), its content
    hash and status; the day's outbox range; the audit-chain head."""
    rows = [(a.id, a.item_code, str(a.status), a.content_hash or "") for a in Application.select(
        Application.id, Application.item_code, Application.status, Application.content_hash)
        .where((Application.day == day) & (Application.status != Status.DRAFT))]
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
    if folder is not None:
        target = StationFolder(folder, store.config.code).path / "manifests"
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{day.isoformat()}.json").write_bytes(signed)
        out["sent"] = "folder"
    elif send and store.config.hub_url:
        from station.core.sync_service import SyncService

        with SyncService(store).client() as client:
            response = client._retrying(lambda: client._request("POST", "/v1/manifests", content=signed))
            if response.status_code != 200:
                raise client._refused(response)
            out["result"] = _apply_manifest_ack(store, session, response.content)
            out["sent"] = "http"
    return out


def _apply_manifest_ack(store: StationStore, session: Session, data: bytes) -> dict[str, Any]:
    from station.core.sync_service import SyncService
    from sync import acks

    ack = acks.verify(data, SyncService(store).hub_keys(), store.config.code)
    result: dict[str, Any] = ack.document.get("result", {})
    with write_transaction():
        _put(LAST_CONTACT, store.clock().isoformat())
        audit.append(store.clock(), session.operator_name, "day.compared", str(result.get("day", "")),
                     {"verdict": result.get("verdict"), "missing": len(result.get("missing", [])),
                      "extra": len(result.get("extra", [])), "mismatch": len(result.get("content_mismatch", [])),
                      "missing_seqs": result.get("missing_seqs", [])})
    return result


# -- downstream bundles ---------------------------------------------------------------

def pull_bundles(store: StationStore, session: Session) -> dict[str, Any]:
    """Fetch and apply the hub's bundles over HTTP."""
    require(session, Action.SYNC_RUN)
    from station.core.sync_service import SyncService

    with SyncService(store).client() as client:
        after = int(setting(VERSION, "0"))
        response = client._retrying(lambda: client._request("GET", "/v1/bundles", params={"after": after}))
        if response.status_code != 200:
            raise client._refused(response)
        found = [json.dumps(b).encode() for b in response.json()["bundles"]]
    with write_transaction():
        _put(LAST_CONTACT, store.clock().isoformat())
    return apply_all(store, session, found)


def import_bundles(store: StationStore, session: Session, root: Path) -> dict[str, Any]:
    """Apply the bundles the hub wrote to a USB folder."""
    require(session, Action.SYNC_RUN)
    path = StationFolder(root, store.config.code).path / "bundles"
    found = [p.read_bytes() for p in sorted(path.glob("bundle-*.json"))] if path.is_dir() else []
    return apply_all(store, session, found)


def apply_all(store: StationStore, session: Session, signed: list[bytes]) -> dict[str, Any]:
    """Verify and apply bundles in version order; report applied, skipped (already) and refused.

    Holds the store's sync round, so that a sync operator's pull or import and the background
    round never apply the same bundle twice."""
    with store.sync_round:
        return _apply_in_order(store, session, signed)


def _apply_in_order(store: StationStore, session: Session, signed: list[bytes]) -> dict[str, Any]:
    from station.core.sync_service import SyncService

    hub = SyncService(store).hub_keys()
    report: dict[str, Any] = {"applied": [], "skipped": [], "refused": []}
    candidates = []
    for data in signed:
        try:
            document = json.loads(data)["document"]
            candidates.append((int(document["version"]), data))
        except (ValueError, KeyError, TypeError):
            report["refused"].append({"version": None, "reason": "malformed"})
    for version, data in sorted(candidates, key=lambda c: c[0]):
        installed = int(setting(VERSION, "0"))
        if version <= installed and setting(f"bundle.applied.{version}") == _digest(data):
            report["skipped"].append(version)
            continue
        try:
            bundle = bundles.verify(data, hub, store.config.code, store.clock(), installed + 1)
            apply_bundle(store, session, bundle)  # BundleRefused too when its content cannot be installed
        except BundleRefused as error:
            _refused(store, session, report, version, error, data)
            continue
        report["applied"].append(version)
    return report


def pull_from_hub(store: StationStore, session: Session) -> tuple[Any, dict[str, Any]]:
    """Everything the hub has for this station over HTTP: acknowledgements, then bundles
    (statuses, resend requests, policy, calendar, catalog, roster...)."""
    from station.core.sync_service import SyncService

    return SyncService(store).pull(session), pull_bundles(store, session)


def import_from_folder(store: StationStore, session: Session, root: Path,
                       progress: Callable[[str, int, int], None] | None = None) -> tuple[Any, dict[str, Any]]:
    """Everything the hub left on a USB stick: acknowledgements (`progress` after each file),
    then bundles."""
    from station.core.sync_service import SyncService

    return SyncService(store).import_acks(session, root, progress), import_bundles(store, session, root)


def _refused(store: StationStore, session: Session, report: dict[str, Any], version: int,
             error: BundleRefused, data: bytes) -> None:
    """Report a refused bundle; audit it once, not again each time the hub offers the same bytes."""
    key, seen = f"bundle.refused.{version}", f"{_digest(data)}:{error.reason}"
    if setting(key) != seen:
        with write_transaction():
            audit.append(store.clock(), session.operator_name, "bundle.refused", str(version), {"reason": error.reason})
            _put(key, seen)
    report["refused"].append({"version": version, "reason": error.reason,
                              "message_zh": error.message_zh, "message_en": error.message_en})


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def apply_bundle(store: StationStore, session: Session, bundle: bundles.Bundle) -> None:
    """Apply one verified bundle in one transaction, then record its version."""
    payload = bundle.payload
    with write_transaction():
        if bundle.kind == "statuses":
            for update in payload.get("updates", []):
                status = HUB_STATUSES.get(str(update.get("status")))
                if status is None:
                    continue
                try:
                    store.applications.record_hub_status(session, str(update["application_id"]), status,
                                                         update.get("message"))
                except (NotFound, JiujinError) as error:
                    log.warning("status update not applied: %s", type(error).__name__)
        elif bundle.kind == "resend":
            _resend(payload)
        elif bundle.kind == "offline_policy":
            _put(POLICY, json.dumps(payload, sort_keys=True))
        elif bundle.kind == "reconciled":
            for day in payload.get("days", []):
                _put(f"day.reconciled.{day}", bundle.document["created_at"])
        elif bundle.kind == "calendar":
            from station.core.calendar_bundle import install_overrides

            install_overrides(store.data_dir, payload)
            _put("calendar.overrides", json.dumps(payload.get("overrides", {}), sort_keys=True))
        elif bundle.kind == "catalog":
            from station.core.catalog_bundle import install_catalog

            install_catalog(store, payload)
        elif bundle.kind == "revocations":
            store.operators.revoke(session, [str(n) for n in payload.get("operators", [])])
        elif bundle.kind == "roster":
            _roster(store, session, payload)
        _put(VERSION, str(bundle.version))
        _put(f"bundle.applied.{bundle.version}", _digest(bundle.data))
        _put(LAST_CONTACT, store.clock().isoformat())
        audit.append(store.clock(), session.operator_name, f"bundle.applied.{bundle.kind}", str(bundle.version), {})


def _roster(store: StationStore, session: Session, payload: dict[str, Any]) -> None:
    """The hub's roster; a malformed one is refused whole, before anything changes."""
    entries = payload.get("operators")
    if not isinstance(entries, list):
        entries = None
    valid = entries is not None and all(
        isinstance(e, dict) and {"name", "display_name", "role"} <= set(e) and e["role"] in set(Role)
        for e in entries)
    if not valid or entries is None:
        raise BundleRefused("人员名单格式有误", "the operator roster is malformed", "malformed")
    try:
        report = store.operators.apply_roster(session, entries)
    except ValidationFailed as error:
        raise BundleRefused("人员名单中有无效的用户名或姓名", "the operator roster names an invalid operator",
                            "malformed") from error
    if report.skipped:
        log.warning("roster changes skipped to keep an active admin: %d", len(report.skipped))


def _resend(payload: dict[str, Any]) -> None:
    """Put the batches covering the range back to `sealed`: the next push or export reseals
    them from the outbox (sealing is deterministic, so they are the same batches)."""
    first, last = int(payload["first_seq"]), int(payload["last_seq"])
    SyncBatch.update(state="sealed", upload_url=None).where(
        (SyncBatch.last_seq >= first) & (SyncBatch.first_seq <= last)).execute()
    requests = json.loads(setting(RESEND, "[]"))
    requests.append({"request_id": payload.get("request_id"), "first_seq": first, "last_seq": last,
                     "reason": payload.get("reason", "")})
    _put(RESEND, json.dumps(requests[-50:]))


# -- ledger and offline policy ----------------------------------------------------------

def ledger(store: StationStore) -> dict[str, Any]:
    """The station's ledger for `jiujin sync status --json`: batches by state with ranges,
    outbox high-water and depth, oldest unsent age, per-day counts and closed/reconciled days,
    resend requests, bundle version, last contact and offline policy state."""
    batches = [{"batch_no": b.batch_no, "first_seq": b.first_seq, "last_seq": b.last_seq, "state": b.state,
                "transport": b.transport, "sent_at": b.sent_at, "acknowledged_at": b.acknowledged_at,
                "error": b.last_error} for b in SyncBatch.select().order_by(SyncBatch.batch_no.desc()).limit(50)]
    oldest = (OutboxEvent.select(fn.MIN(OutboxEvent.at)).where(OutboxEvent.acknowledged_at.is_null()).scalar())
    age = None
    if oldest:
        age = round((store.clock() - datetime.fromisoformat(oldest)).total_seconds() / 3600, 2)
    days: dict[str, Any] = {}
    rows: list[tuple[Any, Any]] = list(cast(Iterable[tuple[Any, Any]], Application.select(Application.day, fn.COUNT(Application.id))
                                       .where(Application.day.is_null(False) & (Application.status != Status.DRAFT))
                                       .group_by(Application.day).order_by(Application.day.desc()).limit(30)
                                       .tuples()))
    for day_value, count in rows:
        key = str(day_value)
        days[key] = {"applications": int(count), "closed": Setting.get_or_none(
            Setting.key == f"day.closed.{key}") is not None,
            "reconciled": Setting.get_or_none(Setting.key == f"day.reconciled.{key}") is not None}
    return {"outbox_high_water": outbox.high_water(), "outbox_depth": outbox.depth(),
            "oldest_unsent_hours": age, "batches": batches, "days": days,
            "resend_requests": json.loads(setting(RESEND, "[]")), "bundle_version": int(setting(VERSION, "0")),
            "last_contact": last_contact() or None, "offline": offline_state(store)}


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


__all__ = ["DayCloseError", "SyncError", "apply_all", "build_manifest",
           "close_day", "import_bundles", "import_from_folder", "ledger", "offline_state", "pull_bundles",
           "pull_from_hub", "purge"]
