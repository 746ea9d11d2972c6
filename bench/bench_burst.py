"""The city's end-of-day burst (issue 21): enrolled stations each push a day's backlog at once.

The hub runs as deployed (`jiujin hub serve --workers W`) on a PostgreSQL server with
`fsync=on`, started by this benchmark on its own port (the tests' server runs with fsync
off). Each station is a real enrolled identity: its own Ed25519 key, a token from the hub
(`hub station add`), a signed enrolment request through the hub's enrolment API. Its day
is one sealed, signed batch made by the station's own sealing code (`sync.batches.cut_batch`,
`sync.seal.seal_batch`), uploaded by tus with the station's client (`HubClient.upload`),
answered with a signed acknowledgement that is verified as a station verifies it.

Figures, each run with 1, 2 and 4 hub workers:
- records/s end to end (first upload started → last acknowledgement received) against
  `psql \\copy` of the same rows into a copy of `hub_record`, in the same run;
- p99 time from the start of an upload to its signed acknowledgement;
- no batch lost or duplicated: the hub's counts and each station's ledger (one range 1..n,
  no gap, no duplicate batch, nothing quarantined); with JIUJIN_BURST_FOLD=1 also every
  application folded into the city report's table (`hub_application`) after the first run;
- once, the same days ingested by the hub's `Ingestor` in this one process with no web server
  in between, against the same `\\copy`: the part of the gap that lies in ingest itself.

Bounded in count (JIUJIN_BURST_STATIONS × JIUJIN_BURST_APPLICATIONS) and in time
(JIUJIN_BURST_SECONDS per run); loopback only. JIUJIN_BURST_CONCURRENCY stations upload at
once (the load generator's threads); the rest wait their turn, as stations retrying would.
"""

from __future__ import annotations

import functools
import os
import queue
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench._harness import Figure, percentile, write_results
from sync import acks, seal
from sync.enrolment import make_request
from sync.hub.store import HubStore, Place, initialise_hub
from sync.hubkeys import HubPublicKeys, load_hub_public_keys
from sync.transport_http import ClientSettings, HubClient
from tests.conftest import REPO
from tests.sync.helpers import entry, seal_entries
from tests.sync.hubproc import HubProcess

STATIONS = int(os.environ.get("JIUJIN_BURST_STATIONS", "200"))
APPLICATIONS = int(os.environ.get("JIUJIN_BURST_APPLICATIONS", "300"))
SECONDS = float(os.environ.get("JIUJIN_BURST_SECONDS", "240"))
CONCURRENCY = int(os.environ.get("JIUJIN_BURST_CONCURRENCY", "32"))
WORKERS = tuple(int(w) for w in os.environ.get("JIUJIN_BURST_WORKERS", "1,2,4").split(","))
#: Also fold every record into the city report's table after the first run (slow: the fold
#: goes record by record, about two minutes for 18,000 on the shared 2-core machine).
FOLD = os.environ.get("JIUJIN_BURST_FOLD", "") == "1"
#: The server this benchmark starts: its own folder, fsync on, and a port below the range the
#: kernel hands out to outgoing connections (a busy machine may hold any port in it).
PG_PORT = os.environ.get("JIUJIN_BURST_PG_PORT", "25442")
RATIO_TARGET, P99_TARGET = 0.8, 2.0
_COLUMNS = "station, seq, kind, application_id, at, audit_seq, audit_hash, record_sha256, record, batch_id"


@dataclass
class Station:
    """One enrolled station of the burst: its code, place, key and its day as sealed bytes."""

    code: str
    place: Place
    key: Ed25519PrivateKey
    sealed: bytes = b""
    credential: str = ""

    @property
    def batch_id(self) -> str:
        return seal.read(self.sealed).object_id


@dataclass
class Run:
    """What one burst against W workers measured."""

    workers: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    acks: dict[str, bytes] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    unfinished: int = 0
    copy_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    disk_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return len(self.acks) * APPLICATIONS


def start_postgres() -> tuple[str, bool]:
    """A PostgreSQL server with fsync on (scripts/test-services.sh); its URL, and whether we
    started it (and so stop it)."""
    data = f"/tmp/jiujin-bench-pg-{PG_PORT}"
    env = os.environ | {"JIUJIN_PG_PORT": PG_PORT, "JIUJIN_PG_DATA": data, "JIUJIN_PG_FSYNC": "on"}
    running = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", PG_PORT], check=False).returncode == 0
    out = subprocess.run(["bash", str(REPO / "scripts/test-services.sh")], env=env, capture_output=True,
                         text=True, check=True).stdout
    return out.strip().splitlines()[-1], not running


def stop_postgres() -> None:
    """Stop the server start_postgres started (as its owner, as test-services.sh runs it)."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run([*as_owner, str(pgbin / "pg_ctl"), "-D", f"/tmp/jiujin-bench-pg-{PG_PORT}", "-m", "fast",
                    "stop"], capture_output=True, check=True)


def fsync_setting(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW fsync").fetchone()
        return str(row[0]) if row else "?"


def make_stations(hub: HubPublicKeys) -> list[Station]:
    """STATIONS stations spread over Hangzhou's districts, each with its day sealed."""
    from forms import hangzhou_divisions

    districts = [d.code for d in hangzhou_divisions().counties() if hangzhou_divisions().is_current(d.code, "county")]
    stations = []
    for n in range(STATIONS):
        station = Station(f"BU{n:05d}", Place(districts[n % len(districts)], "community"), Ed25519PrivateKey.generate())
        days = [entry(seq, station.code, app_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"jiujin:{station.code}/{seq}")))
                for seq in range(1, APPLICATIONS + 1)]  # application ids of the station's own
        station.sealed = seal_entries(station.key, hub, days, station=station.code)
        stations.append(station)
    return stations


def register(folder: Path, url: str, stations: list[Station]) -> dict[str, str]:
    """`hub station add` for each station: its one-time token."""
    store = HubStore(folder, url)
    try:
        store.create_schema()
        return {s.code: store.add_station(s.code, f"受理点 {s.code}", place=s.place) for s in stations}
    finally:
        store.close()


def enrol(hub_url: str, hub: HubPublicKeys, stations: list[Station], tokens: dict[str, str]) -> None:
    """Each station enrols through the hub's enrolment API with its own key, as a station does."""
    with HubClient(ClientSettings(hub_url)) as client:
        for s in stations:
            request = functools.partial(make_request, s.key, s.code, tokens[s.code], hub, "http", datetime.now(UTC))
            s.credential = client.enrol(request)["credential"]


def burst(hub_url: str, stations: list[Station], run: Run) -> None:
    """Every station uploads its day; CONCURRENCY at once, no new upload after SECONDS."""
    waiting: queue.Queue[Station] = queue.Queue()
    for s in stations:
        waiting.put(s)
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + SECONDS

    def work() -> None:
        while time.perf_counter() < deadline:
            try:
                s = waiting.get_nowait()
            except queue.Empty:
                return
            begun = time.perf_counter()
            try:
                with HubClient(ClientSettings(hub_url, s.credential)) as client:
                    # the metadata a station sends with a batch (`station.core.transports`)
                    result = client.upload(s.sealed, {"kind": "batch", "batch": s.batch_id}).result
            except Exception as error:  # counted: a burst that loses an upload fails the figure
                with lock:
                    run.errors.append(f"{s.code}: {type(error).__name__}")
                continue
            took = time.perf_counter() - begun
            with lock:
                if result.get("status") != "stored" or not result.get("ack"):
                    run.errors.append(f"{s.code}: {result.get('status')} {result.get('reason')}")
                else:
                    run.latencies.append(took)
                    run.acks[s.code] = str(result["ack"]).encode()

    threads = [threading.Thread(target=work, name=f"burst-{n}") for n in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    run.unfinished = waiting.qsize()


def check_hub(folder: Path, url: str, hub: HubPublicKeys, stations: list[Station], run: Run, fold: bool) -> None:
    """Every acknowledgement verifies for its station; the hub holds each batch once, and each
    station's ledger is exactly 1..APPLICATIONS. With `fold`, every application also folds
    into the city report's table (record by record: minutes for a large burst, so once)."""
    from sync.hub import reconcile
    from sync.hub.models import HubApplication, HubBatch, HubRecord

    for code, data in run.acks.items():
        ack = acks.verify(data, hub, code)
        if ack.document.get("last_seq") != APPLICATIONS:
            run.problems.append(f"{code}: ack covers up to {ack.document.get('last_seq')}")
    store = HubStore(folder, url)
    try:
        records, batches = HubRecord.select().count(), HubBatch.select().count()
        expected = len(stations) * APPLICATIONS
        if records != expected or batches != len(stations):
            run.problems.append(f"hub holds {records} records in {batches} batches, expected {expected} in {len(stations)}")
        for station in reconcile.ledger(store)["stations"]:
            if (station["held"] != [[1, APPLICATIONS]] or station["gaps"] or station["duplicate_batches"]
                    or station["quarantined"]):
                run.problems.append(f"{station['code']}: ledger {station['held']} gaps {station['gaps']}")
        if fold:
            folded, held = reconcile.refresh_applications(), HubApplication.select().count()
            if folded != expected or held != expected:
                run.problems.append(f"{folded} records folded into {held} applications, expected {expected}")
        run.disk_bytes = table_sizes(store, ("hub_record", "hub_application", "hub_upload_chunk", "hub_batch"))
    finally:
        store.close()


def table_sizes(store: HubStore, tables: tuple[str, ...]) -> dict[str, int]:
    """Each table's size on disk with its indexes and TOAST (for docs/scaling.md's model)."""
    from sync.hub.db import execute

    return {t: int(execute(store.db, f"SELECT pg_total_relation_size('{t}')").fetchone()[0]) for t in tables}


def copy_baseline(url: str, schema: str, tmp: Path) -> float:
    """Seconds for `psql \\copy` of the hub's rows into an empty copy of hub_record."""
    rows = tmp / f"{schema}.csv"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        with rows.open("wb") as out, conn.cursor().copy(
                f"COPY (SELECT {_COLUMNS} FROM hub_record ORDER BY id) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                out.write(block)
        conn.execute("CREATE TABLE copy_baseline (LIKE hub_record INCLUDING ALL)")
    env = os.environ | {"PGOPTIONS": f"-c search_path={schema}"}
    started = time.perf_counter()
    subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    f"\\copy copy_baseline ({_COLUMNS}) FROM '{rows}' WITH (FORMAT csv)"],
                   env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    rows.unlink()
    return seconds


def drop_schema(base: str, schema: str) -> None:
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def ingest_alone(tmp: Path, base: str, hub: HubPublicKeys, stations: list[Station]) -> float:
    """Seconds for the hub's own ingest of every station's day in this one process, with no
    HTTP, tus or worker in between: each batch opened, verified, stored and acknowledged by
    `Ingestor.ingest`, one after another, on a fresh schema of the same fsync=on server. It is
    the part of the burst that the web server does not touch, so beside the end-to-end figure
    it says how much of the gap to `psql \\copy` lies in ingest itself."""
    from sync.hub.ingest import Ingestor

    schema = f"burst_{os.getpid()}_alone"
    url = f"{base}?schema={schema}"
    tokens = register(tmp / "hub", url, stations)
    store = HubStore(tmp / "hub", url)
    try:
        for s in stations:  # straight to the store: the enrolment API is not what this times
            store.enrol(s.code, make_request(s.key, s.code, tokens[s.code], hub, "http", datetime.now(UTC)), "http")
        ingestor = Ingestor(store)
        started = time.perf_counter()
        for s in stations:
            result = ingestor.ingest(s.sealed, "http", uploader=s.code)
            if result.status != "stored" or not result.ack:
                raise RuntimeError(f"{s.code}: {result.status} {result.reason}")
        return time.perf_counter() - started
    finally:
        store.close()
        drop_schema(base, schema)


def one_run(tmp: Path, base: str, hub: HubPublicKeys, stations: list[Station], workers: int) -> Run:
    """A fresh schema, every station registered and enrolled, then the burst and the checks."""
    run, schema = Run(workers), f"burst_{os.getpid()}_{workers}"
    url = f"{base}?schema={schema}"
    tokens = register(tmp / "hub", url, stations)
    process = HubProcess(tmp / "hub", url, extra=("--workers", str(workers))).start()
    try:
        enrol(process.url, hub, stations, tokens)
        run.load = os.getloadavg()
        burst(process.url, stations, run)
    finally:
        process.stop()
    check_hub(tmp / "hub", url, hub, stations, run, fold=FOLD and workers == WORKERS[0])
    run.copy_seconds = copy_baseline(base, schema, tmp)
    drop_schema(base, schema)
    return run


def figures(runs: list[Run], fsync: str, generated_s: float, alone_s: float) -> list[Figure]:
    out = []
    notes_all = {"stations": STATIONS, "applications_per_station": APPLICATIONS, "concurrency": CONCURRENCY,
                 "folded_into_hub_application": FOLD, "time_bound_s": SECONDS, "fsync": fsync, "cores": os.cpu_count(),
                 "sealing_all_days_s": round(generated_s, 2),
                 "defaults": "200 stations × 300 applications, 32 at once: finishes in a few minutes on 2 shared "
                             "cores; the issue's 3,000 stations: JIUJIN_BURST_STATIONS=3000"}
    for run in runs:
        complete = not run.errors and not run.unfinished and not run.problems
        rate = run.records / run.seconds if run.seconds else 0.0
        copy_rate = STATIONS * APPLICATIONS / run.copy_seconds if run.copy_seconds else 0.0
        notes = notes_all | {"workers": run.workers, "burst_s": round(run.seconds, 3),
                             "copy_s": round(run.copy_seconds, 3), "errors": run.errors[:5],
                             "unfinished": run.unfinished, "problems": run.problems[:5],
                             "load_average_at_start": [round(x, 2) for x in run.load],
                             "disk_bytes_per_application": {t: round(b / max(run.records, 1))
                                                            for t, b in run.disk_bytes.items()}}
        out.append(Figure(f"city burst, {run.workers} hub worker(s): records/s end to end (upload → signed ack)",
                          rate, "records/s", baseline=copy_rate, baseline_name="psql \\copy of the same rows",
                          target=f"≥ {RATIO_TARGET}× psql \\copy",
                          passed=(rate / copy_rate >= RATIO_TARGET) if complete and copy_rate else None,
                          notes=notes))
        p99 = percentile(run.latencies, 99) if run.latencies else 0.0
        out.append(Figure(f"city burst, {run.workers} hub worker(s): p99 upload → signed ack", p99, "s",
                          baseline=percentile(run.latencies, 50) if run.latencies else None, baseline_name="p50",
                          target=f"≤ {P99_TARGET} s", passed=(p99 <= P99_TARGET) if complete else None,
                          notes={"max_s": round(max(run.latencies, default=0), 3)}))
        out.append(Figure(f"city burst, {run.workers} hub worker(s): batches lost or duplicated",
                          len(run.errors) + run.unfinished + len(run.problems), "batches",
                          baseline=STATIONS, baseline_name="batches sent", target="0",
                          passed=complete, notes={"errors": run.errors[:5], "problems": run.problems[:5]}))
    copy_s = next((r.copy_seconds for r in runs if r.copy_seconds), 0.0)
    if alone_s and copy_s:
        out.append(Figure("city burst: the hub's ingest of the same days in one process, no HTTP (figure only)",
                          STATIONS * APPLICATIONS / alone_s, "records/s", baseline=STATIONS * APPLICATIONS / copy_s,
                          baseline_name="psql \\copy of the same rows (first run)",
                          notes={"ingest_s": round(alone_s, 3), "what": "opened, verified, stored and acknowledged "
                                 "one batch after another by Ingestor.ingest: the burst's work without the web server"}))
    one = next((r for r in runs if r.workers == 1 and r.seconds), None)
    for run in runs:
        if one is not None and run is not one and run.seconds:
            out.append(Figure(f"city burst throughput with {run.workers} hub workers", run.records / run.seconds,
                              "records/s", baseline=one.records / one.seconds, baseline_name="1 hub worker",
                              notes={"cores": os.cpu_count(), "note": "hub workers, PostgreSQL and the load generator "
                                     "share the same cores: beyond their count a worker adds no CPU"}))
    return out


def main() -> list[Figure]:
    base, started_pg = start_postgres()
    try:
        fsync = fsync_setting(base)
        if fsync != "on":
            return [Figure("city burst", 0, "records/s", target="fsync=on", notes={"skipped": f"fsync={fsync}"})]
        with tempfile.TemporaryDirectory(prefix="jiujin-bench-burst-") as name:
            tmp = Path(name)
            initialise_hub(tmp / "hub", f"{base}?schema=burst_{os.getpid()}_keys").close()
            hub = load_hub_public_keys(tmp / "hub" / "hub-public-keys.json")
            began = time.perf_counter()
            stations = make_stations(hub)
            generated = time.perf_counter() - began
            runs = [one_run(tmp, base, hub, stations, workers) for workers in WORKERS]
            alone = ingest_alone(tmp, base, hub, stations)
            drop_schema(base, f"burst_{os.getpid()}_keys")
        result = figures(runs, fsync, generated, alone)
    finally:
        if started_pg:
            stop_postgres()
    write_results("burst", result)
    return result


if __name__ == "__main__":
    main()

