"""Shared helpers for the tests of a real station syncing with a local hub: enrol and connect it,
and seed it with applications."""

from __future__ import annotations

from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub.serve import LocalHub
from tests.conftest import Sessions


def connect(store: StationStore, sessions: Sessions, hub: LocalHub, url: str | None = None) -> SyncService:
    store.hub.configure(sessions.admin, hub.service.store.public)
    token = hub.service.store.add_station(store.config.code)
    store.hub.enrol(sessions.admin, token, hub.url)
    if url:
        store.hub.point_at(url)
    return SyncService(store, max_records=25)


def seed(store: StationStore, sessions: Sessions, count: int, seed: int = 1) -> None:
    seed_applications(sessions.operator, service_choices(store.config.point_type), count, seed=seed, days=2)
