"""The hub's schema is numbered: an older hub with data migrates, a newer schema is refused;
stations are registered with their place, which attributes their applications."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.cli import main
from sync.errors import HubError
from sync.hub import migrations, reconcile
from sync.hub.db import execute
from sync.hub.ingest import Ingestor
from sync.hub.models import HubApplication, HubSetting, HubStation
from sync.hub.store import HubStore, Place, initialise_hub
from tests.sync.helpers import STATION, enrol_key, entry, seal_entries, sealed_batch

V2_COLUMNS = ("district", "point_type", "town", "release", "release_seen_at")
DEPARTMENT_TABLES = ("hub_department", "hub_department_key", "hub_case", "hub_case_event", "hub_webhook",
             "hub_webhook_delivery")
CITIZEN_TABLES = ("hub_case_step", "hub_case_key", "hub_rating", "hub_follow_up", "hub_lookup_attempt")
INCREMENTAL_TABLES = ("hub_manifest_stale", "hub_ledger_seen")
INCREMENTAL_INDEXES = ("hub_manifest_entry_application_id", "hub_manifest_index_station")


def _as_first_release(store: HubStore) -> None:
    """Turn a new hub's database into what the first release created, with a station in it."""
    for column in V2_COLUMNS:
        execute(store.db, f"ALTER TABLE hub_station DROP COLUMN {column}")
    for table in (*DEPARTMENT_TABLES, *CITIZEN_TABLES, *INCREMENTAL_TABLES):
        execute(store.db, f"DROP TABLE {table}")
    for index in INCREMENTAL_INDEXES:
        execute(store.db, f"DROP INDEX {index}")
    HubSetting.update(value="1").where(HubSetting.key == "schema_version").execute()
    execute(store.db, "INSERT INTO hub_station (code, name, status, created_at) "
                      "VALUES ('XH0001', '德加社区', 'active', '2026-01-05T08:00:00+00:00')")


def test_a_first_release_hub_with_data_migrates_to_this_release(tmp_path: Path, db_url: str) -> None:
    store = initialise_hub(tmp_path / "hub", db_url)
    _as_first_release(store)
    store.close()
    store = HubStore(tmp_path / "hub", db_url)
    try:
        assert migrations.schema_version(store.db) == 1
        with pytest.raises(migrations.SchemaTooOld):
            migrations.require_current(store.db)
        assert store.create_schema() == [2, 3, 4, 5, 6, 7, 8]
        assert {c.name for c in store.db.get_columns("hub_station")} >= set(V2_COLUMNS)
        assert set(DEPARTMENT_TABLES) <= set(store.db.get_tables())
        assert set(CITIZEN_TABLES) <= set(store.db.get_tables())
        assert set(store.db.get_tables()) >= set(INCREMENTAL_TABLES)
        indexes = {i.name for t in ("hub_manifest_entry", "hub_manifest_index") for i in store.db.get_indexes(t)}
        assert indexes >= set(INCREMENTAL_INDEXES)
        kept = HubStation.get(HubStation.code == "XH0001")
        assert (kept.name, kept.status, kept.district) == ("德加社区", "active", "")
        assert store.create_schema() == []  # once only
        migrations.require_current(store.db)
    finally:
        store.close()


def test_a_schema_newer_than_this_release_is_refused(tmp_path: Path) -> None:
    store = initialise_hub(tmp_path / "hub")
    HubSetting.update(value=str(migrations.LATEST + 1)).where(HubSetting.key == "schema_version").execute()
    store.close()
    with pytest.raises(migrations.SchemaTooNew) as refused:
        HubStore(tmp_path / "hub")
    assert "请升级中心软件" in refused.value.message("zh")
    result = CliRunner().invoke(main, ["hub", "stats", "--data-dir", str(tmp_path / "hub")])
    assert result.exit_code == 1 and "upgrade the hub" not in result.output
    assert "结构版本" in result.output and "Traceback" not in result.output


def _received(hub: HubStore, key: Ed25519PrivateKey, first: int, last: int, batch_no: int, prev: str) -> str:
    result = Ingestor(hub).ingest(sealed_batch(key, hub.public, first, last, batch_no, prev), "http")
    assert result.status == "stored"
    reconcile.refresh_applications()
    return str(result.object_id)


def _places() -> set[tuple[str, str]]:
    return {(a.district, a.point_type) for a in HubApplication.select()}


def test_a_registered_station_attributes_its_applications_and_a_correction_moves_them(
        hub: HubStore, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站", place=Place("330106", "community", "330106004"))
    enrol_key(hub, STATION, token, station_key)
    _received(hub, station_key, 1, 3, 1, "0" * 64)
    assert _places() == {("330106", "community")}
    assert hub.register_station(STATION, place=Place("330108", "bank")) == 3
    assert _places() == {("330108", "bank")}
    assert HubStation.get(HubStation.code == STATION).town == ""  # the old district's town is dropped


def test_applications_received_before_registration_are_backfilled(
        hub: HubStore, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station(STATION, "测试站")
    enrol_key(hub, STATION, token, station_key)
    _received(hub, station_key, 1, 2, 1, "0" * 64)
    assert _places() == {("", "")}
    HubStation.update(district="330127", point_type="village").where(HubStation.code == STATION).execute()
    assert hub.backfill_places() == 2
    assert _places() == {("330127", "village")}


@pytest.mark.parametrize(("place", "wrong"), [
    (Place("330199", "community"), "330199"), (Place("330106", "mall"), "point type"),
    (Place("330106", "village", "330108001"), "330108001")])
def test_a_wrong_place_is_refused_with_what_is_wrong(hub: HubStore, place: Place, wrong: str) -> None:
    with pytest.raises(HubError) as refused:
        hub.add_station(STATION, "测试站", place=place)
    assert wrong in refused.value.message("en")


def test_a_second_release_hub_marks_its_rongque_and_proxy_cases(tmp_path: Path, db_url: str) -> None:
    store = initialise_hub(tmp_path / "hub", db_url)
    key = Ed25519PrivateKey.generate()
    enrol_key(store, STATION, store.add_station(STATION, "测试站"), key)
    entries = [entry(1), entry(2, rongque_deadline="2026-12-01"), entry(3, values={"by_proxy": True}),
               entry(4, values={"by_proxy": "yes"})]  # only a boolean answer counts
    assert Ingestor(store).ingest(seal_entries(key, store.public, entries), "http").status == "stored"
    reconcile.refresh_applications()
    for column in ("rongque", "proxy"):
        execute(store.db, f"ALTER TABLE hub_application DROP COLUMN {column}")
    HubSetting.update(value="3").where(HubSetting.key == "schema_version").execute()
    store.close()
    store = HubStore(tmp_path / "hub", db_url)
    try:
        assert store.create_schema() == [4, 5, 6, 7, 8]
        marks = {a.id[-1]: (a.rongque, a.proxy) for a in HubApplication.select()}
        assert marks == {"1": (0, 0), "2": (1, 0), "3": (0, 1), "4": (0, 0)}
    finally:
        store.close()
