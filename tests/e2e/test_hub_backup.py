"""A hub backed up and restored into a fresh database: reconciliation still agrees, and the
station keeps syncing to it as before."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.e2e.helpers import CLERK, SYNC, make_station
from tests.sync.helpers import hub_database, postgres_url
from tests.sync.hubproc import HubProcess, jiujin

SUPERVISOR = {"JIUJIN_OPERATOR": "li", "JIUJIN_PASSWORD": "li-pass-1"}
ADMIN = {"JIUJIN_OPERATOR": "boss", "JIUJIN_PASSWORD": "boss-pass-1"}


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; its base URL."""
    base = postgres_url()
    if not base:
        pytest.skip("JIUJIN_TEST_POSTGRES_URL is not set (make test starts PostgreSQL)")
    name = f"restored_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.mark.parametrize("kind", ["postgres", "sqlite"])
def test_a_restored_hub_agrees_and_the_station_keeps_syncing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, request: pytest.FixtureRequest) -> None:
    passphrase = tmp_path / "hub-key-passphrase"
    passphrase.write_text("backup passphrase\n")
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE", str(passphrase))
    with hub_database(kind, tmp_path) as url:
        folder = tmp_path / "hub"
        jiujin("hub", "init", "--data-dir", str(folder), "--db", url)
        hub = HubProcess(folder, url).start()
        station = make_station(tmp_path, hub, "BK0001", hub.url)
        jiujin("operator", "add", "li", "--role", "supervisor", "--display-name", "li",
               "--data-dir", str(station), env={**ADMIN, "JIUJIN_NEW_PASSWORD": "li-pass-1"})
        jiujin("seed", "--applications", "6", "--data-dir", str(station), env=CLERK)
        jiujin("sync", "push", "--data-dir", str(station), env=SYNC)
        closed = json.loads(jiujin("day", "close", "--json", "--data-dir", str(station), env=SUPERVISOR).stdout)
        assert closed["result"]["verdict"] == "agreed"
        jiujin("hub", "backup", "--to", str(tmp_path / "backup"), "--data-dir", str(folder))
        hub.stop()

        if kind == "postgres":
            fresh = request.getfixturevalue("fresh_database")
            target = f"{fresh}?{url.split('?', 1)[1]}"  # the same schema name, in a new database
        else:
            target = f"sqlite://{tmp_path / 'restored' / 'hub.db'}"
        jiujin("hub", "restore", "--from", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "restored"),
               "--db", target)
        restored = HubProcess(tmp_path / "restored", target, port=hub.port).start()
        try:
            ledger = json.loads(jiujin("hub", "reconcile", "--station", "BK0001", "--json",
                                       "--data-dir", str(tmp_path / "restored")).stdout)["stations"][0]
            assert ledger["gaps"] == [] and ledger["held"] == [[1, 6]]
            assert ledger["days"]["agreed"] >= 1

            jiujin("seed", "--applications", "3", "--seed", "9", "--data-dir", str(station), env=CLERK)
            pushed = json.loads(jiujin("sync", "push", "--json", "--data-dir", str(station), env=SYNC).stdout)
            assert pushed["acknowledged"] == 1 and pushed["delivered"] == 3
            stats = json.loads(jiujin("hub", "stats", "--json", "--data-dir", str(tmp_path / "restored")).stdout)
            (only,) = stats["stations"]
            assert (only["records"], only["gaps"]) == (9, [])
        finally:
            restored.stop()


def test_a_damaged_backup_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE", "p")
    jiujin("hub", "init", "--data-dir", str(tmp_path / "hub"))
    jiujin("hub", "backup", "--to", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "hub"))
    with open(tmp_path / "backup" / "hub.db", "r+b") as db:
        db.seek(200)
        db.write(b"\xff")
    refused = jiujin("hub", "restore", "--from", str(tmp_path / "backup"), "--data-dir", str(tmp_path / "new"),
                     check=False)
    assert refused.returncode == 1 and "hub.db" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "new" / "hub.toml").exists()
