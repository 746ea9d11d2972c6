"""好差评 in the reports: ratings per operator (the daily report) and per station and operator
(the city report), counted by the five levels of 国办发〔2019〕51号."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text
from reports import pdf

LEVEL_HEADERS = (Text("非常满意", "Very sat."), Text("满意", "Satisfied"), Text("基本满意", "Mostly"),
                 Text("不满意", "Dissat."), Text("非常不满意", "Very dissat."))


@dataclass(frozen=True)
class RatingCount:
    """One row: who (an operator, a station) and how many ratings at each level, 5 … 1."""

    key: str
    label: str
    levels: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.levels.values())

    @property
    def bad(self) -> int:
        """差评: 不满意 and 非常不满意."""
        return self.levels.get(2, 0) + self.levels.get(1, 0)

    @property
    def satisfied_rate(self) -> float | None:
        """满意率: 基本满意 or better, of all ratings (None without ratings)."""
        good = sum(n for level, n in self.levels.items() if level >= 3)
        return good / self.count if self.count else None


@dataclass(frozen=True)
class CityRatings:
    """The city report's 好差评: per station, per operator, and the follow-ups still open."""

    by_station: tuple[RatingCount, ...]
    by_operator: tuple[RatingCount, ...]
    open_follow_ups: int = 0
    overdue_follow_ups: int = 0


def rating_table(rows: tuple[RatingCount, ...], what: Text, styles: pdf.Styles) -> Flowable:
    """Rows by level, with the total and 满意率."""
    if not rows:
        return pdf.para("（无评价）No ratings", styles.cell)
    data = [[row.label, *(str(row.levels.get(level, 0)) for level in (5, 4, 3, 2, 1)), str(row.count),
             "—" if row.satisfied_rate is None else f"{row.satisfied_rate:.1%}"] for row in rows]
    header = [what, *LEVEL_HEADERS, Text("合计", "Total"), Text("满意率", "Satisfied")]
    rest = (pdf.WIDTH - 44 * mm) / 7
    return pdf.grid_table(header, data, styles, [44 * mm, *([rest] * 7)])


def daily_section(rows: tuple[RatingCount, ...], styles: pdf.Styles) -> list[Flowable]:
    """The daily report's 好差评 by the operator who accepted each case."""
    return [*pdf.heading(Text("好差评（按受理人）", "Ratings by operator"), styles),
            rating_table(rows, Text("工作人员", "Operator"), styles)]


def city_section(ratings: CityRatings, styles: pdf.Styles) -> list[Flowable]:
    """The city report's 好差评: by station and by operator, and the open follow-ups."""
    follow = pdf.para(f"差评整改：待答复 {ratings.open_follow_ups} 件，其中逾期 {ratings.overdue_follow_ups} 件 / "
                      f"follow-ups open {ratings.open_follow_ups}, overdue {ratings.overdue_follow_ups}", styles.body)
    return [*pdf.heading(Text("好差评（按受理点）", "Ratings by service point"), styles),
            rating_table(ratings.by_station, Text("受理点", "Service point"), styles), pdf.spacer(2), follow,
            *pdf.heading(Text("好差评（按工作人员）", "Ratings by operator"), styles),
            rating_table(ratings.by_operator, Text("受理点 · 工作人员", "Point · operator"), styles)]
