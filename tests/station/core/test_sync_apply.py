"""What the hub sends back is applied in short transactions of bounded size, so the counter
never waits behind sync: every acknowledged application becomes delivered exactly once, hub
statuses land right, the offline policy's unsent count stays exact (and its limit holds
inside each submission's own transaction), a submission gets in while a large
acknowledgement is being applied, and a crash part-way through loses nothing."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter as Tally
from pathlib import Path

from station.core import audit, downstream, outbox
from station.core.amendments import amendment_draft, save_amendment
from station.core.applications import Status
from station.core.counter import Counter
from station.core.db import SHORT_TRANSACTION_ROWS, database
from station.core.models import AmendmentDraft, Application, AuditEvent, OutboxEvent, SyncBatch
from station.core.offline_policy import StationFrozen, unsent_count
from station.core.store import StationStore
from sync.hub import reconcile
from tests.conftest import REPO, Sessions
from tests.station.core.helpers import FIXTURE, PASSWORDS, draft
from tests.station.core.reconcile_helpers import Hub, id_number, person_draft
from tests.sync.station_helpers import seed

UNSENT = (Status.SUBMITTED, Status.ACCEPTED_PENDING_MATERIALS, Status.AMENDED)


def _kept_count() -> int:
    """The offline policy's count, read from the open applications' index."""
    return unsent_count()


def _counted() -> int:
    return int(Application.select().where(Application.status.in_(UNSENT)).count())


def _delivered_events() -> Tally[str]:
    return Tally(e.subject for e in AuditEvent.select(AuditEvent.subject)
                   .where(AuditEvent.action == "application.hub_delivered"))


def test_a_large_acknowledgement_delivers_each_application_exactly_once(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    count = 3 * SHORT_TRANSACTION_ROWS + 17  # several slices, the last one short
    seed(store, sessions, count)
    waiting = store.applications.submit(sessions.operator, store.applications.create_draft(
        sessions.operator, person_draft(id_number(1), "补正人")).id)
    hub.deliver()
    store.applications.record_hub_status(sessions.sync_operator, waiting.id, Status.NEEDS_AMENDMENT, "照片不清")
    amended = store.applications.amend(sessions.operator, waiting.id, {"name": "补正人"}, {"name": "card"})
    [ack] = hub.acks()  # the amendment alone
    hub.service.apply_ack(sessions.sync_operator, ack)
    assert Application.get_by_id(amended.id).status == Status.DELIVERED
    statuses = Tally(a.status for a in Application.select(Application.status))
    assert statuses == {Status.DELIVERED: count + 1}
    assert set(_delivered_events().values()) == {1, 2} and _delivered_events()[waiting.id] == 2
    assert sum(_delivered_events().values()) == count + 2  # the amended one was delivered twice
    assert outbox.depth() == 0 and {b.state for b in SyncBatch.select()} == {"acknowledged"}
    assert _kept_count() == _counted() == 0
    assert audit.verify().ok


def test_an_acknowledgement_never_moves_an_application_the_hub_has_moved_on(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    seed(store, sessions, 5)
    acks = hub.acks()
    first = Application.select().order_by(Application.id).first()
    store.applications.record_hub_status(sessions.sync_operator, first.id, Status.NEEDS_AMENDMENT, "缺材料")
    for ack in acks:
        hub.service.apply_ack(sessions.sync_operator, ack)
    assert Application.get_by_id(first.id).status == Status.NEEDS_AMENDMENT
    assert first.id not in _delivered_events()
    assert Application.select().where(Application.status == Status.DELIVERED).count() == 4


def test_a_statuses_bundle_larger_than_a_transaction_lands_every_status(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    count = 2 * SHORT_TRANSACTION_ROWS + 3
    seed(store, sessions, count)
    hub.deliver()
    ids = [a.id for a in Application.select(Application.id).order_by(Application.id)]
    for app_id in ids[:3]:  # amendments under way, which a final status makes moot
        store.applications.record_hub_status(sessions.sync_operator, app_id, Status.NEEDS_AMENDMENT, "x")
        save_amendment(Counter(store), sessions.operator, amendment_draft(Counter(store), sessions.operator, app_id).draft)
    updates = [{"application_id": i, "status": "completed"} for i in ids[:-1]]
    updates.append({"application_id": ids[-1], "status": "needs_amendment", "message": "请补充照片"})
    report = hub.send("statuses", {"updates": updates})
    assert report["applied"] and not report["refused"]
    assert Tally(a.status for a in Application.select()) == {Status.COMPLETED: count - 1,
                                                               Status.NEEDS_AMENDMENT: 1}
    assert Application.get_by_id(ids[-1]).status_message == "请补充照片"
    assert AmendmentDraft.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "application.hub_completed").count() == count - 1
    assert database.execute_sql("SELECT COUNT(*) FROM setting WHERE key LIKE 'bundle.progress.%'").fetchone()[0] == 0
    assert audit.verify().ok


def test_the_unsent_count_is_kept_exact_through_every_change_of_status(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    seed(store, sessions, 12)
    assert _kept_count() == _counted() == 12
    first, second = [a.id for a in Application.select().order_by(Application.id).limit(2)]
    store.applications.void(sessions.supervisor, first, "重复受理")
    assert _kept_count() == _counted() == 11
    store.applications.create_draft(sessions.operator, draft())  # drafts are not unsent
    assert _kept_count() == _counted() == 11
    hub.deliver()
    assert _kept_count() == _counted() == 0
    hub.send("statuses", {"updates": [{"application_id": second, "status": "needs_amendment"}]})
    store.applications.amend(sessions.operator, second, {"name": "补正"}, {"name": "typed"})
    assert _kept_count() == _counted() == 1


def test_the_unsent_limit_holds_for_submissions_racing_each_other(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    hub.send("offline_policy", {"max_unsent": 5})
    drafts = [store.applications.create_draft(sessions.operator, person_draft(id_number(n), "并发")).id
              for n in range(16)]
    accepted, refused = [], []

    def submit_all(mine: list[str]) -> None:
        try:
            for app_id in mine:
                try:
                    accepted.append(store.applications.submit(sessions.operator, app_id).id)
                except StationFrozen:
                    refused.append(app_id)
        finally:
            database.close()

    threads = [threading.Thread(target=submit_all, args=(drafts[n::2],)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(accepted) == 6 and len(refused) == 10  # the sixth is the one that went past 5
    assert _kept_count() == _counted() == 6


def test_an_old_station_counts_what_it_had_not_sent(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    shutil.copytree(FIXTURE, folder)  # schema 5, three submitted applications
    store = StationStore(folder)
    store.login("wang", PASSWORDS["wang"])
    assert _kept_count() == _counted() == 3
    store.close()


def test_a_submission_gets_in_while_a_large_acknowledgement_is_applied(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    count = 10 * SHORT_TRANSACTION_ROWS
    seed(store, sessions, count)
    acks = hub.acks()
    drafted = store.applications.create_draft(sessions.operator, person_draft(id_number(3), "柜台"))

    def apply() -> None:
        try:
            for ack in acks:
                hub.service.apply_ack(sessions.sync_operator, ack)
        finally:
            database.close()

    syncing = threading.Thread(target=apply)
    syncing.start()
    deadline = time.monotonic() + 60
    while outbox.depth() == count and time.monotonic() < deadline:  # the first slice is in
        time.sleep(0.001)
    submitted = store.applications.submit(sessions.operator, drafted.id)
    still_waiting = outbox.depth()
    syncing.join()
    assert 0 < still_waiting < count + 1  # it went in between slices, not after the whole
    assert Application.get_by_id(submitted.id).status == Status.SUBMITTED
    assert outbox.depth() == 1 and _kept_count() == _counted() == 1
    assert audit.verify().ok


def _kill_part_way(station_dir: Path, kind: str, files: list[Path]) -> None:
    """Apply `files` in a child process and kill it (SIGKILL) while its third slice is under way."""
    child = subprocess.Popen([sys.executable, "-m", "tests.station.core.apply_child", str(station_dir), kind,
                              *map(str, files)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for _ in range(3):  # two slices committed, the third under way
        assert child.stdout.readline().strip() == "slice"
    child.send_signal(signal.SIGKILL)
    child.wait()


def test_a_crash_part_way_through_an_acknowledgement_loses_nothing(
        store: StationStore, sessions: Sessions, hub: Hub, station_dir: Path, tmp_path: Path) -> None:
    count = 5 * SHORT_TRANSACTION_ROWS
    seed(store, sessions, count)
    files = []
    for n, ack in enumerate(hub.acks()):
        files.append(tmp_path / f"ack-{n}.json")
        files[-1].write_bytes(ack)
    _kill_part_way(station_dir, "ack", files)
    depth = outbox.depth()
    assert 0 < depth < count
    assert Application.select().where(Application.status == Status.DELIVERED).count() == count - depth
    assert _kept_count() == _counted() == depth
    assert store.check(sessions.admin) == ["ok"] and audit.verify().ok
    assert SyncBatch.select().where(SyncBatch.state == "acknowledged").count() == 0
    for ack in files:  # the next round fetches the same acknowledgements again
        hub.service.apply_ack(sessions.sync_operator, ack.read_bytes())
    delivered = _delivered_events()
    assert len(delivered) == count and set(delivered.values()) == {1}
    assert outbox.depth() == 0 and _kept_count() == 0
    assert OutboxEvent.select().where(OutboxEvent.acknowledged_at.is_null()).count() == 0
    assert {b.state for b in SyncBatch.select()} == {"acknowledged"}


def test_a_crash_part_way_through_a_statuses_bundle_applies_each_status_once(
        store: StationStore, sessions: Sessions, hub: Hub, station_dir: Path, tmp_path: Path) -> None:
    count = 5 * SHORT_TRANSACTION_ROWS
    seed(store, sessions, count)
    hub.deliver()
    ids = [a.id for a in Application.select(Application.id).order_by(Application.id)]
    reconcile.issue_bundle(hub.hub, hub.code, "statuses", {"updates": [
        {"application_id": i, "status": "needs_amendment", "message": "请补充"} for i in ids]})
    [signed] = reconcile.bundles_after(hub.code, hub.applied)
    (tmp_path / "bundle.json").write_bytes(signed)
    _kill_part_way(station_dir, "bundle", [tmp_path / "bundle.json"])
    sent_back = [a.id for a in Application.select().where(Application.status == Status.NEEDS_AMENDMENT)]
    assert 0 < len(sent_back) < count and downstream.bundle_version() == 0
    store.applications.amend(sessions.operator, sent_back[0], {"name": "补正"}, {"name": "typed"})
    report = downstream.apply_all(store, sessions.sync_operator, [signed])  # offered again
    assert report["applied"] == [downstream.bundle_version()]
    assert Application.get_by_id(sent_back[0]).status == Status.AMENDED  # the clerk's amendment stands
    assert Application.select().where(Application.status == Status.NEEDS_AMENDMENT).count() == count - 1
    applied = Tally(e.subject for e in AuditEvent.select().where(AuditEvent.action == "application.hub_needs_amendment"))
    assert len(applied) == count and set(applied.values()) == {1}
    assert store.check(sessions.admin) == ["ok"] and audit.verify().ok
