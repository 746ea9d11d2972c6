"""From outbox events to batch bodies: bounded, contiguous, deterministic.

The station reads its outbox in sequence order and hands the events here as plain
values; sync never reads the station's store itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kernel.canonical import canonical_json
from sync.seal import MAX_BATCH_BYTES, MAX_BATCH_RECORDS


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox event as it travels in a batch."""

    seq: int
    kind: str
    application_id: str
    at: str
    audit_seq: int
    audit_hash: str
    record: dict[str, Any]
    record_json: bytes | None = None  # the record's canonical JSON, when the outbox already holds it
    version: str | None = None  # `<item code>@<catalog version>`, when known without parsing the record

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "application_id": self.application_id,
                "at": self.at, "audit_seq": self.audit_seq, "audit_hash": self.audit_hash,
                "record": self.record}

    def line(self) -> bytes:
        """The canonical JSON of the entry (keys sorted: `record` comes just before `seq`)."""
        if self.record_json is None:
            return canonical_json(self.to_json())
        head = canonical_json({"application_id": self.application_id, "at": self.at,
                               "audit_hash": self.audit_hash, "audit_seq": self.audit_seq, "kind": self.kind})
        return b"".join((head[:-1], b',"record":', self.record_json, b',"seq":', str(self.seq).encode(), b"}"))

    def catalog_version(self) -> str:
        """`<item code>@<catalog version>` of the application this event carries."""
        if self.version is not None:
            return self.version
        return f"{self.record.get('item_code')}@{self.record.get('catalog_version')}"


@dataclass(frozen=True)
class BatchBody:
    """A contiguous run of events and its body bytes."""

    first_seq: int
    last_seq: int
    body: bytes
    catalog_versions: tuple[str, ...]
    audit_head: tuple[int, str]


def cut_batch(entries: Iterable[OutboxEntry], max_records: int = MAX_BATCH_RECORDS,
              max_bytes: int = MAX_BATCH_BYTES) -> BatchBody | None:
    """The first batch from `entries` (ascending, contiguous): at most `max_records`
    records and `max_bytes` of body, though one oversized record travels alone."""
    lines: list[bytes] = []
    size, last, versions = 0, None, set()
    for entry in entries:
        if last is not None and entry.seq != last.seq + 1:
            raise ValueError(f"outbox not contiguous at {entry.seq}")
        line = entry.line() + b"\n"
        if lines and (len(lines) >= max_records or size + len(line) > max_bytes):
            break
        lines.append(line)
        size += len(line)
        versions.add(entry.catalog_version())
        if last is None:
            first = entry.seq
        last = entry
    if last is None:
        return None
    return BatchBody(first, last.seq, b"".join(lines), tuple(sorted(versions)),
                     (last.audit_seq, last.audit_hash))
