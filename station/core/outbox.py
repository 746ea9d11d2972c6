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

from peewee import fn

from kernel.canonical import canonical_json
from station.core.audit import AuditLink
from station.core.db import statement
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


def unacknowledged(limit: int = 2000) -> list[OutboxRecord]:
    """The oldest events the hub has not acknowledged yet."""
    query = (OutboxEvent.select().where(OutboxEvent.acknowledged_at.is_null())
             .order_by(OutboxEvent.seq).limit(limit))
    return [_record(row) for row in query]


def depth() -> int:
    """How many events wait for the hub."""
    return int(OutboxEvent.select().where(OutboxEvent.acknowledged_at.is_null()).count())


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
