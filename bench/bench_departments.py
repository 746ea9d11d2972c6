"""Department API benchmarks (issue 18), beside the hub's own ingest of the same applications,
measured in the same run on the same database (PostgreSQL when JIUJIN_TEST_POSTGRES_URL is
set, else SQLite).

1. Listing 10,000 open cases for one department over HTTP, every page (500 a page), against
   the hub ingesting those 10,000 applications (sealed batches, in process).
2. Posting 1,000 decisions (受理确认, each one a signed status bundle for the station) over
   HTTP, one request at a time, in decisions per second, against ingest in records per second.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench._harness import Figure, percentile, write_results
from sync import seal
from sync.hub import department_feeds, reconcile
from sync.hub.ingest import Ingestor
from sync.hub.store import HubStore, initialise_hub
from tests.sync.department_helpers import department_token
from tests.sync.helpers import enrol_key, sealed_batch
from tests.sync.hubproc import HubProcess

CASES = int(os.environ.get("JIUJIN_BENCH_DEPARTMENT_CASES", "10000"))
DECISIONS = int(os.environ.get("JIUJIN_BENCH_DECISIONS", "1000"))
BATCH = 1000
PAGE = 500


@contextmanager
def _database(tmp: Path) -> Iterator[tuple[str, str]]:
    """The hub's database URL and what it is; a private PostgreSQL schema dropped afterwards."""
    base = os.environ.get("JIUJIN_TEST_POSTGRES_URL")
    if not base:
        yield f"sqlite://{tmp / 'hub' / 'hub.db'}", "SQLite"
        return
    schema = f"bench_departments_{os.getpid()}"
    try:
        yield f"{base}?schema={schema}", "PostgreSQL"
    finally:
        import psycopg

        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _ingest(hub: HubStore) -> float:
    """Seconds the hub takes to ingest `CASES` applications of one department's item."""
    key = Ed25519PrivateKey.generate()
    enrol_key(hub, "BN0001", hub.add_station("BN0001"), key)
    sealed, prev = [], seal.GENESIS
    for number, first in enumerate(range(1, CASES + 1, BATCH), start=1):
        data = sealed_batch(key, hub.public, first, min(first + BATCH - 1, CASES), number, prev, "BN0001",
                            item="HZ-SMK-101")
        sealed.append(data)
        prev = seal.read(data).object_id
    ingestor = Ingestor(hub)
    started = time.perf_counter()
    for data in sealed:
        assert ingestor.ingest(data, "bench").status == "stored"
    return time.perf_counter() - started


def _list_all(client: httpx.Client) -> tuple[float, list[str]]:
    """Seconds to read every open case, page by page; their ids."""
    ids: list[str] = []
    after = "0"
    started = time.perf_counter()
    while True:
        page = client.get("/v1/departments/cases", params={"status": "open", "after": after, "limit": PAGE}).json()
        ids += [c["application_id"] for c in page["cases"]]
        if page["next"] is None:
            return time.perf_counter() - started, ids
        after = page["next"]


def _post(client: httpx.Client, path: str, body: dict[str, str]) -> float:
    started = time.perf_counter()
    answer = client.post(path, json={"request_id": uuid.uuid4().hex, "officer": "基准"} | body)
    assert answer.status_code == 200, answer.text
    return time.perf_counter() - started


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-departments-") as name:
        tmp = Path(name)
        with _database(tmp) as (url, kind):
            hub = initialise_hub(tmp / "hub", url)
            ingest = _ingest(hub)
            started = time.perf_counter()
            reconcile.refresh_applications()  # the hub's per-application index, which cases read
            refresh = time.perf_counter() - started
            department_feeds.intake(hub)  # the cases open once; the first listing would do it
            intake = time.perf_counter() - started - refresh
            token = department_token(hub, "citizen-card")
            hub.close()
            process = HubProcess(tmp / "hub", url).start()
            try:
                with httpx.Client(base_url=process.url, timeout=120,
                                  headers={"Authorization": f"Bearer {token}"}) as client:
                    listing, ids = _list_all(client)
                    assert len(ids) == CASES, len(ids)
                    for app_id in ids[:DECISIONS]:
                        _post(client, f"/v1/departments/cases/{app_id}/claim", {})
                    latencies = [_post(client, f"/v1/departments/cases/{app_id}/decisions", {"decision": "accept"})
                                 for app_id in ids[:DECISIONS]]
            finally:
                process.stop()
    ingest_rate, decision_rate = CASES / ingest, DECISIONS / sum(latencies)
    notes: dict[str, object] = {"database": kind, "ingest_s": round(ingest, 3),
                                "refresh_applications_s": round(refresh, 3), "open_cases_s": round(intake, 3)}
    figures = [
        Figure(f"list {CASES:,} open cases of one department over HTTP ({PAGE} a page)", listing, "s",
               baseline=ingest, baseline_name=f"hub ingest of the same {CASES:,} applications", notes=notes),
        Figure(f"post {DECISIONS:,} decisions over HTTP, one at a time (each a signed status bundle)", decision_rate,
               "decisions/s", baseline=ingest_rate, baseline_name="hub ingest, records/s",
               notes=notes | {"p50_ms": round(statistics.median(latencies) * 1000, 1),
                              "p95_ms": round(percentile(latencies, 95) * 1000, 1)}),
    ]
    write_results("departments", figures)
    return figures


if __name__ == "__main__":
    main()
