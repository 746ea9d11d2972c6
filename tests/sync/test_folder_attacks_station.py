"""A hostile USB stick at the station: `sync import` deletes only the station's own files that the
hub acknowledged, and reads every other file within its folder, its size and its kind."""

from __future__ import annotations

import json
import os
import resource
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub.folder import import_folder
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import Sessions
from tests.sync.station_helpers import connect, seed


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


@pytest.fixture
def delivered(store: StationStore, sessions: Sessions, local_hub: LocalHub,
              tmp_path: Path) -> tuple[SyncService, Path]:
    """A station whose batch went to the hub on a stick; the hub's acks wait on it."""
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 10)
    service.export(sessions.sync_operator, tmp_path / "usb")
    assert import_folder(local_hub.service, tmp_path / "usb").stored == 1
    return service, tmp_path / "usb" / "jiujin-sync" / store.config.code


def _add_entries(part: Path, *entries: dict[str, object]) -> None:
    manifest = json.loads((part / "manifest.json").read_bytes())
    manifest["objects"] += list(entries)
    (part / "manifest.json").write_text(json.dumps(manifest))


def _entry(file: str, object_id: str, kind: str = "attachment") -> dict[str, object]:
    return {"file": file, "kind": kind, "object_id": object_id, "sha256": "0" * 64, "size": 1}


def test_a_crafted_manifest_cannot_make_import_delete_files_outside_the_folder(
        store: StationStore, sessions: Sessions, delivered: tuple[SyncService, Path], tmp_path: Path) -> None:
    service, part = delivered
    batch_id = json.loads((part / "manifest.json").read_bytes())["objects"][0]["object_id"]
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    keys = store.data_dir / "station.keys"
    before = keys.read_bytes()
    dotted = os.path.relpath(keys, part)
    json_victim = tmp_path / "records.json"
    json_victim.write_text("{}")
    _add_entries(part, _entry(str(victim), batch_id), _entry(dotted, batch_id),
                 _entry("attachments/" + "a" * 64 + ".jjs", os.path.relpath(tmp_path / "records", part / "acks")))
    report = service.import_acks(sessions.sync_operator, tmp_path / "usb")
    assert report.acknowledged == 1
    assert victim.read_text() == "keep me" and keys.read_bytes() == before and json_victim.exists()
    assert len(report.problems) == 3 and all(p.startswith("路径不安全") for p in report.problems)
    assert "unsafe path skipped" in report.problems[0]
    assert not list(part.rglob("*.jjs"))  # the station's own acknowledged batch is tidied away


def test_import_never_deletes_a_listed_file_that_is_not_the_one_the_station_wrote(
        sessions: Sessions, delivered: tuple[SyncService, Path], tmp_path: Path) -> None:
    service, part = delivered
    batch = part / "batches" / "batch-000001.jjs"
    outside = tmp_path / "outside.jjs"
    shutil.move(batch, outside)
    batch.symlink_to(outside)
    service.import_acks(sessions.sync_operator, tmp_path / "usb")
    assert outside.exists() and batch.is_symlink()


def test_symlinked_ack_and_bundle_files_are_skipped_without_reading_them(
        sessions: Sessions, delivered: tuple[SyncService, Path], tmp_path: Path) -> None:
    service, part = delivered
    (part / "acks" / ("f" * 64 + ".json")).symlink_to("/dev/zero")
    (part / "bundles").mkdir(exist_ok=True)
    (part / "bundles" / "bundle-000099.json").symlink_to("/dev/zero")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report, bundles = service.import_from_folder(sessions.sync_operator, tmp_path / "usb")
    assert report.acknowledged == 1 and bundles["applied"] == []
    assert sum("不是普通文件" in p for p in report.problems) == 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB


def test_an_oversized_ack_file_is_skipped_and_reported(
        sessions: Sessions, delivered: tuple[SyncService, Path], tmp_path: Path) -> None:
    service, part = delivered
    huge = part / "acks" / ("e" * 64 + ".json")
    with huge.open("wb") as handle:
        handle.truncate(1100 * 1024 * 1024)  # sparse: 1.1 GiB that costs no disk
    report = service.import_acks(sessions.sync_operator, tmp_path / "usb")
    assert report.acknowledged == 1 and huge.exists()
    assert [p for p in report.problems if "文件超过上限" in p and "over its limit" in p]


def test_a_symlinked_station_part_is_not_followed(
        store: StationStore, sessions: Sessions, delivered: tuple[SyncService, Path], tmp_path: Path) -> None:
    service, part = delivered
    elsewhere = tmp_path / "elsewhere"
    shutil.move(part, elsewhere)
    part.symlink_to(elsewhere)
    report = service.import_acks(sessions.sync_operator, tmp_path / "usb")
    assert report.acknowledged == 0 and list(elsewhere.rglob("*.jjs"))
