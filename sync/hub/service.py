"""The hub's operations shared by the HTTP app, the folder import and the command line."""

from __future__ import annotations

import json
import logging
from typing import Any

from peewee import fn

from sync.hub import station_watch, tus
from sync.hub.db import tuples
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


class HubService:
    """A hub store with its ingestor, metrics and the tus uploads in flight."""

    def __init__(self, store: HubStore, metrics: Metrics | None = None) -> None:
        self.store = store
        self.metrics = metrics or Metrics()
        self.ingestor = Ingestor(store, self.metrics)
        self.patches = tus.PatchRegistry()

    def ingest(self, data: bytes, via: str, uploader: str | None = None) -> IngestResult:
        return self.ingestor.ingest(data, via, uploader)

    def finish_upload(self, upload_id: str) -> dict[str, Any]:
        """Ingest a complete upload once; later calls return the stored result."""
        return self.upload_result(HubUpload.get_by_id(upload_id))

    def upload_result(self, upload: HubUpload) -> dict[str, Any]:
        """What became of a complete upload: ingested on the first call, read after."""
        if upload.result is not None:
            stored: dict[str, Any] = json.loads(upload.result)
            return stored
        return self._finish(upload.id, tus.assemble(upload), upload.station)

    def finish_whole(self, patch: tus.Patch, station: str) -> dict[str, Any]:
        """Ingest an upload that one PATCH by `station` carried whole (`tus.Patch.whole`)
        straight from memory, and record it finished with its result."""
        return self.patches.finish_whole(patch, lambda data: self._finish(patch.upload_id, data, station))

    def _finish(self, upload_id: str, data: bytes, station: str) -> dict[str, Any]:
        result = self.ingestor.ingest(data, "http", uploader=station)
        document = result.as_json() | {"ack": (result.ack or b"").decode() or None}
        tus.finish(upload_id, document, self.store.now())
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
