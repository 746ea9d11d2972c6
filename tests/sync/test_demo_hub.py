"""`jiujin demo`'s local hub: the demo station is enrolled, and a background round run for
the demo clerk brings its applications to the hub."""

from __future__ import annotations

from pathlib import Path

from station.cli.local_hub import start_demo_hub
from station.core import outbox
from station.core.demo import DEMO_APPLICATIONS, DEMO_OPERATORS, ensure_demo_station
from station.core.sync_service import SyncService
from tests.sync.station_helpers import hub_station


def test_the_demo_hub_starts_enrols_receives_and_stops(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    store = ensure_demo_station(folder)
    link = start_demo_hub(folder, store)
    try:
        assert link.url.startswith("http://127.0.0.1:")
        clerk = DEMO_OPERATORS[0]
        report = SyncService(store).background_round(store.login(clerk.name, clerk.password))
        assert report.pushed.delivered == DEMO_APPLICATIONS and outbox.depth() == 0
    finally:
        link.stop()
    again = start_demo_hub(folder, store)  # a second run: a new port, the same enrolment, no login
    try:
        assert again.url.startswith("http://127.0.0.1:")
        assert store.config.hub_url == again.url
        report = SyncService(store).background_round(store.login(clerk.name, clerk.password))
        assert report.pushed.delivered == 0  # it reached the hub on its new port: nothing was left
    finally:
        again.stop()
        store.close()
    assert hub_station(folder / "hub") == ("active", DEMO_APPLICATIONS)
