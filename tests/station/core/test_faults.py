"""Disk full, a read-only data folder and a truncated database: each gives a clear error
and loses nothing already committed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from station.core import audit
from station.core.errors import StorageFull, StorageReadOnly, StoreCorrupt
from station.core.store import StationStore
from tests.conftest import PASSWORDS, FakeClock
from tests.mounts import needs_root, remount, tmpfs
from tests.station.core.helpers import draft


@needs_root
def test_disk_full_refuses_the_change_and_keeps_what_was_committed(
        station_dir: Path, tmp_path: Path, clock: FakeClock) -> None:
    with tmpfs(tmp_path / "small", "3M") as mount:
        folder = mount / "station"
        shutil.copytree(station_dir, folder)
        store = StationStore(folder, clock)
        session = store.login("wang", PASSWORDS["wang"])
        committed = []
        with pytest.raises(StorageFull) as caught:
            for _ in range(10_000):
                app = store.applications.create_draft(session, draft(notes=os.urandom(20_000).hex()))
                committed.append(store.applications.submit(session, app.id).receipt_number)
        assert "磁盘空间已满" in caught.value.message_zh
        store.close()
        with pytest.raises(StorageFull):  # logging in writes the audit trail, so it says so too
            StationStore(folder, clock).login("li", PASSWORDS["li"])
        remount(mount, "size=8M")  # the supervisor makes room
        reopened = StationStore(folder, clock)
        admin = reopened.login("li", PASSWORDS["li"])
        held = {a.receipt_number for a in reopened.applications.list(admin, limit=100_000)}
        assert committed and set(committed) <= held
        assert reopened.check(admin) == ["ok"]
        assert audit.verify().ok
        reopened.close()


@needs_root
def test_read_only_folder_gives_a_clear_error_and_loses_nothing(
        station_dir: Path, tmp_path: Path, clock: FakeClock) -> None:
    with tmpfs(tmp_path / "ro", "20M") as mount:
        folder = mount / "station"
        shutil.copytree(station_dir, folder)
        store = StationStore(folder, clock)
        session = store.login("wang", PASSWORDS["wang"])
        app = store.applications.create_draft(session, draft())
        receipt = store.applications.submit(session, app.id).receipt_number
        store.close()
        remount(mount, "ro")
        with pytest.raises(StorageReadOnly) as caught:
            StationStore(folder, clock).login("wang", PASSWORDS["wang"])
        assert "只读" in caught.value.message_zh
        remount(mount, "rw")
        reopened = StationStore(folder, clock)
        session = reopened.login("wang", PASSWORDS["wang"])
        assert reopened.applications.get(session, receipt).id == app.id
        reopened.close()


def test_truncated_database_is_reported_clearly(station_dir: Path) -> None:
    database = station_dir / "station.db"
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreCorrupt) as caught:
        StationStore(station_dir).login("wang", PASSWORDS["wang"])
    assert "损坏" in caught.value.message_zh and "damaged" in caught.value.message_en


def _noop_migration(db: object, migrator: object) -> None:
    """A later release's migration that changes nothing."""


@needs_root
def test_an_upgrade_without_room_for_its_copy_does_not_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from station.core import migrations
    from tests.station.core.helpers import FIXTURE
    from tests.station.core.helpers import PASSWORDS as FIXTURE_PASSWORDS

    made_at = 5  # the fixture station was made by a release whose schema was version 5
    if made_at == migrations.LATEST_VERSION:  # this release adds nothing: a later one would
        monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (made_at + 1, "noop", _noop_migration)])
        monkeypatch.setattr(migrations, "LATEST_VERSION", made_at + 1)
    with tmpfs(tmp_path / "small", "300k") as mount:
        folder = mount / "station"
        shutil.copytree(FIXTURE, folder)
        before = (folder / "station.db").read_bytes()
        with pytest.raises(StorageFull):
            StationStore(folder).login("wang", FIXTURE_PASSWORDS["wang"])
        assert sorted(p.name for p in folder.iterdir() if ".pre-v" in p.name) == []
        # The upgrade did not start: the database is byte for byte what the previous release
        # left, so that release still opens it.
        assert (folder / "station.db").read_bytes() == before
