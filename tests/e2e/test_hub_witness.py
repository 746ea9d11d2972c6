"""The hub as the station's outside witness, on the real command line with a hub process on
127.0.0.1 (#15): a cut audit chain stops `sync push` and shows at the hub, and the recovery copy
the station sent at enrolment brings the station back when the PC and every stick are gone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from station.core.store import StationStore
from sync.hub.config import HPKE_KEY_NAME
from tests.e2e.helpers import ADMIN, CLERK, SYNC, make_station
from tests.sync.hubproc import HubProcess, jiujin


def _cut_newest_audit_events(station: Path, count: int) -> None:
    """The attack, by someone holding the database key: delete the newest audit events and fix the head."""
    store = StationStore(station)
    store.login("boss", "boss-pass-1")
    from station.core.db import database
    from station.core.models import AuditEvent

    newest = AuditEvent.select().order_by(AuditEvent.seq.desc()).get().seq
    database.execute_sql("DELETE FROM audit_event WHERE seq > ?", (newest - count,))
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    database.execute_sql("UPDATE setting SET value = ? WHERE key = 'audit_head'", (f"{last.seq}:{last.hash}",))
    store.close()


def test_a_cut_audit_chain_stops_sync_push_and_shows_at_the_hub(tmp_path: Path, hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "AW0001", hub.url)
    jiujin("seed", "--applications", "6", "--data-dir", str(station), env=CLERK)
    jiujin("sync", "push", "--data-dir", str(station), env=SYNC)
    jiujin("sync", "push", "--data-dir", str(station), env=SYNC)  # the hub witnesses the head after the first
    assert jiujin("audit", "verify", "--data-dir", str(station), env=ADMIN).returncode == 0
    clean = jiujin("hub", "station", "divergences", "--data-dir", str(hub.folder), check=False)
    assert clean.returncode == 0 and "没有审计链分歧" in clean.stdout

    _cut_newest_audit_events(station, 4)
    pushed = jiujin("sync", "push", "--data-dir", str(station), env=SYNC, check=False)
    assert pushed.returncode == 1 and "Traceback" not in pushed.stderr
    assert len(pushed.stderr.strip().splitlines()) == 1 and "已停止发送" in pushed.stderr
    english = jiujin("--lang", "en", "audit", "verify", "--data-dir", str(station), env=ADMIN, check=False)
    # every command logs in, so new events have already taken positions the hub witnessed
    assert english.returncode == 1 and "disagrees with the hub's anchor" in english.stderr
    assert "the hub witnessed" in english.stderr

    shown = jiujin("hub", "station", "divergences", "--data-dir", str(hub.folder), check=False)
    assert shown.returncode == 1 and "AW0001" in shown.stdout and "backwards" in shown.stdout
    assert "落后于中心锚点" in shown.stdout
    listed = json.loads(jiujin("hub", "station", "list", "--json", "--data-dir", str(hub.folder)).stdout)
    assert [s["audit_divergences"] for s in listed] == [1]
    [found] = json.loads(jiujin("hub", "station", "divergences", "--json", "--data-dir", str(hub.folder),
                                check=False).stdout)
    jiujin("hub", "station", "resolve-divergence", str(found["id"]), "--operator", "老周", "--reason", "已核查",
           "--data-dir", str(hub.folder))
    assert jiujin("hub", "station", "divergences", "--data-dir", str(hub.folder), check=False).returncode == 0


@pytest.mark.parametrize("enrolled_by", ["http", "usb"])
def test_the_pc_and_every_stick_are_gone_and_the_hubs_recovery_copy_restores_the_station(
        tmp_path: Path, hub: HubProcess, enrolled_by: str) -> None:
    code = "AW0002"
    station = make_station(tmp_path, hub, code, hub.url if enrolled_by == "http" else None)
    if enrolled_by == "usb":  # the enrolment request, sealed to the hub, travels on the stick
        usb = tmp_path / "usb"
        jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
        imported = json.loads(jiujin("hub", "import", str(usb), "--json", "--data-dir", str(hub.folder)).stdout)
        assert imported["enrolled"] == [code]
        shutil.rmtree(usb)  # every stick is gone
    sent = json.loads((station / "station.recovery").read_text())
    (station / "station.keys").unlink()  # the PC's own copies are gone; station.db survives in a backup
    (station / "station.recovery").unlink()
    key = hub.folder / HPKE_KEY_NAME  # the hub's own key file, encrypted with its passphrase
    without = jiujin("db", "recover", "--data-dir", str(station), "--hub-private-key", str(key),
                     "--operator", "boss", env={"JIUJIN_NEW_PASSWORD": "after-recovery"}, check=False)
    assert without.returncode == 1 and "--recovery-file" in without.stderr

    handed = tmp_path / "from-hub.recovery"
    jiujin("hub", "station", "recovery-slot", "--code", code, "--out", str(handed), "--data-dir", str(hub.folder))
    assert json.loads(handed.read_text()) == sent  # sealed to the hub: the same bytes, nothing opened
    jiujin("db", "recover", "--data-dir", str(station), "--hub-private-key", str(key), "--recovery-file",
           str(handed), "--operator", "boss", env={"JIUJIN_NEW_PASSWORD": "after-recovery"})
    checked = jiujin("db", "check", "--data-dir", str(station),
                     env={"JIUJIN_OPERATOR": "boss", "JIUJIN_PASSWORD": "after-recovery"})
    assert checked.stdout.strip() == "ok"
    unopened = jiujin("db", "recover", "--data-dir", str(station), "--hub-private-key", str(key),
                      "--operator", "boss", env={"JIUJIN_NEW_PASSWORD": "x-9", "JIUJIN_HUB_KEY_PASSPHRASE_FILE": ""},
                      check=False)  # without the hub's passphrase: one line saying how to give it
    assert unopened.returncode == 1 and "Traceback" not in unopened.stderr
    assert len(unopened.stderr.strip().splitlines()) == 1 and "JIUJIN_HUB_KEY_PASSPHRASE_FILE" in unopened.stderr
    missing = jiujin("hub", "station", "recovery-slot", "--code", "ZZ0009", "--out", str(tmp_path / "none"),
                     "--data-dir", str(hub.folder), check=False)
    assert missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none").exists()
