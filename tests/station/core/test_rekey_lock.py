"""`db rekey` and the re-keys that follow disabling or revoking someone, while other programs
have the same station open: the station-wide lock (`station.lock`) makes the re-key wait for
their transactions, and each of them is then told in one line to close and reopen, instead of
reading or writing with the old key ("file is not a database")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.core import audit
from station.core.db import database
from station.core.errors import StationBusy, StationInUse
from station.core.models import AuditEvent, Setting
from station.core.operators import REKEY_DUE
from station.core.store import StationStore
from station.core.sync_service import SyncLoop, sync_agent
from tests.conftest import PASSWORDS, REPO, FakeClock
from tests.e2e.cli import jiujin
from tests.station.core.rekey_child import OtherProgram

RE_KEYED = "busy 数据库密钥正在更换或已更换，请关闭本程序后重新打开并登录"


@pytest.fixture
def other(station_dir: Path) -> Iterator[OtherProgram]:
    program = OtherProgram(station_dir)
    yield program
    if program.process.poll() is None:
        program.process.kill()
        program.process.wait()


def _receipts(store: StationStore) -> set[str]:
    session = store.login("li", PASSWORDS["li"])
    return {a.receipt_number for a in store.applications.list(session, limit=1_000_000)}


def test_a_program_open_during_a_rekey_is_told_to_close_and_reopen(
        station_dir: Path, clock: FakeClock, other: OtherProgram) -> None:
    first = other.ask("submit")
    assert first.startswith("ok ")
    store = StationStore(station_dir, clock)
    store.rekey(store.login("li", PASSWORDS["li"]))
    assert other.ask("submit") == RE_KEYED  # nothing written with the old key
    assert other.ask("read") == RE_KEYED  # nor read
    assert other.ask("reopen") == "ok"  # closed and opened again: the new key
    second = other.ask("submit")
    assert second.startswith("ok ")
    other.finish()
    assert {first[3:], second[3:]} <= _receipts(store)
    assert store.check(store.login("li", PASSWORDS["li"])) == ["ok"] and audit.verify().ok
    store.close()


def test_a_login_in_another_program_waits_for_the_rekey_and_uses_the_new_key(
        station_dir: Path, clock: FakeClock, other: OtherProgram) -> None:
    store = StationStore(station_dir, clock)
    supervisor = store.login("li", PASSWORDS["li"])
    with store.lock.exclusive():  # a re-key under way: the other program starts logging in now
        assert other.ask("announced_reopen") == "logging in"
        store.rekey(supervisor)
    assert other.read() == "ok"  # it waited, then read the new key file
    assert other.ask("submit").startswith("ok ")
    other.finish()
    store.close()


def test_a_rekey_waits_for_another_programs_transaction_and_gives_up_cleanly(
        station_dir: Path, clock: FakeClock, other: OtherProgram) -> None:
    store = StationStore(station_dir, clock)
    supervisor = store.login("li", PASSWORDS["li"])
    key_before = supervisor.db_key
    assert other.ask("begin") == "in"
    store.lock.wait_seconds = 0.5
    with pytest.raises(StationInUse) as refused:
        store.rekey(supervisor)
    assert "暂时无法更换密钥" in refused.value.message("zh") and "try again" in refused.value.message("en")
    assert supervisor.db_key == key_before
    assert other.ask("end") == "ended"
    assert store.login("li", PASSWORDS["li"]).db_key == key_before
    assert other.ask("submit").startswith("ok ")  # nothing was re-keyed: it goes on

    # Now one that waits: the other program's transaction is open when the re-key starts and
    # ends while the re-key waits; what it wrote is kept under the new key.
    store.lock.wait_seconds = 60
    assert other.ask("begin") == "in"
    outcome: list[BaseException | None] = []

    def rekey() -> None:
        try:
            store.rekey(supervisor)
            outcome.append(None)
        except BaseException as error:  # reported below
            outcome.append(error)
        finally:
            database.close()

    worker = threading.Thread(target=rekey)
    worker.start()
    assert other.ask("end") == "ended"
    worker.join(90)
    assert outcome == [None] and supervisor.db_key != key_before
    assert other.ask("submit") == RE_KEYED
    other.finish()
    session = store.login("li", PASSWORDS["li"])
    notes = [json.loads(a.payload).get("notes") for a in store.applications.list(session, limit=1_000_000, status="draft")]
    assert notes.count("in a transaction") == 2
    store.close()


def test_disabling_someone_re_keys_and_tells_the_other_program(
        station_dir: Path, clock: FakeClock, other: OtherProgram) -> None:
    store = StationStore(station_dir, clock)
    store.operators.disable(store.login("admin", PASSWORDS["admin"]), "zhao")
    assert AuditEvent.select().where(AuditEvent.action == "db.rekeyed_after_revocation").count() == 1
    assert other.ask("submit") == RE_KEYED
    other.finish()
    store.close()


def test_a_disable_while_another_program_is_busy_re_keys_at_the_next_login(
        station_dir: Path, clock: FakeClock, other: OtherProgram) -> None:
    store = StationStore(station_dir, clock)
    store.lock.wait_seconds = 0.5
    admin = store.login("admin", PASSWORDS["admin"])
    assert other.ask("hold") == "holding"  # a long query under way there
    store.operators.disable(admin, "zhao")  # done; the re-key waits for a quieter moment
    assert Setting.get_or_none(Setting.key == REKEY_DUE) is not None
    assert other.ask("end") == "ended"
    assert other.ask("submit").startswith("ok ")
    key_before = admin.db_key
    assert store.login("wang", PASSWORDS["wang"]).db_key != key_before
    assert Setting.get_or_none(Setting.key == REKEY_DUE) is None
    assert other.ask("submit") == RE_KEYED
    other.finish()
    store.close()


def test_a_revocation_re_keys_at_the_next_login_and_tells_the_other_program(
        station_dir: Path, clock: FakeClock, other: OtherProgram) -> None:
    store = StationStore(station_dir, clock)
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.revoke(sync_agent(admin), ["zhao"])
    assert other.ask("submit").startswith("ok ")  # the revocation alone changes no key
    store.login("li", PASSWORDS["li"])  # the next login re-keys
    assert other.ask("submit") == RE_KEYED
    other.finish()
    store.close()


def test_the_rekey_command_waits_for_a_transaction_in_another_program(
        station_dir: Path, other: OtherProgram) -> None:
    assert other.ask("begin") == "in"
    command = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "db", "rekey", "--data-dir", str(station_dir),
         "--operator", "li"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "JIUJIN_PASSWORD": PASSWORDS["li"], "JIUJIN_LANG": "zh"})
    assert other.ask("end") == "ended"
    out, err = command.communicate(timeout=120)
    assert command.returncode == 0 and "database re-keyed" in out, err
    assert other.ask("submit") == RE_KEYED
    other.finish()
    listed = jiujin("operator", "list", "--data-dir", str(station_dir), "--operator", "admin",
                    env={"JIUJIN_PASSWORD": PASSWORDS["admin"]})
    assert "wang" in listed.stdout


def test_the_background_sync_round_reports_a_rekey_by_another_program(
        station_dir: Path, store: StationStore) -> None:
    clerk = store.login("wang", PASSWORDS["wang"])
    supervisor_elsewhere = OtherProgram(station_dir, "li")
    assert supervisor_elsewhere.ask("rekey") == "rekeyed"
    supervisor_elsewhere.finish()
    outcomes: list[BaseException | None] = []
    reported = threading.Event()

    def on_result(_report: object, error: BaseException | None) -> None:
        outcomes.append(error)
        reported.set()

    loop = SyncLoop(store, clerk, interval=3600, on_result=on_result)
    loop.start()
    assert reported.wait(60)
    loop.stop()
    assert isinstance(outcomes[0], StationBusy)
    assert outcomes[0].message("en").startswith("The database is being re-keyed")


def test_threads_of_the_re_keying_program_go_on_with_the_new_key(store: StationStore) -> None:
    """The background sync's thread holds its own connection: after a re-key by the app's
    thread it reopens with the new key instead of failing."""
    supervisor = store.login("li", PASSWORDS["li"])
    counts: list[int] = []
    opened, go, done = threading.Event(), threading.Event(), threading.Event()

    def background() -> None:
        counts.append(len(store.applications.list(supervisor, limit=100)))
        opened.set()
        go.wait(60)
        counts.append(len(store.applications.list(supervisor, limit=100)))
        database.close()
        done.set()

    thread = threading.Thread(target=background)
    thread.start()
    assert opened.wait(60)
    store.rekey(supervisor)
    go.set()
    assert done.wait(60)
    thread.join()
    assert counts == [0, 0]
