"""Lockout attacks on real files and processes: sixteen parallel guesses, and a deleted
lockout file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from station.core.errors import LoginFailed, OperatorLocked
from station.core.lockout import MAX_FAILURES
from station.core.models import AuditEvent, Operator
from station.core.store import StationStore
from tests.conftest import PASSWORDS, REPO, FakeClock

GUESS = """
import sys
from station.core.errors import JiujinError
from station.core.store import StationStore
store = StationStore(sys.argv[1])
sys.stdin.readline()  # every process is ready: guess together
try:
    store.login("wang", "wrong-guess-" + sys.argv[2])
    print("opened")
except JiujinError as error:
    print(type(error).__name__)
"""


def test_sixteen_parallel_guesses_try_no_more_passwords_than_the_limit(station_dir: Path) -> None:
    children = [subprocess.Popen([sys.executable, "-c", GUESS, str(station_dir), str(n)], cwd=REPO,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for n in range(16)]
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=300) for child in children]
    assert all(child.returncode == 0 for child in children), [err for _out, err in results]
    outcomes = [out.strip() for out, _err in results]
    document = json.loads((station_dir / "lockout.json").read_text())
    tried = [e for e in document["pending"] if e["action"] == "login_failed"]
    assert len(tried) == MAX_FAILURES  # the others were refused before any Argon2id work
    assert outcomes.count("OperatorLocked") == 16 - MAX_FAILURES + 1
    assert set(outcomes) == {"LoginFailed", "OperatorLocked"}


def test_deleting_the_lockout_file_is_reported_and_the_failures_reach_the_store(
        station_dir: Path, clock: FakeClock) -> None:
    store = StationStore(station_dir, clock)
    store.login("admin", PASSWORDS["admin"])
    for _ in range(MAX_FAILURES):
        with pytest.raises((LoginFailed, OperatorLocked)):
            store.login("wang", "wrong-password")
    store.login("admin", PASSWORDS["admin"])  # the failures reach the audit and wang's count
    assert Operator.get(Operator.name == "wang").failure_count == MAX_FAILURES
    (station_dir / "lockout.json").unlink()  # unlocks at once, as before ...
    assert store.login("wang", PASSWORDS["wang"]).operator_name == "wang"
    reset = AuditEvent.select().where(AuditEvent.action == "lockout.file_reset")
    assert reset.count() == 1  # ... but the deletion is reported
    assert Operator.get(Operator.name == "wang").failure_count == MAX_FAILURES  # only an unlock clears it
    store.close()
