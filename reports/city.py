"""城市报告 — the city's reform figures by district and by point type, on A4.

The figures (`CityFigures`) come from the hub, which aggregates its `hub_application`
table in SQL (`sync.hub.queries.city_figures`); this module only lays them out.
Rates: 一证通办率 = card_only / applications; 就近办率 = near-home point types /
applications; 按期办结率 = completed on or before the due date (or with no due date) /
completed; 补正率 = applications with amendments > 0 / applications.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    ratings: CityRatings | None = None


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
                               min(max(60 * mm, (len(districts) * 5 + 20) * mm), 180 * mm)),
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
        *(city_section(f.ratings, styles) if f.ratings is not None else []),
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
