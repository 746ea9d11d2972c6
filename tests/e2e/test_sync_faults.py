"""Exactly once through a hostile network: a fault-injecting proxy between station and hub cuts
connections at random byte offsets, resets and delays them; the hub process is killed and
restarted mid-upload; batches are sent twice and old ones replayed. Every application
arrives once. `make test` runs 2,000 applications; the slow soak (`make soak`) runs 10,000.
"""

from __future__ import annotations

import dataclasses
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from station.core import outbox
from station.core.hub_link import HubLink
from station.core.models import Application
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.errors import HubUnavailable, HubUnreachable
from sync.hub.store import initialise_hub
from sync.transport_http import ClientSettings, HubClient, RetryPolicy
from tests.conftest import Sessions
from tests.sync.faultproxy import FaultProxy
from tests.sync.helpers import hub_database, postgres_schema
from tests.sync.hubproc import HubProcess, wait_healthy
from tests.sync.nginxproc import Nginx, certificate, nginx_binary

FAST_RETRY = RetryPolicy(initial=0.02, factor=2.0, maximum=0.5, attempts=30, deadline=120)


@pytest.fixture(params=["sqlite", "postgres"])
def hub_url_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with hub_database(request.param, tmp_path) as url:
        yield request.param, url


class HubKiller:
    """Kills the hub (SIGKILL) and restarts it when the upload passes given byte counts.

    The proxy holds the station's bytes while the hub restarts: behind nginx another hub takes
    the upload meanwhile, and on a slow machine the whole upload could finish before the
    restarted hub is up, leaving the next kill no upload to interrupt."""

    def __init__(self, hub: HubProcess, proxy: FaultProxy, at_bytes: list[int]) -> None:
        self.hub, self.proxy, self.at_bytes = hub, proxy, sorted(at_bytes)
        self.kills = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stop.is_set() and self.at_bytes:
            if self.proxy.bytes_up >= self.at_bytes[0]:
                self.at_bytes.pop(0)
                self.proxy.hold()
                try:
                    self.hub.kill()
                    self.kills += 1
                    self.hub.start()  # same port: the proxy forwards there again
                finally:
                    self.proxy.release()
            self.stop.wait(0.005)


def _push_until_empty(service: SyncService, sessions: Sessions, deadline: float) -> int:
    """Push until the outbox is empty, as the background loop would; returns attempts."""
    attempts = 0
    while outbox.depth() > 0:
        assert time.monotonic() < deadline, f"outbox still holds {outbox.depth()} events"
        attempts += 1
        try:
            service.push(sessions.sync_operator)
        except (HubUnreachable, HubUnavailable):
            continue
    return attempts


def _run(tmp_path: Path, store: StationStore, sessions: Sessions, db: tuple[str, str], count: int) -> None:
    kind, url = db
    hub_folder = tmp_path / "hub"
    hub_store = initialise_hub(hub_folder, url)
    token = hub_store.add_station(store.config.code)
    hub_store.close()
    hub = HubProcess(hub_folder, url).start()
    proxy = FaultProxy(hub.port, seed=count)
    try:
        _exercise(store, sessions, hub, proxy, token, count, hub.url)
        _check_hub(kind, url, store.config.code, count)
    finally:
        proxy.close()
        hub.stop()


def _run_behind_nginx(tmp_path: Path, store: StationStore, sessions: Sessions, url: str, count: int,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """station → faults → nginx (TLS) → a two-worker hub that gets killed, and a second hub process."""
    hub_folder = tmp_path / "hub"
    hub_store = initialise_hub(hub_folder, url)
    token = hub_store.add_station(store.config.code)
    hub_store.close()
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    hubs = [HubProcess(hub_folder, url, extra=("--workers", "2")), HubProcess(hub_folder, url)]
    front: Nginx | None = None
    proxy: FaultProxy | None = None
    try:
        for hub in hubs:
            hub.start()
        front = Nginx(tmp_path / "nginx", [h.port for h in hubs], cert, key).start()
        proxy = FaultProxy(front.https_port, seed=count)
        _exercise(store, sessions, hubs[0], proxy, token, count, front.url, verify=str(cert),
                  kill_at=(30_000, 120_000))
        wait_healthy(hubs[0].url)  # restarted beside a hub that ingests: it came back
        _check_hub("postgres", url, store.config.code, count)
    finally:
        if proxy is not None:
            proxy.close()
        if front is not None:
            front.stop()
        for hub in hubs:
            hub.stop()


def _exercise(store: StationStore, sessions: Sessions, hub: HubProcess, proxy: FaultProxy, token: str,
              count: int, hub_url: str, verify: str | None = None,
              kill_at: tuple[int, int] = (50_000, 250_000)) -> None:
    from sync.hubkeys import load_hub_public_keys

    scheme = hub_url.split("://")[0]
    proxy_url = proxy.url.replace("http://", f"{scheme}://")

    def through_proxy(settings: ClientSettings) -> HubClient:
        return HubClient(dataclasses.replace(settings, url=proxy_url, chunk_size=16 * 1024, retry=FAST_RETRY,
                                             read_timeout=5, verify=verify or settings.verify),
                         rng=random.Random(count))

    store.hub.configure(sessions.admin, load_hub_public_keys(hub.folder / "hub-public-keys.json"))
    store.hub.enrol(sessions.admin, token, hub_url)
    seed_applications(sessions.operator, service_choices(store.config.point_type), count, days=5)
    store.hub = HubLink(store, through_proxy)
    service = SyncService(store, max_records=500)
    killer = HubKiller(hub, proxy, list(kill_at))
    try:
        _push_until_empty(service, sessions, time.monotonic() + 240)
    finally:
        killer.stop.set()
        killer.thread.join()
    print(f"faults: {dict(proxy.plans)}, hub kills {killer.kills}, bytes up {proxy.bytes_up}")
    assert killer.kills == 2 and proxy.plans["cut"] + proxy.plans["reset"] + proxy.plans["cut_reply"] > 0
    # Sent twice, and old batches replayed, still through the faults.
    service.push(sessions.sync_operator)
    from station.core.models import SyncBatch

    with store.hub.client() as client:
        for batch in SyncBatch.select().order_by(SyncBatch.batch_no):
            outcome = client.upload(service.sealed_bytes(batch))
            assert outcome.result["status"] == "duplicate"
    delivered = Application.select().where(Application.status == "delivered").count()
    assert delivered == count and outbox.depth() == 0


def _check_hub(kind: str, url: str, station: str, count: int) -> None:
    query = ("SELECT count(*), count(DISTINCT seq), count(DISTINCT application_id) "
             "FROM hub_record WHERE station = %s")
    if kind == "postgres":
        base, schema = url.split("?schema=")
        with psycopg.connect(base, options=f"-csearch_path={schema}") as conn:
            rows, seqs, apps = conn.execute(query, (station,)).fetchone()  # type: ignore[misc]
    else:
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            rows, seqs, apps = conn.execute(query.replace("%s", "?"), (station,)).fetchone()
    assert (rows, seqs, apps) == (count, count, count)


def test_exactly_once_through_cuts_resets_delays_and_a_killed_hub(
        tmp_path: Path, store: StationStore, sessions: Sessions, hub_url_db: tuple[str, str]) -> None:
    _run(tmp_path, store, sessions, hub_url_db, 2000)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("JIUJIN_SOAK"), reason="the 10,000-application soak runs with make soak")
def test_ten_thousand_applications_exactly_once(
        tmp_path: Path, store: StationStore, sessions: Sessions, hub_url_db: tuple[str, str]) -> None:
    _run(tmp_path, store, sessions, hub_url_db, 10_000)


@pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (scripts/install-system-deps.sh installs it)")
def test_exactly_once_through_faults_and_nginx_to_hub_processes_on_postgres(
        tmp_path: Path, store: StationStore, sessions: Sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    with postgres_schema() as url:
        _run_behind_nginx(tmp_path, store, sessions, url, 1000, monkeypatch)
