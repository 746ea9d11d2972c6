"""`jiujin demo`'s local hub: the demo station is enrolled and its applications reach the hub."""

from __future__ import annotations

import time
from pathlib import Path

from station.core import outbox
from station.core.demo import DEMO_APPLICATIONS, ensure_demo_station, start_demo_hub
from sync.hub.store import HubStore


def _wait_empty_outbox(timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while outbox.depth() > 0:
        assert time.monotonic() < deadline, "the demo's outbox did not drain"
        time.sleep(0.05)


def test_the_demo_hub_starts_enrols_receives_and_stops(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    store = ensure_demo_station(folder)
    link = start_demo_hub(folder, store)
    try:
        assert link.url.startswith("http://127.0.0.1:")
        _wait_empty_outbox()
    finally:
        link.stop()
    again = start_demo_hub(folder, store)  # a second run: a new port, the same enrolment
    try:
        assert again.url.startswith("http://127.0.0.1:")
    finally:
        again.stop()
        store.close()
    hub = HubStore(folder / "hub")
    try:
        station = hub.stats()["stations"][0]
        assert (station["status"], station["applications"]) == ("active", DEMO_APPLICATIONS)
    finally:
        hub.close()
