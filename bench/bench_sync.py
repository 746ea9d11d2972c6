"""Sync benchmarks (issue 6), each beside a baseline measured in the same run.

1. 10,000 applications station → hub over loopback HTTP (sealed batches, tus) against a
   client that POSTs one signed application per request to the same hub; and the bytes on
   the wire per application against its raw JSON.
2. Hub ingest on PostgreSQL against a COPY of the same rows.
3. Resume after a cut at 90% of a 50 MB upload: bytes sent again.
4. Peak memory of the hub ingesting 100,000 applications (and of the station sealing),
   against the peak after the first tenth: flat means batches are streamed.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench._harness import Figure, write_results
from kernel.canonical import canonical_json
from station.core.config import StationConfig
from station.core.hub_link import HubLink
from station.core.roles import Role
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync import seal
from sync.hub.store import initialise_hub
from sync.transport_http import ClientSettings, HubClient
from tests.sync.faultproxy import FaultProxy, Plan
from tests.sync.hubproc import HubProcess

APPLICATIONS = int(os.environ.get("JIUJIN_BENCH_APPLICATIONS", "10000"))
HUB_MEMORY_APPLICATIONS = int(os.environ.get("JIUJIN_BENCH_HUB_APPLICATIONS", "100000"))
UPLOAD_MB = 50
RUNS = 3
CONFIG = StationConfig(code="BN0001", name="基准测试站", point_type="community", district="330106")
ADMIN, SYNC, CLERK = ("admin", "admin-bench-1"), ("zhao", "zhao-bench-1"), ("wang", "wang-bench-1")


def _station(folder: Path, count: int) -> StationStore:
    store = StationStore.initialise(folder, CONFIG, ADMIN[0], "管理员", ADMIN[1])
    admin = store.login(*ADMIN)
    store.operators.add(admin, SYNC[0], "同步", Role.SYNC_OPERATOR, SYNC[1])
    store.operators.add(admin, CLERK[0], "柜员", Role.OPERATOR, CLERK[1])
    seed_applications(store.login(*CLERK), service_choices(CONFIG.point_type), count, days=20)
    return store


def _hub(folder: Path, stations: list[str], command: tuple[str, ...] = ()) -> tuple[HubProcess, dict[str, str]]:
    hub_store = initialise_hub(folder)
    tokens = {code: hub_store.add_station(code) for code in stations}
    hub_store.close()
    return HubProcess(folder, f"sqlite://{folder / 'hub.db'}", command=command).start(), tokens


def bench_push(tmp: Path) -> tuple[list[Figure], StationStore, HubProcess, SyncService]:
    """Figure 1: sealed batches over tus against one POST per application."""
    store = _station(tmp / "station", APPLICATIONS)
    hub, tokens = _hub(tmp / "hub", [CONFIG.code, "BL0001"], (sys.executable, "-m", "bench.baseline_hub"))
    proxy = FaultProxy(hub.port, faults=False)
    counting = _CountingProxy(proxy)
    store.hub = HubLink(store, lambda s: HubClient(dataclasses.replace(s, url=proxy.url)))
    service = SyncService(store)
    admin, sync_session = store.login(*ADMIN), store.login(*SYNC)
    from sync.hubkeys import load_hub_public_keys

    store.hub.configure(admin, load_hub_public_keys(hub.folder / "hub-public-keys.json"))
    store.hub.enrol(admin, tokens[CONFIG.code], hub.url)
    entries = [r for r in __import__("station.core.outbox", fromlist=["read_range"]).read_range(1, APPLICATIONS)]
    raw_json = sum(len(canonical_json(e.payload)) for e in entries)

    from station.core.sync_service import PushReport

    runs: list[float] = []
    for run in range(RUNS):
        if run:
            _forget(hub, CONFIG.code)
        counting.reset()
        started = time.perf_counter()
        report = PushReport()
        with closing(store.hub.http()) as transport:  # sealing runs one batch ahead of the upload
            acks = list(service.send(sync_session, transport, report))
        runs.append(time.perf_counter() - started)
        wire = counting.total()
    transfer = statistics.median(runs)
    started = time.perf_counter()
    for ack in acks:
        service.apply_ack(sync_session, ack, report)
    full = transfer + time.perf_counter() - started
    assert report.delivered == APPLICATIONS, report

    baseline = _baseline_posts(hub.url, hub, tokens["BL0001"], entries)
    figures = [
        Figure("10,000 applications station → hub over loopback HTTP (seal, tus upload, ingest, signed acks)",
               transfer, "s",
               baseline=baseline, baseline_name="one signed POST per application, same hub",
               target="≥ 30× faster (ratio ≤ 0.0333)", passed=baseline / transfer >= 30,
               notes={"applications": APPLICATIONS, "speedup": round(baseline / transfer, 1),
                      "runs_s": [round(r, 3) for r in runs], "with_delivered_marking_s": round(full, 3)}),
        Figure("bytes on the wire per application", wire / APPLICATIONS, "B", baseline=raw_json / APPLICATIONS,
               baseline_name="its raw JSON", target="≤ 0.35× raw JSON",
               passed=wire / raw_json <= 0.35, notes={"wire_bytes": wire, "raw_json_bytes": raw_json}),
    ]
    return figures, store, hub, service


def _forget(hub: HubProcess, station: str) -> None:
    """Make the hub and the station forget a push, so that it can be timed again."""
    import sqlite3

    from station.core.models import OutboxEvent, SyncBatch

    with sqlite3.connect(hub.folder / "hub.db", timeout=30) as conn:
        for table in ("hub_record", "hub_batch", "hub_range", "hub_gap", "hub_upload"):
            conn.execute(f"DELETE FROM {table} WHERE station = ?", (station,))
    SyncBatch.delete().execute()
    OutboxEvent.update(acknowledged_at=None).execute()


class _CountingProxy:
    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy
        self.start = 0

    def reset(self) -> None:
        self.start = self.proxy.bytes_up + self.proxy.bytes_down

    def total(self) -> int:
        return self.proxy.bytes_up + self.proxy.bytes_down - self.start


def _enrol_over_http(hub: HubProcess, code: str, token: str, key: Ed25519PrivateKey) -> str:
    """The credential of `key` for `code`, enrolled through the hub's API with a signed request,
    as a station enrols."""
    from datetime import UTC, datetime
    from functools import partial

    from sync.enrolment import make_request
    from sync.hubkeys import load_hub_public_keys

    keys = load_hub_public_keys(hub.folder / "hub-public-keys.json")
    with HubClient(ClientSettings(hub.url)) as client:
        credential: str = client.enrol(partial(make_request, key, code, token, keys, "http", datetime.now(UTC)))["credential"]
    return credential


def _baseline_posts(url: str, hub: HubProcess, token: str, entries: list[object]) -> float:
    key = Ed25519PrivateKey.generate()
    credential = _enrol_over_http(hub, "BL0001", token, key)
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {credential}"}, timeout=30) as client:
        for e in entries:
            entry = {"seq": e.seq, "kind": e.kind, "application_id": e.application_id, "at": e.at,  # type: ignore[attr-defined]
                     "audit_seq": e.audit_seq, "audit_hash": e.audit_hash, "record": e.payload}  # type: ignore[attr-defined]
            signature = base64.b64encode(key.sign(canonical_json(entry))).decode()
            response = client.post("/bench/records", json={"entry": entry, "signature": signature})
            assert response.status_code == 201, response.text
    return time.perf_counter() - started


def bench_postgres_ingest(tmp: Path, service: SyncService, hub_folder: Path) -> Figure:
    """Figure 2: the hub's ingest on PostgreSQL against COPY of the same rows."""
    base = os.environ.get("JIUJIN_TEST_POSTGRES_URL")
    name = "hub ingest on PostgreSQL (verify, open, parse, store)"
    if not base:
        return Figure(name, 0, "records/s", target="≥ 0.4× COPY", notes={"skipped": "no PostgreSQL"})
    from station.core.models import SyncBatch
    from sync.hub.ingest import Ingestor
    from sync.hub.models import HubStation
    from sync.hub.store import HubStore
    from tests.sync.helpers import enrol_key

    sealed = [service.sealed_bytes(b) for b in SyncBatch.select().order_by(SyncBatch.batch_no)]
    schema = f"bench_{os.getpid()}"
    shutil.copytree(hub_folder, tmp / "pg-hub", ignore=shutil.ignore_patterns("hub.db*"))
    hub = HubStore(tmp / "pg-hub", f"{base}?schema={schema}")  # the same keys, on PostgreSQL
    hub.create_schema()
    try:
        enrol_key(hub, CONFIG.code, hub.add_station(CONFIG.code), service.store.signing_key())
        ingestor = Ingestor(hub)
        started = time.perf_counter()
        for data in sealed:
            result = ingestor.ingest(data, "bench")
            assert result.status == "stored", result
        ingest = time.perf_counter() - started
        copy = _copy_same_rows(hub.db)
        assert HubStation.select().count() == 1
    finally:
        import psycopg

        hub.close()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    rate, copy_rate = APPLICATIONS / ingest, APPLICATIONS / copy
    return Figure(name, rate, "records/s", baseline=copy_rate, baseline_name="COPY of the same rows",
                  target="≥ 0.4× COPY", passed=rate / copy_rate >= 0.4,
                  notes={"ingest_s": round(ingest, 3), "copy_s": round(copy, 3)})


def _copy_same_rows(db: object) -> float:
    from sync.hub.ingest import _COLUMNS

    connection = db.connection()  # type: ignore[attr-defined]
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        rows = cursor.execute(f"SELECT {columns} FROM hub_record ORDER BY seq").fetchall()
        cursor.execute("CREATE TABLE copy_baseline (LIKE hub_record INCLUDING ALL)")
    connection.commit()
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.copy(f"COPY copy_baseline ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    connection.commit()
    return time.perf_counter() - started


class _CutOnce(FaultProxy):
    """Passes everything except the first connection, cut (RST) after `limit` request bytes."""

    limit: int = 0

    def _plan(self) -> Plan:
        with self.lock:
            first = not self.plans
            self.plans["reset" if first else "pass"] += 1
            return Plan("reset" if first else "pass", self.limit)


def bench_resume(tmp: Path, store: StationStore, hub: HubProcess, service: SyncService) -> Figure:
    """Figure 3: a 50 MB upload cut at 90%, resumed from the server's offset."""
    content = os.urandom(UPLOAD_MB * 1000 * 1000)
    data = seal.seal_attachment(CONFIG.code, content, "application/pdf", "2026-11-26T10:00:00+08:00",
                                store.signing_key(), store.hub.keys())
    proxy = _CutOnce(hub.port, faults=True)
    proxy.limit = int(len(data) * 0.9)
    settings = dataclasses.replace(store.hub.client().settings, url=proxy.url)
    with HubClient(settings) as client:
        outcome = client.upload(data, {"kind": "attachment"})
    proxy.close()
    assert outcome.result["status"] in ("stored", "duplicate"), outcome.result
    resent = outcome.bytes_sent - len(data)
    allowed = settings.chunk_size + len(data) // 100
    return Figure("bytes sent again after a cut at 90% of a 50 MB upload", resent, "B",
                  baseline=proxy.limit, baseline_name="restart from zero (bytes before the cut)",
                  target="≤ one chunk + 1%", passed=resent <= allowed,
                  notes={"upload_bytes": len(data), "chunk": settings.chunk_size, "allowed": allowed})


def bench_hub_memory(tmp: Path) -> Figure:
    """Figure 4a: the hub process's peak RSS ingesting 100,000 applications over HTTP."""
    from sync.hubkeys import load_hub_public_keys
    from tests.sync.helpers import sealed_batch

    hub, tokens = _hub(tmp / "memory-hub", ["TS0001"])
    key = Ed25519PrivateKey.generate()
    public = load_hub_public_keys(hub.folder / "hub-public-keys.json")
    credential = _enrol_over_http(hub, "TS0001", tokens["TS0001"], key)
    peaks: dict[int, float] = {}
    prev = seal.GENESIS
    with HubClient(ClientSettings(hub.url, credential)) as client:
        for number, first in enumerate(range(1, HUB_MEMORY_APPLICATIONS + 1, 2000), start=1):
            data = sealed_batch(key, public, first, first + 1999, number, prev)
            prev = seal.read(data).object_id
            assert client.upload(data).result["status"] == "stored"
            if first + 1999 in (HUB_MEMORY_APPLICATIONS // 10, HUB_MEMORY_APPLICATIONS):
                peaks[first + 1999] = _peak_mb(hub)
    hub.stop()
    tenth, whole = peaks[HUB_MEMORY_APPLICATIONS // 10], peaks[HUB_MEMORY_APPLICATIONS]
    return Figure(f"hub peak RSS ingesting {HUB_MEMORY_APPLICATIONS:,} applications", whole, "MiB",
                  baseline=tenth, baseline_name="peak after the first tenth",
                  target="≤ 500 MiB and flat (ratio ≤ 1.25)", passed=whole <= 500 and whole / tenth <= 1.25)


def _peak_mb(hub: HubProcess) -> float:
    assert hub.process is not None
    children = subprocess.run(["pgrep", "-P", str(hub.process.pid)], capture_output=True, text=True).stdout.split()
    pids = [str(hub.process.pid), *children]
    peak = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


# VmHWM rather than ru_maxrss: a child's ru_maxrss starts from its parent's at fork.
_SEAL_CHILD = """
import json, sys
from pathlib import Path
from station.core.models import SyncBatch
from station.core.store import StationStore
from station.core.hub_link import HubLink
from station.core.sync_service import SyncService
store = StationStore(Path(sys.argv[1]))
session = store.login(sys.argv[2], sys.argv[3])
SyncBatch.delete().execute()
made = SyncService(store).seal_pending(session)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"peak_kib": peak, "batches": len(made)}))
"""


def bench_station_memory(tmp: Path, store: StationStore) -> Figure:
    """Figure 4b: the station's peak RSS sealing all of its outbox against sealing one batch."""
    folder = tmp / "station"
    peaks = {}
    for label, limit in (("one", 2000), ("all", APPLICATIONS)):
        copy = tmp / f"station-{label}"
        shutil.copytree(folder, copy)
        if label == "one":
            _trim_outbox(copy, limit)
        out = subprocess.run([sys.executable, "-c", _SEAL_CHILD, str(copy), *SYNC], capture_output=True,
                             text=True, check=True, cwd=Path(__file__).resolve().parents[1]).stdout
        peaks[label] = __import__("json").loads(out)["peak_kib"] / 1024
    return Figure(f"station peak RSS sealing {APPLICATIONS:,} applications", peaks["all"], "MiB",
                  baseline=peaks["one"], baseline_name="sealing one batch (2,000)",
                  target="flat (ratio ≤ 1.25)", passed=peaks["all"] / peaks["one"] <= 1.25)


def _trim_outbox(folder: Path, keep: int) -> None:
    store = StationStore(folder)
    store.login(*ADMIN)
    from station.core.models import OutboxEvent

    OutboxEvent.delete().where(OutboxEvent.seq > keep).execute()
    store.close()


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-sync-") as name:
        tmp = Path(name)
        figures, store, hub, service = bench_push(tmp)
        print("\n".join(f.line() for f in figures), flush=True)
        try:
            figures.append(bench_postgres_ingest(tmp, service, hub.folder))
            figures.append(bench_resume(tmp, store, hub, service))
        finally:
            hub.stop()
            store.close()
        figures.append(bench_station_memory(tmp, store))
        figures.append(bench_hub_memory(tmp))
    write_results("sync", figures)
    return figures


if __name__ == "__main__":
    main()
