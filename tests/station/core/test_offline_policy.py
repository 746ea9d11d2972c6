"""The offline policy (离线策略), sent by the hub in a signed bundle: past a limit (more than
`max_unsent` undelivered applications, more than `max_days_without_contact` on the station's
clock, less than `min_free_mb` free) the station refuses new submissions with a zh/en message
and keeps the draft; back within the limit it accepts again. Seeding obeys the same guard."""

from __future__ import annotations

import pytest

from station.core.applications import Status
from station.core.models import Application
from station.core.offline_policy import StationFrozen
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.station.core.reconcile_helpers import Hub, id_number, person_draft


def _submit(store: StationStore, sessions: Sessions, serial: int) -> str:
    app = store.applications.create_draft(sessions.operator, person_draft(id_number(serial), "测试人"))
    return store.applications.submit(sessions.operator, app.id).id


def _refused(store: StationStore, sessions: Sessions, serial: int) -> tuple[StationFrozen, str]:
    app = store.applications.create_draft(sessions.operator, person_draft(id_number(serial), "测试人"))
    with pytest.raises(StationFrozen) as refused:
        store.applications.submit(sessions.operator, app.id)
    assert Application.get_by_id(app.id).status == Status.DRAFT  # kept, to submit later
    return refused.value, app.id


def test_past_max_unsent_submissions_are_refused_until_delivered(
        store: StationStore, sessions: Sessions, hub: Hub) -> None:
    hub.send("offline_policy", {"max_unsent": 2})
    for serial in range(3):  # the third takes the station past the limit
        _submit(store, sessions, serial)
    error, draft = _refused(store, sessions, 9)
    assert "本站暂停受理新申请" in error.message_zh and "3 件申请尚未送达中心（上限 2 件）" in error.message_zh
    assert "stopped accepting new applications" in error.message_en and "limit 2" in error.message_en
    hub.deliver()  # back within the limit
    assert store.applications.submit(sessions.operator, draft).status == Status.SUBMITTED


def test_past_max_days_without_contact_submissions_are_refused_until_contact(
        store: StationStore, sessions: Sessions, clock: FakeClock, hub: Hub) -> None:
    hub.send("offline_policy", {"max_days_without_contact": 3})
    clock.advance(days=3)
    _submit(store, sessions, 1)  # exactly three days: still within
    clock.advance(hours=1)
    error, draft = _refused(store, sessions, 2)
    assert "天未与中心联系（上限 3 天）" in error.message_zh and "days without contact" in error.message_en
    hub.send("offline_policy", {"max_days_without_contact": 3})  # a bundle pulled is contact
    assert store.applications.submit(sessions.operator, draft).status == Status.SUBMITTED


def test_below_min_free_disk_submissions_are_refused(store: StationStore, sessions: Sessions, hub: Hub) -> None:
    hub.send("offline_policy", {"min_free_mb": 1 << 40})  # more than any disk holds
    error, draft = _refused(store, sessions, 1)
    assert "磁盘剩余" in error.message_zh and "MB free on disk" in error.message_en
    hub.send("offline_policy", {"min_free_mb": 1})
    assert store.applications.submit(sessions.operator, draft).status == Status.SUBMITTED


def test_seeding_obeys_the_offline_policy(store: StationStore, sessions: Sessions, hub: Hub) -> None:
    hub.send("offline_policy", {"max_unsent": 4})
    services = service_choices(store.config.point_type)
    with pytest.raises(StationFrozen):
        seed_applications(sessions.operator, services, 10, accepting_guard=store.applications.accepting_guard)
    filed = Application.select().where(Application.status == Status.SUBMITTED).count()
    assert filed <= 5  # the chunk that hit the limit rolled back; never past the counter's limit
    hub.deliver()
    assert seed_applications(sessions.operator, services, 3, seed=1,
                             accepting_guard=store.applications.accepting_guard) == 3
