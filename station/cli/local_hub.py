"""The hub a demo station syncs with: a SQLite hub on 127.0.0.1 in the demo folder, started by
the `jiujin` command (the station's core and UI never load the hub; they reach it over HTTP
like any station), with the station enrolled on first use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from station.core.demo import DEMO_OPERATORS
from station.core.session import Session
from station.core.store import StationStore


@dataclass
class LocalHubLink:
    """A hub on this machine with the station enrolled; the station app's background sync
    pushes to it while someone is logged in."""

    url: str
    stop: Callable[[], None]


def connect_local_hub(store: StationStore, hub_folder: Path, admin: tuple[str, str],
                      session: Session | None = None) -> LocalHubLink:
    """Start a SQLite hub on 127.0.0.1 in `hub_folder`, and enrol the station on first use (or
    point it at the hub's new port: a station the hub knows as enrolled needs no login for that,
    so the demo's later starts spend no key derivation on it). Enrolment logs in as `admin`
    unless the admin's `session` is given (the demo that was just made has one; it is ended)."""
    from sync.hub.serve import start_local_hub

    hub = start_local_hub(hub_folder)
    try:
        if store.config.hub_url and hub.service.store.authenticated_station(store.config.code):
            store.hub.point_at(hub.url)
            return LocalHubLink(hub.url, hub.stop)
        session = session or store.login(*admin)
        if not store.hub.enrolled:
            store.hub.configure(session, hub.service.store.public)
            store.hub.enrol(session, hub.service.store.add_station(store.config.code, store.config.name), hub.url)
        else:
            store.hub.point_at(hub.url)
        return LocalHubLink(hub.url, hub.stop)
    finally:
        if session is not None:
            session.end()


def start_demo_hub(data_dir: Path, store: StationStore, session: Session | None = None) -> LocalHubLink:
    """The demo's city hub on 127.0.0.1 (SQLite in the demo folder), with the station enrolled
    (by the admin's `session` when the demo was just made); the app syncs with it in the
    background while someone is logged in. Stop it with the demo."""
    admin = DEMO_OPERATORS[-1]
    return connect_local_hub(store, data_dir / "hub", (admin.name, admin.password), session)
