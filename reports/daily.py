"""日报 — the daily station report a supervisor signs: the day's work in counts and a chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text
from reports import charts, pdf
from reports.fonts import CjkFont
from reports.inputs import StationInfo
from reports.ratings import RatingCount, daily_section

TITLE = Text("受理点日报", "Daily Station Report")


@dataclass(frozen=True)
class Count:
    """One row of a breakdown: a key, how it reads, and its count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DaySync:
    """The day's sync state, as the outbox and its acknowledgements show it."""

    events: int
    acknowledged: int
    pending_total: int
    high_water: int
    oldest_pending_at: str | None
    last_acknowledged_at: str | None

    @property
    def settled(self) -> bool:
        """True when the hub has acknowledged every event of the day."""
        return self.events == self.acknowledged


@dataclass(frozen=True)
class DailyFigures:
    """Everything the daily report shows; the station computes it with SQL."""

    station: StationInfo
    day: date
    generated_at: datetime
    applications: int
    voided: int
    by_status: tuple[Count, ...]
    by_service: tuple[Count, ...]
    by_operator: tuple[Count, ...]
    by_hour: tuple[int, ...]
    card_only: int
    rongque: int
    notices: int
    average_handling_minutes: float | None
    sync: DaySync
    ratings: tuple[RatingCount, ...] = ()

    @property
    def card_only_share(self) -> float | None:
        """一证通办 share of the day's applications (None on an empty day)."""
        return self.card_only / self.applications if self.applications else None


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def daily_pdf(figures: DailyFigures, font: CjkFont | None = None) -> bytes:
    """The daily report on A4."""
    styles = pdf.document_styles(font)
    f = figures
    minutes = "—" if f.average_handling_minutes is None else f"{f.average_handling_minutes:.1f} 分钟 min"
    summary: list[tuple[Text, object]] = [
        (Text("日期", "Day"), f.day.isoformat()),
        (Text("受理件数", "Applications accepted"), str(f.applications)),
        (Text("一证通办", "ID card only"), f"{f.card_only} 件（{_share(f.card_only_share)}）"),
        (Text("容缺受理", "Accepted with 容缺"), str(f.rongque)),
        (Text("一次性告知书", "One-time notices issued"), str(f.notices)),
        (Text("作废", "Voided"), str(f.voided)),
        (Text("平均办理时长", "Average handling time"), minutes),
    ]
    story: list[Flowable] = [
        *pdf.title_block(TITLE, f.station.name, styles),
        pdf.field_table(summary, styles, widths=(60 * mm, pdf.WIDTH - 60 * mm)),
        pdf.spacer(3),
        charts.vertical_bars("按小时受理件数 Applications by hour", [f"{h:02d}" for h in range(24)],
                             [f.by_hour], styles.font.name, pdf.WIDTH, 52 * mm),
        *pdf.heading(Text("按事项", "By service"), styles),
        _counts(f.by_service, Text("事项", "Service"), f.applications, styles),
        *pdf.heading(Text("按工作人员", "By operator"), styles),
        _counts(f.by_operator, Text("工作人员", "Operator"), f.applications, styles),
        *pdf.heading(Text("按状态", "By status"), styles),
        _counts(f.by_status, Text("状态", "Status"), f.applications + f.voided, styles),
        *pdf.heading(Text("同步状态", "Sync state"), styles),
        pdf.field_table(_sync_rows(f.sync), styles, widths=(60 * mm, pdf.WIDTH - 60 * mm)),
        *daily_section(f.ratings, styles),
        pdf.spacer(10),
        pdf.signature_lines([Text("主管签字", "Supervisor"), Text("日期", "Date")], styles),
        pdf.para(f"生成时间 Generated {pdf.stamp(f.generated_at)}", styles.small),
    ]
    title = f"{TITLE.zh} {f.station.code} {f.day.isoformat()}"
    return pdf.build_pdf(story, styles, title=title,
                         footer=f"{TITLE.zh} · {f.station.code} · {f.day.isoformat()} · 就近 Jiujin")


def _counts(rows: tuple[Count, ...], what: Text, total: int, styles: pdf.Styles) -> Flowable:
    if not rows:
        return pdf.para("（无）", styles.cell)
    data = [[row.label, str(row.count), _share(row.count / total if total else None)] for row in rows]
    header = [what, Text("件数", "Count"), Text("占比", "Share")]
    return pdf.grid_table(header, data, styles, [pdf.WIDTH - 60 * mm, 30 * mm, 30 * mm])


def _sync_rows(sync: DaySync) -> list[tuple[Text, object]]:
    state = (Text("当日记录已全部确认", "every record of the day acknowledged") if sync.settled
             else Text("当日尚有记录未确认", "records of the day still unacknowledged"))
    return [
        (Text("当日同步记录", "Events of the day"), f"{sync.events}（已确认 acknowledged {sync.acknowledged}）"),
        (Text("状态", "State"), state),
        (Text("待同步（全站）", "Pending (station)"), str(sync.pending_total)),
        (Text("最高序号", "Highest sequence"), str(sync.high_water)),
        (Text("最早待同步", "Oldest pending"), pdf.when(sync.oldest_pending_at)),
        (Text("最近确认", "Last acknowledged"), pdf.when(sync.last_acknowledged_at)),
    ]
