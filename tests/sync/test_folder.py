"""The USB folder transport: atomic manifest, hub import (idempotent), signed acks written back,
and the hub's watch folder importing a stick as soon as its manifest lands."""

from __future__ import annotations

import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import acks, seal
from sync.hub.folder import import_folder
from sync.hub.service import HubService
from sync.hub.store import HubStore
from sync.hub.watch import FolderWatcher
from sync.transport_folder import MANIFEST, StationFolder
from tests.sync.helpers import STATION, export, sealed_batch


def test_import_writes_signed_acks_and_is_idempotent(tmp_path: Path, hub: HubStore, enrolled: str,
                                                      station_key: Ed25519PrivateKey) -> None:
    folder = export(tmp_path / "usb", station_key, hub, 3)
    assert not list(folder.path.rglob(".*.tmp"))
    service = HubService(hub)
    first = import_folder(service, tmp_path / "usb")
    assert (first.stored, first.duplicates, first.quarantined) == (3, 0, 0)
    verified = [acks.verify(p.read_bytes(), hub.public, STATION) for p in folder.ack_files()]
    assert len(verified) == 3 and all(a.ok for a in verified)
    assert [(1, 30)] in [a.held for a in verified]
    again = import_folder(service, tmp_path / "usb")
    assert (again.stored, again.duplicates) == (0, 0)
    assert hub.stats()["totals"]["records"] == 30


def test_a_damaged_file_on_the_stick_is_quarantined_not_dropped(
        tmp_path: Path, hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    folder = export(tmp_path / "usb", station_key, hub, 2)
    path = folder.path / "batches" / "batch-000002.jjs"
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    path.write_bytes(bytes(damaged))
    report = import_folder(HubService(hub), tmp_path / "usb")
    assert (report.stored, report.quarantined) == (1, 1)
    assert [q["reason"] for q in hub.quarantined()] == ["bad_signature"]


def test_the_watch_folder_imports_when_a_manifest_lands(tmp_path: Path, hub: HubStore, enrolled: str,
                                                         station_key: Ed25519PrivateKey) -> None:
    watched = tmp_path / "inbox"
    watcher = FolderWatcher(HubService(hub), watched)
    watcher.start()
    try:
        folder = export(watched, station_key, hub, 2)
        assert (folder.path / MANIFEST).exists()
        deadline = time.monotonic() + 20
        while len(folder.ack_files()) < 2:
            assert time.monotonic() < deadline, "the watch folder did not import"
            time.sleep(0.02)
    finally:
        watcher.stop()
    assert hub.stats()["totals"]["records"] == 20


def test_another_stations_batch_on_a_stick_gets_no_ack_or_ledger(tmp_path: Path, hub: HubStore, enrolled: str,
                                                                 station_key: Ed25519PrivateKey) -> None:
    """A batch signed by one station, carried in another station's folder, is refused: the
    stick never receives the signer's acknowledgement or ledger."""
    batch = sealed_batch(station_key, hub.public, 1, 3)
    carrier = StationFolder(tmp_path / "usb", "TS0002")
    listed = carrier.write_object("batches/batch-000001.jjs", batch, "batch", seal.read(batch).object_id, (1, 1, 3))
    carrier.write_manifest([listed], "2026-11-26T10:00:00+08:00")
    report = import_folder(HubService(hub), tmp_path / "usb")
    assert report.stored == 0 and not list(carrier.ack_files())
    assert hub.stats()["totals"]["records"] == 0
