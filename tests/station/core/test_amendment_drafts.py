"""补正 in progress: the working copy is saved apart from the application, continued when the
amendment is opened again, and dropped when the hub decides otherwise."""

from __future__ import annotations

import json

import pytest

from forms.results import MISSING, MISSING_RONGQUE, SATISFIED_BY_CARD
from station.core.amendments import amend, amendment_draft, save_amendment
from station.core.applications import Status
from station.core.counter import Counter
from station.core.errors import InvalidTransition, PermissionDenied
from station.core.models import AmendmentDraft, Application
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.station.ui.helpers import accepted


def _sent_back(store: StationStore, sessions: Sessions) -> str:
    app = accepted(store, sessions.operator)
    store.applications.record_hub_status(sessions.sync_operator, app.id, Status.NEEDS_AMENDMENT, "电话有误")
    return str(app.id)


def test_a_saved_amendment_is_continued_and_the_application_is_untouched(
        store: StationStore, sessions: Sessions) -> None:
    app_id = _sent_back(store, sessions)
    opened = amendment_draft(Counter(store), sessions.operator, app_id)
    assert not opened.resumed
    opened.draft.values["phone"] = "13900000000"
    save_amendment(Counter(store), sessions.operator, opened.draft)
    assert json.loads(Application.get_by_id(app_id).payload)["phone"] == "13800000000"

    again = amendment_draft(Counter(store), sessions.supervisor, app_id)
    assert again.resumed and again.draft.values["phone"] == "13900000000"


def test_the_hub_deciding_otherwise_drops_the_working_copy(store: StationStore, sessions: Sessions) -> None:
    app_id = _sent_back(store, sessions)
    opened = amendment_draft(Counter(store), sessions.operator, app_id)
    save_amendment(Counter(store), sessions.operator, opened.draft)
    store.applications.record_hub_status(sessions.sync_operator, app_id, Status.REJECTED, "不符合条件")
    assert AmendmentDraft.get_or_none(AmendmentDraft.application == app_id) is None
    with pytest.raises(InvalidTransition):
        save_amendment(Counter(store), sessions.operator, opened.draft)


def test_only_counter_roles_amend(store: StationStore, sessions: Sessions) -> None:
    app_id = _sent_back(store, sessions)
    with pytest.raises(PermissionDenied):
        amendment_draft(Counter(store), sessions.sync_operator, app_id)
    opened = amendment_draft(Counter(store), sessions.operator, app_id)
    with pytest.raises(PermissionDenied):
        save_amendment(Counter(store), sessions.sync_operator, opened.draft)


def test_an_amendment_does_not_ask_again_for_what_the_card_proved(store: StationStore, sessions: Sessions) -> None:
    """Accepted with 张三's card, sent back for a wrong phone number: the amendment needs only
    the phone, not the ID card again, and the card's materials stay proved by the card."""
    app_id = _sent_back(store, sessions)
    by_card = {m for m, status in json.loads(Application.get_by_id(app_id).materials).items()
               if status == SATISFIED_BY_CARD}
    assert by_card
    counter = Counter(store)
    opened = amendment_draft(counter, sessions.operator, app_id)
    opened.draft.values["phone"] = "13900000000"
    evaluation = counter.evaluate(sessions.operator, opened.draft)
    assert not [m.material.id for m in evaluation.materials if m.status in (MISSING, MISSING_RONGQUE)]
    amend(counter, sessions.operator, opened.draft, opened.locked)
    after = json.loads(Application.get_by_id(app_id).materials)
    assert {m for m in by_card if after[m] == SATISFIED_BY_CARD} == by_card
