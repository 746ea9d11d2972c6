"""Shared helpers for the tests of a real station syncing with a local hub: enrol and connect it,
and seed it with applications."""

from __future__ import annotations

from pathlib import Path

from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub.serve import LocalHub
from sync.hub.store import HubStore
from tests.conftest import Sessions


def connect(store: StationStore, sessions: Sessions, hub: LocalHub, url: str | None = None) -> SyncService:
    service = connect_to(store, sessions, hub.service.store, hub.url)
    if url:
        store.hub.point_at(url)
    return service


def connect_to(store: StationStore, sessions: Sessions, hub: HubStore, url: str) -> SyncService:
    """Enrol the station with the hub whose store is `hub` (opened here) and which serves at `url`."""
    store.hub.configure(sessions.admin, hub.public)
    store.hub.enrol(sessions.admin, hub.add_station(store.config.code), url)
    return SyncService(store, max_records=25)


def seed(store: StationStore, sessions: Sessions, count: int, seed: int = 1) -> None:
    seed_applications(sessions.operator, service_choices(store.config.point_type), count, seed=seed, days=2)


def hub_station(hub_folder: Path) -> tuple[str, int]:
    """What the hub in `hub_folder` (a demo's) knows of its one station: status, applications."""
    hub = HubStore(hub_folder)
    try:
        station = hub.stats()["stations"][0]
        return station["status"], station["applications"]
    finally:
        hub.close()
