"""城市报告 — the city's reform figures by district and by point type, aggregated in SQL.

The hub keeps one row per application in `hub_application`; the report's numbers come
from a single GROUP BY over it, done by the database (SQLite or PostgreSQL), so a million
applications never become Python objects. The table's minimal shape (the hub may hold
more columns; `CITY_TABLE_DDL` creates exactly this one for tests and benchmarks):

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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text, hangzhou_divisions
from reports import charts, pdf
from reports.errors import HubDataError
from reports.fonts import CjkFont
from reports.inputs import POINT_TYPES

TITLE = Text("杭州市就近办事报告", "Hangzhou Near-home Services Report")
NEAR_HOME = ("village", "community", "police", "bank")
TABLE = "hub_application"
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


@dataclass(frozen=True)
class CityRow:
    """The counts of one district, point type, or the whole city."""

    key: str
    label: str
    applications: int
    card_only: int
    near_home: int
    completed: int
    on_time: int
    amended: int

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def card_only_rate(self) -> float | None:
        return self._rate(self.card_only, self.applications)

    @property
    def near_home_rate(self) -> float | None:
        return self._rate(self.near_home, self.applications)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time, self.completed)

    @property
    def amendment_rate(self) -> float | None:
        return self._rate(self.amended, self.applications)


@dataclass(frozen=True)
class CityFigures:
    """The report's numbers: by district, by point type and in total."""

    generated_at: datetime
    start: date | None
    end: date | None
    by_district: tuple[CityRow, ...]
    by_point_type: tuple[CityRow, ...]
    total: CityRow


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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def city_pdf(figures: CityFigures, font: CjkFont | None = None) -> bytes:
    """The city report on A4: totals, tables and charts by district and point type."""
    styles = pdf.document_styles(font)
    f, total = figures, figures.total
    period = (f"{f.start.isoformat() if f.start else '最早 earliest'} — "
              f"{f.end.isoformat() if f.end else '最新 latest'}")
    summary: list[tuple[Text, object]] = [
        (Text("统计期间", "Period"), period),
        (Text("申请件数", "Applications"), f"{total.applications:,}"),
        (Text("一证通办率", "ID-card-only rate"), _pct(total.card_only_rate)),
        (Text("就近办率", "Near-home rate"), _pct(total.near_home_rate)),
        (Text("按期办结率", "On-time completion rate"),
         f"{_pct(total.on_time_rate)}（已办结 completed {total.completed:,}）"),
        (Text("补正率", "Amendment rate"), _pct(total.amendment_rate)),
    ]
    font_name = styles.font.name
    districts = f.by_district
    story: list[Flowable] = [
        *pdf.title_block(TITLE, "就近中心 Jiujin hub", styles),
        pdf.field_table(summary, styles, widths=(55 * mm, pdf.WIDTH - 55 * mm)),
        pdf.spacer(4),
        charts.horizontal_bars("各区县申请件数 Applications by district", [r.label for r in districts],
                               [r.applications for r in districts], font_name, pdf.WIDTH,
                               max(60 * mm, (len(districts) * 5 + 20) * mm)),
        pdf.spacer(4),
        *pdf.heading(Text("按区县", "By district"), styles),
        _table(districts, Text("区县", "District"), styles),
        charts.vertical_bars("各区县比率 Rates by district (%)", [r.label for r in districts],
                             _rate_series(districts), font_name, pdf.WIDTH, 80 * mm,
                             names=RATE_NAMES, percent=True, label_angle=30),
        pdf.spacer(4),
        *pdf.heading(Text("按受理点类型", "By point type"), styles),
        _table(f.by_point_type, Text("受理点类型", "Point type"), styles),
        charts.vertical_bars("各类受理点比率 Rates by point type (%)",
                             [r.label for r in f.by_point_type], _rate_series(f.by_point_type),
                             font_name, pdf.WIDTH, 70 * mm, names=RATE_NAMES, percent=True),
        pdf.para(f"生成时间 Generated {pdf.stamp(f.generated_at)}。数据来源：中心申请汇总表 {TABLE}。",
                 styles.small),
    ]
    return pdf.build_pdf(story, styles, title=TITLE.zh, footer=f"{TITLE.zh} · {period} · 就近 Jiujin")


RATE_NAMES = ("一证通办率", "就近办率", "按期办结率", "补正率")


def _rate_series(rows: tuple[CityRow, ...]) -> list[list[float]]:
    rates = [[r.card_only_rate, r.near_home_rate, r.on_time_rate, r.amendment_rate] for r in rows]
    return [[100 * (rate[i] or 0.0) for rate in rates] for i in range(4)]


def _table(rows: tuple[CityRow, ...], what: Text, styles: pdf.Styles) -> Flowable:
    header = [what, Text("件数", "Applications"), Text("一证通办率", "ID card only"),
              Text("就近办率", "Near home"), Text("按期办结率", "On time"), Text("补正率", "Amended")]
    data = [[r.label, f"{r.applications:,}", _pct(r.card_only_rate), _pct(r.near_home_rate),
             _pct(r.on_time_rate), _pct(r.amendment_rate)] for r in rows]
    width = (pdf.WIDTH - 40 * mm) / 5
    return pdf.grid_table(header, data, styles, [40 * mm] + [width] * 5)
