"""The hub's read queries behind the city and reconciliation reports.

`reports` renders figures it is given; these functions compute them from the hub's tables
with SQL run by the database (SQLite or PostgreSQL), so a million applications never
become Python objects. Each takes a DB-API connection (sqlite3 or psycopg); open one with
`sync.hub.db.reporting_connection`.

The city table's minimal shape (the hub's `hub_application` holds more columns;
`CITY_TABLE_DDL` creates exactly this one for tests and benchmarks):

    id            TEXT  primary key: the application's UUIDv7
    station       TEXT  station code
    district      TEXT  GB/T 2260 county code of the station, e.g. 330106
    point_type    TEXT  village | community | police | bank (others, e.g. a district
                        hall or online, count as not near home)
    item_code     TEXT  catalog code
    day           TEXT  local day of acceptance, YYYY-MM-DD
    status        TEXT  latest status (station lifecycle names; voided rows are left out)
    card_only     INT   1 when no paper material was needed: every material satisfied by
                        the ID card, shared data or filled in at the window (一证通办)
    due_date      TEXT  promised completion date, YYYY-MM-DD
    completed_on  TEXT  day completed (办结), NULL while open
    amendments    INT   how many times 补正 was asked

Rates: 一证通办率 = card_only / applications; 就近办率 = near-home point types /
applications; 按期办结率 = completed on or before the due date (or with no due date) /
completed; 补正率 = applications with amendments > 0 / applications.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from forms import Text, hangzhou_divisions
from reports import CityFigures, CityRow, HubStationLedger
from reports.errors import DocumentInputError, HubDataError
from reports.inputs import POINT_TYPES

Run = tuple[int, int]
TABLE = "hub_application"
NEAR_HOME = ("village", "community", "police", "bank")
CITY_TABLE_DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id TEXT PRIMARY KEY,
    station TEXT NOT NULL,
    district TEXT NOT NULL,
    point_type TEXT NOT NULL,
    item_code TEXT NOT NULL,
    day TEXT NOT NULL,
    status TEXT NOT NULL,
    card_only INTEGER NOT NULL DEFAULT 0,
    due_date TEXT,
    completed_on TEXT,
    amendments INTEGER NOT NULL DEFAULT 0
)"""
_NAME = re.compile(r"^[a-z_][a-z0-9_.]{0,62}$")
_NEAR = ", ".join(f"'{p}'" for p in NEAR_HOME)
AGGREGATE = f"""SELECT district, point_type,
    COUNT(*),
    SUM(CASE WHEN card_only = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN point_type IN ({_NEAR}) THEN 1 ELSE 0 END),
    SUM(CASE WHEN completed_on IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN completed_on IS NOT NULL AND (due_date IS NULL OR completed_on <= due_date)
             THEN 1 ELSE 0 END),
    SUM(CASE WHEN amendments > 0 THEN 1 ELSE 0 END)
FROM {{table}}
WHERE status <> 'voided'{{period}}
GROUP BY district, point_type"""


def city_figures(connection: Any, *, start: date | None = None, end: date | None = None,
                 table: str = TABLE, generated_at: datetime | None = None) -> CityFigures:
    """Aggregate `table` in the database, GROUP BY district and point type, then roll up.

    `connection` is a DB-API connection (sqlite3 or psycopg); the period is inclusive.
    """
    if not _NAME.match(table):
        raise ValueError(f"not a table name: {table!r}")
    mark = "?" if type(connection).__module__.startswith("sqlite3") else "%s"
    period, params = "", list[str]()
    if start is not None:
        period, params = period + f" AND day >= {mark}", [*params, start.isoformat()]
    if end is not None:
        period, params = period + f" AND day <= {mark}", [*params, end.isoformat()]
    sql = AGGREGATE.format(table=table, period=period)
    try:
        groups = [tuple(row) for row in connection.execute(sql, params).fetchall()]
    except Exception as exc:  # sqlite3 and psycopg raise unrelated error classes
        raise HubDataError(f"中心数据库无法汇总 {table}", f"cannot aggregate {table}: {exc}") from exc
    return CityFigures(generated_at or datetime.now().astimezone(), start, end,
                       _roll_up(groups, 0, _district_name), _roll_up(groups, 1, _point_type_name),
                       _sum("total", "全市 Hangzhou", groups))


def _roll_up(groups: list[tuple[Any, ...]], index: int, name: Any) -> tuple[CityRow, ...]:
    keys = sorted({str(g[index]) for g in groups})
    rows = [_sum(key, name(key), [g for g in groups if str(g[index]) == key]) for key in keys]
    return tuple(sorted(rows, key=lambda r: (-r.applications, r.key)))


def _sum(key: str, label: str, groups: list[tuple[Any, ...]]) -> CityRow:
    totals = [sum(int(g[i] or 0) for g in groups) for i in range(2, 8)]
    return CityRow(key, label, *totals)


def _district_name(code: str) -> str:
    division = hangzhou_divisions().get(code)
    return division.name if division is not None else code


#: Channels that are not near-home points, as the hub may name them.
OTHER_CHANNELS = {"district_hall": Text("区县政务服务中心", "district service hall"),
                  "online": Text("网上办理", "online")}


def _point_type_name(key: str) -> str:
    text = POINT_TYPES.get(key) or OTHER_CHANNELS.get(key)
    return text.zh if text is not None else key


def hub_ledgers(connection: Any, station: str | None = None) -> list[HubStationLedger]:
    """Every station's ledger at the hub (or one station's), read with SQL.

    `connection` is a DB-API connection to the hub database (sqlite3 or psycopg).
    """
    stations = _rows(connection, "SELECT code, name, status, last_received_at FROM hub_station ORDER BY code")
    held = _runs(_rows(connection, "SELECT station, first_seq, last_seq FROM hub_range ORDER BY station, first_seq"))
    gaps = _runs(_rows(connection, "SELECT station, first_seq, last_seq FROM hub_gap"
                                   " WHERE filled_at IS NULL ORDER BY station, first_seq"))
    quarantined = dict(_rows(connection, "SELECT station, COUNT(*) FROM hub_quarantine"
                                         " WHERE resolved_at IS NULL GROUP BY station"))
    batches = dict(_rows(connection, "SELECT station, COUNT(*) FROM hub_batch GROUP BY station"))
    records = dict(_rows(connection, "SELECT station, COUNT(*) FROM hub_record GROUP BY station"))
    ledgers = [
        HubStationLedger(code, name or "", status, int(records.get(code, 0)), int(batches.get(code, 0)),
                         tuple(held.get(code, ())), tuple(gaps.get(code, ())),
                         int(quarantined.get(code, 0)), last)
        for code, name, status, last in stations if station is None or code == station]
    if station is not None and not ledgers:
        raise DocumentInputError(f"中心没有站点 {station}", f"the hub knows no station {station}")
    return ledgers


def _rows(connection: Any, sql: str) -> list[tuple[Any, ...]]:
    try:
        return [tuple(row) for row in connection.execute(sql).fetchall()]
    except Exception as exc:  # sqlite3 and psycopg raise unrelated error classes
        raise HubDataError("中心数据库缺少对账所需的表或列", f"the hub database cannot answer: {exc}") from exc


def _runs(rows: list[tuple[Any, ...]]) -> dict[str, list[Run]]:
    found: dict[str, list[Run]] = defaultdict(list)
    for station, first, last in rows:
        found[station].append((int(first), int(last)))
    return found
