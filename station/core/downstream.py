"""What the hub sends down, applied at the station: signed bundles of application statuses,
resend requests, offline policy, reconciled days, holiday calendar, service catalog, operator
roster and revocations (DESIGN.md decision 8), by whichever transport brought them.

State lives in `setting` rows (no migration): `bundle.version` (the last bundle applied),
`bundle.applied.<version>` (its digest), `bundle.refused.<version>`, `bundle.offline_policy`,
`bundle.progress.<version>` (updates of a statuses bundle applied so far),
`day.reconciled.<day>`, `calendar.overrides`, `resend.requests` (JSON list), `sync.last_contact`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from station.core import audit
from station.core.applications import HubStatus, Status
from station.core.calendar_bundle import install_overrides
from station.core.catalog_bundle import install_catalog
from station.core.db import in_short_transactions, write_transaction
from station.core.errors import ValidationFailed
from station.core.models import Setting, SyncBatch
from station.core.offline_policy import LAST_CONTACT, POLICY, setting
from station.core.roles import Action, Role, require
from station.core.session import Session
from station.core.shared_data import SHARED_DATA
from station.core.store import StationStore
from station.core.transports import Transport
from sync import bundles
from sync.bundles import BundleRefused

log = logging.getLogger("jiujin.station.downstream")
VERSION = "bundle.version"
RESEND = "resend.requests"
HUB_STATUSES = {"accepted": Status.ACCEPTED, "needs_amendment": Status.NEEDS_AMENDMENT,
                "rejected": Status.REJECTED, "completed": Status.COMPLETED, "returned": Status.RETURNED}


def _put(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(conflict_target=[Setting.key],
                                                     update={Setting.value: value}).execute()


def receive_bundles(store: StationStore, session: Session, transport: Transport) -> dict[str, Any]:
    """Fetch the bundles waiting on `transport` and apply them; a hub that answers now is contact."""
    require(session, Action.SYNC_RUN)
    found = transport.bundles(int(setting(VERSION, "0")))
    if transport.live:
        with write_transaction():
            _put(LAST_CONTACT, store.clock().isoformat())
    return apply_all(store, session, found)


def apply_all(store: StationStore, session: Session, signed: list[bytes]) -> dict[str, Any]:
    """Verify and apply bundles in version order; report applied, skipped (already) and refused.

    Holds the store's sync round, so that a sync operator's pull or import and the background
    round never apply the same bundle twice."""
    with store.sync_round:
        return _apply_in_order(store, session, signed)


def _apply_in_order(store: StationStore, session: Session, signed: list[bytes]) -> dict[str, Any]:
    hub = store.hub.keys()
    report: dict[str, Any] = {"applied": [], "skipped": [], "refused": [], "kinds": {}, "decisions": 0,
                              "amendments": 0}
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
        _tally(report, bundle)
    return report


def _tally(report: dict[str, Any], bundle: bundles.Bundle) -> None:
    """Count an applied bundle by kind; a statuses bundle's updates as the departments'
    decisions and their requests for amendment, which the sync operator is told apart."""
    report["kinds"][bundle.kind] = report["kinds"].get(bundle.kind, 0) + 1
    if bundle.kind == "statuses":
        statuses = [str(u.get("status")) for u in bundle.payload.get("updates", []) if isinstance(u, dict)]
        report["amendments"] += statuses.count("needs_amendment")
        report["decisions"] += sum(1 for s in statuses if s in HUB_STATUSES and s != "needs_amendment")


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
    return hashlib.sha256(data).hexdigest()


def apply_bundle(store: StationStore, session: Session, bundle: bundles.Bundle) -> None:
    """Apply one verified bundle, then record its version.

    Statuses are applied in short transactions of bounded size (`_apply_statuses`), so the
    counter never waits behind a large bundle; everything else, and the version, in one."""
    payload = bundle.payload
    if bundle.kind == "statuses":
        _apply_statuses(store, session, bundle)
    with write_transaction():
        if bundle.kind == "resend":
            _resend(payload)
        elif bundle.kind == "offline_policy":
            _put(POLICY, json.dumps(payload, sort_keys=True))
        elif bundle.kind == "shared_data":
            _put(SHARED_DATA, json.dumps(payload, sort_keys=True))
        elif bundle.kind == "reconciled":
            for day in payload.get("days", []):
                _put(f"day.reconciled.{day}", bundle.document["created_at"])
        elif bundle.kind == "calendar":
            install_overrides(store.data_dir, payload)
            _put("calendar.overrides", json.dumps(payload.get("overrides", {}), sort_keys=True))
        elif bundle.kind == "catalog":
            install_catalog(store, payload)
        elif bundle.kind == "revocations":
            store.operators.revoke(session, [str(n) for n in payload.get("operators", [])])
        elif bundle.kind == "roster":
            _roster(store, session, payload)
        _put(VERSION, str(bundle.version))
        _put(f"bundle.applied.{bundle.version}", _digest(bundle.data))
        Setting.delete().where(Setting.key == _progress_key(bundle.version)).execute()
        _put(LAST_CONTACT, store.clock().isoformat())
        audit.append(store.clock(), session.operator_name, f"bundle.applied.{bundle.kind}", str(bundle.version), {})


def _apply_statuses(store: StationStore, session: Session, bundle: bundles.Bundle) -> None:
    """A statuses bundle's updates, a bounded number per transaction. Each transaction also
    records how many are done, so after a crash the bundle, offered again, goes on from there
    and never applies an update twice (a clerk may have amended in between)."""
    known = [HubStatus(str(u["application_id"]), HUB_STATUSES[str(u.get("status"))], u.get("message"))
             for u in bundle.payload.get("updates", []) if str(u.get("status")) in HUB_STATUSES]
    key = _progress_key(bundle.version)
    done = int(setting(key, "0"))
    for part in in_short_transactions(known[done:]):
        changed = store.applications.record_hub_statuses(session, part)
        if len(changed) < len(part):
            log.warning("status updates not applied (draft, voided or unknown here): %d", len(part) - len(changed))
        done += len(part)
        _put(key, str(done))


def _progress_key(version: int) -> str:
    return f"bundle.progress.{version}"


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


def bundle_version() -> int:
    """The version of the last bundle applied (0: none yet)."""
    return int(setting(VERSION, "0"))


def resend_requests() -> list[dict[str, Any]]:
    """The hub's latest requests to send outbox ranges again (at most 50)."""
    requests: list[dict[str, Any]] = json.loads(setting(RESEND, "[]"))
    return requests


__all__ = ["HUB_STATUSES", "apply_all", "apply_bundle", "bundle_version", "receive_bundles", "resend_requests"]
