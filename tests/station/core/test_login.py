"""Login: one message and one Argon2id cost for unknown names and wrong passwords;
five failures lock an operator for fifteen minutes, across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from station.core import audit
from station.core.errors import LoginFailed, OperatorDisabled, OperatorLocked
from station.core.keys import KdfParams
from station.core.models import AuditEvent
from station.core.store import StationStore
from tests.conftest import PASSWORDS, FakeClock


def test_right_password_opens_a_session_with_the_role_from_the_store(store: StationStore) -> None:
    session = store.login("li", PASSWORDS["li"])
    assert (session.operator_name, session.role, session.display_name) == ("li", "supervisor", "李主管")


def test_unknown_name_and_wrong_password_cost_the_same_and_say_the_same(
        store: StationStore, monkeypatch: pytest.MonkeyPatch) -> None:
    derivations: list[int] = []
    original = KdfParams.derive

    def counting(self: KdfParams, password: str) -> bytes:
        derivations.append(self.memory_kib)
        return original(self, password)

    monkeypatch.setattr(KdfParams, "derive", counting)
    with pytest.raises(LoginFailed) as unknown:
        store.login("nobody", "whatever-1")
    with pytest.raises(LoginFailed) as wrong:
        store.login("wang", "not-the-password")
    assert str(unknown.value) == str(wrong.value)
    assert derivations == [64 * 1024, 64 * 1024]


def test_five_failures_lock_for_fifteen_minutes_even_after_restart(
        station_dir: Path, clock: FakeClock) -> None:
    store = StationStore(station_dir, clock)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            store.login("wang", "wrong-password")
    with pytest.raises(OperatorLocked):
        store.login("wang", "wrong-password")
    restarted = StationStore(station_dir, clock)
    with pytest.raises(OperatorLocked):
        restarted.login("wang", PASSWORDS["wang"])
    clock.advance(minutes=15, seconds=1)
    assert restarted.login("wang", PASSWORDS["wang"]).operator_name == "wang"
    restarted.close()


def test_failures_reach_the_audit_chain_at_the_next_login(store: StationStore) -> None:
    with pytest.raises(LoginFailed):
        store.login("wang", "wrong-password")
    store.login("wang", PASSWORDS["wang"])
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.seq)]
    assert actions[-2:] == ["login_failed", "operator.login"]
    assert audit.verify().ok


def test_supervisor_unlock_lifts_a_lockout(store: StationStore) -> None:
    for _ in range(5):
        with pytest.raises((LoginFailed, OperatorLocked)):
            store.login("wang", "wrong-password")
    supervisor = store.login("li", PASSWORDS["li"])
    store.operators.unlock(supervisor, "wang")
    assert store.login("wang", PASSWORDS["wang"]).operator_name == "wang"


def test_disabled_operator_cannot_log_in(store: StationStore) -> None:
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.disable(admin, "wang")
    with pytest.raises(LoginFailed):
        store.login("wang", PASSWORDS["wang"])


def test_status_in_the_store_wins_over_a_slot_left_in_the_key_file(
        station_dir: Path, clock: FakeClock) -> None:
    from station.core.keyfile import load_keyfile

    store = StationStore(station_dir, clock)
    before = load_keyfile(store.keyfile_path).keys
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.disable(admin, "wang")
    # Put the old slot back, resealed to today's key and correctly MACed, as someone with
    # the key might (disabling re-keyed the database, so the slot as it was opens nothing).
    from station.core.keys import reseal_slot

    before.with_slot(reseal_slot(before.slots["wang"], admin.db_key)).save(store.keyfile_path, admin.db_key)
    with pytest.raises(OperatorDisabled):
        store.login("wang", PASSWORDS["wang"])
    store.close()


def test_two_logins_at_once_in_one_program_both_open(store: StationStore) -> None:
    """A clerk logs in on the UI's worker thread while the demo hub's enrolment logs in as the
    admin: two Argon2id derivations at once used to hang both threads for ever."""
    import threading

    sessions: dict[str, str] = {}

    def login(name: str) -> None:
        sessions[name] = store.login(name, PASSWORDS[name]).operator_name

    threads = [threading.Thread(target=login, args=(name,), daemon=True) for name in ("wang", "admin")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sessions == {"wang": "wang", "admin": "admin"}


def test_a_login_on_another_thread_leaves_a_transaction_under_way_on_a_third_whole(
        store: StationStore, clock: FakeClock) -> None:
    """The background sync reads in one transaction while a clerk logs in on a UI worker
    thread: the login uses the database already open, so the sync's transaction keeps its own
    connection and its snapshot (a second opening swapped under it would send its next
    statement to a fresh connection outside the transaction)."""
    import threading

    from station.core.db import database

    store.login("admin", PASSWORDS["admin"])
    counted: list[int] = []
    snapshot_taken, logged_in = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def sync_reading() -> None:
        try:
            with database.obj.atomic("DEFERRED"):
                counted.append(AuditEvent.select().count())
                snapshot_taken.set()
                logged_in.wait(30)
                counted.append(AuditEvent.select().count())
        except BaseException as exc:  # reported below, with the counts
            failures.append(exc)

    reader = threading.Thread(target=sync_reading, daemon=True)
    reader.start()
    clerk = threading.Thread(target=lambda: store.login("wang", PASSWORDS["wang"]), daemon=True)
    assert snapshot_taken.wait(30)
    clerk.start()
    clerk.join(30)
    logged_in.set()
    reader.join(30)
    assert not failures and len(counted) == 2
    assert counted[0] == counted[1]  # the clerk's login is not in the transaction's snapshot
    assert AuditEvent.select().count() == counted[1] + 1  # ... and is stored
    newest = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    assert (newest.action, newest.operator) == ("operator.login", "wang")
