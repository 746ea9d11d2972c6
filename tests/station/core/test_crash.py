"""Crash safety: a child submitting in a loop is killed with SIGKILL at random moments;
every application it acknowledged survives, the database is sound, the chain verifies."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.core import audit
from station.core.store import StationStore
from tests.conftest import PASSWORDS, REPO

KILLS = 200 if os.environ.get("JIUJIN_SOAK") else 50


def _run_and_kill(folder: Path, rng: random.Random) -> list[str]:
    """Start the child, let it acknowledge a few receipts, then kill it mid-flight."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.station.core.crash_child", str(folder), str(rng.randint(0, 10**9))],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    acknowledged = []
    assert child.stdout.readline().strip() == "ready"
    for _ in range(rng.randint(0, 6)):
        acknowledged.append(child.stdout.readline().strip())
    # The kill lands at a random point of the next submission's work.
    time.sleep(rng.uniform(0, 0.004))
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    acknowledged += [line for line in rest.split() if line]
    return acknowledged


@pytest.mark.parametrize("round_", range(5))
def test_every_acknowledged_application_survives_sigkill(station_dir: Path, round_: int) -> None:
    rng = random.Random(round_)
    acknowledged: list[str] = []
    for _ in range(KILLS // 5):
        acknowledged += _run_and_kill(station_dir, rng)
    store = StationStore(station_dir)
    session = store.login("li", PASSWORDS["li"])
    held = {a.receipt_number for a in store.applications.list(session, limit=1_000_000)}
    missing = set(acknowledged) - held
    assert acknowledged and not missing
    assert store.check(session) == ["ok"]
    assert audit.verify().ok
    store.close()
