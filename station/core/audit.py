"""The audit trail: an append-only hash chain inside the encrypted store.

Each event's hash is SHA-256 over the previous hash and the event's canonical JSON. The
chain's newest link is always written down outside the chain, so cutting off the newest rows
shows: an event that goes to the hub is copied into its outbox event, in the same transaction
(`anchored`); any other event moves `setting.audit_head`. The head is the newer of the two.
(A submission so writes no `setting` page: its outbox event, written anyway, holds the head.) Someone holding the database key can still cut rows and fix
the head, or recompute every later hash: the hub, which witnesses the head every sync round,
is the outside anchor against both (`station.core.anchors`). Details hold ids, never
personal data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.canonical import canonical_json
from station.core.db import database, statement

GENESIS = "0" * 64
_CHUNK = 2000


def event_hash(prev_hash: str, seq: int, at: str, operator: str, action: str, subject: str,
               details: str) -> str:
    """The hash of one link."""
    body = {"seq": seq, "at": at, "operator": operator, "action": action, "subject": subject,
            "details": details}
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(body)).hexdigest()


# Appends run on every state change, so they use fixed SQL rather than built queries.
_SELECT_HEAD = "SELECT value FROM setting WHERE key = 'audit_head'"
#: The kept head, then the newest outbox event's link in one read: outbox and audit sequences
#: grow together, so that event holds the newest anchored link.
_SELECT_HEADS = ("SELECT (SELECT value FROM setting WHERE key = 'audit_head'), anchor.audit_seq, anchor.audit_hash"
                 " FROM (SELECT 1) LEFT JOIN (SELECT audit_seq, audit_hash FROM outbox_event"
                 " ORDER BY seq DESC LIMIT 1) AS anchor ON 1")
_INSERT_EVENT = ("INSERT INTO audit_event (seq, at, operator, action, subject, details, prev_hash, hash)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
#: An upsert rewrites the row where it is; INSERT OR REPLACE would delete and re-insert it,
#: writing the key index too.
_UPDATE_HEAD = ("INSERT INTO setting (key, value) VALUES ('audit_head', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value")


@dataclass(frozen=True)
class AuditLink:
    """The position of one event in the chain."""

    seq: int
    hash: str

    def as_head(self) -> tuple[int, str]:
        return self.seq, self.hash


def head() -> tuple[int, str]:
    """The newest (seq, hash), or (0, GENESIS) for an empty chain."""
    kept, anchored = _stored_heads()
    if kept is None:  # a damaged head must not stop logins: carry on from the newest row
        last = database.execute_sql("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, GENESIS) if last is None else (int(last[0]), str(last[1]))
    return _newer(kept, anchored)


def _stored_heads() -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """The kept head ((0, GENESIS) when none was kept yet, None when it is damaged) and the
    newest anchored link (None before the first), in one read."""
    kept, anchor_seq, anchor_hash = statement(_SELECT_HEADS).fetchone()
    parsed = (0, GENESIS) if kept is None else _parse_head(str(kept))
    return parsed, None if anchor_seq is None else (int(anchor_seq), str(anchor_hash))


def _newer(kept: tuple[int, str], anchored: tuple[int, str] | None) -> tuple[int, str]:
    return anchored if anchored is not None and anchored[0] > kept[0] else kept


def _parse_head(text: str) -> tuple[int, str] | None:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        return None
    return int(seq), digest


def append(at: datetime, operator: str, action: str, subject: str = "",
           details: dict[str, Any] | None = None, *, anchored: bool = False) -> AuditLink:
    """Add one link; call inside the transaction of the change it records. `anchored`: the
    caller writes an outbox event carrying this link in the same transaction, which then holds
    the head (`setting.audit_head` is left as it is)."""
    kept, anchor = _stored_heads()
    if kept is None:  # say so in the chain, then carry on from the newest row
        kept, anchor = _append(head(), at, "-", "audit.head_damaged", "audit_head", {}).as_head(), None
    return _append(_newer(kept, anchor), at, operator, action, subject, details, keep_head=not anchored)


def append_many(at: datetime, operator: str, events: list[tuple[str, str]]) -> AuditLink | None:
    """Add one link per (action, subject), in order, with one statement; call inside the
    transaction of the changes they record. The newest link, None when `events` is empty."""
    if not events:
        return None
    previous = append(at, operator, *events[0]).as_head()
    stamp, rows = at.isoformat(), []
    for action, subject in events[1:]:
        seq, prev_hash = previous[0] + 1, previous[1]
        digest = event_hash(prev_hash, seq, stamp, operator, action, subject, "{}")
        rows.append((seq, stamp, operator, action, subject, "{}", prev_hash, digest))
        previous = (seq, digest)
    if rows:
        database.cursor().executemany(_INSERT_EVENT, rows)
        database.execute_sql(_UPDATE_HEAD, (f"{previous[0]}:{previous[1]}",))
    return AuditLink(*previous)


def _append(previous: tuple[int, str], at: datetime, operator: str, action: str, subject: str,
            details: dict[str, Any] | None, keep_head: bool = True) -> AuditLink:
    prev_seq, prev_hash = previous
    seq = prev_seq + 1
    stamp = at.isoformat()
    text = canonical_json(details or {}).decode("utf-8")
    digest = event_hash(prev_hash, seq, stamp, operator, action, subject, text)
    statement(_INSERT_EVENT, (seq, stamp, operator, action, subject, text, prev_hash, digest))
    if keep_head:
        statement(_UPDATE_HEAD, (f"{seq}:{digest}",))
    return AuditLink(seq, digest)


@dataclass(frozen=True)
class ChainReport:
    """What `audit verify` found."""

    ok: bool
    events: int
    first_broken_seq: int | None = None
    reason_zh: str = ""
    reason_en: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "first_broken_seq": self.first_broken_seq,
                "reason_zh": self.reason_zh, "reason_en": self.reason_en}


def verify() -> ChainReport:
    """Walk the chain, then check the head and every outbox anchor; name the first break."""
    return _walk(1, GENESIS, 0)


def verify_from(seq: int, digest: str) -> ChainReport:
    """Check that event `seq` still has `digest` (an anchor the hub witnessed) and that every
    later event links to it up to the head: a sync round's check, without walking the events
    the hub has already witnessed."""
    if seq == 0:
        return verify()
    if hash_at(seq) != digest:
        return ChainReport(False, seq - 1, seq, *_anchor_break(seq))
    return _walk(seq + 1, digest, seq)


def hash_at(seq: int) -> str | None:
    """The hash of event `seq`, or None when there is no such event."""
    row = database.execute_sql("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def _anchor_break(seq: int) -> tuple[str, str]:
    if hash_at(seq) is None:
        return (f"中心见证过的第 {seq} 条记录已不存在（审计链被截断）",
                f"event {seq}, which the hub witnessed, is gone (the chain was cut)")
    return (f"第 {seq} 条记录与中心见证的不符（审计链被改写）",
            f"event {seq} differs from what the hub witnessed (the chain was rewritten)")


def anchor_report(seq: int, digest: str) -> ChainReport:
    """Whether the chain still holds the hub's anchor (`seq`, `digest`); ok when it does."""
    if seq == 0 or hash_at(seq) == digest:
        return ChainReport(True, seq)
    return ChainReport(False, seq - 1, seq, *_anchor_break(seq))


#: A chunk of the chain as plain rows: the walk reads every event, and building a model for
#: each cost more than hashing it.
_CHAIN_CHUNK = ("SELECT seq, at, operator, action, subject, details, prev_hash, hash FROM audit_event"
                " WHERE seq >= ? ORDER BY seq LIMIT ?")


_ANCHORS_FROM = "SELECT seq, audit_seq, audit_hash FROM outbox_event WHERE audit_seq >= ?"


def _walk(expected_seq: int, running: str, last: int) -> ChainReport:
    """Walk from event `expected_seq` (`running`: the hash before it), then check the head and
    the outbox anchors from there on."""
    first = expected_seq
    hashes: dict[int, str] = {}
    while True:
        rows = database.execute_sql(_CHAIN_CHUNK, (expected_seq, _CHUNK)).fetchall()
        if not rows:
            break
        for row in rows:
            broken = _check_link(row, expected_seq, running)
            if broken:
                return ChainReport(False, last, expected_seq, *broken)
            running = row[7]
            hashes[row[0]] = running
            last = expected_seq
            expected_seq += 1
    return _check_anchors(last, running, hashes, first)


def _check_link(row: tuple[Any, ...], expected_seq: int, running: str) -> tuple[str, str] | None:
    seq, at, operator, action, subject, details, prev_hash, digest = row
    if seq != expected_seq:
        return (f"第 {expected_seq} 条记录缺失", f"event {expected_seq} is missing")
    if prev_hash != running:
        return (f"第 {seq} 条记录与前一条不衔接", f"event {seq} does not link to its predecessor")
    try:
        json.loads(details)
    except ValueError:
        return (f"第 {seq} 条记录内容损坏", f"event {seq} has damaged details")
    if event_hash(prev_hash, seq, at, operator, action, subject, details) != digest:
        return (f"第 {seq} 条记录被修改", f"event {seq} was altered")
    return None


def _check_anchors(last: int, running: str, hashes: dict[int, str], first: int = 1) -> ChainReport:
    row = database.execute_sql(_SELECT_HEAD).fetchone()
    if row is not None and _parse_head(str(row[0])) is None:
        return ChainReport(False, last, last + 1, "审计链头记录已损坏", "the audit chain's head record is damaged")
    head_seq, head_hash = head()
    if (head_seq, head_hash) != (last, running if last else GENESIS):
        return ChainReport(False, last, min(head_seq, last) + 1,
                           f"审计链被截断：应有 {head_seq} 条，实有 {last} 条",
                           f"the chain was cut: the head says {head_seq} events, {last} remain")
    for seq, audit_seq, audit_hash in database.execute_sql(_ANCHORS_FROM, (first,)):
        if hashes.get(audit_seq) != audit_hash:
            return ChainReport(False, last, audit_seq,
                               f"第 {audit_seq} 条记录与发件箱 {seq} 号事件记下的不符",
                               f"event {audit_seq} differs from the head recorded by outbox event {seq}")
    return ChainReport(True, last)
