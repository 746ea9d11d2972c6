"""The hub compares every audit anchor it receives with the ones it holds for the station
(`sync.hub.anchors`), on SQLite and PostgreSQL: another hash at a held position, a head behind
an earlier one, a station's own report; a stale stick is no divergence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import acks, anchors
from sync.hub import anchors as hub_anchors
from sync.hub import migrations
from sync.hub.db import execute
from sync.hub.ingest import Ingestor
from sync.hub.models import HubAnchor, HubRecord, HubSetting
from sync.hub.store import HubStore, initialise_hub
from tests.sync.helpers import STATION, enrol_key, sealed_batch

T0 = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)


def _anchor(key: Ed25519PrivateKey, seq: int, digest: str, minutes: int,
            checked: tuple[int, str | None] | None = None, divergent: bool = False) -> bytes:
    at = (T0 + timedelta(minutes=minutes)).isoformat(timespec="microseconds")
    return anchors.make(STATION, at, (seq, digest), checked, divergent, None, key)


def _answer(hub: HubStore, data: bytes, via: str = "http") -> acks.Ack:
    return acks.verify(hub_anchors.receive_anchor(hub, data, via, STATION), hub.public, STATION)


def _kinds() -> list[str]:
    return [d["kind"] for d in hub_anchors.divergences(STATION)]


def test_the_hub_answers_with_its_newest_anchor_and_keeps_agreeing_heads(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    first = _answer(hub, _anchor(station_key, 10, "a" * 64, 0))
    assert (first.document["kind"], first.status, first.document["anchor"]) == ("anchor", "stored", [10, "a" * 64])
    later = _answer(hub, _anchor(station_key, 14, "b" * 64, 5, checked=(10, "a" * 64)))
    assert later.status == "stored" and later.document["anchor"] == [14, "b" * 64]
    assert _kinds() == []


def test_another_hash_at_a_held_position_is_recorded_once(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    _answer(hub, _anchor(station_key, 10, "a" * 64, 0))
    rewritten = _answer(hub, _anchor(station_key, 10, "c" * 64, 5))
    assert rewritten.status == "divergent" and rewritten.document["anchor"] == [10, "a" * 64]  # the first stays
    assert _answer(hub, _anchor(station_key, 12, "d" * 64, 6, checked=(10, "c" * 64))).status == "divergent"
    [found] = hub_anchors.divergences(STATION)
    assert (found["kind"], found["seq"], found["held_hash"], found["received_hash"]) == (
        "rewritten", 10, "a" * 64, "c" * 64)
    assert hub.stations()[0]["audit_divergences"] == 1


def test_a_head_behind_an_earlier_one_is_backwards_but_a_stale_stick_is_not(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    _answer(hub, _anchor(station_key, 10, "a" * 64, 10))
    stale = _answer(hub, _anchor(station_key, 6, "e" * 64, 0), "folder")  # exported before, carried in late
    assert stale.status == "stored" and _kinds() == []
    cut = _answer(hub, _anchor(station_key, 8, "f" * 64, 20))
    assert cut.status == "divergent" and _kinds() == ["backwards"]
    [found] = hub_anchors.divergences(STATION)
    assert (found["seq"], found["held_seq"]) == (8, 10)


def test_a_station_that_reports_a_divergence_has_it_recorded(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    _answer(hub, _anchor(station_key, 10, "a" * 64, 0))
    assert _answer(hub, _anchor(station_key, 12, "b" * 64, 5, divergent=True)).status == "divergent"
    assert _kinds() == ["reported"]
    [found] = hub_anchors.divergences(STATION)
    hub_anchors.resolve(hub, found["id"], "老周", "已核查：站点从备份恢复")
    assert _kinds() == [] and hub_anchors.divergences(STATION, include_resolved=True)[0]["resolved_by"] == "老周"


def test_a_batch_header_with_another_hash_at_a_witnessed_position_is_recorded_and_its_records_kept(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey, ingestor: Ingestor) -> None:
    _answer(hub, _anchor(station_key, 3, "a" * 64, 0))  # the helpers' batch anchors event 3 as 00…03
    result = ingestor.ingest(sealed_batch(station_key, hub.public, 1, 3), "http")
    assert result.status == "stored" and HubRecord.select().count() == 3
    [found] = hub_anchors.divergences(STATION)
    assert (found["kind"], found["source"], found["seq"]) == ("rewritten", "batch", 3)


def test_anchors_not_signed_by_the_station_or_for_another_station_are_refused(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    with pytest.raises(anchors.AnchorError) as forged:
        hub_anchors.receive_anchor(hub, _anchor(Ed25519PrivateKey.generate(), 10, "a" * 64, 0), "http", STATION)
    assert forged.value.reason == "bad_signature"
    with pytest.raises(anchors.AnchorError) as other:
        hub_anchors.receive_anchor(hub, _anchor(station_key, 10, "a" * 64, 0), "http", "XX0001")
    assert other.value.reason == "wrong_station"
    assert HubAnchor.select().count() == 0


def test_a_hub_at_schema_2_witnesses_the_heads_of_the_batches_it_holds(tmp_path: Path, db_url: str) -> None:
    store = initialise_hub(tmp_path / "hub", db_url)
    key = Ed25519PrivateKey.generate()
    enrol_key(store, STATION, store.add_station(STATION, "测试站"), key)
    Ingestor(store).ingest(sealed_batch(key, store.public, 1, 4), "http")
    for table in ("hub_anchor", "hub_anchor_divergence", "hub_recovery_copy"):
        execute(store.db, f"DROP TABLE {table}")
    HubSetting.update(value="2").where(HubSetting.key == "schema_version").execute()
    store.close()
    store = HubStore(tmp_path / "hub", db_url)
    try:
        assert store.create_schema() == [3, 4, 5, 6, 7, 8]
        assert hub_anchors.latest(STATION) == (4, f"{4:064x}")
        migrations.require_current(store.db)
    finally:
        store.close()
