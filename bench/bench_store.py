"""Station store benchmarks (issue: foundation).

- submit latency p50/p95 with 100,000 applications already stored, and submit throughput
  against a bare peewee insert of the same payload into SQLCipher with the station's cipher
  settings (same durability; issue 21 holds it to ≥ 0.6×), beside the same insert into plain
  SQLite;
- WAL frames (pages) written per submission, ≤ 8 (issue 21), beside a bare insert's;
- find by ID number among 100,000;
- station start to login screen ready against a bare Textual app started the same way;
- login time (Argon2id) beside a bare Argon2id derivation with the same parameters;
- peak RSS while seeding 100,000 applications, and its growth from 25,000 to 100,000;
- the counter's screens (home, today's list, the whole list, a closed status, an
  application's detail) on a store of 100,000 synced all but its last day, each p95 ≤ 100 ms,
  beside the same screens on a store of two days at the same rate, synced the same way.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bench._harness import Figure, installed_environment, percentile, time_calls, write_results

APPLICATIONS = int(os.environ.get("JIUJIN_BENCH_APPLICATIONS", "100000"))
REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-pass-1"
SUBMITS = 400


def _make_station(folder: Path) -> None:
    from station.core.config import StationConfig
    from station.core.roles import Role
    from station.core.store import StationStore

    config = StationConfig(code="BN0001", name="基准测试社区", point_type="community", district="330106")
    store = StationStore.initialise(folder, config, "admin", "管理员", PASSWORD)
    store.operators.add(store.login("admin", PASSWORD), "clerk", "柜员", Role.OPERATOR, PASSWORD)
    store.close()


def _seed_in_child(folder: Path) -> dict[str, float]:
    """Seed in a separate process, sampling its RSS, so the figure is the seeder's alone."""
    code = f"""
import json, sys
from pathlib import Path
from bench._harness import current_rss_mb, peak_rss_mb
from station.core.store import StationStore
from station.core.seed import seed_applications
from station.core.services import service_choices
store = StationStore(Path({str(folder)!r}))
session = store.login("clerk", {PASSWORD!r})
samples = {{"start": current_rss_mb()}}
def progress(done):
    if done in ({APPLICATIONS // 4}, {APPLICATIONS}):
        samples[str(done)] = current_rss_mb()
seed_applications(session, service_choices("community"), {APPLICATIONS}, days=60, progress=progress)
samples["peak"] = peak_rss_mb()
print(json.dumps(samples))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    samples: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return samples


def _submit_figures(folder: Path) -> list[Figure]:
    """Submits, bare inserts and a submission's statements replayed alone take turns, one
    each, so all of them see the same machine."""
    from station.core.seed import people
    from station.core.store import StationStore
    from tests.station.core.helpers import draft

    store = StationStore(folder)
    session = store.login("clerk", PASSWORD)
    stream = people(99, date.today())
    drafts = [store.applications.create_draft(session, draft(p.id_number, p.name, phone=p.phone, address=p.address))
              for p in (next(stream) for _ in range(SUBMITS))]
    store.close()  # two copies of the drafts' station: one to note the statements on, one to replay them
    recorded, replayed = folder.parent / "recorded", folder.parent / "replayed"
    shutil.copytree(folder, recorded)
    shutil.copytree(folder, replayed)
    os.sync()  # else the first checkpoint on a copy would wait for the whole copy to reach the disk
    notes = _noted_statements(recorded, [d.id for d in drafts])
    replaying = StationStore(replayed)
    replaying.login("clerk", PASSWORD)
    assert replaying.db is not None
    connection = replaying.db.connection()  # kept: the next store binds the models to its own database
    store = StationStore(folder)
    session = store.login("clerk", PASSWORD)
    bare_insert = _bare_inserter(folder.parent / "bare.db", json.loads(drafts[0].payload))
    cipher_insert = _bare_inserter(folder.parent / "bare-cipher.db", json.loads(drafts[0].payload), encrypted=True)
    submits, bares, ciphered, replays, commits = [], [], [], [], []
    for app, statements in zip(drafts, notes, strict=True):
        submits += time_calls(lambda app=app: store.applications.submit(session, app.id), 1)
        bares += time_calls(bare_insert, 1)
        ciphered += time_calls(cipher_insert, 1)
        began = time.perf_counter()
        for sql, params in statements:
            committing = time.perf_counter()
            connection.execute(sql, params).fetchall()
        ended = time.perf_counter()
        replays.append(ended - began)
        commits.append(ended - committing)  # the last statement noted is the COMMIT
    replaying.close()
    known = [d.applicant_id for d in drafts] + [p.id_number for p in (next(stream) for _ in range(100))]
    random.Random(1).shuffle(known)
    lookups = iter(known)
    find = time_calls(lambda: store.applications.find_by_id_number(session, next(lookups)), len(known))
    store.close()
    ours_rate, bare_rate = len(submits) / sum(submits), len(bares) / sum(bares)
    cipher_rate = len(ciphered) / sum(ciphered)
    return [
        Figure("submit latency p50", percentile(submits, 50) * 1000, "ms"),
        Figure("submit latency p95", percentile(submits, 95) * 1000, "ms", target="≤ 20 ms",
               passed=percentile(submits, 95) * 1000 <= 20, notes={"stored": APPLICATIONS}),
        Figure("submit throughput", ours_rate, "per s", baseline=cipher_rate,
               baseline_name="the same bare peewee insert into SQLCipher with the station's cipher settings",
               target="≥ 0.6× bare", passed=ours_rate / cipher_rate >= 0.6,
               notes={"p50_ms": round(percentile(submits, 50) * 1000, 3),
                      "bare_p50_ms": round(percentile(ciphered, 50) * 1000, 3)}),
        Figure("submit throughput, beside a plain SQLite insert (figure only)", ours_rate, "per s",
               baseline=bare_rate,
               baseline_name=f"bare peewee insert of the same payload into plain SQLite holding {APPLICATIONS:,} rows, WAL, synchronous=FULL"),
        Figure("a submission's statements replayed alone, no Python between them (figure only)",
               len(replays) / sum(replays), "per s", baseline=cipher_rate,
               baseline_name="the same bare SQLCipher insert, in turn with them",
               notes={"statements_per_submission": sum(len(s) for s in notes) / len(notes),
                      "p50_ms": round(percentile(replays, 50) * 1000, 3),
                      "what": "the ceiling of the submit throughput with this schema: the submission's SQL and "
                              "commit on their own, noted on one copy of the station and run on another"}),
        Figure("a submission's commit alone p50 (figure only)", percentile(commits, 50) * 1000, "ms",
               baseline=percentile(ciphered, 50) * 1000, baseline_name="the whole bare SQLCipher insert p50"),
        Figure("find by ID number p95", percentile(find, 95) * 1000, "ms", target="≤ 5 ms",
               passed=percentile(find, 95) * 1000 <= 5, notes={"stored": APPLICATIONS}),
    ]


class _Recorder:
    """A station connection that notes each statement and its parameters on the way to SQLite
    (peewee runs BEGIN and COMMIT through a cursor, the submission's hot path through `execute`)."""

    def __init__(self, connection: Any, notes: list[list[tuple[str, tuple[object, ...]]]]) -> None:
        self._connection, self._notes = connection, notes

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        self._notes[-1].append((sql, tuple(params)))
        return self._connection.execute(sql, params)

    def cursor(self) -> _Recorder:
        return self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def _noted_statements(folder: Path, app_ids: list[str]) -> list[list[tuple[str, tuple[object, ...]]]]:
    """Submit each draft on this copy of the station, noting each submission's statements with
    their parameters, from its BEGIN to its COMMIT."""
    from station.core.db import database
    from station.core.store import StationStore

    notes: list[list[tuple[str, tuple[object, ...]]]] = []
    store = StationStore(folder)
    session = store.login("clerk", PASSWORD)
    connection = database.connection()
    database._state.conn = _Recorder(connection, notes)
    try:
        for app_id in app_ids:
            notes.append([])
            store.applications.submit(session, app_id)
    finally:
        database._state.conn = connection
        store.close()
    if not all(s and s[0][0].startswith("BEGIN") and s[-1][0] == "COMMIT" for s in notes):
        raise RuntimeError("a noted submission is not one whole transaction")
    return notes


def _bare_inserter(path: Path, payload: dict[str, object], *, encrypted: bool = False) -> Callable[[], object]:
    """One single-row transaction per call: peewee over plain SQLite (or, `encrypted`, over
    SQLCipher with the station's cipher settings), same durability, into a table already
    holding as many rows as the station holds applications."""
    from peewee import CharField, Database, Model, SqliteDatabase, TextField

    from station.core.db import CIPHER_PRAGMAS, STORE_PRAGMAS, raw_key_passphrase

    db: Database
    if encrypted:
        from playhouse.sqlcipher_ext import SqlCipherDatabase

        db = SqlCipherDatabase(str(path), passphrase=raw_key_passphrase(os.urandom(32)),
                               pragmas=CIPHER_PRAGMAS + STORE_PRAGMAS)
    else:
        db = SqliteDatabase(str(path), pragmas={"journal_mode": "wal", "synchronous": 2})

    class Row(Model):
        applicant_id = CharField(index=True)
        payload = TextField()

        class Meta:
            database = db

    db.create_tables([Row])
    text = json.dumps(payload, ensure_ascii=False)
    rng = random.Random(5)
    with db.atomic():
        for start in range(0, APPLICATIONS, 1000):
            Row.insert_many([{"applicant_id": f"{rng.randrange(10**17):017d}X", "payload": text}
                             for _ in range(min(1000, APPLICATIONS - start))]).execute()
    return lambda: Row.create(applicant_id="11010519491231002X", payload=text)


def _pages_figure() -> Figure:
    """WAL frames per submission (each one page, encrypted, written and flushed at commit), in a
    fresh process on a plain copy of the schema (`bench.submit_pages` says why)."""
    out = subprocess.run([sys.executable, "-m", "bench.submit_pages", str(APPLICATIONS), "--json"], cwd=REPO,
                         capture_output=True, text=True, check=True, timeout=900)
    pages = json.loads(out.stdout.strip().splitlines()[-1])
    return Figure("WAL frames per submission", pages["per_submit"], "pages", baseline=pages["bare_per_insert"],
                  baseline_name="a bare insert into a table with one index", target="≤ 8",
                  passed=pages["per_submit"] <= 8, notes={"stored": APPLICATIONS, "owners": pages["owners"]})


def _startup_figure(folder: Path) -> Figure:
    env = installed_environment(folder.parent / "pycache")

    def run(*args: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.startup_probe", *args], cwd=REPO, check=True,
                       capture_output=True, timeout=60, env=env)
        return time.perf_counter() - start

    run("bare"), run("station", str(folder))  # untimed: compiles the bytecode, as installing would
    station_runs, bare_runs = [], []
    for _ in range(5):  # interleaved, so both see the same machine
        bare_runs.append(run("bare"))
        station_runs.append(run("station", str(folder)))
    ours, bare = min(station_runs), min(bare_runs)
    return Figure("start to login screen ready", ours, "s", baseline=bare,
                  baseline_name="bare Textual app with one input", target="≤ 2.0×",
                  passed=ours / bare <= 2.0)


def _login_figure(folder: Path) -> Figure:
    from station.core.keys import KdfParams
    from station.core.store import StationStore

    store = StationStore(folder)
    logins = time_calls(lambda: store.login("clerk", PASSWORD), 5)
    store.close()
    derive = time_calls(lambda: KdfParams.fresh().derive(PASSWORD), 5)
    return Figure("login (Argon2id 64 MiB, 3 passes)", min(logins), "s", baseline=min(derive),
                  baseline_name="bare Argon2id derivation, same parameters")


def _as_synced(folder: Path) -> None:
    """Bring a seeded station to the state syncing leaves it in: every event made before the
    last day in a batch the hub acknowledged (one a day, as a daily push), and those
    applications completed at the hub. The batches' rows are written here, not sealed and sent:
    what is measured next is only how the counter's screens read such a store."""
    import hashlib
    from itertools import groupby

    from station.core import outbox
    from station.core.applications import HubStatus, Status
    from station.core.db import in_short_transactions, write_transaction
    from station.core.models import OutboxEvent, SyncBatch
    from station.core.roles import Role
    from station.core.store import StationStore

    store = StationStore(folder)
    admin = store.login("admin", PASSWORD)
    if "sync" not in {o.name for o in store.operators.list(admin)}:
        store.operators.add(admin, "sync", "同步对账员", Role.SYNC_OPERATOR, PASSWORD)
    session = store.login("sync", PASSWORD)
    events = list(OutboxEvent.select(OutboxEvent.seq, OutboxEvent.application_id, OutboxEvent.at)
                  .order_by(OutboxEvent.seq).tuples())
    days = [list(day) for _, day in groupby(events, key=lambda e: str(e[2])[:10])][:-1]
    previous = "0" * 64
    for number, day in enumerate(days, start=1):
        first, last, at = day[0][0], day[-1][0], str(day[-1][2])
        batch_id = hashlib.sha256(f"BN0001/{number}".encode()).hexdigest()
        with write_transaction():
            SyncBatch.create(batch_no=number, first_seq=first, last_seq=last, record_count=len(day),
                             batch_id=batch_id, prev_batch=previous, body_sha256=batch_id, created_at=at,
                             size=0, state="acknowledged", transport="http", sent_at=at, acknowledged_at=at)
        previous = batch_id
        for part in in_short_transactions(day, 1000):
            outbox.acknowledge(part[0][0], part[-1][0], store.clock())
            store.applications.record_hub_statuses(session, [HubStatus(app_id, Status.COMPLETED)
                                                             for _, app_id, _ in part])
    store.close()


def _screen_times(folder: Path) -> dict[str, list[float]]:
    """Each counter screen's reads, in turn, 30 times: what the screen waits for."""
    from station.core import overview
    from station.core.models import Application
    from station.core.overview import ListFilters
    from station.core.store import StationStore

    store = StationStore(folder)
    session = store.login("clerk", PASSWORD)
    ids = [str(a.id) for a in Application.select(Application.id).order_by(Application.id)]
    picks = iter(random.Random(3).choices(ids, k=30))
    screens: dict[str, Callable[[], object]] = {
        "home": lambda: overview.counter_overview(store, session),
        "today's list": lambda: overview.application_rows(store, session, ListFilters()),
        "the whole list": lambda: overview.application_rows(store, session, ListFilters(today_only=False)),
        "the completed": lambda: overview.application_rows(
            store, session, ListFilters(today_only=False, status="completed")),
        "an application's detail": lambda: overview.application_detail(store, session, next(picks), None),
    }
    times: dict[str, list[float]] = {name: [] for name in screens}
    for _ in range(30):
        for name, screen in screens.items():
            times[name] += time_calls(screen, 1)
    store.close()
    return times


def _screen_figures(seeded: Path, scratch: Path) -> list[Figure]:
    """The counter's screens on the 100,000 store synced but its last day, beside the same
    screens on a store of two days seeded at the same rate and synced but its last day: the
    same day's work on the screen, without the history."""
    from station.core.seed import seed_applications
    from station.core.services import service_choices
    from station.core.store import StationStore

    big, small = scratch / "screens-big", scratch / "screens-small"
    shutil.copytree(seeded, big)
    _make_station(small)
    store = StationStore(small)
    seed_applications(store.login("clerk", PASSWORD), service_choices("community"),
                      2 * APPLICATIONS // 60, days=2)  # the 100,000 are seeded over 60 days
    store.close()
    for folder in (big, small):
        _as_synced(folder)
    ours, base = _screen_times(big), _screen_times(small)
    return [Figure(f"{name} at {APPLICATIONS:,} stored, p95", percentile(ours[name], 95) * 1000, "ms",
                   baseline=percentile(base[name], 95) * 1000,
                   baseline_name=f"the same screen on a store of {2 * APPLICATIONS // 60:,} (two days)",
                   target="≤ 100 ms", passed=percentile(ours[name], 95) * 1000 <= 100,
                   notes={"p50_ms": round(percentile(ours[name], 50) * 1000, 3)})
            for name in ours]


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-") as scratch:
        folder = Path(scratch) / "station"
        _make_station(folder)
        rss = _seed_in_child(folder)
        growth = rss[str(APPLICATIONS)] - rss[str(APPLICATIONS // 4)]
        figures = [
            Figure(f"peak RSS seeding {APPLICATIONS:,}", rss["peak"], "MB", baseline=rss["start"],
                   baseline_name="RSS after unlocking, before seeding", target="≤ 300 MB",
                   passed=rss["peak"] <= 300),
            Figure(f"RSS growth from {APPLICATIONS // 4:,} to {APPLICATIONS:,}", growth, "MB",
                   target="flat (≤ 10 MB)", passed=growth <= 10),
        ]
        backup = Path(scratch) / "seeded"
        shutil.copytree(folder, backup)
        figures += _submit_figures(folder)
        figures.append(_pages_figure())
        figures.append(_startup_figure(backup))
        figures.append(_login_figure(backup))
        figures += _screen_figures(backup, Path(scratch))
    write_results("store", figures)
    return figures


if __name__ == "__main__":
    main()
