"""The outbox: every state change, numbered by the station's sequence, for sync to read.

An event is appended in the same transaction as the change it records, and carries a
complete snapshot, so that sealing the same range twice gives the same records. Events
stay until the hub has acknowledged them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import Expression, fn

from kernel.canonical import canonical_json
from station.core.audit import AuditLink
from station.core.db import database, statement
from station.core.models import OutboxEvent


@dataclass(frozen=True)
class OutboxRecord:
    """One outbox event as sync sees it."""

    seq: int
    kind: str
    application_id: str
    payload: dict[str, Any]
    at: str
    audit_seq: int
    audit_hash: str
    acknowledged: bool


_APPEND = ("INSERT INTO outbox_event (seq, kind, application_id, payload, at, audit_seq, audit_hash)"
           " SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM outbox_event RETURNING seq")


def append(at: datetime, kind: str, application_id: str, payload: dict[str, Any],
           audit_link: AuditLink) -> int:
    """Add the next event and return its sequence number; call inside the transaction of
    the change it records."""
    text = canonical_json(payload).decode("utf-8")
    row = statement(
        _APPEND, (kind, application_id, text, at.isoformat(), audit_link.seq, audit_link.hash)).fetchone()
    return int(row[0])


def high_water() -> int:
    """The newest sequence number, 0 when the outbox has never held an event."""
    return int(OutboxEvent.select(fn.MAX(OutboxEvent.seq)).scalar() or 0)


def read_range(first: int, last: int) -> list[OutboxRecord]:
    """Events with first <= seq <= last, in order."""
    query = (OutboxEvent.select().where(OutboxEvent.seq.between(first, last))
             .order_by(OutboxEvent.seq))
    return [_record(row) for row in query]


_FIRST_WAITING = ("SELECT coalesce((SELECT MIN(first_seq) FROM sync_batch WHERE state != 'acknowledged'),"
                  " (SELECT MAX(last_seq) + 1 FROM sync_batch), 1)")


def first_waiting_seq() -> int:
    """The first sequence number that may still wait for the hub: the first of the oldest batch
    not acknowledged, else the one after the last batch (1 with none).

    Every event below it is acknowledged, because a batch is marked acknowledged only after its
    events are. So whatever asks about the events still waiting reads the outbox from here, a
    short tail, and not its whole history (no index of the unacknowledged is kept: it would
    cost every submission a page).
    """
    return int(database.execute_sql(_FIRST_WAITING).fetchone()[0])


def _waiting() -> Expression:
    return (OutboxEvent.seq >= first_waiting_seq()) & OutboxEvent.acknowledged_at.is_null()


def unacknowledged(limit: int = 2000) -> list[OutboxRecord]:
    """The oldest events the hub has not acknowledged yet."""
    query = OutboxEvent.select().where(_waiting()).order_by(OutboxEvent.seq).limit(limit)
    return [_record(row) for row in query]


def depth() -> int:
    """How many events wait for the hub."""
    return int(OutboxEvent.select().where(_waiting()).count())


def oldest_waiting_at() -> str | None:
    """When the oldest event still waiting for the hub was made; None when none waits."""
    return OutboxEvent.select(fn.MIN(OutboxEvent.at)).where(_waiting()).scalar()  # type: ignore[no-any-return]


def acknowledge(first: int, last: int, at: datetime) -> int:
    """Mark a range as held by the hub; returns how many events changed."""
    return int(OutboxEvent.update(acknowledged_at=at.isoformat())
               .where(OutboxEvent.seq.between(first, last), OutboxEvent.acknowledged_at.is_null())
               .execute())


def _record(row: OutboxEvent) -> OutboxRecord:
    return OutboxRecord(
        seq=row.seq, kind=row.kind, application_id=row.application_id,
        payload=json.loads(row.payload), at=row.at, audit_seq=row.audit_seq,
        audit_hash=row.audit_hash, acknowledged=row.acknowledged_at is not None,
    )
