"""街道月报 — a street office's (乡镇街道) table of one month: cases by department, with those
completed on the spot, accepted with 容缺, and filed by an agent (代办).

The rows come from the hub (`sync.hub.queries.street_month`); formulas in docs/metrics.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text
from reports import pdf
from reports.city import CityRow, pct
from reports.fonts import CjkFont

TITLE = Text("街道便民服务月报", "Street Office Monthly Cases")


@dataclass(frozen=True)
class StreetMonth:
    """One town's (乡镇街道) cases of one month, by department and in total."""

    town: str
    town_name: str
    district_name: str
    month: str  # YYYY-MM
    stations: tuple[str, ...]
    by_department: tuple[CityRow, ...]
    total: CityRow
    generated_at: datetime


def street_pdf(table: StreetMonth, font: CjkFont | None = None) -> bytes:
    """The street office's monthly table on A4."""
    styles = pdf.document_styles(font)
    place = f"{table.district_name} {table.town_name}（{table.town}）"
    story: list[Flowable] = [
        *pdf.title_block(TITLE, place, styles),
        pdf.field_table([(Text("月份", "Month"), table.month),
                         (Text("站点", "Stations"), "、".join(table.stations) or "—"),
                         (Text("办件", "Cases"), f"{table.total.applications:,}")], styles),
        pdf.spacer(3),
        _department_table(table, styles),
        pdf.spacer(2),
        pdf.para("当场办结：受理当日办结；容缺：主要材料齐全、欠缺材料限期补齐后受理；代办：申请表勾选委托他人代办。"
                 f"生成时间 Generated {pdf.stamp(table.generated_at)}。", styles.small),
    ]
    return pdf.build_pdf(story, styles, title=TITLE.zh, footer=f"{TITLE.zh} · {table.town_name} · {table.month}")


def _department_table(table: StreetMonth, styles: pdf.Styles) -> Flowable:
    if not table.by_department:
        return pdf.para("暂无数据 No data", styles.body)
    header = [Text("部门", "Department"), Text("件数", "Cases"), Text("当场办结", "On the spot"),
              Text("容缺受理", "Rongque"), Text("代办", "Proxy"), Text("办结", "Done"),
              Text("按期办结率", "On time"), Text("逾期", "Late")]
    rows = [*table.by_department, table.total]
    data = [[r.label, f"{r.applications:,}", f"{r.on_the_spot:,}", f"{r.rongque:,}", f"{r.proxy:,}",
             f"{r.completed:,}", pct(r.on_time_rate), f"{r.overdue:,}"] for r in rows]
    width = (pdf.WIDTH - 36 * mm) / 7  # the first column holds 人力资源和社会保障 on one line
    return pdf.grid_table(header, data, styles, [36 * mm] + [width] * 7)
