"""The whole roles × actions matrix, enforced by the core services themselves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from kernel.ratings import Rating
from station.core import audit, ratings
from station.core.applications import Status
from station.core.errors import PermissionDenied
from station.core.roles import PERMISSIONS, Action, Role, allowed, require
from station.core.session import Session
from station.core.store import StationStore
from tests.conftest import Sessions
from tests.station.core.helpers import draft


def _submitted(store: StationStore, sessions: Sessions) -> str:
    app = store.applications.create_draft(sessions.operator, draft())
    return str(store.applications.submit(sessions.operator, app.id).id)


def _owing_materials(store: StationStore, sessions: Sessions) -> str:
    """Accepted under 容缺: one material to bring later (补交)."""
    owing = replace(draft(), materials={"rental_contract": "missing_rongque"})
    app = store.applications.create_draft(sessions.operator, owing)
    return str(store.applications.submit(sessions.operator, app.id, rongque_deadline=date(2026, 12, 3)).id)


def _needs_amendment(store: StationStore, sessions: Sessions) -> str:
    app_id = _submitted(store, sessions)
    store.applications.record_hub_status(sessions.sync_operator, app_id, Status.NEEDS_AMENDMENT, "x")
    return app_id


def _background_round(store: StationStore, session: Session) -> None:
    """Past the role check, a station with no hub stops the round at SyncNotReady."""
    from station.core.hub_link import SyncNotReady
    from station.core.sync_service import SyncService

    with pytest.raises(SyncNotReady):
        SyncService(store).background_round(session)


CALLS: dict[Action, Callable[[StationStore, Sessions, Session], object]] = {
    Action.APPLICATION_VIEW: lambda st, ss, s: st.applications.list(s),
    Action.APPLICATION_CREATE: lambda st, ss, s: st.applications.create_draft(s, draft()),
    Action.APPLICATION_SUBMIT: lambda st, ss, s: st.applications.submit(
        s, st.applications.create_draft(ss.operator, draft()).id),
    Action.APPLICATION_AMEND: lambda st, ss, s: st.applications.amend(s, _needs_amendment(st, ss), {}, {}),
    Action.APPLICATION_SUPPLEMENT: lambda st, ss, s: st.applications.supplement(
        s, _owing_materials(st, ss), ["rental_contract"]),
    Action.APPLICATION_VOID: lambda st, ss, s: st.applications.void(s, _submitted(st, ss), "撤回"),
    Action.APPLICATION_RATE: lambda st, ss, s: ratings.rate(s, st.clock, st.config.code, _submitted(st, ss),
                                                            Rating(5, (), "", "counter")),
    Action.OPERATOR_LIST: lambda st, ss, s: st.operators.list(s),
    Action.OPERATOR_ADD: lambda st, ss, s: st.operators.add(s, "newbie", "新人", Role.OPERATOR, "newbie-pass"),
    Action.OPERATOR_DISABLE: lambda st, ss, s: st.operators.disable(s, "zhao"),
    Action.OPERATOR_RESET: lambda st, ss, s: st.operators.reset_password(s, "wang", "reset-pass-1"),
    Action.OPERATOR_UNLOCK: lambda st, ss, s: st.operators.unlock(s, "wang"),
    Action.AUDIT_VERIFY: lambda st, ss, s: (require(s, Action.AUDIT_VERIFY), audit.verify()),
    Action.DB_CHECK: lambda st, ss, s: st.check(s),
    Action.DB_REKEY: lambda st, ss, s: st.rekey(s),
    Action.OUTBOX_READ: lambda st, ss, s: require(s, Action.OUTBOX_READ),
    Action.SYNC_RUN: lambda st, ss, s: st.applications.record_hub_status(
        s, _submitted(st, ss), Status.DELIVERED),
    Action.SYNC_BACKGROUND: lambda st, ss, s: _background_round(st, s),
    Action.DAY_CLOSE: lambda st, ss, s: require(s, Action.DAY_CLOSE),
    Action.STATION_CONFIGURE: lambda st, ss, s: require(s, Action.STATION_CONFIGURE),
}


def test_every_action_has_a_call_in_the_matrix() -> None:
    assert set(CALLS) == set(Action) == set(PERMISSIONS)


@pytest.mark.parametrize("role", list(Role))
def test_roles_by_actions(store: StationStore, sessions: Sessions, role: Role) -> None:
    session = sessions.for_role(role)
    for action, call in CALLS.items():
        if allowed(role, action):
            call(store, sessions, session)
        else:
            with pytest.raises(PermissionDenied):
                call(store, sessions, session)


def test_an_ended_session_can_do_nothing(store: StationStore, sessions: Sessions) -> None:
    from station.core.errors import AuthError

    sessions.operator.end()
    with pytest.raises(AuthError):
        store.applications.list(sessions.operator)
