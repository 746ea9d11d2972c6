"""Times read on the station's clock, whatever zone the machine showing them is set to."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from kernel.times import local_time, time_zone


@pytest.mark.parametrize(("stored", "shown"), [
    ("2026-12-04T18:23:05+00:00", "2026-12-05 02:23"),  # the hub's UTC, read in Hangzhou
    ("2026-12-05T02:23:05+08:00", "2026-12-05 02:23"),
    (datetime(2026, 12, 4, 18, 23, tzinfo=UTC), "2026-12-05 02:23"),
    ("2026-12-05T02:23:05", "2026-12-05 02:23"),  # no zone: already local
    (None, ""),
])
def test_stored_times_read_in_shanghai(stored: object, shown: str) -> None:
    assert local_time(stored, time_zone("Asia/Shanghai")) == shown  # type: ignore[arg-type]


def test_another_zone_is_honoured() -> None:
    assert local_time("2026-12-04T18:23:05+00:00", time_zone("Asia/Urumqi")) == "2026-12-05 00:23"


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(KeyError):
        time_zone("Mars/Olympus")


def test_the_machine_zone_does_not_matter() -> None:
    code = "from kernel.times import local_time; print(local_time('2026-12-04T18:23:05+00:00'))"
    for machine in ("UTC", "America/New_York"):
        shown = subprocess.run([sys.executable, "-c", code], env={**os.environ, "TZ": machine},
                               capture_output=True, text=True, check=True).stdout.strip()
        assert shown == "2026-12-05 02:23"
