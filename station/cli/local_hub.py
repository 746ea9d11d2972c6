"""The hub a demo station syncs with: a SQLite hub on 127.0.0.1 in the demo folder, started by
the `jiujin` command (the station's core and UI never load the hub; they reach it over HTTP
like any station), with the station enrolled on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.core.demo import DEMO_OPERATORS
from station.core.store import StationStore


@dataclass
class LocalHubLink:
    """A hub on this machine with the station enrolled; the station app's background sync
    pushes to it while someone is logged in."""

    url: str
    stop: Callable[[], None]


def connect_local_hub(store: StationStore, hub_folder: Path, admin: tuple[str, str]) -> LocalHubLink:
    """Start a SQLite hub on 127.0.0.1 in `hub_folder`, and enrol the station on first use (or
    point it at the hub's new port: a station the hub knows as enrolled needs no login for that,
    so the demo's later starts spend no key derivation on it)."""
    from sync.hub.serve import start_local_hub

    hub = start_local_hub(hub_folder)
    if store.config.hub_url and hub.service.store.authenticated_station(store.config.code):
        store.hub.point_at(hub.url)
        return LocalHubLink(hub.url, hub.stop)
    session = store.login(*admin)
    if not store.hub.enrolled:
        store.hub.configure(session, hub.service.store.public)
        store.hub.enrol(session, hub.service.store.add_station(store.config.code, store.config.name), hub.url)
    else:
        store.hub.point_at(hub.url)
    session.end()
    return LocalHubLink(hub.url, hub.stop)


def start_demo_hub(data_dir: Path, store: StationStore) -> LocalHubLink:
    """The demo's city hub on 127.0.0.1 (SQLite in the demo folder), with the station enrolled;
    the app syncs with it in the background while someone is logged in. Stop it with the demo."""
    admin = DEMO_OPERATORS[-1]
    return connect_local_hub(store, data_dir / "hub", (admin.name, admin.password))
