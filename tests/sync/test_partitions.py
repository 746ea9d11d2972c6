"""Partitioning the city's application table (`jiujin hub partition`) on a real PostgreSQL:
the figures read the same before and after, each row lies in its month's and district's
partition, new records fold into theirs, the default partition's rows move when their month
is created, and an application's id stays unique across partitions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.cli import main
from sync.hub import reconcile
from sync.hub.db import execute, reporting_connection
from sync.hub.ingest import Ingestor
from sync.hub.models import HubApplication
from sync.hub.partitions import PartitioningNeedsPostgres, is_partitioned, partition_applications
from sync.hub.queries import city_figures
from sync.hub.store import HubStore, Place, initialise_hub
from tests.sync.city_helpers import NOVEMBER, STATIONS, app_id, counts, fill_city
from tests.sync.helpers import enrol_key, entry, hub_database, seal_entries

DECEMBER = date(2026, 12, 4)


@pytest.fixture
def pg_hub(tmp_path: Path) -> Iterator[HubStore]:
    with hub_database("postgres", tmp_path) as url:
        store = initialise_hub(tmp_path / "hub", url)
        yield store
        store.close()


def where(store: HubStore) -> dict[str, str]:
    """Each application's partition (the leaf table its row is stored in)."""
    rows = execute(store.db, "SELECT id, tableoid::regclass::text FROM hub_application").fetchall()
    return {str(app_id): str(table) for app_id, table in rows}


def figures(store: HubStore, tmp_path: Path) -> tuple[tuple[int, ...], dict[str, int], list[tuple[str, int]]]:
    with reporting_connection(store.database_url, tmp_path / "hub") as connection:
        found = city_figures(connection, **NOVEMBER)
        return (counts(found.total), {r.key: r.applications for r in found.by_district},
                [(r.key, r.applications) for r in found.by_month])


def test_partitioning_keeps_every_figure_and_places_each_row_by_month_and_district(
        pg_hub: HubStore, tmp_path: Path) -> None:
    fill_city(pg_hub)
    before = figures(pg_hub, tmp_path)
    count = HubApplication.select().count()

    report = partition_applications(pg_hub.db, DECEMBER, months_ahead=2)

    assert report.converted and is_partitioned()
    assert report.months_created == ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02")
    assert report.districts == ("330106", "330108", "330110")
    assert report.rows_moved == count == 10
    assert figures(pg_hub, tmp_path) == before
    placed = where(pg_hub)
    assert placed[app_id("c1")] == "hub_application_y2026m11_d330106"
    assert placed[app_id("b1")] == "hub_application_y2026m11_d330108"
    assert placed[app_id("p2")] == "hub_application_y2026m10_d330106"  # accepted in October
    assert placed[app_id("v1")] == "hub_application_y2026m11_d330110"
    # a report for one month and district reads that partition only
    plan = "\n".join(str(r[0]) for r in execute(pg_hub.db, (
        "EXPLAIN SELECT count(*) FROM hub_application "
        "WHERE day >= '2026-11-01' AND day < '2026-12-01' AND district = '330108'")).fetchall())
    assert "hub_application_y2026m11_d330108" in plan and "y2026m10" not in plan and "d330106" not in plan

    again = partition_applications(pg_hub.db, DECEMBER, months_ahead=2)
    assert (again.converted, again.months_created, again.rows_moved) == (False, (), 0)


def test_records_fold_into_their_partition_and_the_default_one_catches_a_month_not_created(
        pg_hub: HubStore, tmp_path: Path) -> None:
    fill_city(pg_hub)
    partition_applications(pg_hub.db, DECEMBER, months_ahead=0)
    key = Ed25519PrivateKey.generate()
    enrol_key(pg_hub, "XH0009", pg_hub.add_station("XH0009", "新站", place=Place("330106", "community", "330106004")),
              key)
    late, early = app_id("late"), app_id("early")
    entries = [entry(1, "XH0009", item="HZ-GA-004", app_id=early, day="2026-12-03"),
               entry(2, "XH0009", item="HZ-GA-004", app_id=late, day="2027-03-01")]
    assert Ingestor(pg_hub).ingest(seal_entries(key, pg_hub.public, entries, station="XH0009"), "http").status == "stored"
    reconcile.refresh_applications()
    assert where(pg_hub)[early] == "hub_application_y2026m12_d330106"
    assert where(pg_hub)[late] == "hub_application_other"  # March 2027 has no partition yet

    report = partition_applications(pg_hub.db, date(2027, 3, 1), months_ahead=0)
    assert report.months_created == ("2027-03",) and report.rows_moved == 1  # none for the months skipped
    assert where(pg_hub)[late] == "hub_application_y2027m03_d330106"

    # the department's decision finds the row in its partition
    reconcile.set_status(pg_hub, "XH0009", [{"application_id": late, "status": "completed"}], "部门")
    assert HubApplication.get(HubApplication.id == late).status == "completed"


def test_a_record_naming_another_day_for_a_known_application_makes_no_second_row(
        pg_hub: HubStore, tmp_path: Path) -> None:
    """A station's later record for an application names a different day (a hostile or broken
    station): the application keeps its day and its one row, partitioned or not."""
    key = Ed25519PrivateKey.generate()
    code = "XH0001"
    enrol_key(pg_hub, code, pg_hub.add_station(code, code, place=Place(*STATIONS[code])), key)
    partition_applications(pg_hub.db, DECEMBER, months_ahead=0)
    app = app_id("moved")
    entries = [entry(1, code, app_id=app, day="2026-12-01"),
               entry(2, code, app_id=app, day="2026-11-02", kind="amended")]
    assert Ingestor(pg_hub).ingest(seal_entries(key, pg_hub.public, entries, station=code), "http").status == "stored"
    reconcile.refresh_applications()
    rows = list(HubApplication.select().where(HubApplication.id == app))
    assert [(r.day, r.last_seq) for r in rows] == [("2026-12-01", 2)]
    assert where(pg_hub)[app] == "hub_application_y2026m12_d330106"


def test_a_hub_on_sqlite_is_told_partitioning_needs_postgres(tmp_path: Path) -> None:
    with hub_database("sqlite", tmp_path) as url:
        store = initialise_hub(tmp_path / "hub", url)
        try:
            with pytest.raises(PartitioningNeedsPostgres) as refused:
                partition_applications(store.db, DECEMBER)
            assert "PostgreSQL" in str(refused.value)
            assert not is_partitioned()
        finally:
            store.close()


def test_the_partition_command_reports_what_it_created(pg_hub: HubStore, tmp_path: Path) -> None:
    fill_city(pg_hub)
    folder = str(tmp_path / "hub")
    first = CliRunner().invoke(main, ["hub", "partition", "--data-dir", folder, "--months-ahead", "1"])
    assert first.exit_code == 0, first.output
    assert "申请表已改为分区表" in first.output and "2026-10" in first.output and "移入 10 行" in first.output
    second = CliRunner().invoke(main, ["hub", "partition", "--data-dir", folder, "--months-ahead", "1"])
    assert second.exit_code == 0 and "分区表" not in second.output
    refused = CliRunner().invoke(main, ["hub", "partition", "--data-dir", folder, "--months-ahead", "99"])
    assert refused.exit_code != 0 and "99" in refused.output
