"""The hub's operations shared by the HTTP app, the folder import and the command line."""

from __future__ import annotations

import json
import logging
from typing import Any

from peewee import fn

from sync.hub import station_watch, tus
from sync.hub.db import statement, tuples
from sync.hub.ingest import Ingestor, IngestResult
from sync.hub.metrics import Metrics
from sync.hub.models import (
    HubBatch,
    HubGap,
    HubQuarantine,
    HubRange,
    HubRecord,
    HubStation,
    HubUpload,
)
from sync.hub.store import HubStore

log = logging.getLogger("jiujin.hub")

# Asked once for every upload (a day's batch): fixed SQL, as ingest's own queries. The
# station's unresolved quarantine (objects and bytes) and its unfinished uploads' bytes.
_QUOTAS = ("SELECT COUNT(*), COALESCE(SUM(size), 0), (SELECT COALESCE(SUM(length), 0) FROM hub_upload"
           " WHERE station = ? AND completed_at IS NULL) FROM hub_quarantine WHERE station = ? AND resolved_at IS NULL")


class HubService:
    """A hub store with its ingestor, metrics and the tus uploads in flight."""

    def __init__(self, store: HubStore, metrics: Metrics | None = None) -> None:
        self.store = store
        self.metrics = metrics or Metrics()
        self.ingestor = Ingestor(store, self.metrics)
        self.patches = tus.PatchRegistry()

    def ingest(self, data: bytes, via: str, uploader: str | None = None) -> IngestResult:
        return self.ingestor.ingest(data, via, uploader)

    def open_upload(self, station: str, length: int, metadata: dict[str, str]) -> HubUpload:
        """A new tus upload for `station`. Refused while the station's quarantine is full (429),
        or when it would take its unfinished uploads past their quota (413); the operator finds
        either in the log."""
        quarantined, quarantined_bytes, unfinished = statement(_QUOTAS, (station, station)).fetchone()
        if self.store.quarantine_at_quota(station, int(quarantined), int(quarantined_bytes)):
            raise tus.TusProblem(429, "quarantine_full",
                                 "this station's quarantine is full; the hub operator must resolve it first",
                                 "本站点在中心的隔离区已满，请联系中心处理后再上传")
        if int(unfinished) + length > self.store.config.uploads_max_bytes:
            log.warning("quota_exceeded", extra={"station": station, "reason": "uploads_full"})
            raise tus.TusProblem(413, "uploads_full",
                                 "this station's unfinished uploads are at their quota; finish or delete them first",
                                 "本站点未完成的上传已达上限，请先完成或删除")
        return tus.create(station, length, metadata, self.store.now())

    def end_patch(self, patch: tus.Patch, station: str) -> tuple[int, dict[str, Any] | None]:
        """End a PATCH by `station` whose body has arrived: the upload's offset now, and what
        ingest made of the upload when this PATCH completed it (else None). A PATCH that
        carried the whole object is ingested straight from memory (`tus.Patch.whole`)."""
        if patch.whole:
            return patch.length, self.patches.finish_whole(
                patch, lambda data: self._finish(patch.upload_id, data, station, stored=False))
        offset = self.patches.commit(patch)
        return offset, self.finish_upload(patch.upload_id) if offset == patch.length else None

    def upload_outcome(self, upload_id: str, station: str) -> dict[str, Any] | None:
        """What became of `station`'s upload, ingested on the first call once complete; None
        while it is not complete (`tus.TusProblem` when there is no such upload)."""
        upload = tus.find(upload_id, station, self.store.clock())
        return self._result(upload) if upload.offset == upload.length else None

    def finish_upload(self, upload_id: str) -> dict[str, Any]:
        """Ingest a complete upload once; later calls return the stored result."""
        return self._result(HubUpload.get_by_id(upload_id))

    def _result(self, upload: HubUpload) -> dict[str, Any]:
        if upload.result is not None:
            stored: dict[str, Any] = json.loads(upload.result)
            return stored
        return self._finish(upload.id, tus.assemble(upload), upload.station)

    def _finish(self, upload_id: str, data: bytes, station: str, stored: bool = True) -> dict[str, Any]:
        result = self.ingestor.ingest(data, "http", uploader=station)
        document = result.as_json() | {"ack": (result.ack or b"").decode() or None}
        tus.finish(upload_id, document, self.store.now(), stored)
        return document

    def recover_uploads(self) -> int:
        """Ingest uploads that were complete when the hub stopped; returns how many."""
        pending = [u.id for u in HubUpload.select(HubUpload.id).where(
            HubUpload.result.is_null() & (HubUpload.offset == HubUpload.length))]
        for upload_id in pending:
            self.finish_upload(upload_id)
        if pending:
            log.info("ingested %d uploads left complete at the last stop", len(pending))
        return len(pending)

    def expire_uploads(self) -> int:
        """Drop unfinished uploads past their tus expiry; returns how many."""
        return tus.expire(self.store.clock())

    def batch_ack(self, station: str, batch_id: str) -> bytes | None:
        """A fresh signed acknowledgement of a batch the hub holds, or None."""
        batch = HubBatch.get_or_none((HubBatch.batch_id == batch_id) & (HubBatch.station == station))
        if batch is None:
            return None
        return self._ack(batch)

    def acks_after(self, station: str, batch_no: int, limit: int = 200) -> list[bytes]:
        """Acknowledgements of the station's held batches numbered above `batch_no`."""
        query = (HubBatch.select().where((HubBatch.station == station) & (HubBatch.batch_no > batch_no))
                 .order_by(HubBatch.batch_no).limit(limit))
        return [self._ack(batch) for batch in query]

    def _ack(self, batch: HubBatch) -> bytes:
        result = IngestResult("stored", "batch", batch.station, batch.batch_id, batch.first_seq,
                              batch.last_seq)
        return self.ingestor.acknowledge(result, batch.batch_no)

    def state(self) -> dict[str, Any]:
        """What /metrics reads from the database at scrape time (see `sync.hub.metrics.HubState`)."""
        stations = {status: 0 for status in ("pending", "active", "revoked")}
        for status, count in tuples(HubStation.select(HubStation.status, fn.COUNT(HubStation.code))
                                    .group_by(HubStation.status)):
            stations[str(status)] = int(count)
        high = dict(tuples(HubRange.select(HubRange.station, fn.MAX(HubRange.last_seq)).group_by(HubRange.station)))
        per_station = [(code, last, int(high.get(code) or 0)) for code, last in tuples(
            HubStation.select(HubStation.code, HubStation.last_received_at).where(HubStation.status == "active")
            .order_by(HubStation.code))]
        return {
            "stations": stations,
            "records": HubRecord.select().count(),
            "quarantined": HubQuarantine.select().where(HubQuarantine.resolved_at.is_null()).count(),
            "open_gaps": HubGap.select().where(HubGap.filled_at.is_null()).count(),
            "per_station": per_station,
            "watch": station_watch.look(self.store),
        }
