"""A hostile USB stick through the real command line: `jiujin sync import` of a crafted manifest
deletes nothing outside the folder, and `jiujin hub serve --watch` starts on a folder holding a
1.1 GiB batch and a symlink to /dev/zero, and reports them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.e2e.helpers import CLERK, SYNC, make_station
from tests.sync.hubproc import HubProcess, jiujin


def test_sync_import_of_a_crafted_manifest_deletes_nothing_outside_the_stick(tmp_path: Path,
                                                                           hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "CB0001", url=None, enrol=True)
    jiujin("seed", "--applications", "4", "--data-dir", str(station), env=CLERK)
    usb = tmp_path / "usb"
    jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))
    part = usb / "jiujin-sync" / "CB0001"
    manifest = json.loads((part / "manifest.json").read_text())
    batch_id = manifest["objects"][0]["object_id"]
    keys = station / "station.keys"
    kept = keys.read_bytes()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    for file in (str(victim), os.path.relpath(keys, part)):
        manifest["objects"].append({"file": file, "kind": "attachment", "object_id": batch_id,
                                    "sha256": "0" * 64, "size": 1})
    (part / "manifest.json").write_text(json.dumps(manifest))
    result = jiujin("sync", "import", str(usb), "--data-dir", str(station), env=SYNC)
    assert keys.read_bytes() == kept and victim.read_text() == "keep"
    assert result.stdout.count("路径不安全") == 2 and "unsafe path skipped" in result.stdout
    applied = json.loads(jiujin("sync", "import", str(usb), "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert applied["problems"] == []  # the second import found the manifest rewritten without them


def test_hub_serve_watch_starts_on_a_hostile_folder_and_reports_it(tmp_path: Path,
                                                                 hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "CB0002", url=None, enrol=True)
    jiujin("seed", "--applications", "3", "--data-dir", str(station), env=CLERK)
    watched = tmp_path / "watched"
    jiujin("sync", "export", "--to", str(watched), "--data-dir", str(station), env=SYNC)
    part = watched / "jiujin-sync" / "CB0002"
    manifest = json.loads((part / "manifest.json").read_text())
    with (part / "batches" / "batch-000009.jjs").open("wb") as huge:
        huge.truncate(1100 * 1024 * 1024)
    manifest["objects"].append({"file": "batches/batch-000009.jjs", "kind": "batch", "object_id": "9" * 64,
                                "sha256": "9" * 64, "size": 1100 * 1024 * 1024})
    (part / "manifest.json").write_text(json.dumps(manifest))
    (part / "manifests").mkdir()
    (part / "manifests" / "2026-11-26.json").symlink_to("/dev/zero")
    hub.stop()
    watching = HubProcess(hub.folder, hub.database, extra=("--watch", str(watched)), env=hub.env).start()
    try:
        acks = part / "acks"
        assert acks.is_dir() and any(p.name != "enrolment.json" for p in acks.iterdir())
        log = watching.log()
    finally:
        watching.stop()
    assert '"reason": "too_large"' in log and '"reason": "not_regular_file"' in log
