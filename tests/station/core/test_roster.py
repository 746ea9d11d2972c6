"""The hub's operator roster (人员名单) and revocations, signed by a real hub and applied by
the station: the roster adds people as pending until an admin here gives them a first
password, corrects names and roles, never leaves the station without an admin, and is
refused whole when malformed; a revocation disables the person and deletes their key slot."""

from __future__ import annotations

import pytest

from station.core.audit import verify
from station.core.errors import LoginFailed, OperatorUntrusted
from station.core.keyfile import load_keyfile
from station.core.models import AuditEvent, Operator
from station.core.roles import Role
from station.core.store import StationStore
from tests.conftest import PASSWORDS, Sessions
from tests.station.core.reconcile_helpers import Hub


def _actions(subject: str) -> list[str]:
    return [str(e.action) for e in AuditEvent.select().where(AuditEvent.subject == subject).order_by(AuditEvent.seq)]


def test_a_person_on_the_roster_waits_for_a_first_password_then_logs_in_with_the_hub_role(
        hub: Hub, store: StationStore, sessions: Sessions) -> None:
    report = hub.send("roster", {"operators": [{"name": "sun", "display_name": "孙柜员", "role": "supervisor"}]})
    assert report["refused"] == [] and len(report["applied"]) == 1

    pending = Operator.get(Operator.name == "sun")
    assert (pending.status, pending.role, pending.display_name) == ("pending", "supervisor", "孙柜员")
    assert "sun" not in load_keyfile(store.keyfile_path).keys.slots
    with pytest.raises(LoginFailed):
        store.login("sun", "any-password-1")

    store.operators.reset_password(sessions.admin, "sun", "sun-first-pass")
    session = store.login("sun", "sun-first-pass")
    assert session.role == Role.SUPERVISOR
    assert Operator.get(Operator.name == "sun").status == "active"
    assert _actions("sun")[:2] == ["operator.provisioned", "operator.activated"]
    assert verify().ok


def test_the_roster_corrects_names_and_roles_and_a_second_delivery_changes_nothing(
        hub: Hub, store: StationStore, sessions: Sessions) -> None:
    roster = {"operators": [{"name": "wang", "display_name": "王晓红", "role": "supervisor"}]}
    hub.send("roster", roster)
    wang = Operator.get(Operator.name == "wang")
    assert (wang.display_name, wang.role) == ("王晓红", "supervisor")
    with pytest.raises(OperatorUntrusted):  # a new role waits for an admin here to sign it
        store.login("wang", PASSWORDS["wang"])
    store.operators.confirm(sessions.admin, "wang")
    assert store.login("wang", PASSWORDS["wang"]).role == Role.SUPERVISOR

    hub.send("roster", roster)  # the same roster again, as a newer bundle
    assert _actions("wang").count("operator.roster_updated") == 1


def test_the_roster_never_demotes_the_last_active_admin(hub: Hub, store: StationStore, sessions: Sessions) -> None:
    handover = {"operators": [{"name": "admin", "display_name": "陈管理员", "role": "operator"},
                              {"name": "li", "display_name": "李主管", "role": "admin"}]}
    hub.send("roster", handover)
    # li's promotion is not signed yet, so admin is still the only admin who can log in: kept
    assert Operator.get(Operator.name == "li").role == "admin"
    assert Operator.get(Operator.name == "admin").role == "admin"
    store.operators.confirm(sessions.admin, "li")
    hub.send("roster", handover)  # now li can log in as admin, so admin is demoted
    assert Operator.get(Operator.name == "admin").role == "operator"

    hub.send("roster", {"operators": [{"name": "li", "display_name": "李主管", "role": "operator"}]})
    assert Operator.get(Operator.name == "li").role == "admin"  # the only admin left: kept
    assert _actions("li").count("operator.roster_updated") == 1  # the promotion only


@pytest.mark.parametrize("roster", [
    {"operators": [{"name": "sun", "display_name": "孙柜员", "role": "chief"}]},
    {"operators": [{"name": "sun", "display_name": "孙柜员"}]},
    {"operators": [{"name": "孙", "display_name": "孙柜员", "role": "operator"}]},
    {"operators": "sun"},
])
def test_a_malformed_roster_is_refused_whole(hub: Hub, roster: dict[str, object]) -> None:
    before = [(o.name, o.role, o.status) for o in Operator.select().order_by(Operator.name)]
    report = hub.send("roster", {"operators": [{"name": "zhou", "display_name": "周", "role": "operator"},
                                               *roster["operators"]]}
                      if isinstance(roster["operators"], list) else roster, as_older_hub=True)
    assert [r["reason"] for r in report["refused"]] == ["malformed"]
    assert report["applied"] == []
    assert [(o.name, o.role, o.status) for o in Operator.select().order_by(Operator.name)] == before


def test_a_revocation_disables_the_person_and_deletes_their_key_slot(
        hub: Hub, store: StationStore) -> None:
    assert "wang" in load_keyfile(store.keyfile_path).keys.slots
    hub.send("revocations", {"operators": ["wang", "nobody"]})

    assert Operator.get(Operator.name == "wang").status == "disabled"
    assert "wang" not in load_keyfile(store.keyfile_path).keys.slots  # the password opens nothing now
    with pytest.raises(LoginFailed):
        store.login("wang", PASSWORDS["wang"])
    assert "operator.revoked" in _actions("wang")
    assert store.login("admin", PASSWORDS["admin"]).role == Role.ADMIN  # the key file still verifies


def test_a_refused_bundle_offered_again_is_refused_again_but_audited_once(
        hub: Hub, store: StationStore, sessions: Sessions) -> None:
    from station.core import downstream
    from sync.hub import reconcile

    hub.send("roster", {"operators": [{"name": "sun", "display_name": "孙柜员", "role": "chief"}]}, as_older_hub=True)
    offered = reconcile.bundles_after(hub.code, hub.applied)  # the hub offers it on every pull
    again = downstream.apply_all(store, sessions.sync_operator, offered)
    assert [r["reason"] for r in again["refused"]] == ["malformed"]
    refusals = AuditEvent.select().where(AuditEvent.action == "bundle.refused").count()
    assert refusals == 1
