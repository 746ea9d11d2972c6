"""Ingest: a sealed object in, records stored exactly once, a signed acknowledgement out.

Order (docs/sealed-batch.md, "Opening at the hub"): read the header → the station is
known and not revoked → signature → already held? (a success with no effect) → decrypt
→ body checks → records and catalog versions → store idempotently on (station, seq),
extend the ledger, record gaps → acknowledge. Any failure puts the object in quarantine
with its reason; nothing is dropped.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from sync import acks, seal
from sync.errors import BodyMismatch, SealError
from sync.hub.anchors import Witnessed, witness
from sync.hub.db import database, is_postgres, statement, write_transaction
from sync.hub.metrics import Metrics
from sync.hub.models import HubAttachment, HubGap
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub.ingest")
_RECORD_KEYS = {"seq", "kind", "application_id", "at", "audit_seq", "audit_hash", "record"}
_SEQ, _SHA = 1, 7  # positions in a row (see _COLUMNS)

# A batch's queries, written out: peewee building them cost more than the database answering
# (`statement` turns the marks into PostgreSQL's). Everything else at the hub keeps peewee.
_STATION_KEY = "SELECT signing_public_key, status FROM hub_station WHERE code = ?"
_LOCK_STATION = "SELECT 1 FROM hub_station WHERE code = ? FOR UPDATE"  # PostgreSQL: one batch of a station at a time
_BATCH_HELD = "SELECT 1 FROM hub_batch WHERE batch_id = ?"
_NEIGHBOURS = "SELECT batch_no, batch_id, prev_batch FROM hub_batch WHERE station = ? AND batch_no IN (?, ?)"
_RECORDS_HELD = "SELECT seq, record_sha256 FROM hub_record WHERE station = ? AND seq BETWEEN ? AND ?"
_INSERT_BATCH = ("INSERT INTO hub_batch (batch_id, station, batch_no, first_seq, last_seq, count, prev_batch,"
                 " body_sha256, created_at, received_at, via, new_records, audit_seq, audit_hash)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_RUNS = "SELECT id, first_seq, last_seq FROM hub_range WHERE station = ? ORDER BY first_seq"
_INSERT_RUN = "INSERT INTO hub_range (station, first_seq, last_seq) VALUES (?, ?, ?)"
_OPEN_GAPS = "SELECT id, first_seq, last_seq FROM hub_gap WHERE station = ? AND filled_at IS NULL"
_RECEIVED = "UPDATE hub_station SET last_received_at = ? WHERE code = ?"


@dataclass
class IngestResult:
    """What became of one sealed object."""

    status: str  # stored | duplicate | quarantined | refused (not this uploader's object, or quarantine full)
    kind: str = ""
    station: str | None = None
    object_id: str | None = None
    first_seq: int | None = None
    last_seq: int | None = None
    new_records: int = 0
    reason: str | None = None
    quarantine_id: int | None = None
    sealed_sha256: str | None = None
    ack: bytes | None = field(default=None, repr=False)
    message_zh: str = ""  # why it was quarantined, for the station's sync operator
    message_en: str = ""

    @property
    def ok(self) -> bool:
        return self.status in acks.SUCCESS

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "kind": self.kind, "station": self.station,
                "object_id": self.object_id, "first_seq": self.first_seq, "last_seq": self.last_seq,
                "new_records": self.new_records, "reason": self.reason,
                "quarantine_id": self.quarantine_id, "sealed_sha256": self.sealed_sha256}


def _reject(reason: str, zh: str, en: str) -> SealError:
    return SealError(zh, en, reason)


class Ingestor:
    """Turns sealed bytes into stored records or a quarantine entry."""

    def __init__(self, store: HubStore, metrics: Metrics | None = None) -> None:
        self.store = store
        self.metrics = metrics or Metrics()

    def ingest(self, data: bytes, via: str, uploader: str | None = None) -> IngestResult:
        """Ingest one sealed object received over `via` ("http", "folder", ...); `uploader` is the
        station that sent it, when the path authenticates one."""
        sealed: seal.Sealed | None = None
        started = time.perf_counter()
        try:
            sealed = seal.read(data)
            if uploader is not None and sealed.station != uploader:
                result = self._refuse(data, via, uploader)
                self.metrics.observe_ingest(result.kind, result.status, len(data), time.perf_counter() - started)
                return result
            station_key = self._station_key(sealed.station)
            seal.verify(sealed, station_key)
            result = self._ingest_verified(sealed, via)
        except SealError as error:
            result = self._quarantine(data, error, via, sealed, uploader)
        seconds = time.perf_counter() - started
        self.metrics.observe_ingest(result.kind, result.status, len(data), seconds)
        if result.new_records:
            self.metrics.count_records(result.new_records)
        if result.status == "quarantined":
            self.metrics.count_quarantine(result.reason or "rejected")
        log.info("ingest", extra={"station": result.station, "batch_id": result.object_id, "kind": result.kind,
                                  "outcome": result.status, "reason": result.reason, "records": result.new_records,
                                  "latency_ms": round(seconds * 1000, 1)})
        return result

    def _station_key(self, code: str) -> bytes:
        row = statement(_STATION_KEY, (code,)).fetchone()
        if row is None or row[0] is None:
            raise _reject("unknown_station", f"未注册的站点 {code}", f"unknown or unenrolled station {code}")
        if row[1] == "revoked":
            raise _reject("revoked_station", f"站点 {code} 已被吊销", f"station {code} is revoked")
        return bytes(row[0])

    def _ingest_verified(self, sealed: seal.Sealed, via: str) -> IngestResult:
        if sealed.kind == "attachment":
            return self._ingest_attachment(sealed)
        if _batch_held(sealed.object_id):
            return self._result(sealed, "duplicate", 0)
        body = seal.open_body(sealed, self.store.keys.hpke, self.store.fingerprint)
        return self._store_batch(sealed, body, via)

    # -- batches ------------------------------------------------------------------------

    def _rows(self, sealed: seal.Sealed, body: bytes) -> Iterator[tuple[Any, ...]]:
        """The body's records as rows, each checked against the header, in one pass."""
        header, station, batch_id = sealed.header, sealed.station, sealed.object_id
        pairs = {tuple(v.split("@", 1)) for v in header["catalog_versions"] if "@" in v}
        expected = header["first_seq"]
        for line, text, entry in seal.iter_lines(body, orjson.loads):
            yield _row(line, text, entry, station, expected, pairs, batch_id)
            expected += 1
        if expected - header["first_seq"] != header["count"]:
            raise BodyMismatch("记录条数与头部不符", "the record count differs from the header", "bad_records")

    def _store_batch(self, sealed: seal.Sealed, body: bytes, via: str) -> IngestResult:
        """Store the records not yet held, streaming them into the database as they are parsed
        (so PostgreSQL's COPY works while Python parses); any bad record rolls it all back."""
        header, station = sealed.header, sealed.station
        first, last = header["first_seq"], header["last_seq"]
        unknown = sorted(v for v in set(header["catalog_versions"]) if not self.store.known_catalog_version(v))
        if unknown:
            raise _reject("unknown_catalog_version", f"中心不认识的事项版本：{', '.join(unknown)}",
                          f"catalog versions the hub does not know: {', '.join(unknown)}")
        with write_transaction():
            if is_postgres():
                statement(_LOCK_STATION, (station,)).fetchone()
            if _batch_held(sealed.object_id):
                return self._result(sealed, "duplicate", 0)
            self._check_chain(sealed)
            held = dict(statement(_RECORDS_HELD, (station, first, last)).fetchall())
            new = _insert_records(_not_held(self._rows(sealed, body), held))
            now = self.store.now()
            statement(_INSERT_BATCH, (
                sealed.object_id, station, header["batch_no"], first, last, header["count"], header["prev_batch"],
                header["body_sha256"], header["created_at"], now, via, new, header["audit_head"]["seq"],
                header["audit_head"]["hash"]))
            witness(Witnessed(station, header["audit_head"]["seq"], header["audit_head"]["hash"],
                              header["created_at"], "batch", via), now)
            ledger = _extend_ledger(station, first, last, now)
            statement(_RECEIVED, (now, station))
        return self._result(sealed, "stored" if new else "duplicate", new, ledger=ledger)

    def _check_chain(self, sealed: seal.Sealed) -> None:
        header, number = sealed.header, sealed.header["batch_no"]
        neighbours = statement(_NEIGHBOURS, (sealed.station, number - 1, number + 1)).fetchall()
        previous = {batch_id for batch_no, batch_id, _ in neighbours if batch_no == number - 1}
        following = {prev for batch_no, _, prev in neighbours if batch_no == number + 1}
        if (previous and header["prev_batch"] not in previous) or (following and sealed.object_id not in following):
            raise _reject("chain_mismatch", "批次链与中心已有批次不衔接",
                          "the batch does not chain to the batches the hub holds")

    # -- attachments --------------------------------------------------------------------

    def _ingest_attachment(self, sealed: seal.Sealed) -> IngestResult:
        digest = sealed.header["body_sha256"]
        if HubAttachment.get_or_none(HubAttachment.sha256 == digest) is not None:
            return self._result(sealed, "duplicate", 0)
        seal.open_body(sealed, self.store.keys.hpke, self.store.fingerprint)
        with write_transaction():
            inserted = HubAttachment.insert(
                sha256=digest, station=sealed.station, media_type=sealed.header["media_type"],
                size=sealed.header["body_size"], sealed=sealed.data, received_at=self.store.now(),
            ).on_conflict_ignore().execute()
        return self._result(sealed, "stored" if inserted else "duplicate", 0)

    # -- outcomes -----------------------------------------------------------------------

    def _result(self, sealed: seal.Sealed, status: str, new: int, reason: str | None = None,
                quarantine_id: int | None = None, error: SealError | None = None,
                ledger: list[tuple[int, int]] | None = None) -> IngestResult:
        header = sealed.header
        first, last = header.get("first_seq"), header.get("last_seq")
        result = IngestResult(status, sealed.kind, sealed.station, sealed.object_id, first, last,
                              new, reason, quarantine_id, hashlib.sha256(sealed.data).hexdigest(),
                              message_zh=error.message_zh if error else "", message_en=error.message_en if error else "")
        result.ack = self.acknowledge(result, header.get("batch_no"), ledger)
        return result

    def acknowledge(self, result: IngestResult, batch_no: int | None = None,
                    ledger: list[tuple[int, int]] | None = None) -> bytes:
        """The signed acknowledgement of a result, with the station's ledger (`ledger`, when the
        caller has just written it; else read)."""
        document = {
            "station": result.station, "object_id": result.object_id, "kind": result.kind,
            "status": result.status, "first_seq": result.first_seq, "last_seq": result.last_seq,
            "batch_no": batch_no, "reason": result.reason, "sealed_sha256": result.sealed_sha256,
            "held": [list(r) for r in (self.store.held_ranges(result.station or "") if ledger is None else ledger)],
            "hub": self.store.fingerprint, "at": self.store.now(),
        }
        if result.message_zh or result.message_en:
            document |= {"message_zh": result.message_zh, "message_en": result.message_en}
        return acks.sign(document, self.store.keys.signing)

    def _quarantine(self, data: bytes, error: SealError, via: str,
                    sealed: seal.Sealed | None, uploader: str | None = None) -> IngestResult:
        station = sealed.station if sealed is not None else uploader
        object_id = sealed.object_id if sealed is not None else None
        qid = self.store.quarantine(data, error, via, station, object_id)
        if qid is None:
            return IngestResult("refused", station=station, reason="quarantine_full")
        if sealed is None:
            return IngestResult("quarantined", station=station, reason=error.reason, quarantine_id=qid)
        return self._result(sealed, "quarantined", 0, error.reason, qid, error)

    def _refuse(self, data: bytes, via: str, uploader: str) -> IngestResult:
        """Another station's object, sent by `uploader`: kept in the uploader's quarantine and
        answered with neither the signer's acknowledgement nor its ledger."""
        error = _reject("wrong_uploader", "对象由其他站点签名，本站点不能上传",
                        "the object is signed by another station; a station uploads only its own")
        qid = self.store.quarantine(data, error, via, uploader)
        log.warning("ingest", extra={"station": uploader, "outcome": "refused", "reason": error.reason})
        return IngestResult("refused", station=uploader, reason=error.reason, quarantine_id=qid)


def _row(line: bytes, text: str, entry: dict[str, Any], station: str, expected: int,
         versions: set[tuple[Any, Any]], batch_id: str) -> tuple[Any, ...]:
    """One hub_record row (columns as `_COLUMNS`) from a checked line of the body.

    The row keeps the line itself, exactly as the station signed it inside the batch."""
    record = entry.get("record")
    if not (entry.keys() == _RECORD_KEYS and entry["seq"] == expected and type(record) is dict
            and type(entry["kind"]) is str and type(entry["at"]) is str and type(entry["audit_seq"]) is int
            and type(entry["audit_hash"]) is str and record.get("station") == station
            and record.get("id") == entry["application_id"] and type(entry["application_id"]) is str
            and (record.get("item_code"), record.get("catalog_version")) in versions
            # each of these four is a column, and PostgreSQL's text cannot hold NUL (a line may escape one)
            and "\x00" not in entry["kind"] + entry["at"] + entry["audit_hash"] + entry["application_id"]):
        raise BodyMismatch(f"第 {expected} 号记录与头部不符", f"record {expected} disagrees with the header",
                           "bad_records")
    return (station, expected, entry["kind"], entry["application_id"], entry["at"], entry["audit_seq"],
            entry["audit_hash"], hashlib.sha256(line).hexdigest(), text, batch_id)


_COLUMNS = ("station", "seq", "kind", "application_id", "at", "audit_seq", "audit_hash", "record_sha256",
            "record", "batch_id")


def _not_held(rows: Iterator[tuple[Any, ...]], held: dict[int, str]) -> Iterator[tuple[Any, ...]]:
    """Rows whose seq the hub does not hold; a held seq with other content is a conflict."""
    for row in rows:
        digest = held.get(row[_SEQ])
        if digest is None:
            yield row
        elif digest != row[_SHA]:
            raise _reject("conflict", f"序号 {row[_SEQ]} 已有内容不同的记录",
                          f"seq {row[_SEQ]} is already held with other content")


def _insert_records(rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert rows as they come: COPY on PostgreSQL, executemany on SQLite (the ORM's SQL
    building costs more than the database's work at this volume). Returns how many."""
    count = 0

    def counted() -> Iterator[tuple[Any, ...]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    connection = database.connection()
    if is_postgres():
        with connection.cursor() as cursor, cursor.copy(
                f"COPY hub_record ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in counted():
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in _COLUMNS)
        connection.executemany(f"INSERT INTO hub_record ({', '.join(_COLUMNS)}) VALUES ({marks})", counted())
    return count


def _batch_held(batch_id: str) -> bool:
    return statement(_BATCH_HELD, (batch_id,)).fetchone() is not None


def _extend_ledger(station: str, first: int, last: int, now: str) -> list[tuple[int, int]]:
    """Add [first, last] to the station's ledger, merging the runs it touches, then record the
    holes below the highest held number and mark filled the ones that closed. Returns the
    ledger as it now stands, ascending."""
    runs = [(int(i), int(a), int(b)) for i, a, b in statement(_RUNS, (station,)).fetchall()]
    touching = [r for r in runs if r[1] <= last + 1 and r[2] >= first - 1]
    merged = (min([first, *(r[1] for r in touching)]), max([last, *(r[2] for r in touching)]))
    ids = [r[0] for r in touching]
    if ids:
        statement(f"DELETE FROM hub_range WHERE id IN ({', '.join('?' for _ in ids)})", ids)
    statement(_INSERT_RUN, (station, *merged))
    ledger = sorted([(a, b) for run_id, a, b in runs if run_id not in ids] + [merged])
    holes, expected = set(), 1
    for low, high in ledger:
        if low > expected:
            holes.add((expected, low - 1))
        expected = high + 1
    open_gaps = {(int(a), int(b)): int(i) for i, a, b in statement(_OPEN_GAPS, (station,)).fetchall()}
    closed = [gap_id for key, gap_id in open_gaps.items() if key not in holes]
    if closed:  # the rare paths (a batch arriving out of order) keep peewee
        HubGap.update(filled_at=now).where(HubGap.id.in_(closed)).execute()
    for low, high in sorted(holes - set(open_gaps)):
        HubGap.create(station=station, first_seq=low, last_seq=high, detected_at=now)
        log.info("gap", extra={"station": station, "first_seq": low, "last_seq": high})
    return ledger
