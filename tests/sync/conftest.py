"""Hub fixtures: every hub test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.hub.ingest import Ingestor
from sync.hub.serve import LocalHub, start_local_hub
from sync.hub.store import HubStore, initialise_hub
from tests.sync.helpers import STATION, enrol_key, hub_database


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with hub_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def hub(tmp_path: Path, db_url: str) -> Iterator[HubStore]:
    store = initialise_hub(tmp_path / "hub", db_url)
    yield store
    store.close()


@pytest.fixture
def station_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def enrolled(hub: HubStore, station_key: Ed25519PrivateKey) -> str:
    """The station's upload credential."""
    token = hub.add_station(STATION, "测试站")
    return enrol_key(hub, STATION, token, station_key).credential


@pytest.fixture
def ingestor(hub: HubStore) -> Ingestor:
    return Ingestor(hub)


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A SQLite hub serving on 127.0.0.1 from a thread of this process."""
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()
