"""The station side on real SQLCipher stores, with a hub serving on 127.0.0.1 in a thread."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.core import outbox
from station.core.applications import Applicant, DraftInput, Status
from station.core.errors import PermissionDenied
from station.core.hub_link import HubLink
from station.core.models import Application, SyncBatch
from station.core.store import StationStore
from station.core.sync_service import SyncLoop, SyncService
from sync import acks
from sync.errors import AckError
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import Sessions
from tests.sync.faultproxy import FaultProxy
from tests.sync.station_helpers import connect, seed


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def test_sealing_is_deterministic_bounded_and_chained(store: StationStore, sessions: Sessions,
                                                      local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 60)
    batches = service.seal_pending(sessions.sync_operator)
    assert [(b.first_seq, b.last_seq) for b in batches] == [(1, 25), (26, 50), (51, 60)]
    assert [b.prev_batch for b in batches[1:]] == [b.batch_id for b in batches[:-1]]
    assert service.seal_pending(sessions.sync_operator) == []
    again = SyncBatch.get_by_id(2)
    assert service.sealed_bytes(again) == service.sealed_bytes(again)


def test_push_delivers_every_application_and_a_second_push_sends_nothing(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 40)
    report = service.push(sessions.sync_operator)
    assert (report.sent, report.acknowledged, report.delivered) == (2, 2, 40)
    assert outbox.depth() == 0
    assert {a.status for a in Application.select()} == {Status.DELIVERED}
    status = service.status(sessions.sync_operator)
    assert status.enrolled and status.batches["acknowledged"] == 2 and status.outbox_depth == 0
    assert service.push(sessions.sync_operator).sent == 0
    hub_stats = local_hub.service.store.stats()["stations"][0]
    assert (hub_stats["records"], hub_stats["gaps"]) == (40, [])


def test_acks_signed_by_another_key_are_refused(store: StationStore, sessions: Sessions,
                                                local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    seed(store, sessions, 3)
    batch = service.seal_pending(sessions.sync_operator)[0]
    forged = acks.sign({"station": store.config.code, "object_id": batch.batch_id, "kind": "batch",
                        "status": "stored", "held": [[1, 3]], "hub": local_hub.service.store.fingerprint},
                       Ed25519PrivateKey.generate())
    with pytest.raises(AckError):
        service.apply_ack(sessions.sync_operator, forged)
    assert outbox.depth() == 3


def test_a_quarantined_batch_never_blocks_the_ones_after_it(store: StationStore, sessions: Sessions,
                                                             local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    odd = store.applications.create_draft(sessions.operator, DraftInput(
        "HZ-ODD-1", "未知事项", "1999.9", Applicant("person", "33010619900101123X", "测试人")))
    store.applications.submit(sessions.operator, odd.id)
    service.seal_pending(sessions.sync_operator)
    seed(store, sessions, 10)
    report = service.push(sessions.sync_operator)
    assert report.quarantined == [1] and report.acknowledged == 1
    status = service.status(sessions.sync_operator)
    assert status.quarantined_batches == [1] and status.last_error == "unknown_catalog_version"
    quarantined, acknowledged = service.batches(sessions.sync_operator)
    assert (quarantined.batch_no, quarantined.state, quarantined.reason) == (1, "quarantined", "unknown_catalog_version")
    assert "HZ-ODD-1@1999.9" in quarantined.message_zh and "HZ-ODD-1@1999.9" in quarantined.message_en
    assert (acknowledged.batch_no, acknowledged.state, acknowledged.records, acknowledged.reason) == (
        2, "acknowledged", 10, None)
    assert outbox.depth() == 1
    assert local_hub.service.store.open_gaps(store.config.code) == [(1, 1)]


def test_attachments_travel_once_and_only_when_the_hub_lacks_them(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    scan = b"%PDF-1.4 scanned household register page" * 50
    for number in ("33010619900101123X", "330106198505052348"):
        draft = store.applications.create_draft(sessions.operator, DraftInput(
            "HZ-GA-110", "居住登记", "2024.1", Applicant("person", number, "测试人")))
        store.applications.attach(sessions.operator, draft.id, scan, "application/pdf", "scan")
        store.applications.submit(sessions.operator, draft.id)
        report = service.push(sessions.sync_operator)
        assert report.attachments_sent == (1 if number == "33010619900101123X" else 0)
    assert local_hub.service.store.stats()["totals"]["attachments"] == 1


def test_roles_that_may_not_sync(store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service = connect(store, sessions, local_hub)
    for session in (sessions.operator, sessions.admin):
        with pytest.raises(PermissionDenied):
            service.push(session)
    with pytest.raises(PermissionDenied):
        store.hub.enrol(sessions.sync_operator, "token")


def test_the_background_loop_pushes_soon_after_the_network_returns(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    offline = FaultProxy(upstream_port=1, faults=False)  # nothing listens on port 1: the network is down
    connect(store, sessions, local_hub, url=offline.url)
    store.hub = HubLink(store, lambda settings: __import__("sync.transport_http", fromlist=["HubClient"]).HubClient(
        dataclasses.replace(settings, retry=dataclasses.replace(settings.retry, attempts=1))))
    seed(store, sessions, 5)
    results: list[object] = []
    loop = SyncLoop(store, sessions.sync_operator, interval=3600, probe=0.05,
                    on_result=lambda report, error: results.append(error or report))
    loop.start()
    try:
        _wait(lambda: bool(results) and not loop.online)
        offline.upstream_port = int(local_hub.url.rsplit(":", 1)[1])  # the network is back
        _wait(lambda: outbox.depth() == 0)
    finally:
        loop.stop()
        offline.close()
    assert Application.select().where(Application.status == Status.DELIVERED).count() == 5


def _wait(condition: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_pull_fetches_acks_of_batches_that_went_by_usb(store: StationStore, sessions: Sessions,
                                                       local_hub: LocalHub, tmp_path: Path) -> None:
    from sync.hub.folder import import_folder

    service = connect(store, sessions, local_hub)
    seed(store, sessions, 30)
    exported = service.export(sessions.sync_operator, tmp_path / "usb")
    assert exported.files == 2
    assert import_folder(local_hub.service, tmp_path / "usb").stored == 2
    pulled = service.pull(sessions.sync_operator)
    assert (pulled.acknowledged, pulled.delivered) == (2, 30) and outbox.depth() == 0
    assert service.import_acks(sessions.sync_operator, tmp_path / "usb").files == 2
    assert not list((tmp_path / "usb").rglob("*.jjs"))


def test_a_clerk_keeps_the_station_in_touch_through_the_background_round(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    """A clerk may not push, but the background round that runs while they are logged in
    does: it delivers what waits, then applies the hub's status bundle, and the audit trail
    names it as the clerk's background sync."""
    from station.core.models import AuditEvent
    from sync.hub import reconcile

    service = connect(store, sessions, local_hub)
    seed(store, sessions, 3)
    with pytest.raises(PermissionDenied):
        service.push(sessions.operator)
    first = service.background_round(sessions.operator)
    assert (first.pushed.delivered, first.bundles_applied, outbox.depth()) == (3, 0, 0)

    accepted = Application.select().where(Application.status == Status.DELIVERED).first()
    reconcile.issue_bundle(local_hub.service.store, store.config.code, "statuses",
                           {"updates": [{"application_id": accepted.id, "status": "accepted"}]})
    second = service.background_round(sessions.operator)
    assert (second.pushed.sent, second.bundles_applied) == (0, 1)
    assert Application.get_by_id(accepted.id).status == Status.ACCEPTED
    actors = {e.operator for e in AuditEvent.select().where(AuditEvent.action.in_(
        ("application.hub_accepted", "bundle.applied.statuses")))}
    assert actors == {f"{sessions.operator.operator_name}@sync"}


def test_a_sync_operators_push_waits_for_the_background_round(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    """Two sync paths on one store never interleave: while a round holds the store's sync
    round, a push started on another thread waits for it, then finds nothing left to send."""
    import threading

    service = connect(store, sessions, local_hub)
    seed(store, sessions, 30)
    results: dict[str, object] = {}
    with store.sync_round:  # a round under way
        pusher = threading.Thread(target=lambda: results.update(push=service.push(sessions.sync_operator)))
        pusher.start()
        results["round"] = service.background_round(sessions.operator)  # the same thread may re-enter
    pusher.join(20)
    assert results["round"].pushed.delivered == 30  # type: ignore[attr-defined]
    assert results["push"].sent == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind, payload", [
    ("revocations", {"operators": ["wang"]}),
    ("roster", {"operators": [{"name": "wang", "display_name": "王小红", "role": "supervisor"}]}),
])
def test_a_bundle_that_changes_the_person_logged_in_ends_their_session(
        store: StationStore, sessions: Sessions, local_hub: LocalHub, kind: str, payload: dict[str, object]) -> None:
    """Revoked, or given another role, the person's session ends in the core at once: every
    service refuses it until they log in again (with the new role, or not at all)."""
    from station.core.errors import AuthError
    from sync.hub import reconcile

    service = connect(store, sessions, local_hub)
    assert sessions.operator.operator_name == "wang"
    reconcile.issue_bundle(local_hub.service.store, store.config.code, kind, payload)
    report = service.background_round(sessions.operator)
    assert report.bundles_applied == 1 and report.session_ended
    with pytest.raises(AuthError):
        store.applications.list(sessions.operator)
    untouched = service.background_round(sessions.sync_operator)  # nothing new: nobody else's session ends
    assert not untouched.session_ended and sessions.sync_operator.active


def test_every_call_to_the_hub_goes_through_the_client_factory_injected_once(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    """The station's recorded hub address leads nowhere; only the injected factory knows the way
    (through a proxy). Push, pull, the background round, bundles and day close all reach the hub."""
    from station.core import day_close
    from sync.hub import reconcile
    from sync.transport_http import ClientSettings, HubClient

    proxy = FaultProxy(upstream_port=int(local_hub.url.rsplit(":", 1)[1]), faults=False)
    seen: list[str] = []

    def through_proxy(settings: ClientSettings) -> HubClient:
        seen.append(settings.url)
        return HubClient(dataclasses.replace(settings, url=proxy.url))

    service = connect(store, sessions, local_hub)
    store.hub.point_at("http://127.0.0.1:1")  # nothing listens there
    store.hub = HubLink(store, through_proxy)
    try:
        seed(store, sessions, 5)
        assert service.push(sessions.sync_operator).delivered == 5
        reconcile.issue_bundle(local_hub.service.store, store.config.code, "offline_policy", {"max_unsent": 100})
        acks_report, bundles = SyncService(store).pull_from_hub(sessions.sync_operator)
        assert (acks_report.acknowledged, bundles["applied"]) == (0, [1])
        assert service.background_round(sessions.operator).pushed.sent == 0
        closed = day_close.close_day(store, sessions.supervisor, Application.select().first().day)
        assert closed["sent"] == "http" and closed["result"]["verdict"] == "agreed"
    finally:
        proxy.close()
    assert seen and set(seen) == {"http://127.0.0.1:1"}
