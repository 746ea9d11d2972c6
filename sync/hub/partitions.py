"""Native partitioning of the city's application table, for a hub that outgrows plain tables.

`hub_application` (one row per application: the city report's table and the manifests'
index) grows by every application the city accepts. `jiujin hub partition` turns it, on
PostgreSQL, into a table partitioned by month of `day` (RANGE) and each month by `district`
(LIST), so that a report for a period and a district reads only its own partitions, and an
old month can be detached and archived whole:

    hub_application                     PARTITION BY RANGE (day)
      hub_application_y2026m12          FOR VALUES FROM ('2026-12-01') TO ('2027-01-01')
                                        PARTITION BY LIST (district)
        hub_application_y2026m12_d330106    FOR VALUES IN ('330106')
        …                                   (one per district the hub's stations are in)
        hub_application_y2026m12_other      DEFAULT (a district registered later, or none)
      hub_application_other             DEFAULT (a month not created yet, or a malformed day)

PostgreSQL's unique keys on a partitioned table must hold the partition keys, so the primary
key becomes `(id, day, district)`. An application's day is fixed when its station accepts it,
and the fold never changes it (`reconcile._fold`); its district follows its station's
registration, and a station registered in another district moves its rows with it. A key
holding day and district would let a second row with the same id into another partition, so
the id stays unique in `hub_application_key` (`id` → `day`, unpartitioned), which the fold
writes with each new application and reads to find the month an application lies in.

Running the command again (monthly, ahead of the months it creates) adds the coming months
and moves into their own partitions any rows the default partition caught meanwhile. Nothing
depends on it being run: a day without its month lands in the default partition and is
counted like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from peewee import Database, Expression

from sync.errors import HubError
from sync.hub.db import database, execute, is_postgres, tuples
from sync.hub.migrations import migration_lock
from sync.hub.models import HubApplication, HubSetting, HubStation

TABLE = HubApplication._meta.table_name
KEY_TABLE = "hub_application_key"
DEFAULT = f"{TABLE}_other"
#: hub_setting key: "1" once hub_application is partitioned (the fold then keeps the key table).
SETTING = "applications.partitioned"
MONTH = re.compile(r"^(20[0-9]{2})-(0[1-9]|1[0-2])$")
DISTRICT = re.compile(r"^[0-9]{6}$")
#: At most this many months are created ahead of today in one run.
MAX_MONTHS_AHEAD = 24


class PartitioningNeedsPostgres(HubError):
    def __init__(self) -> None:
        super().__init__("分区只适用于 PostgreSQL 上的中心数据库；SQLite 上的中心无需分区",
                         "partitioning applies to a hub database on PostgreSQL; a hub on SQLite has none")


@dataclass(frozen=True)
class PartitionReport:
    """What one run of `partition_applications` did."""

    converted: bool  # the plain table became a partitioned one in this run
    months_created: tuple[str, ...]  # "YYYY-MM", in order
    districts: tuple[str, ...]  # the districts each new month has its own partition for
    rows_moved: int  # rows moved out of a default partition into a new month's


def is_partitioned() -> bool:
    """Whether hub_application is partitioned (read in the caller's transaction)."""
    row = HubSetting.get_or_none(HubSetting.key == SETTING)
    return row is not None and row.value == "1"


def partition_applications(db: Database, today: date, months_ahead: int = 3) -> PartitionReport:
    """Partition hub_application (once) and create its months up to `months_ahead` after
    `today`'s, with every month found in the default partition; one transaction, which holds
    the table exclusively while it runs (a hub folding records waits for it)."""
    if not is_postgres(db):
        raise PartitioningNeedsPostgres()
    if not 0 <= months_ahead <= MAX_MONTHS_AHEAD:
        raise HubError(f"提前创建的月份数须在 0 到 {MAX_MONTHS_AHEAD} 之间",
                       f"months ahead must be between 0 and {MAX_MONTHS_AHEAD}")
    with migration_lock(db):
        converted = not is_partitioned()
        if converted:
            _convert(db)
        execute(db, f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        districts = _districts(db)
        wanted = set(_months_ahead(today, months_ahead)) | _months_in(db, DEFAULT)
        present = _months_present(db)
        created, moved = [], 0
        for month in sorted(wanted - present):
            moved += _add_month(db, month, districts)
            created.append(month)
    return PartitionReport(converted, tuple(created), tuple(districts), moved)


def _convert(db: Database) -> None:
    """The plain table becomes the partitioned parent with one default partition holding
    every row (months are split out of it next), and the id key table is filled."""
    plain = f"{TABLE}_plain"
    execute(db, f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    execute(db, f"ALTER TABLE {TABLE} RENAME TO {plain}")
    execute(db, f"ALTER TABLE {plain} RENAME CONSTRAINT {TABLE}_pkey TO {plain}_pkey")
    for index in ("station_day", "case_id"):
        execute(db, f"DROP INDEX IF EXISTS {TABLE}_{index}")
    execute(db, f"CREATE TABLE {TABLE} (LIKE {plain} INCLUDING DEFAULTS) PARTITION BY RANGE (day)")
    execute(db, f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, day, district)")
    execute(db, f"CREATE INDEX {TABLE}_station_day ON {TABLE} (station, day)")
    execute(db, f"CREATE INDEX {TABLE}_case_id ON {TABLE} (case_id)")
    execute(db, f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
    execute(db, f"CREATE TABLE {KEY_TABLE} (id varchar(36) PRIMARY KEY, day varchar(10) NOT NULL)")
    execute(db, f"INSERT INTO {TABLE} SELECT * FROM {plain}")
    execute(db, f"INSERT INTO {KEY_TABLE} (id, day) SELECT id, day FROM {plain}")
    execute(db, f"DROP TABLE {plain}")
    HubSetting.insert(key=SETTING, value="1").on_conflict(
        conflict_target=[HubSetting.key], update={HubSetting.value: "1"}).execute()


def _add_month(db: Database, month: str, districts: list[str]) -> int:
    """Create `month`'s partition with one sub-partition per district and a default one, move
    its rows out of the default partition into it, and attach it; the rows moved."""
    year, number = (int(part) for part in month.split("-"))
    start = f"{year:04d}-{number:02d}-01"
    end = f"{year + number // 12:04d}-{number % 12 + 1:02d}-01"
    name = f"{TABLE}_y{year:04d}m{number:02d}"
    execute(db, f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS) PARTITION BY LIST (district)")
    for district in districts:
        execute(db, f"CREATE TABLE {name}_d{district} PARTITION OF {name} FOR VALUES IN ('{district}')")
    execute(db, f"CREATE TABLE {name}_other PARTITION OF {name} DEFAULT")
    cursor = execute(db, f"WITH moved AS (DELETE FROM {DEFAULT} WHERE day >= '{start}' AND day < '{end}'"
                         f" RETURNING *) INSERT INTO {name} SELECT * FROM moved")
    execute(db, f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')")
    return int(cursor.rowcount)


def _districts(db: Database) -> list[str]:
    """The districts of the hub's stations and of the applications it holds (six digits)."""
    found = {str(row[0]) for row in execute(db, f"SELECT DISTINCT district FROM {TABLE}").fetchall()}
    found |= {str(row[0]) for row in tuples(HubStation.select(HubStation.district).distinct())}
    return sorted(code for code in found if DISTRICT.match(code))


def _months_ahead(today: date, months_ahead: int) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, index + months_ahead + 1)]


def _months_in(db: Database, table: str) -> set[str]:
    """The well-formed months of the days in `table` (a malformed day stays where it is)."""
    rows = execute(db, f"SELECT DISTINCT substr(day, 1, 7) FROM {table}").fetchall()
    return {str(month) for (month,) in rows if month is not None and MONTH.match(str(month))}


def _months_present(db: Database) -> set[str]:
    """The months that have a partition of their own."""
    rows = execute(db, f"""
        SELECT child.relname FROM pg_inherits
        JOIN pg_class child ON child.oid = pg_inherits.inhrelid
        WHERE pg_inherits.inhparent = '{TABLE}'::regclass""").fetchall()
    found = set()
    for (relname,) in rows:
        match = re.fullmatch(rf"{TABLE}_y([0-9]{{4}})m([0-9]{{2}})", str(relname))
        if match:
            found.add(f"{match[1]}-{match[2]}")
    return found


def application_day(app_id: str) -> str | None:
    """The day an application was accepted on, from the key table (partitioned hubs only)."""
    row = database.execute_sql(f"SELECT day FROM {KEY_TABLE} WHERE id = %s", (app_id,)).fetchone()
    return str(row[0]) if row is not None else None


def the_application(app_id: str, keyed: bool) -> Expression:
    """The condition that finds one application's row. On a partitioned table it names the
    application's day as a value, so PostgreSQL plans for the one month holding it rather
    than for every partition (an id alone costs milliseconds of planning per statement)."""
    condition: Expression = HubApplication.id == app_id
    if not keyed:
        return condition
    day = application_day(app_id)
    if day is None:  # not in the key table: the hub holds no such application
        return condition & False
    return condition & (HubApplication.day == day)


def keep_key(app_id: str, day: str) -> None:
    """Record a new application's id and day (its primary key refuses a second one)."""
    database.execute_sql(f"INSERT INTO {KEY_TABLE} (id, day) VALUES (%s, %s)", (app_id, day))
