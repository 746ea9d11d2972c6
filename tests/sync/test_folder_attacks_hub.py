"""A hostile USB stick at the hub: `hub import` and the watch folder read every file within its
folder, its size and its kind, skip and report what breaks a rule, and keep going."""

from __future__ import annotations

import os
import resource
import shutil
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.hub.folder import import_folder
from sync.hub.service import HubService
from sync.hub.store import HubStore
from sync.hub.watch import FolderWatcher
from tests.sync.helpers import export

GIB = 1024 * 1024 * 1024


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_a_huge_batch_file_is_refused_without_reading_it(tmp_path: Path, hub: HubStore, enrolled: str,
                                                          station_key: Ed25519PrivateKey) -> None:
    folder = export(tmp_path / "usb", station_key, hub, 2)
    huge = folder.path / "batches" / "batch-000002.jjs"
    _sparse(huge, int(1.1 * GIB))
    before = _peak_kib()
    report = import_folder(HubService(hub), tmp_path / "usb")
    assert (report.stored, report.refused) == (1, 1) and huge.stat().st_size == int(1.1 * GIB)
    assert "文件超过上限" in report.problems[0] and "over its limit" in report.problems[0]
    assert _peak_kib() - before < 200 * 1024


def test_symlinks_fifos_and_devices_on_the_stick_are_not_followed(tmp_path: Path, hub: HubStore, enrolled: str,
                                                                 station_key: Ed25519PrivateKey) -> None:
    folder = export(tmp_path / "usb", station_key, hub, 3)
    outside = tmp_path / "outside.jjs"
    shutil.copy(folder.path / "batches" / "batch-000002.jjs", outside)
    (folder.path / "batches" / "batch-000002.jjs").unlink()
    (folder.path / "batches" / "batch-000002.jjs").symlink_to(outside)
    (folder.path / "batches" / "batch-000003.jjs").unlink()
    os.mkfifo(folder.path / "batches" / "batch-000003.jjs")
    (folder.path / "manifests").mkdir()
    (folder.path / "manifests" / "2026-11-26.json").symlink_to("/dev/zero")
    before = _peak_kib()
    report = import_folder(HubService(hub), tmp_path / "usb")
    assert (report.stored, report.refused) == (1, 2)
    assert sum("不是普通文件" in p for p in report.problems) == 3
    assert hub.stats()["totals"]["records"] == 10
    assert _peak_kib() - before < 200 * 1024


def test_station_parts_with_bad_names_or_symlinks_are_skipped(tmp_path: Path, hub: HubStore, enrolled: str,
                                                             station_key: Ed25519PrivateKey) -> None:
    folder = export(tmp_path / "elsewhere", station_key, hub, 1)
    sync_root = tmp_path / "usb" / "jiujin-sync"
    sync_root.mkdir(parents=True)
    (sync_root / folder.station).symlink_to(folder.path)
    (sync_root / "..hidden").mkdir()
    (sync_root / "bad name").mkdir()
    report = import_folder(HubService(hub), tmp_path / "usb")
    assert report.stored == 0 and not (folder.path / "acks").exists()
    assert any("不是普通文件" in p for p in report.problems)
    assert any("bad name" in p and "路径不安全" in p for p in report.problems)


def test_the_watch_starts_on_a_hostile_folder_reports_it_and_keeps_importing(
        tmp_path: Path, hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    watched = tmp_path / "inbox"
    folder = export(watched, station_key, hub, 2)
    _sparse(folder.path / "batches" / "batch-000002.jjs", int(1.1 * GIB))
    (folder.path / "acks").mkdir(exist_ok=True)
    watcher = FolderWatcher(HubService(hub), watched)
    watcher.start()
    try:
        first = watcher.run_import()
        assert first.refused == 1 and hub.stats()["totals"]["records"] == 10
        export(watched, station_key, hub, 3)  # the operator copies a good stick over it
        deadline = time.monotonic() + 20
        while hub.stats()["totals"]["records"] < 30:
            assert time.monotonic() < deadline, "the watch stopped importing"
            time.sleep(0.02)
    finally:
        watcher.stop()
    assert watcher.imports >= 2
