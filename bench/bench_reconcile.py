"""Reconciliation benchmark (issue 7), beside a baseline measured in the same run.

5,000 stations × 30 days of signed day manifests (150,000), each listing a few
applications, written in bulk straight into the hub's tables (no HTTP), with 1% of the
manifests missing an application, 0.5% with a changed one, 0.5% with an extra one at the hub
and 2% of the stations with a gap. Timed: what `jiujin hub reconcile` does (compare every
open manifest again, then every station's ledger), on SQLite and on PostgreSQL, against a
bare scan of the same manifest rows and lines. Timed runs follow a change (the lost
batches arrive, or are missing again), so some verdicts change and are written, as after a
resend. The cold run, where no verdict was stored yet and all 150,000 are written, is
reported beside it: a hub never reaches it, since each manifest is compared at receipt.
Target: ≤ 5 s.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench._harness import Figure, write_results
from sync import manifest
from sync.hub import reconcile
from sync.hub.db import execute, is_postgres
from sync.hub.models import HubGap, HubRange
from sync.hub.store import HubStore, initialise_hub

STATIONS = int(os.environ.get("JIUJIN_BENCH_STATIONS", "5000"))
DAYS = 30
PER_DAY = int(os.environ.get("JIUJIN_BENCH_APPS_PER_DAY", "4"))
RUNS = 3
TARGET_S = 5.0
FIRST_DAY = 738794  # 2023-10-01 as a proleptic ordinal; the days only need to be distinct


class Generated:
    """The rows of every hub table the reconciliation reads, built once for both databases."""

    def __init__(self) -> None:
        from datetime import date

        key = Ed25519PrivateKey.generate()
        self.stations: list[tuple[Any, ...]] = []
        self.applications: list[tuple[Any, ...]] = []
        self.manifests: list[tuple[Any, ...]] = []
        self.indexes: list[tuple[Any, ...]] = []
        self.entries: list[tuple[Any, ...]] = []
        self.ranges: list[tuple[Any, ...]] = []
        self.gaps: list[tuple[Any, ...]] = []
        self.discrepant = 0
        self.lost_only = 0  # discrepant only because of the lost batch
        received = "2023-10-31T18:00:00+00:00"
        for s in range(STATIONS):
            code = f"S{s:05d}"
            self.stations.append((code, f"站点{s}", "active", received, received, received))
            last = DAYS * PER_DAY
            if s % 50 == 7:  # 2% of the stations lost a batch: seqs 11..20
                self.ranges += [(code, 1, 10), (code, 21, last)]
                self.gaps.append((code, 11, 20, received))
            else:
                self.ranges.append((code, 1, last))
            for d in range(DAYS):
                self._day(key, s, code, date.fromordinal(FIRST_DAY + d).isoformat(), d, received)

    def _day(self, key: Ed25519PrivateKey, s: int, code: str, day: str, d: int, received: str) -> None:
        mid = len(self.manifests) + 1
        lines = []
        for n in range(PER_DAY):
            app_id = str(uuid.UUID(int=(s << 40) | (d << 16) | n))
            digest = hashlib.sha256(app_id.encode()).hexdigest()
            lines.append((app_id, "310101001", "submitted", digest))
            hub_digest = "0" * 64 if (mid % 200 == 3 and n == 0) else digest
            if not (mid % 100 == 5 and n == 1):  # 1%: the hub never got one
                self.applications.append((app_id, code, "330106", "community", "310101001", day, "submitted",
                                          0, None, None, 0, hub_digest, d * PER_DAY + n + 1))
        if mid % 200 == 11:  # 0.5%: the hub holds one the station did not list
            self.applications.append((str(uuid.UUID(int=(s << 40) | (d << 16) | 0xFFFF)), code, "330106",
                                      "community", "310101001", day, "submitted", 0, None, None, 0, "e" * 64, 0))
        span = (d * PER_DAY + 1, (d + 1) * PER_DAY)
        lost = s % 50 == 7 and span[0] <= 20 and span[1] >= 11
        other = mid % 100 == 5 or mid % 200 in (3, 11)
        self.discrepant += int(lost or other)
        self.lost_only += int(lost and not other)
        document = manifest.build(code, day, received, lines, span, (span[1], "a" * 64))
        signed = manifest.sign(document, key).decode()
        self.manifests.append((mid, code, day, signed, document["digest"], received, "folder", "pending", "{}"))
        self.indexes.append((mid, code, day, PER_DAY, span[0], span[1]))
        self.entries += [(mid, line[0], line[1]) for line in document["applications"]]


TABLES: dict[str, tuple[str, Sequence[str]]] = {
    "stations": ("hub_station", ("code", "name", "status", "created_at", "enrolled_at", "last_received_at")),
    "applications": ("hub_application", ("id", "station", "district", "point_type", "item_code", "day", "status",
                                         "card_only", "due_date", "completed_on", "amendments", "content_hash",
                                         "last_seq")),
    "manifests": ("hub_manifest", ("id", "station", "day", "signed", "digest", "received_at", "via", "verdict",
                                   "discrepancies")),
    "indexes": ("hub_manifest_index", ("manifest", "station", "day", "count", "outbox_first", "outbox_last")),
    "entries": ("hub_manifest_entry", ("manifest", "application_id", "content_hash")),
    "ranges": ("hub_range", ("station", "first_seq", "last_seq")),
    "gaps": ("hub_gap", ("station", "first_seq", "last_seq", "detected_at")),
}


def load(store: HubStore, data: Generated) -> None:
    """Write the generated rows: COPY on PostgreSQL, executemany in one transaction on SQLite."""
    for attribute, (table, columns) in TABLES.items():
        rows: list[tuple[Any, ...]] = getattr(data, attribute)
        _bulk(store, table, columns, rows)
    if is_postgres(store.db):
        execute(store.db, "SELECT setval(pg_get_serial_sequence('hub_manifest', 'id'), "
                          "(SELECT MAX(id) FROM hub_manifest))")
        execute(store.db, "ANALYZE")
    else:
        execute(store.db, "ANALYZE")


def _bulk(store: HubStore, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    names = ", ".join(columns)
    connection = store.db.connection()
    if is_postgres(store.db):
        with store.db.atomic(), connection.cursor() as cursor, cursor.copy(
                f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    with store.db.atomic():
        connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _reconcile(store: HubStore) -> dict[str, Any]:
    counts = reconcile.reconcile_all(store)
    report = reconcile.ledger(store)
    return {"counts": counts, "stations": len(report["stations"]),
            "gaps": sum(1 for s in report["stations"] if s["gaps"])}


def _baseline(store: HubStore) -> float:
    """A bare scan of the same rows: every manifest's signed text and every manifest line."""
    started = time.perf_counter()
    execute(store.db, "SELECT COUNT(*), SUM(LENGTH(signed)) FROM hub_manifest").fetchone()
    execute(store.db, "SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM hub_manifest_entry").fetchone()
    return time.perf_counter() - started


def _toggle_gaps(store: HubStore, data: Generated, filled: bool) -> None:
    """The lost batches arrive (resend) or the hub's ledger goes back to missing them."""
    last = DAYS * PER_DAY
    codes = [row[0] for row in data.gaps]
    with store.db.atomic():
        HubRange.delete().where(HubRange.station.in_(codes)).execute()
        HubGap.delete().where(HubGap.station.in_(codes)).execute()
        if filled:
            HubRange.insert_many([(c, 1, last) for c in codes],
                                 fields=[HubRange.station, HubRange.first_seq, HubRange.last_seq]).execute()
        else:
            _bulk(store, *TABLES["ranges"], [r for r in data.ranges if r[0] in set(codes)])
            _bulk(store, *TABLES["gaps"], data.gaps)


def measure(label: str, store: HubStore, data: Generated) -> list[Figure]:
    started = time.perf_counter()
    load(store, data)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    outcome = _reconcile(store)
    cold = time.perf_counter() - started
    assert outcome["counts"]["discrepant"] == data.discrepant, outcome
    runs = []
    for run in range(RUNS):
        _toggle_gaps(store, data, filled=run % 2 == 0)
        started = time.perf_counter()
        outcome = _reconcile(store)
        runs.append(time.perf_counter() - started)
    assert outcome["counts"]["discrepant"] == data.discrepant - data.lost_only, outcome
    assert outcome["gaps"] == 0, outcome
    baselines = [_baseline(store) for _ in range(RUNS)]
    worst, base = max(runs), min(baselines)
    name = f"reconcile {STATIONS} stations × {DAYS} days on {label}"
    notes: dict[str, object] = {"runs_s": [round(r, 3) for r in runs], "manifests": STATIONS * DAYS,
                                "lines": len(data.entries), "hub_applications": len(data.applications),
                                "changed_per_run": data.lost_only, "load_s": round(load_s, 1)}
    return [
        Figure(f"{name} (hub reconcile: compare every open manifest + ledger; resends changed some verdicts)",
               worst, "s", baseline=base, baseline_name="bare scan of the same manifest rows and lines",
               target=f"≤ {TARGET_S:g} s", passed=worst <= TARGET_S, notes=notes),
        Figure(f"{name}, cold: no verdict stored yet, all {STATIONS * DAYS} written (not a state a hub reaches: "
               "each manifest is compared at receipt)", cold, "s", baseline=base,
               baseline_name="bare scan of the same manifest rows and lines"),
    ]


def main() -> list[Figure]:
    started = time.perf_counter()
    data = Generated()
    print(f"  generated {len(data.manifests)} signed manifests in {time.perf_counter() - started:.1f} s")
    figures = []
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-reconcile-") as tmp:
        store = initialise_hub(Path(tmp) / "hub")
        try:
            figures += measure("SQLite", store, data)
        finally:
            store.close()
        figures += _postgres(Path(tmp), data)
    write_results("reconcile", figures)
    return figures


def _postgres(tmp: Path, data: Generated) -> list[Figure]:
    base = os.environ.get("JIUJIN_TEST_POSTGRES_URL")
    name = f"reconcile {STATIONS} stations × {DAYS} days on PostgreSQL"
    if not base:
        return [Figure(name, 0, "s", target=f"≤ {TARGET_S:g} s", notes={"skipped": "JIUJIN_TEST_POSTGRES_URL unset"})]
    import psycopg

    schema = f"bench_reconcile_{os.getpid()}"
    shutil.copytree(tmp / "hub", tmp / "pg-hub", ignore=shutil.ignore_patterns("hub.db*"))
    store = HubStore(tmp / "pg-hub", f"{base}?schema={schema}")
    try:
        store.create_schema()
        return measure("PostgreSQL", store, data)
    finally:
        store.close()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
