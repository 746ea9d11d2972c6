"""A station's enrolment over a network that loses the hub's answer (security review)."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.core import outbox
from station.core.hub_link import HubLink
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub.serve import LocalHub, start_local_hub
from sync.transport_http import ClientSettings, HubClient
from tests.conftest import Sessions
from tests.sync.faultproxy import FaultProxy
from tests.sync.station_helpers import seed


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def test_the_station_recovers_a_lost_enrolment_answer_with_a_new_signed_request(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    proxy = FaultProxy(upstream_port=int(local_hub.url.rsplit(":", 1)[1]), weights={"cut_reply": 1.0})

    def network_back(_seconds: float) -> None:  # the client's pause before it tries again
        proxy.weights = {"pass": 1.0}

    def client(settings: ClientSettings) -> HubClient:
        return HubClient(settings, sleep=network_back)

    try:
        store.hub = HubLink(store, client)
        store.hub.configure(sessions.admin, local_hub.service.store.public)
        token = local_hub.service.store.add_station(store.config.code)
        store.hub.enrol(sessions.admin, token, proxy.url)
        assert proxy.plans["cut_reply"] == 1 and proxy.plans["pass"] >= 1  # the hub enrolled it twice
        seed(store, sessions, 3)
        assert SyncService(store).push(sessions.sync_operator).acknowledged == 1 and outbox.depth() == 0
    finally:
        proxy.close()


def test_the_hub_learns_the_station_s_release_when_it_enrols(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    """`hub station list` shows the release a station runs from its enrolment on, before its
    first upload."""
    hub = local_hub.service.store
    store.hub.configure(sessions.admin, hub.public)
    store.hub.enrol(sessions.admin, hub.add_station(store.config.code), local_hub.url)
    [listed] = hub.stations()
    assert (listed["code"], listed["release"]) == (store.config.code, importlib.metadata.version("jiujin"))
