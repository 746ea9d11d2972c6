"""The sync round people wait for, end to end (issue 21), beside the bare transfer in the same run.

A station pushes to a real hub process on loopback HTTP (SQLite hub store) with
`SyncService.push`: seal the outbox into batches, upload them (tus), the hub ingests each and
signs its acknowledgement, the station applies it (the outbox events acknowledged, the
applications delivered). First a 10,000-application backlog, then three days of 1,000 each
on the same station (the median day). The baseline is the bare transfer: the same sealed
bytes POSTed, one request per batch, to a route of the same hub process that reads and drops
them.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench._harness import Figure, write_results
from bench.bench_sync import ADMIN, CLERK, CONFIG, SYNC, _hub, _station
from station.core.models import SyncBatch
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hubkeys import load_hub_public_keys
from tests.sync.hubproc import HubProcess

BACKLOG = int(os.environ.get("JIUJIN_BENCH_BACKLOG", "10000"))
DAY = int(os.environ.get("JIUJIN_BENCH_DAY", "1000"))
DAYS = 3


def _round(store: StationStore, service: SyncService, hub: HubProcess, expected: int) -> tuple[float, float]:
    """One push, timed; then the bare transfer of the batches it sealed. (round s, transfer s)"""
    before = int(SyncBatch.select(SyncBatch.batch_no).order_by(SyncBatch.batch_no.desc()).scalar() or 0)
    started = time.perf_counter()
    report = service.push(store.login(*SYNC))
    elapsed = time.perf_counter() - started
    assert report.delivered == expected and not report.quarantined, report
    sealed = [service.sealed_bytes(b) for b in SyncBatch.select().where(SyncBatch.batch_no > before)]
    with httpx.Client(base_url=hub.url, timeout=60) as client:
        started = time.perf_counter()
        for data in sealed:
            assert client.post("/bench/sink", content=data).json()["received"] == len(data)
        transfer = time.perf_counter() - started
    return elapsed, transfer


def measure(tmp: Path) -> list[Figure]:
    store = _station(tmp / "station", BACKLOG)
    hub, tokens = _hub(tmp / "hub", [CONFIG.code], (sys.executable, "-m", "bench.baseline_hub"))
    try:
        admin = store.login(*ADMIN)
        store.hub.configure(admin, load_hub_public_keys(hub.folder / "hub-public-keys.json"))
        store.hub.enrol(admin, tokens[CONFIG.code], hub.url)
        service = SyncService(store)
        backlog, backlog_transfer = _round(store, service, hub, BACKLOG)
        days, transfers = [], []
        for day in range(DAYS):
            seed_applications(store.login(*CLERK), service_choices(CONFIG.point_type), DAY, seed=100 + day, days=1)
            elapsed, transfer = _round(store, service, hub, DAY)
            days.append(elapsed)
            transfers.append(transfer)
    finally:
        hub.stop()
        store.close()
    day_s, day_transfer = statistics.median(days), statistics.median(transfers)
    return [
        Figure(f"sync round, a day's {DAY:,} applications (seal, upload, ingest, ack, apply; median of {DAYS} days)",
               day_s, "s", baseline=day_transfer,
               baseline_name="bare transfer: the same sealed bytes POSTed to the same hub process, dropped",
               target="≤ 2 s", passed=day_s <= 2,
               notes={"days_s": [round(d, 3) for d in days], "transfers_s": [round(t, 3) for t in transfers],
                      "hub_store": "SQLite", "stored_before": BACKLOG}),
        Figure(f"sync round, a {BACKLOG:,}-application backlog (seal, upload, ingest, ack, apply)", backlog, "s",
               baseline=backlog_transfer,
               baseline_name="bare transfer: the same sealed bytes POSTed to the same hub process, dropped",
               target="≤ 10 s", passed=backlog <= 10, notes={"hub_store": "SQLite"}),
    ]


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-sync-round-") as name:
        figures = measure(Path(name))
    write_results("sync_round", figures)
    return figures


if __name__ == "__main__":
    main()
