"""Reconciliation on the real command line with a real hub process: a USB batch lost in
transit → exact gap → resend bundle → gap closed; day manifests that disagree, then agree;
a status update reaching the station's list; the offline policy freezing and unfreezing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.e2e.helpers import ADMIN, CLERK, SYNC, make_station
from tests.sync.hubproc import HubProcess, jiujin

SUPERVISOR = {"JIUJIN_OPERATOR": "li", "JIUJIN_PASSWORD": "li-pass-1"}


def _ledger(hub: HubProcess, code: str) -> dict[str, object]:
    out = jiujin("hub", "reconcile", "--station", code, "--json", "--data-dir", str(hub.folder)).stdout
    station: dict[str, object] = json.loads(out)["stations"][0]
    return station


def test_a_batch_lost_on_the_stick_is_a_gap_until_resent(tmp_path: Path, hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "RC0001", url=None, enrol=True)
    usb = tmp_path / "usb"
    jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))
    jiujin("sync", "import", str(usb), "--data-dir", str(station), env=SYNC)  # enrolment ack
    for _ in range(3):
        jiujin("seed", "--applications", "5", "--data-dir", str(station), env=CLERK)
        jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    batches = sorted((usb / "jiujin-sync" / "RC0001" / "batches").glob("*.jjs"))
    assert len(batches) == 3
    lost = batches[1].read_bytes()
    batches[1].unlink()
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))
    ledger = _ledger(hub, "RC0001")
    assert ledger["gaps"] == [[6, 10]] and ledger["held"] == [[1, 5], [11, 15]]

    jiujin("hub", "resend", "--station", "RC0001", "--first", "6", "--last", "10", "--reason", "lost",
           "--operator", "op1", "--data-dir", str(hub.folder))
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))  # writes the bundle to the stick
    jiujin("sync", "import", str(usb), "--data-dir", str(station), env=SYNC)
    applied = json.loads(jiujin("day", "bundles", "--from", str(usb), "--json", "--data-dir", str(station),
                                env=SYNC).stdout)
    assert applied["applied"] == [1] and applied["refused"] == []
    status = json.loads(jiujin("sync", "status", "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert status["ledger"]["resend_requests"][0]["first_seq"] == 6
    jiujin("sync", "export", "--to", str(usb), "--data-dir", str(station), env=SYNC)
    resent = sorted((usb / "jiujin-sync" / "RC0001" / "batches").glob("*.jjs"))
    assert lost in [p.read_bytes() for p in resent]  # resealed from the outbox, byte for byte
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))
    jiujin("hub", "import", str(usb), "--data-dir", str(hub.folder))  # again: no duplicates
    ledger = _ledger(hub, "RC0001")
    assert ledger["gaps"] == [] and ledger["held"] == [[1, 15]]
    again = json.loads(jiujin("day", "bundles", "--from", str(usb), "--json", "--data-dir", str(station),
                              env=SYNC).stdout)
    assert again["applied"] == [] and again["skipped"] == [1]
    shutil.rmtree(usb)


def test_day_close_status_updates_and_offline_policy_over_http(tmp_path: Path, hub: HubProcess) -> None:
    station = make_station(tmp_path, hub, "RC0002", hub.url)
    jiujin("operator", "add", "li", "--role", "supervisor", "--display-name", "li", "--data-dir", str(station),
           env={**ADMIN, "JIUJIN_NEW_PASSWORD": "li-pass-1"})
    jiujin("seed", "--applications", "4", "--data-dir", str(station), env=CLERK)
    denied = jiujin("day", "close", "--data-dir", str(station), env=SYNC, check=False)
    assert denied.returncode == 1
    early = json.loads(jiujin("day", "close", "--json", "--data-dir", str(station), env=SUPERVISOR).stdout)
    assert early["result"]["verdict"] == "discrepant"
    assert len(early["result"]["missing"]) == early["manifest"]["count"] >= 1  # seed spreads over days
    assert early["result"]["missing_seqs"]
    jiujin("sync", "push", "--data-dir", str(station), env=SYNC)
    closed = json.loads(jiujin("day", "close", "--json", "--data-dir", str(station), env=SUPERVISOR).stdout)
    assert closed["result"]["verdict"] == "agreed"
    day = closed["manifest"]["day"]

    rows = json.loads(jiujin("applications", "list", "--json", "--data-dir", str(station), env=CLERK).stdout)
    target = rows[0]["id"]
    jiujin("hub", "status", "--station", "RC0002", "--application", target, "--set", "needs_amendment",
           "--message", "请补充材料", "--operator", "op1", "--data-dir", str(hub.folder))
    jiujin("hub", "day-reconciled", "--station", "RC0002", "--day", day, "--operator", "op1",
           "--data-dir", str(hub.folder))
    jiujin("hub", "bundle", "--station", "RC0002", "--kind", "offline_policy", "--payload",
           '{"max_unsent": 0}', "--operator", "op1", "--data-dir", str(hub.folder))
    applied = json.loads(jiujin("day", "bundles", "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert applied["applied"] == [1, 2, 3]
    rows = {r["id"]: r for r in json.loads(jiujin("applications", "list", "--json", "--data-dir", str(station),
                                                  env=CLERK).stdout)}
    assert rows[target]["status"] == "needs_amendment"
    ledger = json.loads(jiujin("day", "ledger", "--data-dir", str(station), env=SYNC).stdout)
    assert ledger["days"][day]["reconciled"] and not ledger["offline"]["frozen"]

    # a new application is not yet delivered: past max_unsent 0 the station stops accepting
    jiujin("seed", "--applications", "1", "--data-dir", str(station), env=CLERK)
    ledger = json.loads(jiujin("day", "ledger", "--data-dir", str(station), env=SYNC).stdout)
    assert ledger["offline"]["frozen"] and ledger["offline"]["exceeded"][0]["limit"] == "max_unsent"
    jiujin("sync", "push", "--data-dir", str(station), env=SYNC)
    ledger = json.loads(jiujin("day", "ledger", "--data-dir", str(station), env=SYNC).stdout)
    assert not ledger["offline"]["frozen"]  # back within limits
    hub_days = _ledger(hub, "RC0002")["days"]
    assert hub_days["reconciled"] == 1
