"""The counter never waits on sync (issue 21), beside a baseline measured in the same run.

A station holding 100,000 applications, with the hub's offline policy installed (every
limit set, none exceeded): 90,000 delivered, 10,000 sealed and held by a real hub whose
signed acknowledgements are waiting. Submissions arrive at random, 20 ms apart on average,
on the counter's thread while the background sync thread applies those acknowledgements
(10,000 applications become delivered), as the counter app's sync loop does. Figures: submit p95 and max during
the apply, against submit p95 and max on the same store with no sync running.
"""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from pathlib import Path

from bench._harness import Figure, percentile, write_results
from station.core.config import StationConfig
from station.core.db import database, in_background
from station.core.models import Application
from station.core.roles import Role
from station.core.seed import people, seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.station.core.helpers import draft
from tests.station.core.reconcile_helpers import Hub

STORED = int(os.environ.get("JIUJIN_BENCH_APPLICATIONS", "100000"))
ACKNOWLEDGED = int(os.environ.get("JIUJIN_BENCH_ACK_APPLICATIONS", "10000"))
BASELINE_SUBMITS = 300
#: A submission every 20 ms on average (random arrivals): fifty a second, a thousand times what
#: all of a point's counters file together, yet leaving the write lock free part of the time
#: (a tight loop of submissions would starve the sync, which no counter does).
PACE = 0.02
POLICY = {"max_unsent": 50000, "max_days_without_contact": 30, "min_free_mb": 1}
CONFIG = StationConfig(code="BN0001", name="基准测试站", point_type="community", district="330106")
PASSWORD = "bench-pass-1"


def _station(folder: Path) -> tuple[StationStore, Sessions]:
    store = StationStore.initialise(folder, CONFIG, "admin", "管理员", PASSWORD)
    admin = store.login("admin", PASSWORD)
    for name, role in (("wang", Role.OPERATOR), ("li", Role.SUPERVISOR), ("zhao", Role.SYNC_OPERATOR)):
        store.operators.add(admin, name, name, role, PASSWORD)
    sessions = Sessions(admin, *(store.login(n, PASSWORD) for n in ("wang", "li", "zhao")))
    return store, sessions


def _drafts(store: StationStore, sessions: Sessions, count: int, seed: int) -> list[str]:
    from datetime import date

    stream = people(seed, date.today())
    return [store.applications.create_draft(sessions.operator, draft(p.id_number, p.name, phone=p.phone)).id
            for p in (next(stream) for _ in range(count))]


def _submit_times(store: StationStore, sessions: Sessions, drafts: list[str], until: threading.Event | None) -> list[float]:
    """Submit the drafts at random moments, PACE seconds apart on average, at once when behind
    (until `until` is set, when given); the seconds each took."""
    samples = []
    arrivals = random.Random(21)
    due = time.perf_counter()
    for app_id in drafts:
        if until is not None and until.is_set():
            break
        time.sleep(max(0.0, due - time.perf_counter()))
        started = time.perf_counter()
        store.applications.submit(sessions.operator, app_id)
        samples.append(time.perf_counter() - started)
        due = max(due + arrivals.expovariate(1 / PACE), started)
    return samples


def measure(tmp: Path) -> list[Figure]:
    store, sessions = _station(tmp / "station")
    hub = Hub(tmp / "hub", store, sessions, store.clock)  # type: ignore[arg-type]
    services = service_choices(CONFIG.point_type)
    started = time.perf_counter()
    seed_applications(sessions.operator, services, STORED - ACKNOWLEDGED, days=60,
                      accepting_guard=store.applications.accepting_guard)
    hub.deliver()
    hub.send("offline_policy", POLICY)
    seed_applications(sessions.operator, services, ACKNOWLEDGED, seed=7, days=1,
                      accepting_guard=store.applications.accepting_guard)
    waiting = hub.acks()
    print(f"  seeded {STORED:,}, delivered {STORED - ACKNOWLEDGED:,} in {time.perf_counter() - started:.0f} s", flush=True)

    baseline = _submit_times(store, sessions, _drafts(store, sessions, BASELINE_SUBMITS, 11), None)
    drafts = _drafts(store, sessions, 6000, 12)
    done = threading.Event()
    applied: list[float] = []

    def apply() -> None:
        began = time.perf_counter()
        try:
            with in_background():  # as on the sync loop's thread
                for ack in waiting:
                    hub.service.apply_ack(sessions.sync_operator, ack)
            applied.append(time.perf_counter() - began)
        finally:
            done.set()
            database.close()

    syncing = threading.Thread(target=apply, name="jiujin-sync")
    syncing.start()
    during = _submit_times(store, sessions, drafts, done)
    syncing.join()
    delivered = Application.select().where(Application.status == "delivered").count()
    assert delivered == STORED, delivered
    assert done.is_set() and len(during) < len(drafts), "the drafts ran out before the apply ended"
    store.close()
    hub.close()
    p95, top = percentile(during, 95) * 1000, max(during) * 1000
    base_p95, base_max = percentile(baseline, 95) * 1000, max(baseline) * 1000
    notes = {"stored": STORED, "acknowledged": ACKNOWLEDGED, "submits_during": len(during),
             "apply_s": round(applied[0], 3), "baseline_submits": len(baseline), "policy": POLICY,
             "during_p50_ms": round(percentile(during, 50) * 1000, 3)}
    label = f"while a {ACKNOWLEDGED:,}-application acknowledgement is applied ({STORED:,} stored, offline policy on)"
    return [
        Figure(f"submit p95 {label}", p95, "ms", baseline=base_p95, baseline_name="submit p95, no sync running",
               target="≤ 20 ms", passed=p95 <= 20, notes=notes),
        Figure(f"submit max {label}", top, "ms", baseline=base_max, baseline_name="submit max, no sync running",
               target="≤ 100 ms", passed=top <= 100),
        Figure(f"applying the {ACKNOWLEDGED:,}-application acknowledgement beside the submissions (figure only)",
               applied[0], "s"),
    ]


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-counter-sync-") as name:
        figures = measure(Path(name))
    write_results("counter_sync", figures)
    return figures


if __name__ == "__main__":
    main()
