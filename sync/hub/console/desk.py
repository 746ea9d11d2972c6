"""The console's one door to the hub: each method calls one `sync.hub.reconcile` function.

No Textual here. The methods run in thread workers, so each opens its own connection and
closes it afterwards (peewee keeps one connection per thread).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sync.hub import onething, reconcile, station_watch
from sync.hub.db import tuples
from sync.hub.models import HubManifest
from sync.hub.service import HubService
from sync.hub.store import HubStore

T = TypeVar("T")
#: how many of a station's latest day manifests the drill-down shows
DAYS_SHOWN = 60


@dataclass(frozen=True)
class StationDetail:
    """One station's ledger row and its latest day manifests with their verdicts."""

    ledger: dict[str, Any]
    days: list[dict[str, Any]]


class HubDesk:
    """The hub store and the operator whose name every action is audited under."""

    def __init__(self, store: HubStore, operator: str, silent_days: int = 3) -> None:
        self.store = store
        self.operator = operator
        self.silent_days = silent_days

    @contextmanager
    def _connection(self) -> Iterator[None]:
        with self.store.db.connection_context():
            yield

    def _run(self, call: Callable[[], T]) -> T:
        with self._connection():
            return call()

    def ledger(self) -> dict[str, Any]:
        """Compare open manifests again, then every station's ledger (`jiujin hub reconcile`)."""
        def call() -> dict[str, Any]:
            reconcile.reconcile_all(self.store)
            return reconcile.ledger(self.store, None, self.silent_days)
        return self._run(call)

    def station(self, code: str) -> StationDetail:
        """The drill-down of one station."""
        def call() -> StationDetail:
            [row] = reconcile.ledger(self.store, code, self.silent_days)["stations"] or [{}]
            days = [day for (day,) in tuples(HubManifest.select(HubManifest.day).where(HubManifest.station == code)
                                             .order_by(HubManifest.day.desc()).limit(DAYS_SHOWN))]
            return StationDetail(row, [reconcile.manifest_result(code, day) or {"day": day} for day in days])
        return self._run(call)

    def request_resend(self, code: str, first: int, last: int, reason: str) -> int:
        """Ask the station for [first, last] again; the resend bundle's version."""
        return self._run(lambda: reconcile.request_resend(self.store, code, first, last, self.operator, reason))

    def release(self, quarantine_id: int, reason: str) -> dict[str, Any]:
        """Ingest a quarantined object again; the ingest result (stored, duplicate, quarantined)."""
        return self._run(lambda: reconcile.release_quarantine(
            self.store, HubService(self.store).ingest, quarantine_id, self.operator, reason))

    def reject(self, quarantine_id: int, reason: str) -> None:
        """Close a quarantined object for good."""
        self._run(lambda: reconcile.reject_quarantine(self.store, quarantine_id, self.operator, reason))

    def mark_reconciled(self, code: str, day: str) -> int:
        """Mark an agreed day reconciled; the bundle's version."""
        return self._run(lambda: reconcile.mark_reconciled(self.store, code, day, self.operator))

    def watch(self) -> station_watch.WatchReport:
        """The watch over every station: silent, backlogs, anchors, bundles, tokens, quarantine."""
        return self._run(lambda: station_watch.look(self.store, silent_hours=self.silent_days * 24.0))

    def onething_cases(self) -> list[dict[str, Any]]:
        """一件事: the newest cases, with the records received so far folded in."""
        def call() -> list[dict[str, Any]]:
            reconcile.refresh_applications()
            return onething.case_list()
        return self._run(call)

    def onething_case(self, case_id: str) -> dict[str, Any] | None:
        """一件事: one case with each of its items."""
        return self._run(lambda: onething.case_view(case_id))
