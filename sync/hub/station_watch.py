"""站点巡检 — the hub's watch over its stations: who has gone quiet, whose backlog grows, whose
audit anchors diverge, which bundles failed, which enrolment tokens expire, what sits in
quarantine.

`look(store)` reads it all in a few queries and returns plain data (`WatchReport`) that the
hub console, the watch page (`sync.hub.watch_page`) and /metrics show; it also keeps one
backlog reading per station per hour (hub_watch_sample), so a backlog that grows is told
from one that is merely large. No personal data: station codes, counts, times and reasons.

Signals:
- silent: an active station with no contact (a batch, a manifest, a bundle fetch) for more
  than `silent_hours`, or never;
- backlog: sequence numbers the hub knows exist and does not hold (open gaps, and the outbox
  numbers a day manifest announced above the highest held); growing when larger than the
  last reading taken `growth_hours` ago or earlier (else the oldest reading since);
- anchors: the checks in `ANCHOR_CHECKS`: the open divergences the hub recorded against the
  anchors it witnessed (`sync.hub.anchors`), and a station whose audit chain, as its batches
  carried it, was rewritten: the same audit sequence number with two hashes, or a later batch
  whose audit head stands lower than an earlier one's;
- failed bundles: a bundle the station was offered (it fetched after the bundle was made)
  and did not install, or one that expired before the station took it;
- expiring: enrolment tokens of pending stations that expire within `expiry_hours` or have
  expired (the hub's own keys and the stations' credentials carry no expiry);
- quarantined: every open quarantine entry with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from sync.hub.db import database, execute, tuples, write_transaction
from sync.hub.models import (
    HubBundle,
    HubGap,
    HubManifestIndex,
    HubRange,
    HubStation,
    HubWatchSample,
)
from sync.hub.store import HubStore

SILENT_HOURS = 24.0
GROWTH_HOURS = 24.0
EXPIRY_HOURS = 48.0
SAMPLE_EVERY = timedelta(hours=1)
KEEP_SAMPLES = timedelta(days=8)


@dataclass(frozen=True)
class Silent:
    station: str
    name: str
    last_contact: str | None
    hours: float | None  # None: never heard from


@dataclass(frozen=True)
class Backlog:
    station: str
    missing: int  # sequence numbers known to exist and not held
    before: int | None  # the reading of `growth_hours` ago, if any
    growing: bool


@dataclass(frozen=True)
class AnchorDivergence:
    station: str
    audit_seq: int
    what_zh: str
    what_en: str


@dataclass(frozen=True)
class FailedBundle:
    station: str
    version: int
    kind: str
    reason: str  # not_installed | expired_undelivered
    created_at: str
    expires_at: str


@dataclass(frozen=True)
class Expiring:
    station: str
    what: str  # enrolment_token
    expires_at: str
    expired: bool


@dataclass(frozen=True)
class Quarantined:
    id: int
    station: str | None
    received_at: str
    via: str
    reason: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class WatchReport:
    """What the watch found at `at`."""

    at: str
    silent_hours: float
    stations: int
    silent: list[Silent] = field(default_factory=list)
    backlogs: list[Backlog] = field(default_factory=list)
    anchors: list[AnchorDivergence] = field(default_factory=list)
    failed_bundles: list[FailedBundle] = field(default_factory=list)
    expiring: list[Expiring] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)

    @property
    def alerts(self) -> int:
        """How many things want a person's attention (a backlog only when it grows)."""
        return (len(self.silent) + sum(b.growing for b in self.backlogs) + len(self.anchors)
                + len(self.failed_bundles) + len(self.expiring) + len(self.quarantined))


def look(store: HubStore, *, silent_hours: float = SILENT_HOURS, growth_hours: float = GROWTH_HOURS,
         expiry_hours: float = EXPIRY_HOURS) -> WatchReport:
    """Everything the watch shows, read now; records this hour's backlog readings."""
    now = store.clock()
    stations = tuples(HubStation.select(HubStation.code, HubStation.name, HubStation.status,
                                        HubStation.last_received_at, HubStation.bundle_seen,
                                        HubStation.bundle_seen_at, HubStation.token_expires_at)
                      .order_by(HubStation.code))
    active = [s for s in stations if s[2] == "active"]
    return WatchReport(
        store.now(), silent_hours, len(stations),
        silent=_silent(active, now, silent_hours),
        backlogs=_backlogs([str(s[0]) for s in active], now, growth_hours),
        anchors=_anchor_findings(),
        failed_bundles=_failed_bundles(active, now),
        expiring=[Expiring(str(code), "enrolment_token", str(expires), _at(str(expires)) <= now)
                  for code, _n, status, _l, _b, _s, expires in stations
                  if status == "pending" and expires and _at(str(expires)) <= now + timedelta(hours=expiry_hours)],
        quarantined=[Quarantined(q["id"], q["station"], q["received_at"], q["via"], q["reason"], q["message_zh"],
                                 q["message_en"]) for q in store.quarantined()])


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _silent(active: list[tuple[Any, ...]], now: datetime, hours: float) -> list[Silent]:
    found = []
    for code, name, _status, received, _seen, seen_at, _expires in active:
        contacts = [_at(str(t)) for t in (received, seen_at) if t]
        last = max(contacts) if contacts else None
        quiet = (now - last).total_seconds() / 3600 if last is not None else None
        if quiet is None or quiet > hours:
            found.append(Silent(str(code), str(name or ""), last.isoformat() if last else None,
                                round(quiet, 1) if quiet is not None else None))
    return found


def _backlogs(codes: list[str], now: datetime, growth_hours: float) -> list[Backlog]:
    missing = _missing_by_station(codes)
    earlier = _readings_before(now - timedelta(hours=growth_hours))
    _record_samples(missing, now)
    return [Backlog(code, n, earlier.get(code), n > 0 and code in earlier and n > earlier[code])
            for code, n in sorted(missing.items()) if n > 0 or earlier.get(code)]


def _readings_before(moment: datetime) -> dict[str, int]:
    """Each station's backlog as last read at or before `moment`, else its oldest reading since."""
    mark = moment.isoformat(timespec="seconds")
    found: dict[str, int] = {}
    for code, backlog in tuples(HubWatchSample.select(HubWatchSample.station, HubWatchSample.backlog)
                                .where(HubWatchSample.at > mark).order_by(HubWatchSample.at.desc())):
        found[str(code)] = int(backlog)  # oldest since `moment` wins
    for code, backlog in tuples(HubWatchSample.select(HubWatchSample.station, HubWatchSample.backlog)
                                .where(HubWatchSample.at <= mark).order_by(HubWatchSample.at)):
        found[str(code)] = int(backlog)  # newest at or before `moment` wins over both
    return found


def _missing_by_station(codes: list[str]) -> dict[str, int]:
    """Open gap sizes, plus what the newest day manifest announced above the highest held."""
    gaps = dict(tuples(HubGap.select(HubGap.station, fn.SUM(HubGap.last_seq - HubGap.first_seq + 1))
                       .where(HubGap.filled_at.is_null()).group_by(HubGap.station)))
    high = dict(tuples(HubRange.select(HubRange.station, fn.MAX(HubRange.last_seq)).group_by(HubRange.station)))
    announced = dict(tuples(HubManifestIndex.select(HubManifestIndex.station, fn.MAX(HubManifestIndex.outbox_last))
                            .group_by(HubManifestIndex.station)))
    return {code: int(gaps.get(code) or 0) + max(0, int(announced.get(code) or 0) - int(high.get(code) or 0))
            for code in codes}


def _record_samples(missing: dict[str, int], now: datetime) -> None:
    """One reading per station per hour; readings older than KEEP_SAMPLES are dropped."""
    cutoff = (now - SAMPLE_EVERY).isoformat(timespec="seconds")
    recent = {str(c) for (c,) in tuples(HubWatchSample.select(HubWatchSample.station).distinct()
                                        .where(HubWatchSample.at > cutoff))}
    stamp = now.isoformat(timespec="seconds")
    rows = [(code, stamp, n) for code, n in missing.items() if code not in recent]
    if not rows:
        return  # a scrape between readings writes nothing
    with write_transaction():
        HubWatchSample.insert_many(rows, fields=[HubWatchSample.station, HubWatchSample.at,
                                                 HubWatchSample.backlog]).execute()
        HubWatchSample.delete().where(HubWatchSample.at < (now - KEEP_SAMPLES).isoformat(timespec="seconds")).execute()


def _failed_bundles(active: list[tuple[Any, ...]], now: datetime) -> list[FailedBundle]:
    found = []
    for code, _name, _status, _received, seen, seen_at, _expires in active:
        query = (HubBundle.select(HubBundle.version, HubBundle.kind, HubBundle.created_at, HubBundle.expires_at)
                 .where((HubBundle.station == code) & (HubBundle.version > int(seen or 0)))
                 .order_by(HubBundle.version))
        for version, kind, created, expires in tuples(query):
            offered = seen_at is not None and _at(str(seen_at)) > _at(str(created))
            if offered or _at(str(expires)) < now:
                found.append(FailedBundle(str(code), int(version), str(kind),
                                          "not_installed" if offered else "expired_undelivered",
                                          str(created), str(expires)))
    return found


# -- audit anchors ----------------------------------------------------------------------------

TWO_HASHES = """SELECT station, audit_seq FROM hub_batch GROUP BY station, audit_seq
HAVING COUNT(DISTINCT audit_hash) > 1"""
#: A batch whose audit head stands below the highest head of the batches of lower outbox numbers.
WENT_BACK = """SELECT station, last_seq, audit_seq, before FROM (
    SELECT station, last_seq, audit_seq, MAX(audit_seq) OVER (PARTITION BY station ORDER BY last_seq, id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
    FROM hub_batch) heads
WHERE audit_seq < before"""


def rewritten_chains() -> list[AnchorDivergence]:
    """Stations whose batches carried one audit sequence number with two hashes, or whose audit
    head stands lower in a batch of later outbox numbers (the chain was cut and written again);
    two queries the database answers with the rows that diverge only."""
    found = {AnchorDivergence(str(code), int(seq), f"审计序号 {seq} 出现两个不同的哈希",
                              f"audit sequence {seq} arrived with two different hashes")
             for code, seq in execute(database.obj, TWO_HASHES).fetchall()}
    found |= {AnchorDivergence(str(code), int(seq), f"发件序号 {last} 的审计链头 {seq} 低于此前的 {before}",
                               f"outbox number {last} carries audit head {seq}, below the earlier {before}")
              for code, last, seq, before in execute(database.obj, WENT_BACK).fetchall()}
    return sorted(found, key=lambda d: (d.station, d.audit_seq, d.what_en))


_WITNESSED = {
    "backwards": ("审计链头落后于中心见证过的锚点", "the audit head stands behind an anchor the hub witnessed"),
    "rewritten": ("中心见证过的审计位置出现另一个哈希", "another hash at an audit position the hub witnessed"),
    "reported": ("站点报告其审计链不再含中心的锚点", "the station reports its chain no longer holds the hub's anchor"),
}


def witnessed_divergences() -> list[AnchorDivergence]:
    """The open divergences the hub recorded when a station's anchors disagreed with the ones it
    had witnessed (`sync.hub.anchors`), until a hub operator resolves them."""
    from sync.hub.anchors import divergences

    found = []
    for row in divergences():
        what_zh, what_en = _WITNESSED.get(str(row["kind"]), (str(row["kind"]), str(row["kind"])))
        found.append(AnchorDivergence(str(row["station"]), int(row["seq"]), f"{what_zh}（#{row['id']}）",
                                      f"{what_en} (#{row['id']})"))
    return found


#: The anchor checks the watch runs, each returning the divergences it finds.
ANCHOR_CHECKS: list[Callable[[], list[AnchorDivergence]]] = [rewritten_chains, witnessed_divergences]


def _anchor_findings() -> list[AnchorDivergence]:
    """Every check's findings, each audit position of a station once: the batches' own record
    and the hub's witnessed anchors often see the same rewrite, and it is one alert."""
    seen: set[tuple[str, int]] = set()
    found = []
    for check in ANCHOR_CHECKS:
        for divergence in check():
            if (divergence.station, divergence.audit_seq) not in seen:
                seen.add((divergence.station, divergence.audit_seq))
                found.append(divergence)
    return found


def as_json(report: WatchReport) -> dict[str, Any]:
    """The report as JSON (`jiujin hub watch --json`)."""
    from dataclasses import asdict

    return asdict(report) | {"alerts": report.alerts}
