"""Operators (工作人员): add, list, disable, change and reset passwords, unlock, and the
hub's roster and revocations.

Adding or resetting seals the database key to a fresh key pair without knowing anyone
else's password; disabling removes the operator's slot from the key file.

The hub may provision operators centrally: its roster bundle names people and roles. The
hub never knows a password, so a person the roster adds waits as `pending`, with no key
slot, until an admin here gives them a first password (`reset_password`). A roster also
corrects names and roles of people already here. It removes no one: removal travels as a
revocation, which disables the person and deletes their key slot at once.

Every row an admin changes is signed with the admin's key (`station.core.signatures`);
rows the hub's roster changes wait for an admin's `confirm`. Nothing here, and no bundle,
disables or demotes the last active admin. Disabling someone re-keys the database at
once; a revocation from the hub schedules the re-key for the next login.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.core import audit, signatures
from station.core.clock import Clock
from station.core.db import write_transaction
from station.core.errors import NotFound, ValidationFailed
from station.core.keyfile import KeyFile, load_keyfile
from station.core.keys import create_slot, open_slot
from station.core.lockout import LockoutBook
from station.core.models import Operator, Setting
from station.core.roles import Action, Role, require
from station.core.session import Session

MIN_PASSWORD_LENGTH = 8
ACTIVE, PENDING, DISABLED = "active", "pending", "disabled"
#: Set when someone lost their slot by a revocation: the next login re-keys the database.
REKEY_DUE = "keys.rekey_due"
LAST_ADMIN = "不能停用或降级本站最后一名在职管理员 / the station's last active admin cannot be disabled or demoted"


@dataclass
class RosterReport:
    """What a roster changed: people added as pending, people corrected, changes skipped."""

    pending: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class OperatorService:
    """Manages operators and their key slots."""

    def __init__(self, clock: Clock, keyfile_path: Path, lockout: LockoutBook, station: str = "",
                 current_key: Callable[[Session], bytes] | None = None,
                 rekey: Callable[[Session], None] | None = None) -> None:
        self.clock = clock
        self.keyfile_path = keyfile_path
        self.lockout = lockout
        self.station = station
        #: The database key as it is now (a re-key by another session changes it).
        self.current_key = current_key or (lambda session: session.db_key)
        self.rekey = rekey

    def add(self, session: Session, name: str, display_name: str, role: Role,
            password: str) -> Operator:
        """A new operator with a slot sealed by the admin's session."""
        require(session, Action.OPERATOR_ADD)
        _check_new(name, display_name, password)
        if Operator.get_or_none(Operator.name == name) is not None:
            raise ValidationFailed({"name": "该用户名已存在 / this name is taken"})
        signing_key = Ed25519PrivateKey.generate() if role == Role.ADMIN else None
        slot = create_slot(name, password, self.current_key(session), signing_key=signing_key)
        now = self.clock().isoformat()
        with write_transaction():
            operator = Operator(name=name, display_name=display_name, role=Role(role),
                                public_key=slot.public_key, created_at=now, updated_at=now,
                                signing_key=slot.signing_public_key or None)
            self._sign(session, operator)
            operator.save(force_insert=True)
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
            if _usable_admins(self.station) == [name]:
                raise ValidationFailed({"name": LAST_ADMIN})
            operator.status, operator.updated_at = DISABLED, self.clock().isoformat()
            self._sign(session, operator)
            operator.save()
            audit.append(self.clock(), session.operator_name, "operator.disabled", name)
            self._save_keys(session, lambda keys: keys.without_slot(name))
            Setting.replace(key=REKEY_DUE, value=name).execute()
        if self.rekey is not None:  # a copy of the old key file must no longer open anything
            self.rekey(session)
        return operator

    def confirm(self, session: Session, name: str) -> Operator:
        """An admin vouches for `name`'s row as it stands (after the hub's roster changed it,
        or a refused login): the row is signed with the admin's key."""
        require(session, Action.OPERATOR_ADD)
        operator = _get(name)
        if session.signing_key is None:
            raise ValidationFailed({"operator": "本账户没有签名密钥 / this admin has no signing key"})
        with write_transaction():
            self._sign(session, operator)
            operator.save()
            audit.append(self.clock(), session.operator_name, "operator.confirmed", name, {"role": str(operator.role)})
        return operator

    def untrusted(self, session: Session) -> builtins.list[str]:
        """Operators whose rows do not carry a valid admin signature."""
        require(session, Action.OPERATOR_LIST)
        return signatures.untrusted_operators(self.station)
    def change_password(self, session: Session, old_password: str, new_password: str) -> None:
        """The logged-in operator's own password; the old one must open the slot."""
        session.ensure_active()
        _check_password(new_password)
        keys = load_keyfile(self.keyfile_path).keys
        open_slot(keys.slots[session.operator_name], old_password)
        self._replace_slot(session, session.operator_name, new_password, "operator.password_changed",
                           signing_key=session.signing_key, resign=False)

    def reset_password(self, session: Session, name: str, new_password: str) -> None:
        """An admin gives `name` a new password (and a new key pair)."""
        require(session, Action.OPERATOR_RESET)
        _check_password(new_password)
        operator = _get(name)
        signing_key = Ed25519PrivateKey.generate() if operator.role == Role.ADMIN else None
        if operator.status == PENDING:  # provisioned by the hub's roster: the first password
            self._replace_slot(session, name, new_password, "operator.activated", status=ACTIVE,
                               signing_key=signing_key)
            return
        if operator.status != ACTIVE:
            raise ValidationFailed({"name": "该账户已停用 / this operator is disabled"})
        self._replace_slot(session, name, new_password, "operator.password_reset", signing_key=signing_key)
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

    def apply_roster(self, session: Session, entries: builtins.list[dict[str, str]]) -> RosterReport:
        """Apply the hub's roster: add the people missing here as `pending`, correct display
        names and roles; call inside the transaction that applies the bundle.

        A change that would leave the station without an active admin who can log in is
        skipped and reported, since nobody here could then manage operators. A changed role
        takes effect once an admin here confirms the row (`confirm`): the hub's word alone
        does not sign it, so until then the person cannot log in. Promotions to admin are
        applied first."""
        require(session, Action.SYNC_RUN)
        report = RosterReport()
        now = self.clock().isoformat()
        for entry in sorted(entries, key=lambda e: e["role"] != Role.ADMIN):
            name, display, role = str(entry["name"]), str(entry["display_name"]), Role(entry["role"])
            operator = Operator.get_or_none(Operator.name == name)
            if operator is None:
                _check_name_and_display(name, display)
                Operator.create(name=name, display_name=display, role=role, status=PENDING,
                                public_key=b"", created_at=now, updated_at=now)
                audit.append(self.clock(), session.operator_name, "operator.provisioned", name, {"role": str(role)})
                report.pending.append(name)
                continue
            if operator.display_name == display and operator.role == role:
                continue
            if operator.role == Role.ADMIN and role != Role.ADMIN and _usable_admins(self.station) == [name]:
                report.skipped.append(name)
                continue
            Operator.update(display_name=display, role=role, updated_at=now).where(Operator.id == operator.id).execute()
            audit.append(self.clock(), session.operator_name, "operator.roster_updated", name, {"role": str(role)})
            report.updated.append(name)
        return report

    def revoke(self, session: Session, names: builtins.list[str]) -> builtins.list[str]:
        """The hub's revocations: disable each person here and delete their key slot, so their
        password no longer opens the database key; call inside the bundle's transaction."""
        require(session, Action.SYNC_RUN)
        revoked = [str(o.name) for o in Operator.select().where(Operator.name.in_(names) & (Operator.status != DISABLED))]
        admins = _usable_admins(self.station)
        if admins and set(admins) <= set(revoked):  # keep one, or nobody could manage or recover
            kept = admins[0]
            revoked.remove(kept)
            audit.append(self.clock(), session.operator_name, "operator.revocation_skipped", kept,
                         {"reason": "last_active_admin"})
        if not revoked:
            return []
        Operator.update(status=DISABLED, updated_at=self.clock().isoformat()).where(Operator.name.in_(revoked)).execute()
        for name in revoked:
            audit.append(self.clock(), session.operator_name, "operator.revoked", name)

        def without(keys: KeyFile) -> KeyFile:
            for name in revoked:
                keys = keys.without_slot(name)
            return keys

        self._save_keys(session, without)
        Setting.replace(key=REKEY_DUE, value=",".join(revoked)).execute()
        return revoked

    def _replace_slot(self, session: Session, name: str, password: str, action: str,
                      status: str | None = None, signing_key: Ed25519PrivateKey | None = None,
                      resign: bool = True) -> None:
        slot = create_slot(name, password, self.current_key(session), signing_key=signing_key)
        with write_transaction():
            operator = _get(name)
            operator.public_key, operator.updated_at = slot.public_key, self.clock().isoformat()
            if status is not None:
                operator.status = status
            if resign:
                operator.signing_key = slot.signing_public_key or None
                self._sign(session, operator)
            operator.save()
            audit.append(self.clock(), session.operator_name, action, name)
            self._save_keys(session, lambda keys: keys.with_slot(slot))

    def _sign(self, session: Session, operator: Operator) -> None:
        """Sign the row with the acting admin's key; without one the row is left unsigned."""
        if session.signing_key is not None:
            signatures.sign_row(self.station, operator, session.signing_key)
        else:
            operator.signer, operator.signature = None, None

    def _save_keys(self, session: Session, change):  # type: ignore[no-untyped-def]
        keys = load_keyfile(self.keyfile_path).keys
        change(keys).save(self.keyfile_path, self.current_key(session))


def _get(name: str) -> Operator:
    operator = Operator.get_or_none(Operator.name == name)
    if operator is None:
        raise NotFound("找不到该工作人员", "no such operator")
    return operator


def _usable_admins(station: str) -> list[str]:
    """Active admins who can log in: their rows verify (any active admin before roots exist)."""
    query = Operator.select().where((Operator.role == Role.ADMIN) & (Operator.status == ACTIVE))
    roots = signatures.pinned_roots()
    if roots is None:
        return [str(o.name) for o in query]
    trusted = signatures.trusted_signers(station, roots)
    return [str(o.name) for o in query if signatures.row_verifies(station, o, trusted)]


def _check_new(name: str, display_name: str, password: str) -> None:
    _check_name_and_display(name, display_name)
    _check_password(password)


def _check_name_and_display(name: str, display_name: str) -> None:
    errors = {}
    if not name or not name.isascii() or not name.replace("_", "").replace(".", "").isalnum():
        errors["name"] = "用户名只能包含字母、数字、点和下划线 / letters, digits, dots and underscores only"
    if not display_name.strip():
        errors["display_name"] = "请填写姓名 / a display name is required"
    if errors:
        raise ValidationFailed(errors)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({"password": f"密码至少 {MIN_PASSWORD_LENGTH} 位 / at least {MIN_PASSWORD_LENGTH} characters"})
