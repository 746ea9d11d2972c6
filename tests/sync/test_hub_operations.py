"""Operating the hub: settings from the environment over hub.toml, the PostgreSQL URL passed
whole with a bounded pool under it, metrics by route template, log lines without personal data."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.testclient import TestClient

from sync import seal
from sync.errors import HubError
from sync.hub.app import create_app
from sync.hub.config import HubConfig, HubFolder
from sync.hub.db import database, postgres_conninfo, reporting_connection
from sync.hub.logs import JsonLines
from sync.hub.reconcile import issue_bundle
from sync.hub.service import HubService
from sync.hub.store import HubStore, initialise_hub
from tests.sync.helpers import STATION, enrol_key, entry, postgres_schema, sealed_batch


def test_the_environment_wins_over_hub_toml_which_wins_over_the_defaults(tmp_path: Path) -> None:
    folder = HubFolder(tmp_path / "hub")
    folder.create()
    (folder.path / "hub.toml").write_text('[hub]\ndatabase = "sqlite://a.db"\npool_size = 4\nworkers = 3\n', "utf-8")
    config = folder.config({"JIUJIN_HUB_DATABASE_URL": "sqlite://b.db", "JIUJIN_HUB_POOL_SIZE": "7",
                            "JIUJIN_HUB_LOG_FORMAT": "text", "JIUJIN_HUB_LOG_LEVEL": "warning"})
    assert (config.database, config.pool_size, config.workers, config.log_format, config.log_level) == (
        "sqlite://b.db", 7, 3, "text", "WARNING")
    assert (config.pool_min_size, config.pool_timeout, config.port) == (1, 10.0, 8750)
    with pytest.raises(HubError, match="中心配置有误") as bad:
        folder.config({"JIUJIN_HUB_POOL_SIZE": "many"})
    assert "pool_size" in bad.value.message_en
    with pytest.raises(HubError):
        HubConfig(pool_min_size=5, pool_size=2)


def test_the_postgres_url_reaches_libpq_whole_but_for_jiujins_schema() -> None:
    url = ("postgresql://hub:p%40ss@db1:5432,db2:5433/city?sslmode=verify-full&sslrootcert=/etc/ca.pem"
           "&target_session_attrs=read-write&options=-cstatement_timeout%3D5000&schema=hub_one")
    conninfo, schema = postgres_conninfo(url)
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    assert schema == "hub_one" and "schema" not in params
    assert params == {"user": "hub", "password": "p@ss", "host": "db1,db2", "port": "5432,5433", "dbname": "city",
                      "sslmode": "verify-full", "sslrootcert": "/etc/ca.pem", "target_session_attrs": "read-write",
                      "options": "-cstatement_timeout=5000 -csearch_path=hub_one", "connect_timeout": "10"}
    with pytest.raises(ValueError):
        postgres_conninfo("postgresql://h/db?schema=Robert;DROP")


@pytest.fixture
def pg_hub(tmp_path: Path) -> Iterator[tuple[HubStore, str]]:
    with postgres_schema() as url:
        url += "&application_name=jiujin-hub-test&sslmode=disable"
        store = initialise_hub(tmp_path / "hub", url)
        yield store, url
        store.close()


def test_a_real_connection_keeps_every_parameter_and_reports_still_connect(pg_hub: tuple[HubStore, str]) -> None:
    _store, url = pg_hub
    row = database.execute_sql("SELECT current_setting('application_name'), current_schema()").fetchone()
    assert row == ("jiujin-hub-test", url.split("schema=")[1].split("&")[0])
    with reporting_connection(url) as connection:
        assert connection.execute("SELECT count(*) FROM hub_station").fetchone() == (0,)
        assert connection.info.get_parameters()["application_name"] == "jiujin-hub-test"


def test_a_full_pool_answers_503_in_chinese_and_english_and_requests_give_connections_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with postgres_schema() as url:
        initialise_hub(tmp_path / "hub", url).close()
        monkeypatch.setenv("JIUJIN_HUB_POOL_SIZE", "2")
        monkeypatch.setenv("JIUJIN_HUB_POOL_TIMEOUT", "0.5")
        store = HubStore(tmp_path / "hub")
        store.db.close()
        pool = store.db.pool  # type: ignore[attr-defined]
        try:
            with TestClient(create_app(HubService(store))) as client:
                for _ in range(20):
                    assert client.get("/health").status_code == 200
                assert pool.get_stats()["pool_size"] <= 2 and pool.get_stats()["pool_available"] >= 1
                held, release = threading.Event(), threading.Event()

                def hold() -> None:  # two threads sit in transactions: the pool is empty
                    with database.atomic():
                        database.execute_sql("SELECT 1")
                        held.set()
                        release.wait(10)
                    database.close()
                holders = [threading.Thread(target=hold) for _ in range(2)]
                for thread in holders:
                    thread.start()
                    assert held.wait(10)
                    held.clear()
                busy = client.get("/v1/acks", headers={"Authorization": "Bearer TS0001.secret"})
                release.set()
                for thread in holders:
                    thread.join(10)
                assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
                assert busy.json()["message_zh"] == "中心繁忙，请稍后重试" and busy.json()["error"] == "busy"
                assert client.get("/health").status_code == 200
        finally:
            store.close()


def test_a_connection_given_back_reaches_a_request_waiting_for_the_full_pool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The city burst: every connection lent, more requests waiting. A request that finishes
    must hand its connection to a waiting one at once, not after the waiter's timeout (which
    kept a full pool full, every request answered 503)."""
    with postgres_schema() as url:
        initialise_hub(tmp_path / "hub", url).close()
        monkeypatch.setenv("JIUJIN_HUB_POOL_SIZE", "1")
        monkeypatch.setenv("JIUJIN_HUB_POOL_TIMEOUT", "20")
        store = HubStore(tmp_path / "hub")
        store.db.close()
        pool = store.db.pool  # type: ignore[attr-defined]
        holding, done = threading.Event(), threading.Event()
        waited: list[float] = []

        def wait_for_the_pool() -> None:
            started = time.monotonic()
            database.execute_sql("SELECT 1")
            waited.append(time.monotonic() - started)
            database.close()
            done.set()
        try:
            database.execute_sql("SELECT 1")  # this thread holds the only connection
            holding.set()
            waiter = threading.Thread(target=wait_for_the_pool)
            waiter.start()
            deadline = time.monotonic() + 10
            while pool.get_stats().get("requests_waiting", 0) < 1 and time.monotonic() < deadline:
                time.sleep(0.01)  # polling the pool's own count of waiting requests
            assert pool.get_stats().get("requests_waiting", 0) == 1
            started = time.monotonic()
            database.close()
            assert time.monotonic() - started < 5  # not held until the waiter's 20 s timeout
            assert done.wait(10) and waited and waited[0] < 15
            waiter.join(10)
        finally:
            store.close()


@pytest.fixture
def app_hub(tmp_path: Path) -> Iterator[HubService]:
    store = initialise_hub(tmp_path / "hub", f"sqlite://{tmp_path / 'hub.db'}")
    yield HubService(store)
    store.close()


def _series(text: str) -> set[str]:
    return {line.split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}


def test_five_thousand_unknown_paths_add_no_series(app_hub: HubService) -> None:
    with TestClient(create_app(app_hub)) as client:
        client.get("/health")
        client.get("/v1/uploads/" + "ab" * 16, headers={"Tus-Resumable": "1.0.0"})
        before = _series(client.get("/metrics").text)
        for n in range(5000):
            assert client.get(f"/probe/{n}/x{n}", params={"id": n}).status_code == 404
        after = client.get("/metrics").text
    assert _series(after) - before <= {
        s for s in _series(after) if 'route="<unmatched>"' in s or 'route="/metrics"' in s}
    assert "/probe" not in after and 'route="/v1/uploads/{upload_id}"' in after
    counted = re.search(r'_count\{method="GET",route="<unmatched>",status="404"\} (\S+)', after)
    assert counted is not None and float(counted.group(1)) == 5000


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_ingest_gap_quarantine_and_bundle_events_carry_no_personal_field(
        app_hub: HubService, captured: io.StringIO) -> None:
    store = app_hub.store
    key = Ed25519PrivateKey.generate()
    enrol_key(store, STATION, store.add_station(STATION), key)
    first = sealed_batch(key, store.public, 1, 5)
    assert app_hub.ingest(first, "http").status == "stored"
    skipped = sealed_batch(key, store.public, 6, 8, 2, seal.read(first).object_id)
    after_gap = sealed_batch(key, store.public, 9, 12, 3, seal.read(skipped).object_id)
    assert app_hub.ingest(after_gap, "folder").status == "stored"
    assert app_hub.ingest(b"not a sealed batch", "folder").status == "quarantined"
    issue_bundle(store, STATION, "offline_policy", {"max_days_without_contact": 7})
    with TestClient(create_app(app_hub)) as client:
        client.get("/v1/acks", params={"after": "0", "name": "测试人"},
                   headers={"Authorization": "Bearer TS0001.wrong"})
    # The test's own HTTP client (httpx) logs its request URL in this process; the hub's lines are jiujin.*.
    lines = [line for line in map(json.loads, captured.getvalue().splitlines()) if line["logger"].startswith("jiujin")]
    text = json.dumps(lines, ensure_ascii=False)
    events = {line["event"] for line in lines}
    assert {"ingest", "gap", "quarantine", "bundle_issued", "request"} <= events
    ingest = next(line for line in lines if line["event"] == "ingest")
    assert ingest["station"] == STATION and ingest["outcome"] == "stored" and ingest["records"] == 5
    assert {"time", "level", "batch_id", "latency_ms"} <= set(ingest)
    access = next(line for line in lines if line["event"] == "request")
    assert (access["route"], access["status"]) == ("/v1/acks", 401)
    record = entry(1).record
    personal = [record["applicant"]["name"], record["applicant"]["id"], record["values"]["phone"],
                record["values"]["address"], "after=0"]
    assert [value for value in personal if value in text] == []
