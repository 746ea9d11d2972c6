"""对账 — the hub's reconciliation: per-station ledgers, day manifests compared with what the
hub holds, downstream bundles, and the sync operator's actions (each audited in hub_action).

The ledger of a station: the runs of sequence numbers held, open gaps with exact ranges,
batches that brought nothing new (duplicates), quarantined objects with their reasons, the
last contact and the clock skew at that contact (batch sealed at vs. received at, HTTP only),
silence for more than N days, and the days reconciled.

A day manifest is compared set-wise with `hub_application` (one row per application,
derived incrementally from the stored records): missing (the station has it, the hub not),
extra (the hub has it for that day, the manifest not), content mismatch (content hashes
differ), and the outbox sequence numbers of the day the hub does not hold.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from kernel.canonical import canonical_json
from sync import acks, bundle_payloads, bundles, manifest
from sync.errors import HubError, SealError
from sync.hub import anchors
from sync.hub.actions import audit
from sync.hub.case_marks import case_marks
from sync.hub.db import database, execute, is_postgres, statement, tuples, write_transaction
from sync.hub.models import (
    HubAction,
    HubApplication,
    HubBatch,
    HubBundle,
    HubGap,
    HubLedgerSeen,
    HubManifest,
    HubManifestEntry,
    HubManifestIndex,
    HubManifestStale,
    HubQuarantine,
    HubRange,
    HubRecord,
    HubSetting,
    HubStation,
)
from sync.hub.onething import onething_case
from sync.hub.partitions import is_partitioned, keep_key, the_application
from sync.hub.store import HubStore, Place

log = logging.getLogger("jiujin.hub.reconcile")
WATERMARK = "applications.watermark"
BUNDLE_DAYS = 30
CARD_ONLY = {"satisfied_by_card", "satisfied_by_shared_data"}
FINAL = {"completed", "rejected"}


def _setting(key: str, default: str = "") -> str:
    row = HubSetting.get_or_none(HubSetting.key == key)
    return str(row.value) if row is not None else default


def _put(key: str, value: str) -> None:
    HubSetting.insert(key=key, value=value).on_conflict(
        conflict_target=[HubSetting.key], update={HubSetting.value: value}).execute()


# -- the per-application index (and the city report's table) ---------------------------

def refresh_applications(batch: int = 20000) -> int:
    """Fold records stored since the last call into hub_application; returns how many records.

    card_only: 1 when every material of the snapshot was satisfied by the ID card or by shared
    data (no paper handed over). District and point type are the station's registration at the
    hub (`hub station add --district --point-type`), else what its day manifests said.
    """
    done = 0
    while True:
        mark = int(_setting(WATERMARK, "0"))
        rows = tuples(HubRecord.select(HubRecord.id, HubRecord.station, HubRecord.seq, HubRecord.kind,
                                       HubRecord.application_id, HubRecord.at, HubRecord.record)
                      .where(HubRecord.id > mark).order_by(HubRecord.id).limit(batch))
        if not rows:
            return done
        places: dict[str, tuple[str, str]] = {}
        days: set[tuple[str, str]] = set()
        with write_transaction():
            keyed = is_partitioned()
            for _rid, station, seq, kind, app_id, at, text in rows:
                record = json.loads(text)["record"]
                if station not in places:
                    places[station] = _place(station)
                days |= _fold(station, int(seq), str(kind), app_id, str(at), record, places[station], keyed)
            mark_changed(days, [str(r[4]) for r in rows])
            _put(WATERMARK, str(rows[-1][0]))
        done += len(rows)


def _place(station: str) -> tuple[str, str]:
    """The station's registered district and point type, else its manifests'."""
    row = HubStation.get_or_none(HubStation.code == station)
    district = row.district if row is not None and row.district else _setting(f"station.{station}.district")
    point_type = (row.point_type if row is not None and row.point_type
                  else _setting(f"station.{station}.point_type"))
    return district, point_type


def _fold(station: str, seq: int, kind: str, app_id: str, at: str, record: dict[str, Any],
          place: tuple[str, str], keyed: bool) -> set[tuple[str, str]]:
    """Fold one record; the (station, day) pairs whose manifests it may change.

    An application keeps the day its first record gave it: a station fixes the day when it
    accepts the application, and a later record naming another day is not allowed to move it
    (on a partitioned table, `keyed`, the day is part of the row's key and names its partition).
    """
    materials = record.get("materials") or {}
    card_only = int(all(v in CARD_ONLY for v in materials.values()))
    existing = _existing(app_id, keyed)
    if existing is not None and existing.last_seq >= seq:
        return set()
    day = str(existing.day) if existing is not None else str(record.get("day") or at[:10])
    values = {"station": station, "district": place[0], "point_type": place[1],
              "item_code": str(record.get("item_code", "")), "day": day,
              "card_only": card_only, "due_date": record.get("due_date"),
              "content_hash": str(record.get("content_hash") or ""), "last_seq": seq, **case_marks(record),
              **onething_case(record)}
    if existing is None:
        if keyed:
            keep_key(app_id, day)
        HubApplication.create(id=app_id, status=str(record.get("status", kind)), **values)
        return {(station, day)}
    # the hub's own statuses (accepted, completed, ...) are newer than the station's snapshots
    keep = existing.status in ("accepted", "needs_amendment", "rejected", "completed", "returned")
    status = existing.status if keep and kind != "amended" else str(record.get("status", kind))
    HubApplication.update(status=status, **values).where(
        (HubApplication.id == app_id) & (HubApplication.day == day)).execute()
    return {(station, day), (str(existing.station), day)}


def _existing(app_id: str, keyed: bool) -> HubApplication | None:
    """The application's row; on a partitioned table found through its day, in one partition."""
    return HubApplication.get_or_none(the_application(app_id, keyed))


def _absorb_ratings(store: HubStore) -> None:
    """Take the ratings (好差评) stations sent, so bad ones open their follow-ups."""
    from sync.hub.ratings import absorb

    absorb(store)


# -- ledger ---------------------------------------------------------------------------

def _skew_seconds(received_at: str | None, created_at: str | None) -> float | None:
    try:
        return (datetime.fromisoformat(str(received_at)) - datetime.fromisoformat(str(created_at))).total_seconds()
    except (TypeError, ValueError):
        return None


def ledger(store: HubStore, station: str | None = None, silent_days: int = 3) -> dict[str, Any]:
    """`jiujin hub reconcile`: every station's ledger (or one's), with the problems to act on."""
    query = HubStation.select().order_by(HubStation.code)
    if station is not None:
        query = query.where(HubStation.code == station)
    now = store.clock()
    stations = []
    quarantine: dict[str | None, list[dict[str, Any]]] = {}
    for q in store.quarantined():
        quarantine.setdefault(q["station"], []).append(
            {k: q[k] for k in ("id", "received_at", "via", "object_id", "reason", "message_zh", "message_en")})
    duplicates = dict(tuples(HubBatch.select(HubBatch.station, fn.COUNT(HubBatch.id))
                             .where(HubBatch.new_records == 0).group_by(HubBatch.station)))
    days: dict[str, dict[str, int]] = {}
    for code, verdict, reconciled, count in tuples(
            HubManifest.select(HubManifest.station, HubManifest.verdict, HubManifest.reconciled_at.is_null(False),
                               fn.COUNT(HubManifest.id))
            .group_by(HubManifest.station, HubManifest.verdict, HubManifest.reconciled_at.is_null(False))):
        entry = days.setdefault(code, {"agreed": 0, "discrepant": 0, "reconciled": 0})
        entry[verdict] = entry.get(verdict, 0) + int(count)
        if reconciled:
            entry["reconciled"] += int(count)
    codes = {station} if station is not None else {str(c) for (c,) in tuples(HubStation.select(HubStation.code))}
    held_all, gaps_all = _held_by_station(codes), _open_gaps_by_station(codes)
    skews, discrepant = _last_http_skews(station), _open_discrepant_days(station)
    diverging: dict[str, list[dict[str, Any]]] = {}
    for divergence in anchors.divergences(station):
        diverging.setdefault(divergence["station"], []).append(divergence)
    for row in query:
        held = held_all.get(row.code, [])
        last = row.last_received_at
        silent = None
        if last:
            silent = (now - datetime.fromisoformat(last)).total_seconds() / 86400
        stations.append({
            "code": row.code, "name": row.name, "status": row.status,
            "high_seq": held[-1][1] if held else 0, "held": [list(r) for r in held],
            "gaps": [list(g) for g in gaps_all.get(row.code, [])],
            "duplicate_batches": int(duplicates.get(row.code, 0)),
            "quarantined": quarantine.get(row.code, []),
            "last_contact": last, "clock_skew_seconds": skews.get(row.code),
            "silent_days": round(silent, 2) if silent is not None else None,
            "silent": row.status == "active" and (silent is None or silent > silent_days),
            "days": days.get(row.code, {"agreed": 0, "discrepant": 0, "reconciled": 0}),
            "discrepant_days": discrepant.get(row.code, []),
            "audit_divergences": diverging.get(row.code, []),
        })
    result: dict[str, Any] = {"at": store.now(), "silent_after_days": silent_days, "stations": stations}
    if station is None:
        result["quarantined_unattributed"] = quarantine.get(None, [])
    return result


def _open_gaps_by_station(codes: set[str]) -> dict[str, list[tuple[int, int]]]:
    gaps: dict[str, list[tuple[int, int]]] = {}
    query = HubGap.select(HubGap.station, HubGap.first_seq, HubGap.last_seq).where(HubGap.filled_at.is_null())
    if len(codes) == 1:
        query = query.where(HubGap.station == next(iter(codes)))
    for code, first, last in tuples(query.order_by(HubGap.station, HubGap.first_seq)):
        if code in codes:
            gaps.setdefault(str(code), []).append((int(first), int(last)))
    return gaps


def _last_http_skews(station: str | None) -> dict[str, float | None]:
    """Each station's clock skew at its latest batch over HTTP (sealed at vs. received at)."""
    latest = (HubBatch.select(HubBatch.station, fn.MAX(HubBatch.received_at).alias("at"))
              .where(HubBatch.via == "http").group_by(HubBatch.station))
    if station is not None:
        latest = latest.where(HubBatch.station == station)
    latest = latest.alias("latest")
    query = (HubBatch.select(HubBatch.station, HubBatch.received_at, HubBatch.created_at, HubBatch.id)
             .join(latest, on=((HubBatch.station == latest.c.station) & (HubBatch.received_at == latest.c.at)))
             .where(HubBatch.via == "http").order_by(HubBatch.id))
    return {str(code): _skew_seconds(received, created) for code, received, created, _id in tuples(query)}


def _open_discrepant_days(station: str | None) -> dict[str, list[str]]:
    query = (HubManifest.select(HubManifest.station, HubManifest.day)
             .where((HubManifest.verdict == "discrepant") & HubManifest.reconciled_at.is_null())
             .order_by(HubManifest.station, HubManifest.day))
    if station is not None:
        query = query.where(HubManifest.station == station)
    days: dict[str, list[str]] = {}
    for code, day in tuples(query):
        days.setdefault(str(code), []).append(str(day))
    return days


# -- day manifests --------------------------------------------------------------------

def receive_manifest(store: HubStore, data: bytes, via: str) -> tuple[dict[str, Any], bytes]:
    """Verify, store and compare one signed day manifest; the comparison and a signed ack."""
    document = manifest.read(data)
    code = str(document.get("station"))
    row = HubStation.get_or_none(HubStation.code == code)
    if row is None or row.signing_public_key is None or row.status != "active":
        raise manifest.ManifestError(f"未注册的站点 {code}", f"unknown or inactive station {code}", "unknown_station")
    document = manifest.verify(data, bytes(row.signing_public_key))
    for key in ("district", "point_type"):
        if isinstance(document.get(key), str):
            _put(f"station.{code}.{key}", document[key])
    if not row.district and isinstance(document.get("district"), str):
        # A station registered without a place: its manifest tells, and what came before follows.
        with contextlib.suppress(HubError):
            store.register_station(code, place=Place(document["district"], str(document.get("point_type") or "")))
    refresh_applications()
    _absorb_ratings(store)
    _mark_ledger_changes(code)
    result = compare(store, document)
    now = store.now()
    with write_transaction():
        HubManifest.insert(station=code, day=document["day"], signed=data.decode(), digest=document["digest"],
                           received_at=now, via=via, verdict=result["verdict"],
                           discrepancies=canonical_json(result).decode(), compared_at=now).on_conflict(
            conflict_target=[HubManifest.station, HubManifest.day],
            update={HubManifest.signed: data.decode(), HubManifest.digest: document["digest"],
                    HubManifest.received_at: now, HubManifest.via: via, HubManifest.verdict: result["verdict"],
                    HubManifest.discrepancies: canonical_json(result).decode(), HubManifest.compared_at: now}).execute()
        _index_manifest(_manifest_id(code, document["day"]), document)
        audit(store, "station", "manifest.received", code, document["day"], {"verdict": result["verdict"], "via": via})
    ack = acks.sign({"station": code, "object_id": f"manifest-{document['day']}", "kind": "manifest",
                     "status": "stored", "verdict": result["verdict"], "result": result,
                     "held": [list(r) for r in store.held_ranges(code)], "hub": store.fingerprint, "at": now},
                    store.keys.signing)
    return result, ack


def compare(store: HubStore, document: dict[str, Any]) -> dict[str, Any]:
    """The exact discrepancies between a manifest and the hub's records of that station and day."""
    code, day = document["station"], document["day"]
    theirs = {a[0]: a[1] for a in document["applications"]}
    day_ours = dict(tuples(HubApplication.select(HubApplication.id, HubApplication.content_hash)
                           .where((HubApplication.station == code) & (HubApplication.day == day))))
    ours = dict(day_ours)
    others = list(set(theirs) - set(ours))
    for start in range(0, len(others), 500):  # held, though filed under another day
        ours |= dict(tuples(HubApplication.select(HubApplication.id, HubApplication.content_hash)
                            .where((HubApplication.station == code) & HubApplication.id.in_(others[start:start + 500]))))
    missing = sorted(set(theirs) - set(ours))
    extra = sorted(set(day_ours) - set(theirs))
    mismatch = sorted(i for i in set(theirs) & set(ours) if theirs[i] != ours[i])
    missing_seqs: list[list[int]] = []
    if document.get("outbox"):
        first, last = document["outbox"]
        missing_seqs = _subtract((first, last), store.held_ranges(code))
    agreed = not (missing or extra or mismatch or missing_seqs)
    return {"station": code, "day": day, "verdict": "agreed" if agreed else "discrepant",
            "count": len(theirs), "missing": missing, "extra": extra, "content_mismatch": mismatch,
            "missing_seqs": missing_seqs}


def _subtract(span: tuple[int, int], held: list[tuple[int, int]]) -> list[list[int]]:
    first, last = span
    out, cursor = [], first
    for a, b in held:
        if b < cursor or a > last:
            continue
        if a > cursor:
            out.append([cursor, min(a - 1, last)])
        cursor = max(cursor, b + 1)
    if cursor <= last:
        out.append([cursor, last])
    return out


def reconcile_all(store: HubStore) -> dict[str, int]:
    """Compare again the open (not yet reconciled) manifests whose inputs changed since they
    were last compared, in a few set queries over all stations at once; store what changed;
    verdict counts of every open manifest.

    A manifest is compared at receipt. It is marked to compare again (`hub_manifest_stale`)
    when an application of its station and day, or one of its lines' applications, is folded
    in (`refresh_applications`), and here when its station's held sequence numbers changed
    over its outbox span (`_mark_ledger_changes`). So a run costs what changed since the last
    one, not the whole history. `compared` says how many this run compared."""
    refresh_applications()
    _absorb_ratings(store)
    _index_unindexed()
    _mark_ledger_changes()
    upto = int(HubManifestStale.select(fn.MAX(HubManifestStale.id)).scalar() or 0)
    stale = sorted({int(r[0]) for r in tuples(HubManifestStale.select(HubManifestStale.manifest)
                                                .where(HubManifestStale.id <= upto))})
    manifests: dict[int, tuple[Any, ...]] = {}
    found: dict[int, tuple[list[str], list[str], list[str]]] = {}
    for start in range(0, len(stale), _COMPARED_AT_ONCE):
        ids = ", ".join(str(mid) for mid in stale[start:start + _COMPARED_AT_ONCE])  # integers from the database
        manifests |= _open_manifests(ids)
        found |= _differences(ids)
    held = _held_by_station({str(m[0]) for m in manifests.values()})
    changed: list[tuple[str, str, str, int]] = []
    now = store.now()
    for mid, (code, day, count, first, last, verdict, stored) in manifests.items():
        missing, extra, mismatch = (sorted(v) for v in found.get(mid, ([], [], [])))
        missing_seqs = _subtract((int(first), int(last)), held.get(code, [])) if first is not None else []
        agreed = not (missing or extra or mismatch or missing_seqs)
        result = {"station": code, "day": day, "verdict": "agreed" if agreed else "discrepant",
                  "count": int(count), "missing": missing, "extra": extra, "content_mismatch": mismatch,
                  "missing_seqs": missing_seqs}
        text = canonical_json(result).decode()
        if result["verdict"] != verdict or text != stored:
            changed.append((result["verdict"], text, now, mid))
    _store_verdicts(changed)
    with write_transaction():
        HubManifestStale.delete().where(HubManifestStale.id <= upto).execute()
    counts = {"agreed": 0, "discrepant": 0, "compared": len(manifests)}
    for verdict, count in tuples(HubManifest.select(HubManifest.verdict, fn.COUNT(HubManifest.id))
                                 .where(HubManifest.reconciled_at.is_null()).group_by(HubManifest.verdict)):
        counts[str(verdict)] = counts.get(str(verdict), 0) + int(count)
    return counts


#: Manifests compared per pair of queries: their ids are written into the SQL as a list.
_COMPARED_AT_ONCE = 2000


def _open_manifests(ids: str) -> dict[int, tuple[Any, ...]]:
    """Span, count and stored result of the open manifests among `ids` (a list of integers)."""
    m, i = HubManifest._meta.table_name, HubManifestIndex._meta.table_name
    return {int(r[0]): r[1:] for r in execute(database.obj, f"""
        SELECT m.id, i.station, i.day, i.count, i.outbox_first, i.outbox_last, m.verdict, m.discrepancies
        FROM {m} m JOIN {i} i ON i.manifest = m.id
        WHERE m.reconciled_at IS NULL AND m.id IN ({ids})""").fetchall()}


def mark_changed(days: set[tuple[str, str]], application_ids: list[str]) -> None:
    """Mark for the next reconciliation the open manifests of these (station, day) pairs and
    those listing any of these applications; call inside the transaction of the change."""
    m, e, st = HubManifest._meta.table_name, HubManifestEntry._meta.table_name, HubManifestStale._meta.table_name
    pairs = sorted(days)
    for start in range(0, len(pairs), 250):
        part = pairs[start:start + 250]
        where = " OR ".join("(station = ? AND day = ?)" for _ in part)
        statement(f"INSERT INTO {st} (manifest) SELECT id FROM {m} WHERE reconciled_at IS NULL AND ({where})",
                  [v for pair in part for v in pair])
    ids = sorted(set(application_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        statement(f"INSERT INTO {st} (manifest) SELECT DISTINCT e.manifest FROM {e} e JOIN {m} m ON m.id = e.manifest"
                  f" WHERE m.reconciled_at IS NULL AND e.application_id IN ({', '.join('?' for _ in chunk)})", chunk)


def _mark_ledger_changes(station: str | None = None) -> None:
    """Mark the open manifests whose outbox span meets sequence numbers that a station's
    ledger gained or lost since it was last seen, and remember the ledgers as they are now:
    every station's at a run, one station's when its manifest arrives (compared then against
    the ledger as it is)."""
    query = HubLedgerSeen.select(HubLedgerSeen.station, HubLedgerSeen.held)
    if station is not None:
        query = query.where(HubLedgerSeen.station == station)
    seen = {str(code): [tuple(r) for r in json.loads(held)] for code, held in tuples(query)}
    now = _held_by_station(None if station is None else {station})
    if station is not None:
        now.setdefault(station, [])
    spans, rows = [], []
    for code in set(seen) | set(now):
        before, after = seen.get(code, []), now.get(code, [])
        if before == after:
            continue
        spans += [(code, a, b) for a, b in _changed_spans(before, after)]
        rows.append((code, json.dumps([list(r) for r in after])))
    if not rows:
        return
    i, st = HubManifestIndex._meta.table_name, HubManifestStale._meta.table_name
    with write_transaction():
        _temporary(database.obj, "ledger_changes", ("station text", "first_seq bigint", "last_seq bigint"), spans)
        execute(database.obj, f"""
            INSERT INTO {st} (manifest) SELECT DISTINCT i.manifest FROM {i} i
            JOIN ledger_changes c ON c.station = i.station
            WHERE i.outbox_first <= c.last_seq AND i.outbox_last >= c.first_seq""")
        execute(database.obj, "DROP TABLE ledger_changes")
        HubLedgerSeen.delete().where(HubLedgerSeen.station.in_([r[0] for r in rows])).execute()
        for start in range(0, len(rows), 500):
            HubLedgerSeen.insert_many(rows[start:start + 500],
                                      fields=[HubLedgerSeen.station, HubLedgerSeen.held]).execute()


def _changed_spans(before: list[tuple[int, int]], after: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of sequence numbers held in one list of runs and not the other."""
    gained = [tuple(r) for b in after for r in _subtract(b, before)]
    lost = [tuple(r) for b in before for r in _subtract(b, after)]
    return sorted((int(a), int(b)) for a, b in gained + lost)


def _temporary(db: Any, name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """A temporary table `name` holding `rows` (COPY on PostgreSQL); call inside a transaction."""
    execute(db, f"CREATE TEMPORARY TABLE {name} ({', '.join(columns)})")
    if is_postgres():
        with db.connection().cursor() as cursor, cursor.copy(f"COPY {name} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    db.cursor().executemany(f"INSERT INTO {name} VALUES ({', '.join('?' for _ in columns)})", rows)


def _differences(ids: str) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """(missing, extra, content mismatch) ids of every open manifest among `ids` (a list of
    integers) that has any."""
    m, e, a = (HubManifest._meta.table_name, HubManifestEntry._meta.table_name,
               HubApplication._meta.table_name)
    found: dict[int, tuple[list[str], list[str], list[str]]] = {}
    lines = execute(database.obj, f"""
        SELECT e.manifest, e.application_id, a.id FROM {e} e JOIN {m} m ON m.id = e.manifest
        LEFT JOIN {a} a ON a.id = e.application_id AND a.station = m.station
        WHERE m.reconciled_at IS NULL AND m.id IN ({ids}) AND e.manifest IN ({ids})
          AND (a.id IS NULL OR a.content_hash <> e.content_hash)""").fetchall()
    for mid, app_id, ours in lines:
        found.setdefault(int(mid), ([], [], []))[0 if ours is None else 2].append(str(app_id))
    extra = execute(database.obj, f"""
        SELECT m.id, a.id FROM {m} m JOIN {a} a ON a.station = m.station AND a.day = m.day
        WHERE m.reconciled_at IS NULL AND m.id IN ({ids})
          AND NOT EXISTS (SELECT 1 FROM {e} e WHERE e.manifest = m.id AND e.application_id = a.id)""").fetchall()
    for mid, app_id in extra:
        found.setdefault(int(mid), ([], [], []))[1].append(str(app_id))
    return found


def _held_by_station(codes: set[str] | None) -> dict[str, list[tuple[int, int]]]:
    """Every station's held runs in one query (ordered), for the stations in `codes` (None: all)."""
    held: dict[str, list[tuple[int, int]]] = {}
    query = HubRange.select(HubRange.station, HubRange.first_seq, HubRange.last_seq)
    if codes is not None and len(codes) == 1:
        query = query.where(HubRange.station == next(iter(codes)))
    for code, first, last in tuples(query.order_by(HubRange.station, HubRange.first_seq)):
        if codes is None or code in codes:
            held.setdefault(str(code), []).append((int(first), int(last)))
    return held


def _store_verdicts(changed: list[tuple[str, str, str, int]]) -> None:
    """Write changed verdicts in bulk: COPY into a temporary table then one UPDATE on PostgreSQL."""
    if not changed:
        return
    db, table = database.obj, HubManifest._meta.table_name
    with write_transaction():
        if is_postgres():
            execute(db, "CREATE TEMPORARY TABLE verdicts (verdict text, discrepancies text, compared_at text, "
                        "id integer) ON COMMIT DROP")
            with db.connection().cursor() as cursor, cursor.copy("COPY verdicts FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            execute(db, f"UPDATE {table} SET verdict = v.verdict, discrepancies = v.discrepancies, "
                        f"compared_at = v.compared_at FROM verdicts v WHERE {table}.id = v.id")
            return
        db.cursor().executemany(f"UPDATE {table} SET verdict = ?, discrepancies = ?, compared_at = ? WHERE id = ?",
                                changed)


def _manifest_id(station: str, day: str) -> int:
    return int(HubManifest.select(HubManifest.id).where(
        (HubManifest.station == station) & (HubManifest.day == day)).scalar())


def _index_manifest(manifest_id: int, document: dict[str, Any]) -> None:
    """Write (or rewrite) a manifest's lines and span beside it; call inside a transaction."""
    HubManifestEntry.delete().where(HubManifestEntry.manifest == manifest_id).execute()
    HubManifestIndex.delete().where(HubManifestIndex.manifest == manifest_id).execute()
    span = document.get("outbox") or [None, None]
    HubManifestIndex.insert(manifest=manifest_id, station=document["station"], day=document["day"],
                            count=len(document["applications"]), outbox_first=span[0],
                            outbox_last=span[1]).execute()
    rows = [(manifest_id, line[0], line[1]) for line in document["applications"]]
    fields = [HubManifestEntry.manifest, HubManifestEntry.application_id, HubManifestEntry.content_hash]
    for start in range(0, len(rows), 300):
        HubManifestEntry.insert_many(rows[start:start + 300], fields=fields).execute()


def _index_unindexed() -> None:
    """Index manifests stored before their lines were kept beside them."""
    query = (HubManifest.select(HubManifest.id, HubManifest.signed)
             .join(HubManifestIndex, JOIN.LEFT_OUTER, on=(HubManifestIndex.manifest == HubManifest.id))
             .where(HubManifestIndex.manifest.is_null()))
    rows = tuples(query)
    if rows:
        with write_transaction():
            for mid, signed in rows:
                _index_manifest(int(mid), manifest.read(str(signed).encode()))
            for start in range(0, len(rows), 500):
                HubManifestStale.insert_many([(int(mid),) for mid, _signed in rows[start:start + 500]],
                                             fields=[HubManifestStale.manifest]).execute()


def manifest_result(station: str, day: str) -> dict[str, Any] | None:
    row = HubManifest.get_or_none((HubManifest.station == station) & (HubManifest.day == day))
    if row is None:
        return None
    value: dict[str, Any] = json.loads(row.discrepancies)
    value["reconciled_at"] = row.reconciled_at
    return value


# -- downstream bundles ---------------------------------------------------------------

def issue_bundle(store: HubStore, station: str, kind: str, payload: dict[str, Any],
                 days: int = BUNDLE_DAYS, operator: str = "hub") -> int:
    """Sign a bundle for `station` with the next version; returns the version."""
    if kind not in bundles.KINDS:
        raise HubError(f"未知的下行包类型 {kind}", f"unknown bundle kind {kind}")
    try:
        bundle_payloads.check(kind, payload)
    except bundle_payloads.PayloadError as error:
        raise HubError(f"下行包内容有误：{error.where}", f"the {kind} payload is malformed: {error}") from None
    now = store.clock()
    with write_transaction():
        if HubStation.get_or_none(HubStation.code == station) is None:
            raise HubError(f"未知站点 {station}", f"unknown station {station}")
        version = int(HubBundle.select(fn.MAX(HubBundle.version)).where(HubBundle.station == station).scalar() or 0) + 1
        expires = (now + timedelta(days=days)).isoformat(timespec="seconds")
        document = {"station": station, "version": version, "kind": kind,
                    "created_at": now.isoformat(timespec="seconds"), "expires_at": expires,
                    "hub": store.fingerprint, "payload": payload}
        signed = bundles.sign(document, store.keys.signing)
        HubBundle.create(station=station, version=version, kind=kind, signed=signed.decode(),
                         created_at=document["created_at"], expires_at=expires)
        audit(store, operator, f"bundle.{kind}", station, str(version), {})
    log.info("bundle_issued", extra={"station": station, "bundle_kind": kind, "bundle_version": version})
    return version


def offer_bundles(store: HubStore, station: str, after: int) -> list[bytes]:
    """The bundles after `after` for a station that asked over HTTP; `after` is the newest version
    it has installed, kept so the watch can tell a bundle it was offered and did not install."""
    with write_transaction():
        HubStation.update(bundle_seen=after, bundle_seen_at=store.now()).where(HubStation.code == station).execute()
    return bundles_after(station, after, page_size=PAGE_SIZE)


#: How much one answer to /v1/bundles carries (in characters of the signed bundles): the bundles
#: in version order up to this, and always the next one, so a station behind by many catalogs
#: takes them over several rounds and never one answer past what it reads
#: (`sync.transport_http.MAX_ANSWER`). A USB exchange writes every bundle to the stick.
PAGE_SIZE = 16 * 1024 * 1024


def bundles_after(station: str, version: int, limit: int = 200, page_size: int | None = None) -> list[bytes]:
    """The station's bundles after `version`, oldest first: at most `limit`, and with
    `page_size` only as many as fit in it (at least one)."""
    newer = (HubBundle.station == station) & (HubBundle.version > version)
    if page_size is not None:
        chosen: list[int] = []
        total = 0
        for number, size in tuples(HubBundle.select(HubBundle.version, fn.LENGTH(HubBundle.signed).coerce(False))
                                   .where(newer).order_by(HubBundle.version).limit(limit)):
            if chosen and total + size > page_size:
                break
            chosen.append(number)
            total += size
        newer &= HubBundle.version.in_(chosen)
    query = HubBundle.select(HubBundle.signed).where(newer).order_by(HubBundle.version).limit(limit)
    return [row.signed.encode() for row in query]


def set_status(store: HubStore, station: str, updates: list[dict[str, Any]], operator: str) -> int:
    """Application statuses from the departments: recorded at the hub (with the day, and a 补正's
    deadline, for the citizens' page), sent in a bundle."""
    today = store.clock().date().isoformat()
    refresh_applications()
    with write_transaction():
        keyed = is_partitioned()
        for update in updates:
            status = update["status"]
            if status not in ("accepted", "needs_amendment", "rejected", "completed"):
                raise HubError(f"未知状态 {status}", f"unknown status {status}")
            values: dict[Any, Any] = {HubApplication.status: status}
            if status == "completed":
                values[HubApplication.completed_on] = today
            if status == "needs_amendment":
                values[HubApplication.amendments] = HubApplication.amendments + 1
            HubApplication.update(values).where(the_application(update["application_id"], keyed)).execute()
        from sync.hub.citizen_cases import record_steps

        record_steps(updates, store.now())
    sent = [{k: v for k, v in update.items() if k != "deadline"} for update in updates]
    return issue_bundle(store, station, "statuses", {"updates": sent}, operator=operator)


# -- operator actions ---------------------------------------------------------------------

def request_resend(store: HubStore, station: str, first: int, last: int, operator: str, reason: str = "") -> int:
    """Ask the station to seal [first, last] again from its outbox; the bundle's version."""
    if first < 1 or last < first:
        raise HubError("重发范围无效", "the resend range is invalid")
    version = issue_bundle(store, station, "resend", {"request_id": f"{station}-{first}-{last}",
                                                      "first_seq": first, "last_seq": last, "reason": reason},
                           operator=operator)
    audit(store, operator, "resend.requested", station, f"{first}-{last}", {"reason": reason, "bundle": version})
    return version


def release_quarantine(store: HubStore, ingest: Any, quarantine_id: int, operator: str, reason: str) -> dict[str, Any]:
    """Ingest a quarantined object again (its cause fixed, e.g. a catalog version registered)."""
    row = _open_quarantine(quarantine_id, reason)
    result = ingest(bytes(row.data), f"release:{row.via}")
    with write_transaction():
        if result.status in ("stored", "duplicate"):
            HubQuarantine.update(resolved_at=store.now()).where(HubQuarantine.id == row.id).execute()
        audit(store, operator, "quarantine.released", row.station, str(quarantine_id),
              {"reason": reason, "result": result.status})
    return dict(result.as_json())


def reject_quarantine(store: HubStore, quarantine_id: int, operator: str, reason: str) -> None:
    """Close a quarantined object for good, with the reason; the object is kept."""
    row = _open_quarantine(quarantine_id, reason)
    with write_transaction():
        HubQuarantine.update(resolved_at=store.now()).where(HubQuarantine.id == row.id).execute()
        audit(store, operator, "quarantine.rejected", row.station, str(quarantine_id), {"reason": reason})


def _open_quarantine(quarantine_id: int, reason: str) -> HubQuarantine:
    if not reason.strip():
        raise HubError("须填写原因", "a reason is required")
    row = HubQuarantine.get_or_none((HubQuarantine.id == quarantine_id) & HubQuarantine.resolved_at.is_null())
    if row is None:
        raise HubError(f"隔离区没有未处理的 {quarantine_id}", f"no open quarantine entry {quarantine_id}")
    return row


def mark_reconciled(store: HubStore, station: str, day: str, operator: str, force: bool = False) -> int:
    """Mark a day reconciled (only an agreed one unless forced); tells the station in a bundle."""
    row = HubManifest.get_or_none((HubManifest.station == station) & (HubManifest.day == day))
    if row is None:
        raise HubError(f"站点 {station} 没有 {day} 的日终清单", f"no day manifest of {station} for {day}")
    if row.verdict != "agreed" and not force:
        raise HubError(f"{day} 对账不一致，不能标记为已对账", f"{day} has discrepancies; it cannot be marked reconciled")
    with write_transaction():
        HubManifest.update(reconciled_at=store.now(), reconciled_by=operator).where(HubManifest.id == row.id).execute()
        audit(store, operator, "day.reconciled", station, day, {"verdict": row.verdict, "forced": force})
    return issue_bundle(store, station, "reconciled", {"days": [day]}, operator=operator)


def actions(station: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = HubAction.select().order_by(HubAction.id.desc()).limit(limit)
    if station is not None:
        query = query.where(HubAction.station == station)
    return [{"at": a.at, "operator": a.operator, "action": a.action, "station": a.station,
             "subject": a.subject, "details": json.loads(a.details)} for a in query]


__all__ = ["SealError", "actions", "bundles_after", "compare", "issue_bundle", "ledger", "manifest_result",
           "mark_reconciled", "offer_bundles", "receive_manifest", "reconcile_all", "refresh_applications", "reject_quarantine",
           "release_quarantine", "request_resend", "set_status"]
