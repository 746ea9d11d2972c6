"""The hub's watch over its stations, on SQLite and PostgreSQL: silent stations, a backlog that
grows, an audit chain written again, bundles offered and not installed or expired, enrolment
tokens about to expire, quarantine; shown in /metrics, `jiujin hub watch` and the watch page."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.cli import main
from sync.hub import operators, reconcile, station_watch
from sync.hub.ingest import Ingestor
from sync.hub.metrics import HubState
from sync.hub.models import HubQuarantine
from sync.hub.service import HubService
from sync.hub.store import HubStore, initialise_hub
from sync.hub.watch_page import render
from sync.seal import GENESIS
from tests.sync.helpers import enrol_key, entry, seal_entries
from tests.sync.hubproc import HubProcess

T0 = datetime.fromisoformat("2026-11-26T08:00:00+00:00")


def _station(hub: HubStore, code: str) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    enrol_key(hub, code, hub.add_station(code, f"{code} 站"), key)
    return key


def _send(hub: HubStore, key: Ed25519PrivateKey, code: str, seqs: range, batch_no: int,
          audit: dict[int, tuple[int, str]] | None = None, prev: str = GENESIS) -> str:
    """Seal and ingest events `seqs` as batch `batch_no` (after `prev`); the batch's id."""
    entries = [entry(s, code, app_id=f"{code}-{s}") for s in seqs]
    entries = [dataclasses.replace(e, audit_seq=audit[e.seq][0], audit_hash=audit[e.seq][1])
               if audit and e.seq in audit else e for e in entries]
    result = Ingestor(hub).ingest(seal_entries(key, hub.public, entries, batch_no, prev, station=code), "http")
    assert result.status == "stored", result
    return str(result.object_id)


def _at(hub: HubStore, moment: datetime) -> None:
    hub.clock = lambda: moment


def test_silent_stations_and_a_growing_backlog(hub: HubStore) -> None:
    _at(hub, T0)
    quiet, busy = _station(hub, "QT0001"), _station(hub, "BS0001")
    _send(hub, quiet, "QT0001", range(1, 4), 1)
    _send(hub, busy, "BS0001", range(1, 11), 1)
    _send(hub, busy, "BS0001", range(21, 31), 3)  # 11–20 never arrived
    first = station_watch.look(hub)
    assert first.silent == [] and first.stations == 2
    assert [(b.station, b.missing, b.before, b.growing) for b in first.backlogs] == [("BS0001", 10, None, False)]
    _at(hub, T0 + timedelta(hours=30))
    _send(hub, busy, "BS0001", range(41, 46), 5)  # 31–40 missing too
    later = station_watch.look(hub)
    assert [(s.station, s.hours) for s in later.silent] == [("QT0001", 30.0)]
    assert [(b.station, b.missing, b.before, b.growing) for b in later.backlogs] == [("BS0001", 20, 10, True)]
    assert later.alerts == 2
    reconcile.offer_bundles(hub, "QT0001", 0)  # a bundle fetch is contact too
    assert station_watch.look(hub).silent == []


def test_an_audit_chain_written_again_is_found(hub: HubStore) -> None:
    _at(hub, T0)
    key = _station(hub, "AU0001")
    first = _send(hub, key, "AU0001", range(1, 4), 1)  # audit heads 1, 2, 3
    assert station_watch.look(hub).anchors == []
    second = _send(hub, key, "AU0001", range(4, 6), 2, audit={4: (2, "e" * 64), 5: (3, "f" * 64)}, prev=first)
    anchors = station_watch.look(hub).anchors
    assert [(a.station, a.audit_seq) for a in anchors] == [("AU0001", 3)]
    assert "两个不同的哈希" in anchors[0].what_zh and "two different hashes" in anchors[0].what_en
    _send(hub, key, "AU0001", range(6, 7), 3, audit={6: (1, "1" * 64)}, prev=second)
    assert {a.what_en.split()[0] for a in station_watch.look(hub).anchors} == {"audit", "outbox"}


def test_failed_bundles_expiring_tokens_and_quarantine(hub: HubStore) -> None:
    _at(hub, T0)
    _station(hub, "BD0001")
    offered = reconcile.issue_bundle(hub, "BD0001", "reconciled", {"days": ["2026-11-25"]})
    _at(hub, T0 + timedelta(hours=1))
    reconcile.offer_bundles(hub, "BD0001", 0)  # fetched, and still asks from 0: not installed
    assert [(f.version, f.reason) for f in station_watch.look(hub).failed_bundles] == [(offered, "not_installed")]
    reconcile.offer_bundles(hub, "BD0001", offered)
    assert station_watch.look(hub).failed_bundles == []
    late = reconcile.issue_bundle(hub, "BD0001", "reconciled", {"days": ["2026-11-26"]}, days=1)
    _at(hub, T0 + timedelta(days=3))
    assert [(f.version, f.reason) for f in station_watch.look(hub).failed_bundles] == [(late, "expired_undelivered")]
    hub.add_station("PD0001", "待注册", days=1)
    HubQuarantine.create(received_at=hub.now(), via="folder", station="BD0001", reason="bad_signature",
                         message_zh="签名无效", message_en="bad signature", sha256="0" * 64, size=3, data=b"xyz")
    report = station_watch.look(hub)
    assert [(e.station, e.expired) for e in report.expiring] == [("PD0001", False)]
    assert [(q.station, q.reason) for q in report.quarantined] == [("BD0001", "bad_signature")]
    page = render(report)
    for phrase in ("失联站点", "下行包失败", "expired_undelivered", "PD0001", "bad_signature", "签名无效"):
        assert phrase in page, phrase
    metrics = HubService(hub).metrics.render(HubState(HubService(hub).state)).decode()
    assert 'jiujin_hub_failed_bundles{station="BD0001"} 1.0' in metrics
    assert "jiujin_hub_expiring_enrolment_tokens 1.0" in metrics
    assert f"jiujin_hub_watch_alerts {float(report.alerts)}" in metrics


def test_the_watch_command_exits_3_when_something_wants_attention(tmp_path: Path) -> None:
    store = initialise_hub(tmp_path / "hub")
    store.add_station("PD0001", "待注册", days=1)
    store.close()
    result = CliRunner().invoke(main, ["hub", "watch", "--data-dir", str(tmp_path / "hub"), "--json"])
    assert result.exit_code == 3, result.output
    assert '"what": "enrolment_token"' in result.output and '"alerts": 1' in result.output


@pytest.fixture
def watched_hub(tmp_path: Path) -> Iterator[tuple[HubProcess, str]]:
    folder = tmp_path / "hub"
    store = initialise_hub(folder)
    _station(store, "QT0001")
    key = operators.add_operator(store, "chen")
    operators.add_operator(store, "gone")
    operators.disable_operator(store, "gone")
    store.close()
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}").start()
    yield process, key
    process.stop()


def _basic(name: str, key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{key}".encode()).decode()}


def test_the_watch_page_is_for_hub_operators_only(watched_hub: tuple[HubProcess, str]) -> None:
    hub, key = watched_hub
    url = f"{hub.url}/watch"
    anonymous = httpx.get(url)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Basic")
    wrong = key[:-1] + ("x" if key[-1] != "x" else "y")  # the key is random: never its own last letter
    assert httpx.get(url, headers=_basic("chen", wrong)).status_code == 401
    assert httpx.get(url, headers=_basic("gone", key)).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Basic !!!"}).status_code == 401
    page = httpx.get(url, headers=_basic("chen", key))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store" and "default-src 'none'" in page.headers["content-security-policy"]
    assert "中心巡检" in page.text and "<script" not in page.text
    assert "QT0001" in page.text  # enrolled, never heard from: silent
    assert key not in hub.log()
