"""Operators (工作人员): add, list, disable, change and reset passwords, unlock.

Adding or resetting seals the database key to a fresh key pair without knowing anyone
else's password; disabling removes the operator's slot from the key file.
"""

from __future__ import annotations

from pathlib import Path

from station.core import audit
from station.core.clock import Clock
from station.core.db import write_transaction
from station.core.errors import NotFound, ValidationFailed
from station.core.keyfile import load_keyfile
from station.core.keys import create_slot, open_slot
from station.core.lockout import LockoutBook
from station.core.models import Operator
from station.core.roles import Action, Role, require
from station.core.session import Session

MIN_PASSWORD_LENGTH = 8


class OperatorService:
    """Manages operators and their key slots."""

    def __init__(self, clock: Clock, keyfile_path: Path, lockout: LockoutBook) -> None:
        self.clock = clock
        self.keyfile_path = keyfile_path
        self.lockout = lockout

    def add(self, session: Session, name: str, display_name: str, role: Role,
            password: str) -> Operator:
        """A new operator with a slot sealed by the admin's session."""
        require(session, Action.OPERATOR_ADD)
        _check_new(name, display_name, password)
        if Operator.get_or_none(Operator.name == name) is not None:
            raise ValidationFailed({"name": "该用户名已存在 / this name is taken"})
        slot = create_slot(name, password, session.db_key)
        now = self.clock().isoformat()
        with write_transaction():
            operator = Operator.create(name=name, display_name=display_name, role=Role(role),
                                       public_key=slot.public_key, created_at=now, updated_at=now)
            audit.append(self.clock(), session.operator_name, "operator.added", name, {"role": str(role)})
            self._save_keys(session, lambda keys: keys.with_slot(slot))
        return operator

    def list(self, session: Session) -> list[Operator]:
        """Every operator, active and disabled."""
        require(session, Action.OPERATOR_LIST)
        return list(Operator.select().order_by(Operator.name))

    def disable(self, session: Session, name: str) -> Operator:
        """Stop `name` from logging in: status disabled and slot removed."""
        require(session, Action.OPERATOR_DISABLE)
        operator = _get(name)
        if operator.id == session.operator_id:
            raise ValidationFailed({"name": "不能停用自己的账户 / you cannot disable yourself"})
        with write_transaction():
            operator.status, operator.updated_at = "disabled", self.clock().isoformat()
            operator.save()
            audit.append(self.clock(), session.operator_name, "operator.disabled", name)
            self._save_keys(session, lambda keys: keys.without_slot(name))
        return operator

    def change_password(self, session: Session, old_password: str, new_password: str) -> None:
        """The logged-in operator's own password; the old one must open the slot."""
        session.ensure_active()
        _check_password(new_password)
        keys = load_keyfile(self.keyfile_path).keys
        open_slot(keys.slots[session.operator_name], old_password)
        self._replace_slot(session, session.operator_name, new_password, "operator.password_changed")

    def reset_password(self, session: Session, name: str, new_password: str) -> None:
        """An admin gives `name` a new password (and a new key pair)."""
        require(session, Action.OPERATOR_RESET)
        _check_password(new_password)
        operator = _get(name)
        if operator.status != "active":
            raise ValidationFailed({"name": "该账户已停用 / this operator is disabled"})
        self._replace_slot(session, name, new_password, "operator.password_reset")
        self.lockout.clear(name)

    def unlock(self, session: Session, name: str) -> None:
        """Lift a lockout after failed logins."""
        require(session, Action.OPERATOR_UNLOCK)
        operator = _get(name)
        self.lockout.clear(name)
        with write_transaction():
            operator.failure_count, operator.locked_until = 0, None
            operator.save()
            audit.append(self.clock(), session.operator_name, "operator.unlocked", name)

    def _replace_slot(self, session: Session, name: str, password: str, action: str) -> None:
        slot = create_slot(name, password, session.db_key)
        with write_transaction():
            Operator.update(public_key=slot.public_key, updated_at=self.clock().isoformat()).where(
                Operator.name == name).execute()
            audit.append(self.clock(), session.operator_name, action, name)
            self._save_keys(session, lambda keys: keys.with_slot(slot))

    def _save_keys(self, session: Session, change):  # type: ignore[no-untyped-def]
        keys = load_keyfile(self.keyfile_path).keys
        change(keys).save(self.keyfile_path, session.db_key)


def _get(name: str) -> Operator:
    operator = Operator.get_or_none(Operator.name == name)
    if operator is None:
        raise NotFound("找不到该工作人员", "no such operator")
    return operator


def _check_new(name: str, display_name: str, password: str) -> None:
    errors = {}
    if not name or not name.isascii() or not name.replace("_", "").replace(".", "").isalnum():
        errors["name"] = "用户名只能包含字母、数字、点和下划线 / letters, digits, dots and underscores only"
    if not display_name.strip():
        errors["display_name"] = "请填写姓名 / a display name is required"
    if errors:
        raise ValidationFailed(errors)
    _check_password(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": f"密码至少 {MIN_PASSWORD_LENGTH} 位 / at least {MIN_PASSWORD_LENGTH} characters"})
