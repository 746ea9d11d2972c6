"""Whole flows on the real command line: a hub process, stations enrolled with tokens, push,
USB export and import both ways, revocation, and tuspy uploading an exported batch."""

from __future__ import annotations

import importlib.metadata
import io
import json
from pathlib import Path

import httpx
from tusclient import client as tus_client

from tests.e2e.helpers import CLERK, SYNC, hub_stats, make_station
from tests.sync.hubproc import HubProcess, jiujin


def test_enrol_seed_push_and_the_applications_are_delivered(tmp_path: Path, hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "CA0001", hub.url)
    jiujin("seed", "--applications", "30", "--data-dir", str(station), env=CLERK)
    pushed = json.loads(jiujin("sync", "push", "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert pushed["acknowledged"] == 1 and pushed["delivered"] == 30
    status = json.loads(jiujin("sync", "status", "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert status["outbox_depth"] == 0 and status["enrolled"] and status["batches"]["acknowledged"] == 1
    rows = json.loads(jiujin("applications", "list", "--json", "--data-dir", str(station), env=CLERK).stdout)
    assert {r["status"] for r in rows} == {"delivered"}
    again = json.loads(jiujin("sync", "push", "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert again["sent"] == 0
    stats = hub_stats(hub)["CA0001"]
    assert (stats["records"], stats["applications"], stats["gaps"]) == (30, 30, [])
    listed = json.loads(jiujin("hub", "station", "list", "--json", "--data-dir", str(hub.folder)).stdout)
    assert [s["release"] for s in listed] == [importlib.metadata.version("jiujin")]
    denied = jiujin("sync", "push", "--data-dir", str(station), env=CLERK, check=False)
    assert denied.returncode == 1 and "无权" in denied.stderr


def test_usb_export_hub_import_and_acks_back(tmp_path: Path, hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "CA0002", url=None, enrol=True)
    jiujin("seed", "--applications", "12", "--data-dir", str(station), env=CLERK)
    usb = tmp_path / "usb"
    jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    manifest = json.loads((usb / "jiujin-sync" / "CA0002" / "manifest.json").read_text())
    assert set(manifest["enrolment"]) == {"format", "request"} and [o["kind"] for o in manifest["objects"]] == ["batch"]
    stolen = manifest["enrolment"]["request"].encode()  # whoever finds the stick posts it over HTTP first
    refused = httpx.post(f"{hub.url}/v1/enrolments", content=stolen, headers={"Content-Type": "application/json"})
    assert refused.status_code == 403 and refused.json()["error"] == "enrolment_refused"
    imported = json.loads(jiujin("hub", "import", str(usb), "--json", "--data-dir", str(hub.folder)).stdout)
    assert (imported["enrolled"], imported["stored"]) == (["CA0002"], 1)
    applied = json.loads(jiujin("sync", "import", str(usb), "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert applied["acknowledged"] == 1 and applied["delivered"] == 12
    assert json.loads((usb / "jiujin-sync" / "CA0002" / "manifest.json").read_text())["objects"] == []
    assert hub_stats(hub)["CA0002"]["records"] == 12
    listed = json.loads(jiujin("hub", "station", "list", "--json", "--data-dir", str(hub.folder)).stdout)
    assert [s["release"] for s in listed] == [importlib.metadata.version("jiujin")]  # reported on the stick


def test_tuspy_uploads_an_exported_batch_and_revocation_quarantines(tmp_path: Path, hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "CA0003", hub.url)
    jiujin("seed", "--applications", "5", "--data-dir", str(station), env=CLERK)
    usb = tmp_path / "usb"
    jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    sealed = (usb / "jiujin-sync" / "CA0003" / "batches" / "batch-000001.jjs").read_bytes()
    credential = _credential(station)
    uploader = tus_client.TusClient(f"{hub.url}/v1/uploads", headers={"Authorization": f"Bearer {credential}"}
                                    ).uploader(file_stream=io.BytesIO(sealed), chunk_size=700, upload_checksum=True)
    uploader.upload()
    result = httpx.get(f"{uploader.url}/result", headers={"Authorization": f"Bearer {credential}"}).json()
    assert result["status"] == "stored"
    assert hub_stats(hub)["CA0003"]["records"] == 5
    jiujin("hub", "station", "revoke", "--code", "CA0003", "--data-dir", str(hub.folder))
    jiujin("seed", "--applications", "2", "--seed", "7", "--data-dir", str(station), env=CLERK)
    jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))
    quarantined = _quarantined(hub.folder)
    assert quarantined and {q["reason"] for q in quarantined} == {"revoked_station"}
    assert hub_stats(hub)["CA0003"]["records"] == 5


def _credential(station: Path) -> str:
    from station.core.models import Setting
    from station.core.store import StationStore

    store = StationStore(station)
    store.login("boss", "boss-pass-1")
    try:
        return str(Setting.get(Setting.key == "sync.credential").value)
    finally:
        store.close()


def _quarantined(folder: Path) -> list[dict[str, object]]:
    from sync.hub.store import HubStore

    store = HubStore(folder)
    try:
        return store.quarantined()
    finally:
        store.close()
