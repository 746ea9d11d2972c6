"""Reconciliation's daily run on PostgreSQL (issues 7 and 21), beside a baseline measured in the
same run, at two lengths of history.

5,000 stations each file 100 applications a day. The hub's tables (stations, the per-
application index, day manifests with their lines and spans, held runs) are generated inside
PostgreSQL with `INSERT ... SELECT generate_series` (bulk, bounded: no row passes through
Python), 15 days of history first. With discrepancies: 1% of the manifests list an
application the hub never got, 0.5% one whose content differs, 0.5% miss one the hub holds,
and 4% of the stations lost a batch (two sets of 2%). The history is compared once, untimed,
as the runs of the days before would have.

Then a day arrives: every station's 100 new applications, its held runs grown by the day, and
its manifest, compared as it arrives (`receive_manifest` does; here all 5,000 at once, untimed,
reported beside). Later one set of lost batches is resent. Timed: the daily run, what
`jiujin hub reconcile` does (compare what changed since: the manifests the resent sequence
numbers cover; then every station's ledger). Then 15 more days of history are added and another day
arrives: the same run at 30 days of history. Target: ≤ 5 s at 30 days, and flat (the 30-day
run at most 1.5× the 15-day one). Baseline: a bare scan of every manifest line (what comparing
them all would at least read), which grows with the history.

The signed manifest documents are not read by the run (their lines are in
`hub_manifest_entry`), so their `signed` column holds a placeholder here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._harness import Figure, write_results
from sync.hub import reconcile
from sync.hub.db import execute
from sync.hub.store import HubStore, initialise_hub

STATIONS = int(os.environ.get("JIUJIN_BENCH_STATIONS", "5000"))
PER_DAY = int(os.environ.get("JIUJIN_BENCH_APPS_PER_DAY", "100"))
HISTORY = (15, 30)
TARGET_S = 5.0
FLAT = 1.5
RECEIVED = "2023-10-31T18:00:00+00:00"
#: Stations whose batch 11..20 (first set) or 31..40 (second set) was lost; resent one set per day.
LOST = {7: (11, 20), 8: (31, 40)}


def _key(s: str, d: str) -> str:
    """The manifest id of station number `s` on day number `d` (SQL expressions)."""
    return f"({s}) * 1000 + ({d}) + 1"


def _load_days(store: HubStore, first: int, last: int) -> None:
    """Days first..last-1 of every station: applications, manifests, spans, lines (SQL only)."""
    db = store.db
    days = f"generate_series({first}, {last - 1})"
    code, day = "'S' || lpad(s::text, 5, '0')", "(date '2023-10-01' + d)::text"
    mix = "(s * 31 + d)"
    execute(db, f"""
        INSERT INTO hub_application (id, station, district, point_type, item_code, day, status, card_only,
                                     amendments, rongque, proxy, content_hash, last_seq)
        SELECT md5('a' || s || '-' || d || '-' || n)::uuid::text, {code}, '330106', 'community', '310101001',
               {day}, 'submitted', 0, 0, 0, 0,
               CASE WHEN mod({mix}, 200) = 3 AND n = 0 THEN repeat('0', 64)
                    ELSE md5('h' || s || '-' || d || '-' || n) || md5('g' || s || '-' || d || '-' || n) END,
               d * {PER_DAY} + n + 1
        FROM generate_series(0, {STATIONS - 1}) s, {days} d, generate_series(0, {PER_DAY}) n
        WHERE (n < {PER_DAY} AND NOT (mod({mix}, 100) = 5 AND n = 1)) OR (n = {PER_DAY} AND mod({mix}, 200) = 11)""")
    execute(db, f"""
        INSERT INTO hub_manifest (id, station, day, signed, digest, received_at, via, verdict, discrepancies)
        SELECT {_key('s', 'd')}, {code}, {day}, '{{}}', md5(s || '-' || d), '{RECEIVED}', 'folder', 'pending', '{{}}'
        FROM generate_series(0, {STATIONS - 1}) s, {days} d""")
    execute(db, f"""
        INSERT INTO hub_manifest_index (manifest, station, day, count, outbox_first, outbox_last)
        SELECT {_key('s', 'd')}, {code}, {day}, {PER_DAY}, d * {PER_DAY} + 1, (d + 1) * {PER_DAY}
        FROM generate_series(0, {STATIONS - 1}) s, {days} d""")
    execute(db, f"""
        INSERT INTO hub_manifest_entry (manifest, application_id, content_hash)
        SELECT {_key('s', 'd')}, md5('a' || s || '-' || d || '-' || n)::uuid::text,
               md5('h' || s || '-' || d || '-' || n) || md5('g' || s || '-' || d || '-' || n)
        FROM generate_series(0, {STATIONS - 1}) s, {days} d, generate_series(0, {PER_DAY - 1}) n""")
    execute(db, f"INSERT INTO hub_manifest_stale (manifest) SELECT {_key('s', 'd')} "
                f"FROM generate_series(0, {STATIONS - 1}) s, {days} d")


def _held(store: HubStore, days: int, resent: set[int]) -> None:
    """Every station's held runs after `days` days; lost batches not in `resent` stay missing."""
    db = store.db
    last = days * PER_DAY
    execute(db, "DELETE FROM hub_range")
    execute(db, "DELETE FROM hub_gap")
    code = "'S' || lpad(s::text, 5, '0')"
    lost = " OR ".join(f"mod(s, 50) = {k}" for k in LOST if k not in resent) or "false"
    execute(db, f"INSERT INTO hub_range (station, first_seq, last_seq) SELECT {code}, 1, {last} "
                f"FROM generate_series(0, {STATIONS - 1}) s WHERE NOT ({lost})")
    for k, (a, b) in LOST.items():
        if k in resent:
            continue
        execute(db, f"INSERT INTO hub_range (station, first_seq, last_seq) SELECT {code}, x, y "
                    f"FROM generate_series(0, {STATIONS - 1}) s, (VALUES (1, {a - 1}), ({b + 1}, {last})) r(x, y) "
                    f"WHERE mod(s, 50) = {k}")
        execute(db, f"INSERT INTO hub_gap (station, first_seq, last_seq, detected_at) "
                    f"SELECT {code}, {a}, {b}, '{RECEIVED}' FROM generate_series(0, {STATIONS - 1}) s WHERE mod(s, 50) = {k}")


def _expected_discrepant(days: int, resent: set[int]) -> int:
    count = 0
    for s in range(STATIONS):
        for d in range(days):
            mix = s * 31 + d
            lost = any(s % 50 == k and k not in resent and d * PER_DAY < b and (d + 1) * PER_DAY >= a
                       for k, (a, b) in LOST.items())
            count += int(lost or mix % 100 == 5 or mix % 200 in (3, 11))
    return count


def _daily_run(store: HubStore) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    counts = reconcile.reconcile_all(store)
    report = reconcile.ledger(store)
    elapsed = time.perf_counter() - started
    assert len(report["stations"]) == STATIONS
    return elapsed, counts


def _bare_scan(store: HubStore) -> float:
    started = time.perf_counter()
    execute(store.db, "SELECT COUNT(*), COUNT(DISTINCT content_hash) FROM hub_manifest_entry").fetchone()
    return time.perf_counter() - started


def measure(store: HubStore) -> list[Figure]:
    db = store.db
    execute(db, f"""INSERT INTO hub_station (code, name, status, created_at, enrolled_at, last_received_at,
                                         district, point_type, town, release)
        SELECT 'S' || lpad(s::text, 5, '0'), '站点' || s, 'active', '{RECEIVED}', '{RECEIVED}', '{RECEIVED}',
               '330106', 'community', '', ''
        FROM generate_series(0, {STATIONS - 1}) s""")
    runs: dict[int, dict[str, Any]] = {}
    loaded, resent = 0, set[int]()
    for step, history in enumerate(HISTORY):
        started = time.perf_counter()
        _load_days(store, loaded, history)
        _held(store, history, resent)
        execute(db, "ANALYZE")
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        catch_up = reconcile.reconcile_all(store)  # the days before, compared
        catch_up_s = time.perf_counter() - started
        assert catch_up["discrepant"] == _expected_discrepant(history, resent), catch_up
        _load_days(store, history, history + 1)  # the day arrives: its records, then its manifests
        _held(store, history + 1, resent)
        started = time.perf_counter()
        at_receipt = reconcile.reconcile_all(store)  # each compared as it arrives; here all at once
        receipt_s = time.perf_counter() - started
        resent.add(sorted(LOST)[step])  # later, one set of lost batches is resent
        _held(store, history + 1, resent)
        elapsed, counts = _daily_run(store)
        assert counts["discrepant"] == _expected_discrepant(history + 1, resent), counts
        assert counts["compared"] == STATIONS // 50, counts  # the resent stations' first days only
        assert _daily_run(store)[1]["compared"] == 0  # nothing changed since: nothing compared
        runs[history] = {"daily_s": elapsed, "counts": counts, "load_s": round(load_s, 1),
                         "catch_up_s": round(catch_up_s, 1), "scan_s": _bare_scan(store),
                         "day_at_receipt_s": round(receipt_s, 2), "day_compared_at_receipt": at_receipt["compared"]}
        loaded = history + 1
        print(f"  {history} days: daily run {elapsed:.2f} s, {counts}", flush=True)
    short, long = (runs[h] for h in HISTORY)
    arrival = Figure(f"the day's {STATIONS:,} manifests compared as they arrive ({HISTORY[1]} days of history; "
                     "here at once; figure only)", long["day_at_receipt_s"], "s")
    name = f"reconcile daily run on PostgreSQL, {STATIONS:,} stations × {PER_DAY} applications a day"
    return [
        Figure(f"{name}, {HISTORY[1]} days of history (compare what changed + every station's ledger)",
               long["daily_s"], "s", baseline=long["scan_s"],
               baseline_name=f"bare scan of every manifest line ({HISTORY[1]} days)", target=f"≤ {TARGET_S:g} s",
               passed=long["daily_s"] <= TARGET_S,
               notes={k: v for k, v in long.items() if k != "daily_s"} | {"lines": STATIONS * PER_DAY * HISTORY[1]}),
        Figure(f"{name}: {HISTORY[1]} days of history against {HISTORY[0]}", long["daily_s"], "s",
               baseline=short["daily_s"], baseline_name=f"the same run with {HISTORY[0]} days of history",
               target=f"flat (ratio ≤ {FLAT:g})", passed=long["daily_s"] / short["daily_s"] <= FLAT,
               notes={k: v for k, v in short.items() if k != "daily_s"}),
        arrival,
    ]


def main() -> list[Figure]:
    base = os.environ.get("JIUJIN_TEST_POSTGRES_URL")
    name = f"reconcile daily run on PostgreSQL, {STATIONS:,} stations"
    if not base:
        figures = [Figure(name, 0, "s", target=f"≤ {TARGET_S:g} s", notes={"skipped": "JIUJIN_TEST_POSTGRES_URL unset"})]
        write_results("reconcile", figures)
        return figures
    import psycopg

    schema = f"bench_reconcile_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-reconcile-") as tmp:
        initialise_hub(Path(tmp) / "hub").close()  # keys and folders; the store is PostgreSQL
        shutil.rmtree(Path(tmp) / "pg-hub", ignore_errors=True)
        shutil.copytree(Path(tmp) / "hub", Path(tmp) / "pg-hub", ignore=shutil.ignore_patterns("hub.db*"))
        store = HubStore(Path(tmp) / "pg-hub", f"{base}?schema={schema}")
        try:
            store.create_schema()
            figures = measure(store)
        finally:
            store.close()
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    write_results("reconcile", figures)
    return figures


if __name__ == "__main__":
    main()
