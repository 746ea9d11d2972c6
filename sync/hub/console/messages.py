"""Messages from the console's workers to its screens: small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from sync.hub.console.desk import StationDetail
from sync.hub.station_watch import WatchReport


@dataclass
class LedgerLoaded(Message):
    """Every station's ledger, as `reconcile.ledger` returns it."""

    report: dict[str, Any]


@dataclass
class StationLoaded(Message):
    """One station's drill-down."""

    detail: StationDetail


@dataclass
class ActionRecorded(Message):
    """An operator action went through (and was audited in hub_action); `text` says what."""

    text: str
    severity: str = "information"


@dataclass
class WatchLoaded(Message):
    """What the hub's watch found (`station_watch.look`)."""

    report: WatchReport


@dataclass
class OneThingListed(Message):
    """一件事: the newest cases (`onething.case_list`)."""

    cases: list[dict[str, Any]]


@dataclass
class OneThingShown(Message):
    """一件事: one case with its items (`onething.case_view`); None when the hub has none such."""

    case: dict[str, Any] | None
