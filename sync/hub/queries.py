"""The hub's read queries behind the city, street-office and reconciliation reports.

`reports` renders figures it is given; these functions compute them from the hub's tables
with SQL run by the database (SQLite or PostgreSQL), so a million applications never
become Python objects. Each takes a DB-API connection (sqlite3 or psycopg); open one with
`sync.hub.db.reporting_connection`. Every formula is in docs/metrics.md.

The city table's minimal shape (the hub's `hub_application` holds more columns;
`CITY_TABLE_DDL` creates exactly this one for tests and benchmarks):

    id            TEXT  primary key: the application's UUIDv7
    station       TEXT  station code
    district      TEXT  GB/T 2260 county code of the station, e.g. 330106
    point_type    TEXT  village | community | police | bank (others, e.g. a district
                        hall or online, count as not near home)
    item_code     TEXT  catalog code, HZ-<DEPT>-NNN (the department's code, docs/catalog-format.md)
    day           TEXT  local day of acceptance, YYYY-MM-DD
    status        TEXT  latest status (station lifecycle names; voided rows are left out)
    card_only     INT   1 when no paper material was needed: every material satisfied by
                        the ID card, shared data or filled in at the window (一证通办)
    due_date      TEXT  promised completion date, YYYY-MM-DD, or NULL
    completed_on  TEXT  day completed (办结), NULL while open
    amendments    INT   how many times 补正 was asked
    rongque       INT   1 when accepted with 容缺
    proxy         INT   1 when filed by an agent (代办)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from forms import Catalog, Text, hangzhou_divisions
from forms.vocab import DEPARTMENTS
from reports import CityFigures, CityRow, HubStationLedger
from reports.city import CatalogFigures, RatingFigures
from reports.errors import DocumentInputError, HubDataError
from reports.inputs import POINT_TYPES
from reports.street import StreetMonth

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
    amendments INTEGER NOT NULL DEFAULT 0,
    rongque INTEGER NOT NULL DEFAULT 0,
    proxy INTEGER NOT NULL DEFAULT 0
)"""
#: The columns CITY_TABLE_DDL creates, in order.
CITY_COLUMNS = ("id", "station", "district", "point_type", "item_code", "day", "status", "card_only",
                "due_date", "completed_on", "amendments", "rongque", "proxy")
_NAME = re.compile(r"^[a-z_][a-z0-9_.]{0,62}$")
_NEAR = ", ".join(f"'{p}'" for p in NEAR_HOME)
_DONE = "completed_on IS NOT NULL"
_OPEN = "completed_on IS NULL AND status NOT IN ('completed', 'rejected')"
#: The counts of a group of applications, in CityRow's order after `applications`.
COUNTS = f"""COUNT(*),
    SUM(CASE WHEN card_only = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN point_type IN ({_NEAR}) THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_DONE} THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_DONE} AND amendments = 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_DONE} AND due_date IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_DONE} AND due_date IS NOT NULL AND completed_on <= due_date THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_OPEN} AND due_date IS NOT NULL AND due_date < {{mark}} THEN 1 ELSE 0 END),
    SUM(CASE WHEN amendments > 0 THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_DONE} AND completed_on = day THEN 1 ELSE 0 END),
    SUM(CASE WHEN rongque = 1 THEN 1 ELSE 0 END),
    SUM(CASE WHEN proxy = 1 THEN 1 ELSE 0 END)"""
KEYS = 4
AGGREGATE = f"""SELECT district, point_type, item_code, substr(day, 1, 7),
    {COUNTS}
FROM {{table}}
WHERE status <> 'voided'{{period}}
GROUP BY district, point_type, item_code, substr(day, 1, 7)"""
STREET = f"""SELECT item_code, {COUNTS}
FROM {TABLE}
WHERE status <> 'voided' AND station IN (SELECT code FROM hub_station WHERE town = {{mark}})
  AND substr(day, 1, 7) = {{mark}}
GROUP BY item_code"""


def _mark(connection: Any) -> str:
    return "?" if type(connection).__module__.startswith("sqlite3") else "%s"


def city_figures(connection: Any, *, start: date | None = None, end: date | None = None,
                 table: str = TABLE, generated_at: datetime | None = None, as_of: date | None = None,
                 catalog: CatalogFigures | None = None, ratings: RatingFigures | None = None) -> CityFigures:
    """Aggregate `table` in the database by district, point type, item and month, then roll up.

    `connection` is a DB-API connection (sqlite3 or psycopg); the period is inclusive. Open
    cases are overdue when their due date is before `as_of` (default: the period's end, or today).
    """
    if not _NAME.match(table):
        raise ValueError(f"not a table name: {table!r}")
    mark = _mark(connection)
    as_of = as_of or end or date.today()
    period, params = "", [as_of.isoformat()]
    if start is not None:
        period, params = period + f" AND day >= {mark}", [*params, start.isoformat()]
    if end is not None:
        period, params = period + f" AND day <= {mark}", [*params, end.isoformat()]
    sql = AGGREGATE.format(table=table, period=period, mark=mark)
    groups = _aggregate(connection, sql, params, table)
    return CityFigures(generated_at or datetime.now().astimezone(), start, end,
                       _roll_up(groups, 0, _district_name), _roll_up(groups, 1, _point_type_name),
                       _sum("total", "全市 Hangzhou", groups),
                       by_department=_roll_up(groups, 2, _department_name, key_of=department_of),
                       by_month=tuple(sorted(_roll_up(groups, 3, str), key=lambda r: r.key)),
                       as_of=as_of, catalog=catalog, ratings=ratings)


def _aggregate(connection: Any, sql: str, params: list[str], table: str) -> list[tuple[Any, ...]]:
    try:
        return [tuple(row) for row in connection.execute(sql, params).fetchall()]
    except Exception as exc:  # sqlite3 and psycopg raise unrelated error classes
        raise HubDataError(f"中心数据库无法汇总 {table}", f"cannot aggregate {table}: {exc}") from exc


def _roll_up(groups: list[tuple[Any, ...]], index: int, name: Callable[[str], str],
             key_of: Callable[[str], str] = str, first: int = KEYS) -> tuple[CityRow, ...]:
    keyed: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for g in groups:
        keyed[key_of(str(g[index]))].append(g)
    rows = [_sum(key, name(key), members, first) for key, members in keyed.items()]
    return tuple(sorted(rows, key=lambda r: (-r.applications, r.key)))


def _sum(key: str, label: str, groups: Iterable[tuple[Any, ...]], first: int = KEYS) -> CityRow:
    groups = list(groups)
    totals = [sum(int(g[i] or 0) for g in groups) for i in range(first, first + 12)]
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


_BY_PREFIX = {prefix: slug for slug, (prefix, _name) in DEPARTMENTS.items()}
OTHER_DEPARTMENT = "other"


def department_of(item_code: str) -> str:
    """The department slug of a catalog code `HZ-<DEPT>-NNN`; `other` for codes outside the catalog."""
    parts = item_code.split("-")
    return _BY_PREFIX.get(parts[1], OTHER_DEPARTMENT) if len(parts) == 3 and parts[0] == "HZ" else OTHER_DEPARTMENT


def _department_name(slug: str) -> str:
    found = DEPARTMENTS.get(slug)
    return found[1].zh if found is not None else "其他"


# -- the catalog's measures -----------------------------------------------------------------

def catalog_figures(catalog: Catalog, on: date, stations: dict[str, int] | None = None) -> CatalogFigures:
    """就近可办率, 一证通办率 and 零跑腿率 over the personal items in force on `on`; `stations`
    (point type -> active stations, from `active_stations`) weights the city's 就近可办率."""
    personal = [i for i in catalog.current(on) if i.target == "person"]
    doable = {t: sum(t in i.access.point_types for i in personal) for t in NEAR_HOME}
    return CatalogFigures(on, len(personal), sum(i.card_only for i in personal),
                          sum(i.access.visits == 0 for i in personal), doable, dict(stations or {}))


def active_stations(connection: Any) -> dict[str, int]:
    """Active stations at the hub by point type."""
    return {str(t): int(n) for t, n in _rows(connection, "SELECT point_type, COUNT(*) FROM hub_station"
                                                         " WHERE status = 'active' GROUP BY point_type")}


# -- 好差评 ---------------------------------------------------------------------------------

#: Where the ratings live once the hub keeps them (issue #19): one row per rated case,
#: `application_id` and `level` (5 非常满意 … 1 非常不满意). Until then the report says 暂无评价数据.
RATING_TABLE = "hub_rating"


def rating_figures(connection: Any, *, start: date | None = None, end: date | None = None) -> RatingFigures | None:
    """好差评 of the cases accepted in the period, or None when the hub keeps no ratings yet."""
    if not _has_table(connection, RATING_TABLE):
        return None
    mark = _mark(connection)
    period, params = "", list[str]()
    if start is not None:
        period, params = period + f" AND a.day >= {mark}", [*params, start.isoformat()]
    if end is not None:
        period, params = period + f" AND a.day <= {mark}", [*params, end.isoformat()]
    sql = (f"SELECT r.level, COUNT(*) FROM {RATING_TABLE} r JOIN {TABLE} a ON a.id = r.application_id"
           f" WHERE a.status <> 'voided'{period} GROUP BY r.level")
    return RatingFigures({int(level): int(n) for level, n in _aggregate(connection, sql, params, RATING_TABLE)})


def _has_table(connection: Any, name: str) -> bool:
    if _mark(connection) == "?":
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = "SELECT COUNT(*) FROM (SELECT to_regclass(%s) AS t) found WHERE t IS NOT NULL"
    return bool(connection.execute(sql, [name]).fetchone()[0])


# -- the street office's month ------------------------------------------------------------------

def street_month(connection: Any, town: str, month: str, *, as_of: date | None = None,
                 generated_at: datetime | None = None) -> StreetMonth:
    """A town's (乡镇街道) cases of `month` (YYYY-MM) by department, from its registered stations."""
    division = hangzhou_divisions().get(town)
    if division is None or len(town) != 9:
        raise DocumentInputError(f"{town} 不是杭州的乡镇（街道）代码", f"{town} is not a Hangzhou town code")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise DocumentInputError(f"月份应为 YYYY-MM：{month}", f"a month is YYYY-MM: {month}")
    mark = _mark(connection)
    as_of = as_of or date.today()
    groups = _aggregate(connection, STREET.format(mark=mark), [as_of.isoformat(), town, month], TABLE)
    stations = tuple(str(c) for (c,) in _rows(connection, f"SELECT code FROM hub_station WHERE town = {mark}"
                                                          " ORDER BY code", [town]))
    return StreetMonth(town, division.name, _district_name(str(division.parent or "")), month, stations,
                       _roll_up(groups, 0, _department_name, key_of=department_of, first=1),
                       _sum("total", "合计 Total", groups, 1), generated_at or datetime.now().astimezone())


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


def _rows(connection: Any, sql: str, params: list[str] | None = None) -> list[tuple[Any, ...]]:
    try:
        return [tuple(row) for row in connection.execute(sql, params or []).fetchall()]
    except Exception as exc:  # sqlite3 and psycopg raise unrelated error classes
        raise HubDataError("中心数据库缺少对账所需的表或列", f"the hub database cannot answer: {exc}") from exc


def _runs(rows: list[tuple[Any, ...]]) -> dict[str, list[Run]]:
    found: dict[str, list[Run]] = defaultdict(list)
    for station, first, last in rows:
        found[station].append((int(first), int(last)))
    return found
