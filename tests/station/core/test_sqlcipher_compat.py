"""A station written by the previous SQLCipher build stays readable: the folder in
data/sqlcipher-4.12-station was made by Jiujin 0.1.0 on `sqlcipher3-binary` 0.6.0
(SQLCipher 4.12, schema 5, three submitted applications), and the current build opens it."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlcipher3

from station.core.store import StationStore
from tests.station.core.helpers import FIXTURE, PASSWORDS


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "station"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_the_current_build_is_sqlcipher_4() -> None:
    version = sqlcipher3.connect(":memory:").execute("PRAGMA cipher_version").fetchone()[0]
    assert version.startswith("4.")


def test_a_station_from_sqlcipher_4_12_opens_with_its_applications(tmp_path: Path) -> None:
    store = StationStore(_copy(tmp_path))
    clerk = store.login("wang", PASSWORDS["wang"])
    applications = store.applications.list(clerk)
    assert len(applications) == 3
    assert {a.status for a in applications} == {"submitted"}
    admin = store.login("admin", PASSWORDS["admin"])
    assert store.check(admin) == ["ok"]
    store.close()


def test_a_station_from_sqlcipher_4_12_keeps_working_and_reopens(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    store = StationStore(folder)
    admin = store.login("admin", PASSWORDS["admin"])
    store.rekey(admin)
    store.close()
    reopened = StationStore(folder)
    clerk = reopened.login("wang", PASSWORDS["wang"])
    assert len(reopened.applications.list(clerk)) == 3
    reopened.close()
