"""Sync at the station: outbox → sealed batches → the hub (HTTP or USB) → acknowledgements.

The service reads only the outbox (DESIGN.md decision 4), seals with the station's key,
sends and receives through one `Transport` (station/core/transports.py) of the store's link
to the hub (`store.hub`, station/core/hub_link.py),
records each batch's state in `sync_batch`, and applies the hub's signed
acknowledgements: the outbox range is marked acknowledged and the applications it
carried become `delivered`, in short transactions of bounded size. A batch the hub quarantined stops being
resent (a sync operator sees it in the status) and never blocks the batches after it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from peewee import JOIN, fn

from reports.wording import DAMAGED_COPY
from station.core import outbox
from station.core.anchors import guard as guard_audit_chain
from station.core.applications import HubStatus, Status
from station.core.db import (
    SHORT_TRANSACTION_ROWS,
    database,
    in_background,
    in_short_transactions,
    write_transaction,
)
from station.core.downstream import receive_bundles
from station.core.errors import JiujinError
from station.core.hub_link import HubLink, SyncNotReady
from station.core.models import (
    Application,
    Attachment,
    Operator,
    OutboxEvent,
    SyncAttachment,
    SyncBatch,
)
from station.core.operators import ACTIVE
from station.core.roles import Action, Role, require
from station.core.session import Session
from station.core.store import StationStore
from station.core.transports import BatchFile, Transport
from sync import acks, seal
from sync.acks import Ack
from sync.batches import OutboxEntry, cut_batch
from sync.errors import AckError, HubUnavailable, HubUnreachable, SyncError
from sync.transport_folder import export_folder

log = logging.getLogger("jiujin.station.sync")
BATCH_STATES = ("sealed", "sent", "acknowledged", "quarantined")
DELIVERABLE = (Status.SUBMITTED, Status.ACCEPTED_PENDING_MATERIALS, Status.AMENDED)
Progress = Callable[[str, int, int], None]
F = TypeVar("F", bound=Callable[..., Any])
#: Added to the person's name in the audit trail for what the background round does.
AGENT_SUFFIX = "@sync"


def _one_round(method: F) -> F:
    """Hold the store's sync round for the whole operation: the background round and a sync
    operator's push, pull, export or import run one after the other, never interleaved."""

    @functools.wraps(method)
    def one_at_a_time(self: SyncService, *args: Any, **kwargs: Any) -> Any:
        with self.store.sync_round:
            return method(self, *args, **kwargs)

    return cast(F, one_at_a_time)


@dataclass(frozen=True)
class SyncStatus:
    """What `jiujin sync status` and the UI show."""

    station: str
    station_fingerprint: str
    hub_url: str
    hub_fingerprint: str
    enrolled: bool
    outbox_high_water: int
    outbox_depth: int
    batches: dict[str, int]
    quarantined_batches: list[int]
    last_error: str | None

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class BatchLine:
    """One batch as the sync operator sees it: its range, where it stands at the hub, and why
    the hub quarantined it (the reason code and the hub's words, from its signed answer)."""

    batch_no: int
    first_seq: int
    last_seq: int
    records: int
    state: str  # sealed | sent | acknowledged | quarantined
    transport: str | None
    created_at: str
    sent_at: str | None
    acknowledged_at: str | None
    reason: str | None = None
    message_zh: str = ""
    message_en: str = ""

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class PushReport:
    """What a push or an import achieved."""

    sealed: int = 0
    sent: int = 0
    acknowledged: int = 0
    records_acknowledged: int = 0
    delivered: int = 0
    attachments_sent: int = 0
    bytes_sent: int = 0
    quarantined: list[int] = field(default_factory=list)
    #: Batches whose copy reached the hub damaged (the hub set the copy aside): sent again.
    damaged: list[int] = field(default_factory=list)
    files: int = 0
    #: Files a USB folder held that were skipped, one Chinese / English line each.
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class BackgroundReport:
    """One background round: what it pushed, the acknowledgements it fetched for batches that
    went by USB, and the hub's bundles (applied, skipped, refused)."""

    pushed: PushReport
    pulled: PushReport
    bundles: dict[str, Any]
    session_ended: bool = False  # a bundle disabled the person or changed their role

    @property
    def bundles_applied(self) -> int:
        return len(self.bundles.get("applied", []))


def sync_agent(session: Session) -> Session:
    """The station's sync agent acting during `session`: sync rights and the person's opened
    key, named in the audit trail as the person plus `@sync` (no operator name has an `@`),
    so that what the background did is told apart from what the person did."""
    session.ensure_active()
    return Session(session.operator_id, f"{session.operator_name}{AGENT_SUFFIX}", "后台同步",
                   Role.SYNC_OPERATOR, session.db_key)


def _line(batch: SyncBatch) -> BatchLine:
    answer: dict[str, Any] = {}
    if batch.state == "quarantined" and batch.ack:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            answer = json.loads(batch.ack)["document"]
    return BatchLine(int(batch.batch_no), int(batch.first_seq), int(batch.last_seq), int(batch.record_count),
                     str(batch.state), batch.transport, str(batch.created_at), batch.sent_at, batch.acknowledged_at,
                     (str(answer.get("reason") or batch.last_error) if batch.state == "quarantined"
                      else batch.last_error),
                     str(answer.get("message_zh") or ""), str(answer.get("message_en") or ""))


def _may_go_on(session: Session) -> bool:
    """Whether the person is still active here, in the role they logged in with."""
    row = Operator.get_or_none(Operator.id == session.operator_id)
    return row is not None and row.status == ACTIVE and row.role == session.role


class SyncService:
    """Sync operations on one unlocked station store, over its one link to the hub (`store.hub`);
    each checks the caller's role."""

    def __init__(self, store: StationStore, max_records: int = seal.MAX_BATCH_RECORDS,
                 max_bytes: int = seal.MAX_BATCH_BYTES) -> None:
        self.store = store
        self.max_records, self.max_bytes = max_records, max_bytes
        #: batch id -> SHA-256 of the sealed bytes sent in this process, so that checking the
        #: hub's acknowledgement of them need not seal them again (`apply_ack`).
        self._sent: dict[str, str] = {}

    @property
    def link(self) -> HubLink:
        return self.store.hub

    # -- status -----------------------------------------------------------------------

    def status(self, session: Session) -> SyncStatus:
        """Outbox depth, batches by state, enrolment and fingerprints."""
        require(session, Action.OUTBOX_READ)
        counts = {state: int(SyncBatch.select().where(SyncBatch.state == state).count()) for state in BATCH_STATES}
        quarantined = [int(b.batch_no) for b in SyncBatch.select(SyncBatch.batch_no)
                       .where(SyncBatch.state == "quarantined").order_by(SyncBatch.batch_no)]
        failed = (SyncBatch.select(SyncBatch.last_error).where(SyncBatch.last_error.is_null(False)
                  & (SyncBatch.state != "acknowledged")).order_by(SyncBatch.batch_no.desc()).first())
        return SyncStatus(
            station=self.store.config.code, station_fingerprint=self.link.station_fingerprint(),
            hub_url=self.store.config.hub_url,
            hub_fingerprint=self.link.keys().fingerprint() if self.link.has_keys else "",
            enrolled=self.link.enrolled,
            outbox_high_water=outbox.high_water(), outbox_depth=outbox.depth(),
            batches=counts, quarantined_batches=quarantined,
            last_error=failed.last_error if failed else None,
        )

    def batches(self, session: Session, limit: int = 200) -> list[BatchLine]:
        """The newest batches, quarantined ones first, with the hub's reasons."""
        require(session, Action.OUTBOX_READ)
        rows = (SyncBatch.select().order_by((SyncBatch.state == "quarantined").desc(), SyncBatch.batch_no.desc())
                .limit(max(1, min(limit, 10_000))))
        return [_line(batch) for batch in rows]

    # -- sealing ----------------------------------------------------------------------

    def seal_pending(self, session: Session) -> list[SyncBatch]:
        """Seal every outbox event not yet in a batch into bounded, chained batches."""
        require(session, Action.SYNC_RUN)
        made: list[SyncBatch] = []
        while (sealed := self._seal_next()) is not None:
            made.append(sealed[0])
        return made

    def _seal_next(self) -> tuple[SyncBatch, bytes] | None:
        """Seal the next batch of unsealed events; None when there are none."""
        with self.store.seal_lock:
            last = SyncBatch.select().order_by(SyncBatch.batch_no.desc()).first()
            first_seq = last.last_seq + 1 if last else 1
            body = cut_batch(_entries(first_seq, first_seq + self.max_records - 1), self.max_records, self.max_bytes)
            if body is None:
                return None
            meta = seal.BatchMeta(self.store.config.code, (last.batch_no + 1) if last else 1, body.first_seq,
                                  body.last_seq, last.batch_id if last else seal.GENESIS, body.catalog_versions,
                                  body.audit_head, self.store.clock().isoformat())
            sealed = seal.seal_batch(meta, body.body, self.store.signing_key(), self.link.keys())
            with write_transaction():
                batch = SyncBatch.create(
                    batch_no=meta.batch_no, first_seq=meta.first_seq, last_seq=meta.last_seq,
                    record_count=meta.last_seq - meta.first_seq + 1, batch_id=seal.read(sealed).object_id,
                    prev_batch=meta.prev_batch, body_sha256=hashlib.sha256(body.body).hexdigest(),
                    created_at=meta.created_at, size=len(sealed), state="sealed")
            return batch, sealed

    def _sealing_ahead(self) -> Iterator[tuple[SyncBatch, bytes]]:
        """New batches, sealed on a worker thread one ahead of the caller (who uploads them).

        At most two sealed batches exist in memory at once, whatever the outbox holds."""
        handoff: queue.Queue[tuple[SyncBatch, bytes] | BaseException | None] = queue.Queue(maxsize=1)
        stop = threading.Event()

        def work() -> None:
            try:
                with in_background():
                    while not stop.is_set():
                        item = self._seal_next()
                        handoff.put(item)
                        if item is None:
                            return
            except BaseException as error:  # handed to the caller, who raises it
                handoff.put(error)
            finally:
                database.close()

        worker = threading.Thread(target=work, name="jiujin-seal", daemon=True)
        worker.start()
        try:
            while (item := handoff.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while worker.is_alive():
                with contextlib.suppress(queue.Empty):
                    handoff.get(timeout=0.05)
            worker.join()

    def sealed_bytes(self, batch: SyncBatch) -> bytes:
        """Reseal a recorded batch; identical to the first sealing (checked by its id)."""
        entries = _entries(batch.first_seq, batch.last_seq)
        body = cut_batch(entries, max_records=len(entries), max_bytes=1 << 62)
        if body is None or body.last_seq != batch.last_seq:
            raise SyncNotReady("发件箱记录缺失，无法重新封装", "outbox events are missing; cannot reseal")
        meta = seal.BatchMeta(self.store.config.code, batch.batch_no, batch.first_seq, batch.last_seq,
                              batch.prev_batch, body.catalog_versions, body.audit_head, batch.created_at)
        data = seal.seal_batch(meta, body.body, self.store.signing_key(), self.link.keys())
        if seal.read(data).object_id != batch.batch_id:
            raise SyncNotReady("重新封装的批次与原批次不符（中心密钥或发件箱已变）",
                               "the resealed batch differs from the original (hub key or outbox changed)")
        return data

    def _sealed_attachment(self, attachment: Attachment) -> bytes:
        return seal.seal_attachment(self.store.config.code, bytes(attachment.content), attachment.media_type,
                                    attachment.created_at, self.store.signing_key(), self.link.keys())

    # -- sending: push (HTTP) and export (USB) ------------------------------------------

    @_one_round
    def push(self, session: Session, progress: Progress | None = None) -> PushReport:
        """Upload what the hub lacks and apply its acknowledgements (`send` over HTTP)."""
        require(session, Action.SYNC_RUN)
        with contextlib.closing(self.link.http()) as transport:
            return self.deliver(session, transport, progress)

    @_one_round
    def export(self, session: Session, root: Path, progress: Progress | None = None) -> PushReport:
        """Write every unacknowledged batch and undelivered attachment to a USB folder, then
        its manifest (`send` to the folder)."""
        require(session, Action.SYNC_RUN)
        with contextlib.closing(self.link.folder(export_folder(root))) as transport:
            report = self.deliver(session, transport, progress)
            # station.recovery beside the manifest: `db recover` even when the PC is gone.
            self.store.write_recovery_copy(transport.folder.path)
            return report

    def deliver(self, session: Session, transport: Transport, progress: Progress | None = None) -> PushReport:
        """Check the audit chain against the hub's anchor (`station.core.anchors`; AuditDivergence
        stops the round), send what the hub lacks by `transport`, applying each acknowledgement
        the hub gives at once, then close the sending (a USB folder gets its manifest)."""
        report = PushReport()
        guard_audit_chain(self.store, self.link.keys(), session, transport)
        for ack in self.send(session, transport, report, progress):
            self.apply_ack(session, ack, report)
        report.files = transport.finish_sending(self.store.clock().isoformat(), self.link.enrolment_request())
        return report

    def send(self, session: Session, transport: Transport, report: PushReport,
             progress: Progress | None = None) -> Iterator[bytes]:
        """Send pending attachments, then batches sealed earlier, then new ones, sealed one ahead
        while the previous one travels; yields each acknowledgement the hub gives at once.
        `progress("batches", done, total)` after each batch."""
        require(session, Action.SYNC_RUN)
        self._sent.clear()  # acknowledgements fetched later are checked by sealing again
        self._send_attachments(transport, report)
        pending = list(SyncBatch.select().where(SyncBatch.state.in_(("sealed", "sent"))).order_by(SyncBatch.batch_no))
        done = 0
        for batch in pending:
            yield from self._send_batch(transport, batch, None, report)
            done += 1
            if progress:
                progress("batches", done, len(pending))
        for batch, data in self._sealing_ahead():
            report.sealed += 1
            yield from self._send_batch(transport, batch, data, report)
            done += 1
            if progress:
                progress("batches", done, done)

    def _send_batch(self, transport: Transport, batch: SyncBatch, data: bytes | None,
                    report: PushReport) -> Iterator[bytes]:
        held = transport.held_ack(batch.batch_id) if batch.state != "sealed" or batch.upload_url else None
        if held is None:
            def remember(url: str) -> None:
                with write_transaction():
                    SyncBatch.update(upload_url=url).where(SyncBatch.batch_no == batch.batch_no).execute()
            data = data or self.sealed_bytes(batch)
            self._sent[batch.batch_id] = hashlib.sha256(data).hexdigest()
            sent = transport.send_batch(BatchFile(batch.batch_no, batch.batch_id, batch.first_seq, batch.last_seq),
                                        data, batch.upload_url, remember)
            report.sent += 1
            report.bytes_sent += sent.bytes_sent
            with write_transaction():
                SyncBatch.update(state="sent", transport=transport.kind, sent_at=self.store.clock().isoformat()
                                 ).where((SyncBatch.batch_no == batch.batch_no) & (SyncBatch.state == "sealed")
                                         ).execute()
            held = sent.ack
        if held:
            yield held

    def _send_attachments(self, transport: Transport, report: PushReport) -> None:
        waiting = _undelivered_attachments()
        if not waiting:
            return
        missing = set(transport.missing_attachments(sorted(waiting)))
        for digest in sorted(waiting):
            if digest in missing:
                sent = transport.send_attachment(digest, self._sealed_attachment(
                    Attachment.get(Attachment.sha256 == digest)))
                report.bytes_sent += sent.bytes_sent
                report.attachments_sent += 1
                if not sent.held:
                    continue
            with write_transaction():
                SyncAttachment.insert(sha256=digest, delivered_at=self.store.clock().isoformat()
                                      ).on_conflict_ignore().execute()

    # -- receiving: pull (HTTP) and import (USB) ----------------------------------------

    @_one_round
    def pull(self, session: Session) -> PushReport:
        """Fetch the hub's acknowledgements of batches sent by any path, and apply them."""
        require(session, Action.SYNC_RUN)
        with contextlib.closing(self.link.http()) as transport:
            return self.receive_acks(session, transport)

    @_one_round
    def import_acks(self, session: Session, root: Path, progress: Progress | None = None) -> PushReport:
        """Apply the hub's acknowledgement files from a USB folder, then tidy the folder;
        `progress("import", done, total)` after each file."""
        require(session, Action.SYNC_RUN)
        with contextlib.closing(self.link.folder(root)) as transport:
            return self.receive_acks(session, transport, progress)

    @_one_round
    def pull_from_hub(self, session: Session) -> tuple[PushReport, dict[str, Any]]:
        """Everything the hub has for this station over HTTP: acknowledgements, then bundles."""
        require(session, Action.SYNC_RUN)
        with contextlib.closing(self.link.http()) as transport:
            return self.receive(session, transport)

    @_one_round
    def import_from_folder(self, session: Session, root: Path,
                           progress: Progress | None = None) -> tuple[PushReport, dict[str, Any]]:
        """Everything the hub left on a USB stick: acknowledgements (`progress` after each file),
        then bundles."""
        require(session, Action.SYNC_RUN)
        with contextlib.closing(self.link.folder(root)) as transport:
            return self.receive(session, transport, progress)

    def receive(self, session: Session, transport: Transport,
                progress: Progress | None = None) -> tuple[PushReport, dict[str, Any]]:
        """The hub's acknowledgements, then its bundles (statuses, resend requests, policy,
        calendar, catalog, roster...), by `transport`."""
        report = self.receive_acks(session, transport, progress)
        seen = len(transport.problems)
        applied = receive_bundles(self.store, session, transport)
        report.problems += transport.problems[seen:]
        return report, applied

    def receive_acks(self, session: Session, transport: Transport, progress: Progress | None = None) -> PushReport:
        """Apply the acknowledgements waiting on `transport`, then drop what they cover from it."""
        require(session, Action.SYNC_RUN)
        report = PushReport()
        oldest = (SyncBatch.select(fn.MIN(SyncBatch.batch_no))
                  .where(SyncBatch.state.in_(("sealed", "sent"))).scalar())
        found = transport.acks(None if oldest is None else int(oldest) - 1)
        attachments: set[str] = set()
        for done, data in enumerate(found, start=1):
            ack = self._receive_ack(session, transport, data, report)
            if ack is not None and ack.document.get("kind") == "attachment":
                attachments.add(ack.object_id)
            if progress:
                progress("import", done, len(found))
        transport.tidy(lambda: _acknowledged_batches() | attachments, self.store.clock().isoformat(),
                       self.link.enrolment_request())
        report.problems += transport.problems
        return report

    def _receive_ack(self, session: Session, transport: Transport, data: bytes, report: PushReport) -> Ack | None:
        """Apply one acknowledgement. The hub answering now must sign what it says; a file on a
        stick that does not verify is left aside (anything may lie on a stick)."""
        try:
            ack = self.apply_ack(session, data, report)
        except AckError as error:
            if transport.live:
                raise
            log.warning("ignored an acknowledgement file: %s", error.message_en)
            report.problems.append(f"{error.message_zh} / {error.message_en}")
            return None
        if not transport.live:
            report.files += 1
        if ack.document.get("kind") == "enrolment":
            self.link.enrolment_answered()
        return ack

    # -- the background round -----------------------------------------------------------

    @_one_round
    def background_round(self, session: Session) -> BackgroundReport:
        """One round of the station's background sync, started for whoever is logged in:
        push what waits, fetch acknowledgements of batches that went by USB, then apply the
        hub's bundles (statuses, policy, calendar, roster...).

        The person needs no sync rights: the round runs as the station's sync agent
        (`sync_agent`) and reports counts only. A sync operator's push waits for it. When a
        revocation or roster bundle disabled the person or changed their role, their session
        ends here: they log in again, with the role the hub gave them, or not at all."""
        require(session, Action.SYNC_BACKGROUND)
        agent = sync_agent(session)
        with contextlib.closing(self.link.http()) as transport:
            report = BackgroundReport(self.deliver(agent, transport), *self.receive(agent, transport))
        if report.bundles_applied and not _may_go_on(session):
            session.end()  # the next call of any service refuses; the app locks its screen
            return dataclasses.replace(report, session_ended=True)
        return report

    # -- acknowledgements ---------------------------------------------------------------

    def apply_ack(self, session: Session, data: bytes, report: PushReport | None = None) -> Ack:
        """Verify one signed acknowledgement and apply it; AckError if it is not the hub's.

        The outbox events it covers become acknowledged and their applications `delivered` in
        short transactions of bounded size (`_acknowledge`), so a submission at the counter never
        waits behind a large acknowledgement; the batch is marked acknowledged last. A crash on
        the way loses nothing: the batch is still `sent`, the next round fetches the same
        acknowledgement again, and it applies only what is not applied yet.
        """
        require(session, Action.SYNC_RUN)
        ack = acks.verify(data, self.link.keys(), self.store.config.code)
        report = report if report is not None else PushReport()
        if ack.document.get("kind") != "batch":
            return ack
        batch = SyncBatch.get_or_none(SyncBatch.batch_id == ack.object_id)
        if batch is None or batch.state == "acknowledged":
            self._acknowledge(session, ack.held, report)
            return ack
        sent = self._sent.pop(batch.batch_id, None) or hashlib.sha256(self.sealed_bytes(batch)).hexdigest()
        if not ack.names_bytes(sent) and not ack.ok and ack.sealed_sha256 is not None:
            self._damaged_copy(batch, ack, report)  # the hub names the other bytes it set aside
            return ack
        if not ack.names_bytes(sent):
            raise AckError("回执针对的不是本站点发送的批次字节，已忽略",
                           "an acknowledgement for other bytes than the batch this station sent was ignored")
        if not ack.ok:
            with write_transaction():
                SyncBatch.update(state="quarantined", last_error=f"{ack.document.get('reason')}", ack=data.decode()
                                 ).where(SyncBatch.batch_no == batch.batch_no).execute()
            report.quarantined.append(int(batch.batch_no))
            return ack
        self._acknowledge(session, ack.held, report)
        with write_transaction():
            marked = SyncBatch.update(state="acknowledged", acknowledged_at=self.store.clock().isoformat(),
                                      ack=data.decode(), last_error=None
                                      ).where((SyncBatch.batch_no == batch.batch_no)
                                              & (SyncBatch.state != "acknowledged")).execute()
        report.acknowledged += int(marked)
        return ack

    def _damaged_copy(self, batch: SyncBatch, ack: Ack, report: PushReport) -> None:
        """The hub set aside a copy of `batch` whose bytes are not the ones this station sealed
        (damaged on a USB stick, say): the batch is not quarantined but sealed again, so the next
        push or export sends it again, and the hub's reason is kept to be shown."""
        with write_transaction():
            SyncBatch.update(state="sealed", upload_url=None,
                             last_error=f"{DAMAGED_COPY}{ack.document.get('reason') or ''}"
                             ).where((SyncBatch.batch_no == batch.batch_no) & (SyncBatch.state != "acknowledged")
                                     ).execute()
        log.warning("the hub set aside a damaged copy of batch %d; it will be sent again", batch.batch_no)
        report.damaged.append(int(batch.batch_no))

    def _acknowledge(self, session: Session, held: list[tuple[int, int]], report: PushReport) -> None:
        """Mark the outbox events in `held` acknowledged and their applications delivered, a
        bounded slice of sequence numbers per transaction. `held` is the station's whole ledger
        at the hub; events below the first batch not yet acknowledged are acknowledged already."""
        floor = outbox.first_waiting_seq()
        slices = [(a, min(a + SHORT_TRANSACTION_ROWS - 1, last))
                  for first, last in held for a in range(max(first, floor), last + 1, SHORT_TRANSACTION_ROWS)]
        for part in in_short_transactions(slices, 1):
            for first, last in part:
                self._acknowledge_slice(session, first, last, report)

    def _acknowledge_slice(self, session: Session, first: int, last: int, report: PushReport) -> None:
        newly = [str(row[0]) for row in database.execute_sql(_UNACKNOWLEDGED_APPLICATIONS, (first, last))]
        if not newly:
            return
        report.records_acknowledged += outbox.acknowledge(first, last, self.store.clock())
        ids = sorted(set(newly))
        delivered = self.store.applications.record_hub_statuses(
            session, [HubStatus(app_id, Status.DELIVERED) for app_id in ids], only_from=DELIVERABLE)
        report.delivered += len(delivered)


_UNACKNOWLEDGED_APPLICATIONS = ("SELECT application_id FROM outbox_event"
                                " WHERE seq BETWEEN ? AND ? AND acknowledged_at IS NULL")


def _acknowledged_batches() -> set[str]:
    return {b.batch_id for b in SyncBatch.select(SyncBatch.batch_id).where(SyncBatch.state == "acknowledged")}


def _entries(first: int, last: int) -> list[OutboxEntry]:
    """Outbox events first..last as sync sees them.

    The stored payload is already canonical JSON, so it travels as stored; its item and
    catalog version come from the application row (fixed once submitted; the hub checks
    every record against the header anyway), and are parsed from the payload only when
    the row is gone.
    """
    query = (OutboxEvent.select(OutboxEvent.seq, OutboxEvent.kind, OutboxEvent.application_id, OutboxEvent.at,
                                OutboxEvent.audit_seq, OutboxEvent.audit_hash, OutboxEvent.payload,
                                Application.item_code, Application.catalog_version)
             .join(Application, JOIN.LEFT_OUTER, on=(Application.id == OutboxEvent.application_id))
             .where(OutboxEvent.seq.between(first, last)).order_by(OutboxEvent.seq))
    rows: list[tuple[int, str, str, str, int, str, str, str | None, str | None]] = list(query.tuples())  # type: ignore[arg-type]
    entries = []
    for seq, kind, app_id, at, audit_seq, audit_hash, payload, item_code, version in rows:
        if item_code is None:
            record = json.loads(payload)
            item_code, version = record.get("item_code"), record.get("catalog_version")
        entries.append(OutboxEntry(seq, kind, app_id, at, audit_seq, audit_hash, {}, payload.encode("utf-8"),
                                   f"{item_code}@{version}"))
    return entries


def _undelivered_attachments() -> set[str]:
    """Attachments of submitted applications the hub is not known to hold."""
    delivered = SyncAttachment.select(SyncAttachment.sha256)
    query = (Attachment.select(Attachment.sha256).join(Application)
             .where((Application.status != Status.DRAFT) & Attachment.sha256.not_in(delivered)))
    return {a.sha256 for a in query}


class SyncLoop:
    """Background sync on `store`: a round (`SyncService.background_round`) every `interval`
    seconds and when woken; while the hub cannot be reached, probe it every `probe` seconds and
    run a round as soon as it answers. Reports each round through a callback, on its own thread."""

    def __init__(self, store: StationStore, session: Session, interval: float = 300.0, probe: float = 15.0,
                 on_result: Callable[[BackgroundReport | None, SyncError | JiujinError | None], None] | None = None
                 ) -> None:
        self.service, self.session = SyncService(store), session
        self.interval, self.probe = interval, probe
        self.on_result = on_result
        self.online = True
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="jiujin-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run a round now (e.g. after a submission)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the round under way, waiting up to `timeout` seconds for it (0: do not wait)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and timeout > 0:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            with in_background():
                while not self._stop.is_set():
                    if self.online or self._hub_answers():
                        self._round_once()
                    self._wake.wait(self.interval if self.online else self.probe)
                    self._wake.clear()
        finally:
            database.close()  # this thread's connection

    def _hub_answers(self) -> bool:
        try:
            with self.service.link.client() as client:
                client.health()
            return True
        except (SyncError, JiujinError):
            return False

    def _round_once(self) -> None:
        try:
            report = self.service.background_round(self.session)
            self.online = True
            if self.on_result:
                self.on_result(report, None)
        except (HubUnreachable, HubUnavailable) as error:
            self.online = False
            if self.on_result:
                self.on_result(None, error)
        except (SyncError, JiujinError) as error:
            if self.on_result:
                self.on_result(None, error)
