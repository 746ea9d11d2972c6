"""对账报告 — the reconciliation report, for a station and for the hub.

It keeps to what the ledgers expose. The station's side is its outbox: the sequence
numbers it has written, which of them the hub acknowledged, and for each day the
applications accepted against the `submitted` events recorded. The hub's side
(`HubStationLedger`, read from the hub's tables by `sync.hub.queries.hub_ledgers`) is the
ranges it holds per station, the open gaps, and what sits in quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text
from reports import pdf
from reports.errors import DocumentInputError
from reports.fonts import CjkFont
from reports.inputs import StationInfo

TITLE = Text("对账报告", "Reconciliation Report")
Run = tuple[int, int]
BATCH_STATES = {"sealed": "已封装 sealed", "sent": "已发送 sent", "acknowledged": "已确认 acknowledged",
                "quarantined": "被隔离 quarantined"}


@dataclass(frozen=True)
class LedgerDay:
    """One day on the station: applications accepted, and the outbox events of that day."""

    day: str
    applications: int
    submitted_events: int
    events: int
    acknowledged: int

    @property
    def consistent(self) -> bool:
        """Every accepted application has its `submitted` event, and no more."""
        return self.applications == self.submitted_events


@dataclass(frozen=True)
class StationLedger:
    """The station's outbox as the hub should see it."""

    station: StationInfo
    generated_at: datetime
    high_water: int
    events: int
    acknowledged_runs: tuple[Run, ...]
    pending_runs: tuple[Run, ...]
    missing_runs: tuple[Run, ...]
    oldest_pending_at: str | None
    last_acknowledged_at: str | None
    days: tuple[LedgerDay, ...]
    batches: tuple[tuple[str, int], ...] = ()

    @property
    def pending(self) -> int:
        return sum(last - first + 1 for first, last in self.pending_runs)


@dataclass(frozen=True)
class HubStationLedger:
    """What the hub holds of one station."""

    code: str
    name: str
    status: str
    records: int
    batches: int
    held: tuple[Run, ...]
    open_gaps: tuple[Run, ...]
    quarantined: int
    last_received_at: str | None

    @property
    def highest(self) -> int:
        return max((last for _, last in self.held), default=0)


def runs_text(runs: tuple[Run, ...], limit: int = 12) -> str:
    """1–500, 502–900 (and how many more)."""
    if not runs:
        return "—"
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:limit]]
    more = len(runs) - limit
    return "，".join(parts) + (f" 等另 {more} 段" if more > 0 else "")


def reconcile_pdf(station: StationLedger | None = None, hub: list[HubStationLedger] | None = None,
                  *, generated_at: datetime, font: CjkFont | None = None) -> bytes:
    """The report: the station's side, the hub's side, or both."""
    if station is None and hub is None:
        raise DocumentInputError("没有可对账的数据", "nothing to reconcile")
    styles = pdf.document_styles(font)
    issuer = station.station.name if station else "就近中心 Jiujin hub"
    story: list[Flowable] = [*pdf.title_block(TITLE, issuer, styles)]
    if station is not None:
        story += _station_part(station, styles)
    if hub is not None:
        story += _hub_part(hub, styles)
    story += [pdf.spacer(10),
              pdf.signature_lines([Text("对账人", "Reconciled by"), Text("日期", "Date")], styles),
              pdf.para(f"生成时间 Generated {pdf.stamp(generated_at)}", styles.small)]
    code = station.station.code if station else "hub"
    return pdf.build_pdf(story, styles, title=f"{TITLE.zh} {code}",
                         footer=f"{TITLE.zh} · {code} · 就近 Jiujin")


def _station_part(ledger: StationLedger, styles: pdf.Styles) -> list[Flowable]:
    rows: list[tuple[Text, object]] = [
        (Text("站点", "Station"), f"{ledger.station.name}（{ledger.station.code}）"),
        (Text("最高序号", "Highest sequence"), str(ledger.high_water)),
        (Text("发件箱记录", "Outbox events"), str(ledger.events)),
        (Text("已确认区间", "Acknowledged"), runs_text(ledger.acknowledged_runs)),
        (Text("待确认区间", "Pending"), f"{runs_text(ledger.pending_runs)}（{ledger.pending} 条）"),
        (Text("缺号", "Missing numbers"), runs_text(ledger.missing_runs)),
        (Text("最早待确认", "Oldest pending"), pdf.when(ledger.oldest_pending_at)),
        (Text("最近确认", "Last acknowledged"), pdf.when(ledger.last_acknowledged_at)),
        (Text("批次", "Batches"), "，".join(f"{BATCH_STATES.get(state, state)} {count}"
                                          for state, count in ledger.batches) or "—"),
    ]
    header = [Text("日期", "Day"), Text("受理件数", "Accepted"), Text("受理记录", "Submitted events"),
              Text("全部记录", "Events"), Text("已确认", "Acknowledged"), Text("核对", "Check")]
    days = [[d.day, str(d.applications), str(d.submitted_events), str(d.events), str(d.acknowledged),
             Text("一致", "match") if d.consistent else Text("不一致", "MISMATCH")] for d in ledger.days]
    width = (pdf.WIDTH - 30 * mm) / 5
    return [*pdf.heading(Text("站点发件箱", "Station outbox"), styles), pdf.field_table(rows, styles),
            *pdf.heading(Text("按日核对", "By day"), styles),
            pdf.grid_table(header, days, styles, [30 * mm] + [width] * 5) if days
            else pdf.para("（无）", styles.cell)]


def _hub_part(ledgers: list[HubStationLedger], styles: pdf.Styles) -> list[Flowable]:
    header = [Text("站点", "Station"), Text("状态", "Status"), Text("记录", "Records"),
              Text("已收区间", "Held"), Text("缺号", "Open gaps"), Text("隔离", "Quarantined"),
              Text("最近接收", "Last received")]
    rows = [[f"{h.code} {h.name}".strip(), h.status, str(h.records), runs_text(h.held, 4),
             runs_text(h.open_gaps, 4), str(h.quarantined), pdf.when(h.last_received_at)] for h in ledgers]
    widths = [34 * mm, 16 * mm, 16 * mm, 36 * mm, 30 * mm, 14 * mm]
    widths.append(pdf.WIDTH - sum(widths))
    gaps = sum(len(h.open_gaps) for h in ledgers)
    quarantined = sum(h.quarantined for h in ledgers)
    summary = Text(f"站点 {len(ledgers)} 个，未补缺号 {gaps} 段，隔离对象 {quarantined} 个。",
                   f"{len(ledgers)} stations, {gaps} open gaps, {quarantined} quarantined objects.")
    return [*pdf.heading(Text("中心账本", "Hub ledger"), styles), pdf.markup(pdf.label(summary), styles.body),
            pdf.spacer(2), pdf.grid_table(header, rows, styles, widths)]
