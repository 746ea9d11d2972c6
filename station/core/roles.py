"""Roles, the actions they may take, and the check every core service makes."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from forms.text import Text
from station.core.errors import PermissionDenied


class Role(StrEnum):
    """操作角色."""

    OPERATOR = "operator"  # 窗口工作人员: enters applications
    SUPERVISOR = "supervisor"  # 主管: voids, unlocks, closes the day, re-keys
    SYNC_OPERATOR = "sync_operator"  # 同步对账员: sync and reconciliation
    ADMIN = "admin"  # 管理员: station, operators, devices


#: How each role is named to people (the screens' translations say the same).
ROLE_NAMES = {Role.OPERATOR: Text("窗口人员", "Operator"), Role.SUPERVISOR: Text("主管", "Supervisor"),
              Role.SYNC_OPERATOR: Text("同步对账员", "Sync operator"), Role.ADMIN: Text("管理员", "Admin")}


def role_name(role: str, lang: str = "zh") -> str:
    """A role in words; the code itself when it is unknown."""
    return ROLE_NAMES[Role(role)].get(lang) if role in Role._value2member_map_ else role


class Action(StrEnum):
    """Everything a core service guards."""

    APPLICATION_VIEW = "application.view"
    APPLICATION_CREATE = "application.create"
    APPLICATION_SUBMIT = "application.submit"
    APPLICATION_AMEND = "application.amend"
    APPLICATION_SUPPLEMENT = "application.supplement"  # 补交: record 容缺 materials handed in later
    APPLICATION_VOID = "application.void"
    APPLICATION_RATE = "application.rate"  # record the citizen's 好差评 (counter screen, kiosk)
    OPERATOR_LIST = "operator.list"
    OPERATOR_ADD = "operator.add"
    OPERATOR_DISABLE = "operator.disable"
    OPERATOR_RESET = "operator.reset_password"
    OPERATOR_UNLOCK = "operator.unlock"
    AUDIT_VERIFY = "audit.verify"
    DB_CHECK = "db.check"
    DB_REKEY = "db.rekey"
    OUTBOX_READ = "outbox.read"
    SYNC_RUN = "sync.run"
    SYNC_BACKGROUND = "sync.background"  # start the station's own background sync round
    DAY_CLOSE = "day.close"
    STATION_CONFIGURE = "station.configure"


_COUNTER = {Role.OPERATOR, Role.SUPERVISOR}
_OVERSIGHT = {Role.SUPERVISOR, Role.ADMIN}
_EVERYONE = set(Role)

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.APPLICATION_VIEW: frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.SYNC_OPERATOR}),
    Action.APPLICATION_CREATE: frozenset(_COUNTER),
    Action.APPLICATION_SUBMIT: frozenset(_COUNTER),
    Action.APPLICATION_AMEND: frozenset(_COUNTER),
    Action.APPLICATION_SUPPLEMENT: frozenset(_COUNTER),
    Action.APPLICATION_VOID: frozenset({Role.SUPERVISOR}),
    Action.APPLICATION_RATE: frozenset(_COUNTER),
    Action.OPERATOR_LIST: frozenset(_OVERSIGHT),
    Action.OPERATOR_ADD: frozenset({Role.ADMIN}),
    Action.OPERATOR_DISABLE: frozenset({Role.ADMIN}),
    Action.OPERATOR_RESET: frozenset({Role.ADMIN}),
    Action.OPERATOR_UNLOCK: frozenset(_OVERSIGHT),
    Action.AUDIT_VERIFY: frozenset({Role.SUPERVISOR, Role.SYNC_OPERATOR, Role.ADMIN}),
    Action.DB_CHECK: frozenset(_EVERYONE),
    Action.DB_REKEY: frozenset(_OVERSIGHT),
    Action.OUTBOX_READ: frozenset({Role.SUPERVISOR, Role.SYNC_OPERATOR}),
    Action.SYNC_RUN: frozenset({Role.SUPERVISOR, Role.SYNC_OPERATOR}),
    # Whoever is logged in keeps the station in touch with the hub: the round runs as the
    # station's sync agent and shows the person nothing but counts.
    Action.SYNC_BACKGROUND: frozenset(_EVERYONE),
    Action.DAY_CLOSE: frozenset({Role.SUPERVISOR}),
    Action.STATION_CONFIGURE: frozenset({Role.ADMIN}),
}


def allowed(role: Role, action: Action) -> bool:
    """Whether `role` may perform `action`."""
    return role in PERMISSIONS[action]


class Actor(Protocol):
    """What `require` reads of a session (station.core.session.Session)."""

    @property
    def role(self) -> Role: ...

    def ensure_active(self) -> None: ...


def require(session: Actor, action: Action) -> None:
    """Raise PermissionDenied unless the session's role may perform `action`."""
    session.ensure_active()
    if not allowed(session.role, action):
        raise PermissionDenied(action.value, session.role.value)
