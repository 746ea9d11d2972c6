"""Fixtures for the station core's tests of what the hub sends down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.station.core.reconcile_helpers import Hub


@pytest.fixture
def hub(tmp_path: Path, store: StationStore, sessions: Sessions, clock: FakeClock) -> Iterator[Hub]:
    """A real hub store beside the station, enrolled, on the test's clock."""
    opened = Hub(tmp_path / "hub", store, sessions, clock)
    yield opened
    opened.close()
