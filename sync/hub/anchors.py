"""The hub as the outside witness of every station's audit chain (`sync.anchors`).

Each anchor a station sends (its head, every sync round) and each batch header's audit head
is compared with the anchors the hub holds for that station before it is kept:

- another hash at a position the hub holds: `rewritten` (a rewrite that recomputed every
  later hash shows here, since the hub kept the first one);
- a round's head behind a head the station reported earlier (by its own clock): `backwards`
  (the newest events were cut and the head setting fixed);
- the station's own word that its chain no longer holds the hub's anchor: `reported`.

A divergence is recorded in `HubAnchorDivergence` (open until a hub operator resolves it),
logged, shown by `jiujin hub station divergences` and the console, and answered to the
station as `"status": "divergent"`; the diverging anchor itself is not kept, so the hub's
anchor stays the one the station must still hold. The newest recovery copy a station sends
is kept in `HubRecoveryCopy` (`jiujin hub station recovery-slot`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sync import acks, anchors
from sync.errors import HubError
from sync.hub.config import HubKeys
from sync.hub.db import statement, tuples, write_transaction
from sync.hub.models import HubAnchor, HubAnchorDivergence, HubRecoveryCopy, HubStation

log = logging.getLogger("jiujin.hub.anchors")


class HubStore(Protocol):
    """What the witness needs of the hub store (`sync.hub.store.HubStore`)."""

    keys: HubKeys
    fingerprint: str

    def now(self) -> str: ...


@dataclass(frozen=True)
class Witnessed:
    """One anchor as received: whose, where, and by which path."""

    station: str
    seq: int
    hash: str
    station_at: str
    source: str  # round | batch
    via: str


def witness(anchor: Witnessed, now: str, checked: tuple[int, str | None] | None = None,
            reported: bool = False) -> list[HubAnchorDivergence]:
    """Compare `anchor` (and the station's hash at a held position, `checked`) with the anchors
    held; keep it if it agrees, record each divergence not already open if not. The divergences
    found. Call inside a write transaction."""
    found = [*_position(anchor, anchor.seq, anchor.hash)]
    if checked is not None:
        found += _position(anchor, *checked)
    if anchor.source == "round" and not found:
        found += _behind(anchor)
    if reported and not found:
        held = latest(anchor.station)
        found.append(_divergence(anchor, "reported", held[0] if held else anchor.seq, held, None))
    if not found:
        statement(_KEEP, (anchor.station, anchor.seq, anchor.hash, anchor.station_at, now, anchor.source, anchor.via))
        return []
    for row in found:
        _record(row, now)
    return found


# Every batch is witnessed in its ingest's transaction: fixed SQL, as ingest's own queries.
_HELD = "SELECT hash FROM hub_anchor WHERE station = ? AND seq = ?"
_KEEP = ("INSERT INTO hub_anchor (station, seq, hash, station_at, received_at, source, via)"
         " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")


def _position(anchor: Witnessed, seq: int, digest: str | None) -> list[HubAnchorDivergence]:
    held = statement(_HELD, (anchor.station, seq)).fetchone()
    if held is None or held[0] == digest:
        return []
    return [_divergence(anchor, "rewritten" if digest else "backwards", seq, (seq, str(held[0])), digest)]


def _behind(anchor: Witnessed) -> list[HubAnchorDivergence]:
    """The newest round head made before this one (by the station's clock) that is further on."""
    made = datetime.fromisoformat(anchor.station_at)
    ahead = [row for row in HubAnchor.select().where(
        (HubAnchor.station == anchor.station) & (HubAnchor.source == "round") & (HubAnchor.seq > anchor.seq))
        if datetime.fromisoformat(row.station_at) <= made]
    if not ahead:
        return []
    held = max(ahead, key=lambda row: row.seq)
    return [_divergence(anchor, "backwards", anchor.seq, (held.seq, held.hash), anchor.hash)]


def _divergence(anchor: Witnessed, kind: str, seq: int, held: tuple[int, str] | None,
                received: str | None) -> HubAnchorDivergence:
    return HubAnchorDivergence(station=anchor.station, kind=kind, seq=seq, held_seq=held[0] if held else None,
                               held_hash=held[1] if held else None, received_hash=received,
                               source=anchor.source, via=anchor.via)


def _record(row: HubAnchorDivergence, now: str) -> None:
    """Keep a divergence unless one of its kind against the same held anchor is open."""
    row.detected_at = now
    same = HubAnchorDivergence.select().where(
        (HubAnchorDivergence.station == row.station) & (HubAnchorDivergence.kind == row.kind)
        & (HubAnchorDivergence.held_seq == row.held_seq) & HubAnchorDivergence.resolved_at.is_null()).first()
    if same is not None:
        row.id = same.id
        return
    row.save(force_insert=True)
    log.warning("audit_divergence", extra={"station": row.station, "kind": row.kind, "seq": row.seq,
                                           "held_seq": row.held_seq, "source": row.source})


def latest(station: str) -> tuple[int, str] | None:
    """The newest anchor the hub holds for `station`: the position the station must still hold."""
    row = (HubAnchor.select(HubAnchor.seq, HubAnchor.hash).where(HubAnchor.station == station)
           .order_by(HubAnchor.seq.desc()).first())
    return None if row is None else (int(row.seq), str(row.hash))


def receive_anchor(store: HubStore, data: bytes, via: str, uploader: str | None = None) -> bytes:
    """Compare and keep one signed anchor (`sync.anchors`) and the recovery copy it carries;
    the signed acknowledgement naming the hub's newest anchor. SealError if it is not a
    well-formed anchor signed by an active station (or not `uploader`'s)."""
    code = anchors.station_of(data)
    if uploader is not None and code != uploader:
        raise anchors.AnchorError("审计锚点不属于本站点", "the audit anchor is for another station", "wrong_station")
    station = HubStation.get_or_none(HubStation.code == code)
    if station is None or station.status != "active" or station.signing_public_key is None:
        raise anchors.AnchorError(f"站点 {code} 未注册或已吊销", f"station {code} is not enrolled or is revoked",
                                  "unknown_station")
    document = anchors.verify(data, bytes(station.signing_public_key))
    now = store.now()
    checked = (document["checked"][0], document["checked"][1]) if document["checked"] else None
    anchor = Witnessed(code, document["head"][0], document["head"][1], document["at"], "round", via)
    with write_transaction():
        found = witness(anchor, now, checked, document["divergent"])
        if document["recovery"] is not None:
            keep_recovery(code, document["recovery"], document["at"], via, now)
        status = "divergent" if found or document["divergent"] else "stored"
        held = latest(code)
    answer = {"station": code, "object_id": "anchor", "kind": "anchor", "status": status,
              "anchor": list(held) if held else None, "divergences": [_as_json(d) for d in found],
              "held": [], "hub": store.fingerprint, "at": now}
    return acks.sign(answer, store.keys.signing)


def keep_recovery(station: str, copy: dict[str, Any], station_at: str, via: str, now: str) -> bool:
    """Keep `copy` as the station's recovery copy unless a newer one (by the station's clock) is
    held; True if kept. Call inside a write transaction."""
    if not anchors.recovery_ok(copy, station):
        return False
    held = HubRecoveryCopy.get_or_none(HubRecoveryCopy.station == station)
    if held is not None and datetime.fromisoformat(held.station_at) > datetime.fromisoformat(station_at):
        return False
    text = json.dumps(copy, sort_keys=True)
    if held is not None and held.copy == text:
        return False
    HubRecoveryCopy.insert(station=station, copy=text, station_at=station_at, received_at=now, via=via
                           ).on_conflict(conflict_target=[HubRecoveryCopy.station],
                                         update={HubRecoveryCopy.copy: text, HubRecoveryCopy.station_at: station_at,
                                                 HubRecoveryCopy.received_at: now, HubRecoveryCopy.via: via}
                                         ).execute()
    log.info("recovery_copy", extra={"station": station, "via": via})
    return True


def recovery_copy(station: str) -> bytes | None:
    """The station's newest recovery copy as the file `jiujin db recover --recovery-file` reads."""
    held = HubRecoveryCopy.get_or_none(HubRecoveryCopy.station == station)
    if held is None:
        return None
    return json.dumps(json.loads(held.copy), indent=1, sort_keys=True).encode() + b"\n"


def divergences(station: str | None = None, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Divergences, newest first: every station's, or one's."""
    query = HubAnchorDivergence.select().order_by(HubAnchorDivergence.id.desc())
    if station is not None:
        query = query.where(HubAnchorDivergence.station == station)
    if not include_resolved:
        query = query.where(HubAnchorDivergence.resolved_at.is_null())
    return [_as_json(row) for row in query]


def open_divergences_by_station() -> dict[str, int]:
    """How many open divergences each station has (only stations with some)."""
    from peewee import fn

    query = (HubAnchorDivergence.select(HubAnchorDivergence.station, fn.COUNT(HubAnchorDivergence.id))
             .where(HubAnchorDivergence.resolved_at.is_null()).group_by(HubAnchorDivergence.station))
    return {str(station): int(count) for station, count in tuples(query)}


def resolve(store: HubStore, divergence_id: int, operator: str, reason: str) -> None:
    """Close a divergence a hub operator has looked into (audited in `hub_action`)."""
    from sync.hub.models import HubAction

    now = store.now()
    with write_transaction():
        row = HubAnchorDivergence.get_or_none(HubAnchorDivergence.id == divergence_id)
        if row is None or row.resolved_at is not None:
            raise HubError(f"没有未处理的审计链分歧 #{divergence_id}", f"no open audit divergence #{divergence_id}")
        HubAnchorDivergence.update(resolved_at=now, resolved_by=operator).where(
            HubAnchorDivergence.id == divergence_id).execute()
        HubAction.create(at=now, operator=operator, action="anchor.divergence_resolved", station=row.station,
                         subject=str(divergence_id), details=json.dumps({"reason": reason}, ensure_ascii=False))


def _as_json(row: HubAnchorDivergence) -> dict[str, Any]:
    return {"id": row.id, "station": row.station, "detected_at": row.detected_at, "kind": row.kind,
            "seq": row.seq, "held_seq": row.held_seq, "held_hash": row.held_hash,
            "received_hash": row.received_hash, "source": row.source, "via": row.via,
            "resolved_at": row.resolved_at, "resolved_by": row.resolved_by}
