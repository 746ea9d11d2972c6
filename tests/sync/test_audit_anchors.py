"""The audit chain against the hub's anchors (security review, #15): someone holding the database
key cuts the newest audit events and fixes the head, or rewrites events after the last outbox
anchor and recomputes every later hash. The chain alone still reads "intact"; the hub, which
witnessed the head at every sync round, does not agree. And each round keeps the hub's recovery
copy current. Real SQLCipher stores and a real hub on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from station.core import anchors, audit, outbox
from station.core.anchors import AuditDivergence
from station.core.config import StationConfig
from station.core.db import database
from station.core.models import AuditEvent, OutboxEvent, SyncBatch
from station.core.recovery import RECOVERY_NAME
from station.core.roles import Role
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub import anchors as hub_anchors
from sync.hub.folder import import_folder
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import PASSWORDS, FakeClock, Sessions
from tests.sync.station_helpers import connect, seed


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def _cut_newest(count: int) -> int:
    """The attack: delete the newest `count` audit events and set the head to the new newest."""
    newest = AuditEvent.select().order_by(AuditEvent.seq.desc()).get().seq
    database.execute_sql("DELETE FROM audit_event WHERE seq > ?", (newest - count,))
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).get()
    database.execute_sql("UPDATE setting SET value = ? WHERE key = 'audit_head'", (f"{last.seq}:{last.hash}",))
    return int(last.seq)


def _rewrite_after(seq: int) -> None:
    """The attack: put another operator on event `seq` + 1 and recompute every later hash and the head."""
    rows = list(AuditEvent.select().where(AuditEvent.seq > seq).order_by(AuditEvent.seq))
    running = rows[0].prev_hash
    for row in rows:
        operator = "mallory" if row.seq == seq + 1 else row.operator
        digest = audit.event_hash(running, row.seq, row.at, operator, row.action, row.subject, row.details)
        database.execute_sql("UPDATE audit_event SET operator = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                             (operator, running, digest, row.seq))
        running = digest
    database.execute_sql("UPDATE setting SET value = ? WHERE key = 'audit_head'", (f"{rows[-1].seq}:{running}",))


def _refused(service: SyncService, sessions: Sessions) -> AuditDivergence:
    batches = SyncBatch.select().count()
    with pytest.raises(AuditDivergence) as refused:
        service.push(sessions.sync_operator)
    assert SyncBatch.select().count() == batches  # nothing sealed, nothing sent
    assert "审计链" in refused.value.message_zh and "audit chain" in refused.value.message_en
    return refused.value


def _audited_divergences() -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == "audit.anchor_divergence"))


def test_cutting_the_newest_audit_events_and_fixing_the_head_is_refused_and_raised_at_the_hub(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 5)
    service.push(sessions.sync_operator)
    witnessed = audit.head()
    store.login("wang", PASSWORDS["wang"])  # events after the last outbox anchor
    service.push(sessions.sync_operator)  # a round with nothing to send: the hub witnesses the head
    assert audit.head()[0] > witnessed[0] and audit.verify().ok

    kept = _cut_newest(3)
    assert audit.verify().ok  # the chain alone cannot tell
    refused = _refused(service, sessions)
    assert "截断" in refused.message_zh and "cut" in refused.message_en
    _refused(service, sessions)  # and again at the next round, audited once
    assert len(_audited_divergences()) == 1
    chain, anchor = anchors.verify(store.hub.keys(), store.config.code)  # `jiujin audit verify`
    assert chain.ok and not anchor.ok and anchor.anchor is not None and anchor.anchor[0] > kept
    found = hub_anchors.divergences(store.config.code)
    assert [d["kind"] for d in found] == ["backwards"] and found[0]["received_hash"] is None
    assert found[0]["held_seq"] == anchor.anchor[0]

    seed(store, sessions, 2, seed=2)  # work goes on, over the positions the hub witnessed
    waiting = outbox.depth()
    _refused(service, sessions)
    assert outbox.depth() == waiting > 0


def test_rewriting_after_the_last_outbox_anchor_and_rehashing_is_refused_and_raised_at_the_hub(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 5)
    service.push(sessions.sync_operator)
    for name in ("wang", "li", "zhao"):  # events no outbox event anchors
        store.login(name, PASSWORDS[name])
    service.push(sessions.sync_operator)
    last_anchor = OutboxEvent.select().order_by(OutboxEvent.audit_seq.desc()).get().audit_seq
    assert audit.head()[0] > last_anchor + 2

    _rewrite_after(last_anchor)
    assert audit.verify().ok  # the chain and every outbox anchor still agree
    refused = _refused(service, sessions)
    assert "改写" in refused.message_zh and "rewritten" in refused.message_en
    [audited] = _audited_divergences()
    assert audited.operator == sessions.sync_operator.operator_name
    found = hub_anchors.divergences(store.config.code)
    assert [d["kind"] for d in found] == ["rewritten"]
    assert found[0]["received_hash"] not in (None, found[0]["held_hash"])


def test_a_station_that_lost_the_hubs_anchor_learns_it_again_from_the_hub(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    """Deleting the kept anchor as well as the newest events only delays the refusal to the
    hub's answer in the same round."""
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 3)
    service.push(sessions.sync_operator)
    store.login("wang", PASSWORDS["wang"])
    service.push(sessions.sync_operator)
    _cut_newest(2)
    database.execute_sql("DELETE FROM setting WHERE key = ?", (anchors.HUB_ANCHOR,))
    _refused(service, sessions)
    assert [d["kind"] for d in hub_anchors.divergences(store.config.code)] == ["backwards"]


def test_an_honest_station_syncs_on_and_the_hub_holds_its_newest_head(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    for round_no in range(1, 4):
        seed(store, sessions, 3, seed=round_no)
        store.login("wang", PASSWORDS["wang"])
        head = audit.head()  # the round's events (deliveries) are witnessed by the next round
        assert service.push(sessions.sync_operator).acknowledged == 1
        assert hub_anchors.latest(store.config.code) == head
    assert hub_anchors.divergences(store.config.code) == [] and outbox.depth() == 0
    chain, anchor = anchors.verify(store.hub.keys(), store.config.code)
    assert chain.ok and anchor.ok and anchor.anchor is not None and anchor.anchor[:2] == head


def test_a_cut_chain_is_refused_at_the_next_usb_export_and_the_hub_import_records_it(
        store: StationStore, sessions: Sessions, local_hub: LocalHub, tmp_path: Path) -> None:
    service = connect(store, sessions, local_hub)
    usb = tmp_path / "usb"
    seed(store, sessions, 4)
    service.export(sessions.sync_operator, usb)
    assert import_folder(local_hub.service, usb).stored == 1  # the hub witnesses the exported head
    service.import_acks(sessions.sync_operator, usb)
    store.login("wang", PASSWORDS["wang"])
    service.export(sessions.sync_operator, usb)  # takes the hub's answer, hands over the new head
    import_folder(local_hub.service, usb)

    _cut_newest(2)
    with pytest.raises(AuditDivergence):
        service.export(sessions.sync_operator, usb)
    import_folder(local_hub.service, usb)  # the refused export's anchor still tells the hub
    assert [d["kind"] for d in hub_anchors.divergences(store.config.code)] == ["backwards"]


def test_after_a_rekey_the_next_round_brings_the_hub_a_recovery_copy_that_opens_the_database(
        local_hub: LocalHub, tmp_path: Path, clock: FakeClock) -> None:
    hub = local_hub.service.store
    folder, code = tmp_path / "station", "RK0002"
    store = StationStore.initialise(folder, StationConfig(code=code, name="恢复测试站", point_type="village",
                                                          district="330127"),
                                    "admin", "管理员", "admin-pass-1", recovery_public_key=hub.public.hpke_public_key,
                                    clock=clock)
    admin = store.login("admin", "admin-pass-1")
    store.operators.add(admin, "zhao", "赵同步", Role.SYNC_OPERATOR, "zhao-pass-1")
    store.hub.configure(admin, hub.public)
    store.hub.enrol(admin, hub.add_station(code), local_hub.url)
    at_enrolment = hub_anchors.recovery_copy(code)
    assert at_enrolment == (folder / RECOVERY_NAME).read_bytes()

    store.rekey(admin)  # the copy the hub got at enrolment no longer opens the database
    SyncService(store).push(store.login("zhao", "zhao-pass-1"))
    current = hub_anchors.recovery_copy(code)
    assert current == (folder / RECOVERY_NAME).read_bytes() != at_enrolment
    store.close()

    (folder / "station.keys").unlink()
    (folder / RECOVERY_NAME).unlink()
    handed = tmp_path / "from-hub.recovery"
    handed.write_bytes(current or b"")
    restored = StationStore.for_recovery(folder, hub.keys.hpke, handed, clock)
    assert restored.recover(hub.keys.hpke, "admin", "new-admin-pass", handed).role == Role.ADMIN
    restored.close()
