"""城市报告 — the city's reform figures on A4: the catalog's measures against the seed's targets,
then the cases by district, point type, department and month.

The figures (`CityFigures`) come from the hub, which aggregates its `hub_application` table in
SQL (`sync.hub.queries.city_figures`) and measures the catalog (`catalog_figures`); this module
only lays them out. Every formula is in docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text
from reports import charts, pdf
from reports.fonts import CjkFont
from reports.ratings import CityRatings, city_section

TITLE = Text("杭州市就近办事报告", "Hangzhou Near-home Services Report")
#: The hub table the figures come from, named in the report's footnote.
TABLE = "hub_application"
#: The seed's targets: 就近可办率 60% at each near-home point, 一证通办率 80% of personal items.
NEAR_TARGET = 0.60
CARD_ONLY_TARGET = 0.80
NO_RATINGS = Text("暂无评价数据", "no rating data yet")


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class CityRow:
    """The case counts of one district, point type, department, month, or the whole city."""

    key: str
    label: str
    applications: int
    card_only: int = 0
    near_home: int = 0
    completed: int = 0
    first_time: int = 0  # completed with no 补正 asked (一次办结)
    completed_with_due: int = 0
    on_time: int = 0  # completed with a due date, on or before it
    overdue: int = 0  # still open past its due date on the report's day
    amended: int = 0
    on_the_spot: int = 0  # completed on the day of acceptance (当场办结)
    rongque: int = 0
    proxy: int = 0

    @property
    def card_only_rate(self) -> float | None:
        return rate(self.card_only, self.applications)

    @property
    def near_home_rate(self) -> float | None:
        """Share of applications accepted at village, community, police or bank points."""
        return rate(self.near_home, self.applications)

    @property
    def first_time_rate(self) -> float | None:
        return rate(self.first_time, self.completed)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率 over completed cases that had a due date; cases without one are left out."""
        return rate(self.on_time, self.completed_with_due)

    @property
    def amendment_rate(self) -> float | None:
        return rate(self.amended, self.applications)


@dataclass(frozen=True)
class CatalogFigures:
    """The catalog's measures over personal items (自然人事项) in force on `on`."""

    on: date
    personal: int
    card_only: int
    zero_visit: int
    #: point type -> personal items a point of that type may accept
    doable_at: dict[str, int]
    #: point type -> active stations of that type at the hub (weights the city's 就近可办率)
    stations: dict[str, int] = field(default_factory=dict)

    def near_rate(self, point_type: str) -> float | None:
        """就近可办率 of one point type: its personal items / all personal items."""
        return rate(self.doable_at.get(point_type, 0), self.personal)

    @property
    def near_rate_city(self) -> float | None:
        """就近可办率 of the city: each active station's share, averaged over the stations; with no
        station registered, the four point types' shares averaged."""
        weights = {t: n for t, n in self.stations.items() if t in self.doable_at and n > 0}
        if not weights:
            weights = dict.fromkeys(self.doable_at, 1)
        total = sum(weights.values())
        if not total or not self.personal:
            return None
        return sum(self.doable_at[t] * n for t, n in weights.items()) / (self.personal * total)

    @property
    def card_only_rate(self) -> float | None:
        return rate(self.card_only, self.personal)

    @property
    def zero_visit_rate(self) -> float | None:
        return rate(self.zero_visit, self.personal)


@dataclass(frozen=True)
class RatingFigures:
    """好差评 over rated cases: counts by level, 5 = 非常满意 … 1 = 非常不满意."""

    by_level: dict[int, int]

    @property
    def rated(self) -> int:
        return sum(self.by_level.values())

    @property
    def good_rate(self) -> float | None:
        """好评率: 非常满意, 满意 and 基本满意 (levels 3–5) over every rating."""
        return rate(sum(n for level, n in self.by_level.items() if level >= 3), self.rated)

    @property
    def bad(self) -> int:
        """差评: 不满意 and 非常不满意 (levels 1–2)."""
        return sum(n for level, n in self.by_level.items() if level <= 2)


@dataclass(frozen=True)
class CityFigures:
    """The report's numbers: cases by district, point type, department and month, and in total."""

    generated_at: datetime
    start: date | None
    end: date | None
    by_district: tuple[CityRow, ...]
    by_point_type: tuple[CityRow, ...]
    total: CityRow
    by_department: tuple[CityRow, ...] = ()
    by_month: tuple[CityRow, ...] = ()
    as_of: date | None = None  # the day overdue cases are counted on
    catalog: CatalogFigures | None = None
    ratings: RatingFigures | None = None
    #: 好差评 by station and by operator, with the follow-ups still open (`reports.ratings`).
    rating_detail: CityRatings | None = None


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _against(value: float | None, target: float) -> str:
    if value is None:
        return "—"
    verdict = "达标 met" if value >= target else "未达标 below"
    return f"{pct(value)}（目标 target {target:.0%}，{verdict}）"


def _catalog_rows(c: CatalogFigures) -> list[tuple[Text, object]]:
    from reports.inputs import POINT_TYPES

    per_type = "；".join(f"{POINT_TYPES[t].zh} {pct(c.near_rate(t))}" for t in POINT_TYPES if t in c.doable_at)
    return [
        (Text("自然人事项", "Personal items"), f"{c.personal}（{c.on.isoformat()} 在用 in force）"),
        (Text("就近可办率", "Doable near home"), _against(c.near_rate_city, NEAR_TARGET)),
        (Text("各类受理点", "By point type"), per_type),
        (Text("一证通办率（事项）", "ID card only (items)"), _against(c.card_only_rate, CARD_ONLY_TARGET)),
        (Text("零跑腿率（事项）", "Zero-visit items"), pct(c.zero_visit_rate)),
    ]


def _case_rows(f: CityFigures) -> list[tuple[Text, object]]:
    total = f.total
    ratings = f.ratings
    rated = (NO_RATINGS.zh + " " + NO_RATINGS.en if ratings is None or not ratings.rated else
             f"好评率 {pct(ratings.good_rate)}（{ratings.rated:,} 件评价，差评 {ratings.bad:,}）")
    return [
        (Text("申请件数", "Applications"), f"{total.applications:,}"),
        (Text("就近受理占比", "Accepted near home"), f"{pct(total.near_home_rate)}（全部渠道 all channels）"),
        (Text("一证通办件占比", "ID-card-only cases"), pct(total.card_only_rate)),
        (Text("一次办结率", "Done in one go"), f"{pct(total.first_time_rate)}（已办结 completed {total.completed:,}）"),
        (Text("按期办结率", "On time"), f"{pct(total.on_time_rate)}（有承诺期限的办结件 {total.completed_with_due:,}）"),
        (Text("逾期未办结", "Overdue, open"), f"{total.overdue:,}（截至 as of {f.as_of.isoformat() if f.as_of else '—'}）"),
        (Text("补正率", "Amendment rate"), pct(total.amendment_rate)),
        (Text("当场办结 / 容缺 / 代办", "On the spot / 容缺 / proxy"),
         f"{total.on_the_spot:,} / {total.rongque:,} / {total.proxy:,}"),
        (Text("好差评", "Ratings"), rated),
    ]


def city_pdf(figures: CityFigures, font: CjkFont | None = None) -> bytes:
    """The city report on A4: the catalog's measures, case totals, tables and charts."""
    styles = pdf.document_styles(font)
    f = figures
    period = (f"{f.start.isoformat() if f.start else '最早 earliest'} — "
              f"{f.end.isoformat() if f.end else '最新 latest'}")
    wide = (55 * mm, pdf.WIDTH - 55 * mm)
    story: list[Flowable] = [*pdf.title_block(TITLE, "就近中心 Jiujin hub", styles),
                             pdf.field_table([(Text("统计期间", "Period"), period)], styles, widths=wide)]
    if f.catalog is not None:
        story += [*pdf.heading(Text("事项目录指标", "The catalog's measures"), styles),
                  pdf.field_table(_catalog_rows(f.catalog), styles, widths=wide)]
    story += [*pdf.heading(Text("办件指标", "Cases"), styles), pdf.field_table(_case_rows(f), styles, widths=wide),
              pdf.spacer(4), *_district_part(f, styles), *_point_type_part(f, styles),
              *pdf.heading(Text("按部门", "By department"), styles),
              _table(f.by_department, Text("部门", "Department"), styles),
              *pdf.heading(Text("按月份", "By month"), styles),
              _table(f.by_month, Text("月份", "Month"), styles),
              *(city_section(f.rating_detail, styles) if f.rating_detail is not None else []),
              pdf.para(f"生成时间 Generated {pdf.stamp(f.generated_at)}。数据来源：中心申请汇总表 {TABLE}；"
                       "公式见 docs/metrics.md。", styles.small)]
    return pdf.build_pdf(story, styles, title=TITLE.zh, footer=f"{TITLE.zh} · {period} · 就近 Jiujin")


def _district_part(f: CityFigures, styles: pdf.Styles) -> list[Flowable]:
    districts, font_name = f.by_district, styles.font.name
    return [
        charts.horizontal_bars("各区县申请件数 Applications by district", [r.label for r in districts],
                               [r.applications for r in districts], font_name, pdf.WIDTH,
                               min(max(60 * mm, (len(districts) * 5 + 20) * mm), 180 * mm)),
        pdf.spacer(4),
        *pdf.heading(Text("按区县", "By district"), styles),
        _table(districts, Text("区县", "District"), styles),
        charts.vertical_bars("各区县比率 Rates by district (%)", [r.label for r in districts],
                             _rate_series(districts), font_name, pdf.WIDTH, 80 * mm,
                             names=RATE_NAMES, percent=True, label_angle=30),
        pdf.spacer(4),
    ]


def _point_type_part(f: CityFigures, styles: pdf.Styles) -> list[Flowable]:
    return [
        *pdf.heading(Text("按受理点类型", "By point type"), styles),
        _table(f.by_point_type, Text("受理点类型", "Point type"), styles),
        charts.vertical_bars("各类受理点比率 Rates by point type (%)",
                             [r.label for r in f.by_point_type], _rate_series(f.by_point_type),
                             styles.font.name, pdf.WIDTH, 70 * mm, names=RATE_NAMES, percent=True),
    ]


RATE_NAMES = ("一证通办率", "一次办结率", "按期办结率", "补正率")


def _rate_series(rows: tuple[CityRow, ...]) -> list[list[float]]:
    rates = [[r.card_only_rate, r.first_time_rate, r.on_time_rate, r.amendment_rate] for r in rows]
    return [[100 * (rate[i] or 0.0) for rate in rates] for i in range(4)]


def _table(rows: tuple[CityRow, ...], what: Text, styles: pdf.Styles) -> Flowable:
    if not rows:
        return pdf.para("暂无数据 No data", styles.body)
    header = [what, Text("件数", "Cases"), Text("就近受理", "Near home"), Text("一证通办", "Card only"),
              Text("一次办结", "One go"), Text("按期办结", "On time"), Text("逾期", "Late"),
              Text("补正率", "Amend.")]
    data = [[r.label, f"{r.applications:,}", pct(r.near_home_rate), pct(r.card_only_rate),
             pct(r.first_time_rate), pct(r.on_time_rate), f"{r.overdue:,}", pct(r.amendment_rate)]
            for r in rows]
    width = (pdf.WIDTH - 36 * mm) / 7  # the first column holds 人力资源和社会保障 on one line
    return pdf.grid_table(header, data, styles, [36 * mm] + [width] * 7)
