"""Shared fixtures: simulators served on real pseudo-terminals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.simulators.link import PtyLink
from devices.simulators.reader import CardTiming, ReaderSimulator
from tests.devices.helpers import FAST_BAUD


@pytest.fixture
def reader_sim() -> ReaderSimulator:
    return ReaderSimulator(CardTiming.instant())


@pytest.fixture
def reader_link(reader_sim: ReaderSimulator) -> Iterator[PtyLink]:
    with PtyLink(reader_sim, baud=FAST_BAUD, name="reader") as link:
        yield link
