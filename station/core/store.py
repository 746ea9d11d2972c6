"""The station store: the data folder, its key file and encrypted database, and login.

`StationStore.initialise` creates a station; `StationStore(data_dir)` opens one, and
`login` unlocks it for an operator. The services (`applications`, `operators`) are
ready once the store is unlocked.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from peewee import OperationalError
from playhouse.sqlcipher_ext import SqlCipherDatabase

from kernel.atomic import write_failure_reason
from station.core import audit, migrations, signatures
from station.core.applications import ApplicationService
from station.core.atomic import storage_error
from station.core.clock import Clock, system_clock, zoned_clock
from station.core.config import StationConfig, load_config
from station.core.db import (
    DATABASE_NAME,
    integrity_check,
    open_database,
    storage_failure,
    write_transaction,
)
from station.core.errors import (
    KeyFileError,
    LoginFailed,
    OperatorDisabled,
    OperatorLocked,
    OperatorUntrusted,
    StationBusy,
    StationInUse,
    StoreCorrupt,
    StoreError,
    StoreNotInitialised,
    ValidationFailed,
)
from station.core.keyfile import KEYFILE_NAME, KeyFile, LoadedKeyFile, RecoverySlot, load_keyfile
from station.core.keys import (
    OpenedSlot,
    create_slot,
    new_database_key,
    open_sealed,
    open_sealed_bytes,
    reseal_slot,
    seal_bytes_to,
    seal_to,
    spend_decoy_work,
    unlock_slot,
)
from station.core.lockout import LOCKOUT_NAME, LockoutBook
from station.core.models import Operator, Setting, Station
from station.core.operators import REKEY_DUE, OperatorService, _check_new
from station.core.recovery import (
    RECOVERY_NAME,
    load_recovery_copy,
    recovery_bytes,
    save_recovery_copy,
)
from station.core.roles import Action, Role, require
from station.core.session import Session
from station.core.station_lock import LOCK_NAME, StationLock

if TYPE_CHECKING:
    from station.core.hub_link import HubLink

PENDING_KEYFILE_NAME = KEYFILE_NAME + ".next"
#: The lockout file's serial number last seen at a login (a smaller one means it was reset).
LOCKOUT_SERIAL = "lockout.serial"
#: HPKE info for the recovery signer sealed to the hub.
RECOVERY_SIGNER_INFO = b"jiujin/recovery-signer/v1"

log = logging.getLogger("jiujin.station.store")


class StationStore:
    """One station's data folder."""

    def __init__(self, data_dir: Path, clock: Clock = system_clock) -> None:
        self.data_dir = Path(data_dir)
        self.database_path = self.data_dir / DATABASE_NAME
        self.keyfile_path = self.data_dir / KEYFILE_NAME
        if not self.database_path.exists() or not (self.data_dir / "station.toml").exists():
            raise StoreNotInitialised(str(self.data_dir))
        self.config: StationConfig = load_config(self.data_dir)
        self.clock = zoned_clock(self.config.zone) if clock is system_clock else clock
        clock = self.clock
        self.lockout = LockoutBook(self.data_dir / LOCKOUT_NAME)
        self.lock = StationLock(self.data_dir / LOCK_NAME)
        self.recovery_path = self.data_dir / RECOVERY_NAME
        self.db: SqlCipherDatabase | None = None
        self._db_key = b""
        self._opening = threading.Lock()
        self.applications = ApplicationService(clock, self.config.code)
        self.applications.accepting_guard = self._check_accepting
        self.operators = OperatorService(clock, self.keyfile_path, self.lockout, self.config.code,
                                         self._current_key, self._rekey_after_removal)
        # Sync on this store, from any thread: one round at a time (a sync operator's push and
        # the background round never interleave), and one batch sealed at a time.
        self.sync_round = threading.RLock()
        self.seal_lock = threading.Lock()
        from station.core.services import use_installed_catalog

        use_installed_catalog(self.data_dir)

    @cached_property
    def hub(self) -> HubLink:
        """The station's one link to the city hub (keys, credential, client), made on first use;
        tests put their own (`store.hub = HubLink(store, client_factory)`)."""
        from station.core.hub_link import HubLink

        return HubLink(self)

    def _check_accepting(self) -> None:
        """The offline policy's limits (station.core.offline_policy): refuse new applications past them."""
        from station.core.offline_policy import check_accepting

        check_accepting(self.clock)

    # -- creation -----------------------------------------------------------------

    @classmethod
    def initialise(cls, data_dir: Path, config: StationConfig, admin_name: str,
                   admin_display_name: str, admin_password: str,
                   recovery_public_key: bytes | None = None,
                   clock: Clock = system_clock) -> StationStore:
        """Create a station: folder, config, key file, database, first admin."""
        _create(Path(data_dir), config, admin_name, admin_display_name, admin_password, recovery_public_key, clock)
        return cls(data_dir, clock)

    @classmethod
    def initialise_as_admin(cls, data_dir: Path, config: StationConfig, admin_name: str,
                            admin_display_name: str, admin_password: str,
                            clock: Clock = system_clock) -> tuple[StationStore, Session]:
        """Create a station and open it as its first admin: the admin's session comes from the
        key just made, so the password is not derived a second time to log in (the demo, which
        goes on to add its operators, spends Argon2id only where a slot needs it)."""
        db_key, admin_signer = _create(Path(data_dir), config, admin_name, admin_display_name, admin_password,
                                       None, clock)
        store = cls(data_dir, clock)
        with store.lock.shared(wait=True, adopt=True):
            store._open_database(db_key)
            session = store._start_session(admin_name, db_key, admin_signer)
        return store, session

    # -- unlocking ------------------------------------------------------------------

    def login(self, name: str, password: str) -> Session:
        """Unlock the store as `name`. Unknown names and wrong passwords cost the same.

        A login waits for a re-key under way in another program, then uses the new key; a
        re-key due after a revocation follows, unless other programs are busy (then the next
        login does it)."""
        with self.lock.shared(wait=True, adopt=True):
            session = self._login(name, password)
        if Setting.get_or_none(Setting.key == REKEY_DUE) is not None:
            self._rekey_unless_busy(session)
        return session

    def _login(self, name: str, password: str) -> Session:
        now = self.clock()
        loaded = load_keyfile(self.keyfile_path)
        until = self.lockout.begin_attempt(name, now)
        if until is not None:
            raise OperatorLocked(until)
        slot = loaded.keys.slots.get(name)
        try:
            if slot is None:
                spend_decoy_work(password)
                raise LoginFailed()
            opened = unlock_slot(slot, password)
        except LoginFailed:
            locked = self.lockout.record_failure(name, now)
            if locked is not None:
                raise OperatorLocked(locked) from None
            raise
        loaded, opened = self._open_with(loaded, opened, name, password)
        session = self._start_session(name, opened.db_key, opened.signing_key)
        if session.role == Role.ADMIN and signatures.pinned_roots() is None:
            self._enable_signatures(session, password)
        return session

    def recover(self, hub_private_key: X25519PrivateKey, admin_name: str,
                new_password: str, recovery_file: Path | None = None) -> Session:
        """Open the store with the hub's recovery key and give `admin_name` a new password.

        The recovery slot is taken from the key file, `station.recovery` or `recovery_file`
        (the copy in a USB export), whichever opens the database: a deleted, truncated or
        edited key file is set aside and replaced by one holding the admin's new slot; the
        other operators then need a new password from the admin."""
        _check_new(admin_name, "-", new_password)
        with self.lock.shared(wait=True, adopt=True):
            return self._recover(hub_private_key, admin_name, new_password, recovery_file)

    def _recover(self, hub_private_key: X25519PrivateKey, admin_name: str, new_password: str,
                 recovery_file: Path | None) -> Session:
        loaded = _keyfile_or_none(self.keyfile_path)
        recovery, db_key = self._open_recovery(hub_private_key, loaded, recovery_file)
        operator = Operator.get_or_none(Operator.name == admin_name)
        if operator is None or operator.role != Role.ADMIN or operator.status != "active":
            raise ValidationFailed({"operator": "须指定一名在职管理员 / name an active admin"})
        keys = _verified_keys(loaded, db_key)
        if keys is None:
            keys = KeyFile(self.config.code, {}, recovery)
            if self.keyfile_path.exists() or self.keyfile_path.is_symlink():
                os.replace(self.keyfile_path, self.data_dir / f"{KEYFILE_NAME}.damaged")
        signer = Ed25519PrivateKey.generate()
        slot = create_slot(admin_name, new_password, db_key, signing_key=signer)
        recovery_signer = None
        if recovery.sealed_signer:
            raw = open_sealed_bytes(recovery.sealed_signer, hub_private_key, RECOVERY_SIGNER_INFO)
            recovery_signer = Ed25519PrivateKey.from_private_bytes(raw)
        with write_transaction():
            operator.public_key, operator.signing_key = slot.public_key, slot.signing_public_key
            if recovery_signer is not None:
                signatures.sign_row(self.config.code, operator, recovery_signer)
            operator.save()
            audit.append(self.clock(), admin_name, "db.recovered", self.config.code,
                         {"keyfile_replaced": not keys.slots, "slots_lost": _slotless_operators(keys, admin_name)})
        keys.with_slot(slot).save(self.keyfile_path, db_key)
        save_recovery_copy(self.recovery_path, self.config.code, recovery)
        self.lockout.clear(admin_name)
        return self._start_session(admin_name, db_key, signer)

    @classmethod
    def for_recovery(cls, data_dir: Path, hub_private_key: X25519PrivateKey,
                     recovery_file: Path | None = None, clock: Clock = system_clock) -> StationStore:
        """The store of `data_dir` for `recover`; when only the database and a recovery copy
        survive (the PC is gone), `station.toml` is rebuilt from the station's own row."""
        data_dir = Path(data_dir)
        if (data_dir / "station.toml").exists() or not (data_dir / DATABASE_NAME).exists():
            return cls(data_dir, clock)
        copy = recovery_file or data_dir / RECOVERY_NAME
        code, slot = load_recovery_copy(copy)
        db = open_database(data_dir / DATABASE_NAME, open_sealed(slot.sealed_db_key, hub_private_key))
        try:
            row = Station.get()
            config = StationConfig(code=row.code, name=row.name, point_type=row.point_type, district=row.district)
        finally:
            db.close()
        if config.code != code:
            raise KeyFileError("恢复文件属于另一个站点", "the recovery file belongs to another station")
        try:
            config.save(data_dir)
        except OSError as exc:
            raise storage_error(exc) from None
        return cls(data_dir, clock)

    def _open_recovery(self, hub_private_key: X25519PrivateKey, loaded: LoadedKeyFile | None,
                       recovery_file: Path | None) -> tuple[RecoverySlot, bytes]:
        """The first recovery slot that the hub key opens and that opens the database."""
        candidates = [loaded.keys.recovery] if loaded is not None and loaded.keys.recovery else []
        for path in (recovery_file, self.recovery_path):
            if path is not None and Path(path).exists():
                code, slot = load_recovery_copy(Path(path))
                if code == self.config.code:
                    candidates.append(slot)
        if not candidates:
            raise KeyFileError("此站点没有可用的恢复密钥槽：请用 --recovery-file 指定最近一次导出中的 station.recovery",
                               "no usable recovery slot: pass --recovery-file with station.recovery "
                               "from the latest USB export")
        opened_any = False
        for slot in candidates:
            try:
                db_key = open_sealed(slot.sealed_db_key, hub_private_key)
            except LoginFailed:
                continue
            opened_any = True
            try:
                self._open_database(db_key)
            except StoreCorrupt:
                continue  # a copy from before a re-key
            return slot, db_key
        if not opened_any:
            raise LoginFailed()
        raise StoreCorrupt("恢复密钥打不开此数据库（恢复文件早于最近一次更换密钥？）",
                           "the recovery slot does not open this database (older than the last re-key?)")

    def _open_with(self, loaded: LoadedKeyFile, opened: OpenedSlot, name: str,
                   password: str) -> tuple[LoadedKeyFile, OpenedSlot]:
        """Open the database; fall back to a key file left pending by an interrupted re-key."""
        try:
            loaded.verify(opened.db_key)
            self._open_database(opened.db_key)
            return loaded, opened
        except StoreCorrupt:
            pending = self.data_dir / PENDING_KEYFILE_NAME
            if not pending.exists():
                raise
            next_loaded = load_keyfile(pending)
            next_opened = unlock_slot(next_loaded.keys.slots[name], password)
            next_loaded.verify(next_opened.db_key)
            self._open_database(next_opened.db_key)
            self._promote_pending_keyfile()
            return next_loaded, next_opened

    def _open_database(self, db_key: bytes) -> None:
        """Open the database with `db_key` once for every thread of this program. A login on
        another thread (a UI worker, the demo hub's enrolment) keeps the one already open, on
        which each thread connects at its first statement: opening it again would swap it under
        a transaction under way on a third thread (the background sync), whose next statement
        would run on a fresh connection outside it."""
        with self._opening:
            if self.db is not None:
                if db_key == self._db_key:
                    return
                self.db.close()  # opened before another program re-keyed: open with the new key
            self.db = open_database(self.database_path, db_key, self.lock)
            self._db_key = db_key
            try:
                migrations.migrate(self.db)
            except (OperationalError, sqlite3.OperationalError) as exc:
                raise storage_failure(exc) from None

    def _start_session(self, name: str, db_key: bytes,
                       signing_key: Ed25519PrivateKey | None = None) -> Session:
        operator = Operator.get_or_none(Operator.name == name)
        if operator is None:
            raise LoginFailed()
        if operator.status != "active":
            raise OperatorDisabled()
        now = self.clock()
        trusted = self._row_trusted(operator)
        with write_transaction():  # a full disk here is StorageFull, not a raw SQLite error
            self._mirror_lockout(now)
            if not trusted:
                audit.append(now, name, "operator.signature_refused", name, {"role": str(operator.role)})
            else:
                audit.append(now, name, "operator.login", name)
        if not trusted:
            raise OperatorUntrusted()
        self.lockout.clear(name)
        if bytes(operator.signing_key or b"") != (
                signing_key.public_key().public_bytes_raw() if signing_key else b""):
            signing_key = None  # a key the row does not name signs nothing
        return Session(operator.id, operator.name, operator.display_name, Role(operator.role), db_key,
                       signing_key=signing_key)

    def _mirror_lockout(self, now: datetime) -> None:
        """Copy pending failures into the audit chain and each operator's failure count (which
        only an unlock clears); report a lockout file deleted or rolled back since last time."""
        stored = Setting.get_or_none(Setting.key == LOCKOUT_SERIAL)
        serial = self.lockout.serial()
        if stored is not None and serial < int(stored.value):
            audit.append(now, "-", "lockout.file_reset", LOCKOUT_NAME, {"expected": int(stored.value), "found": serial})
        for event in self.lockout.take_pending():
            audit.append(event.at, event.operator, event.action, event.operator)
            if event.action == "login_failed":
                Operator.update(failure_count=Operator.failure_count + 1).where(
                    Operator.name == event.operator).execute()
        Setting.replace(key=LOCKOUT_SERIAL, value=str(self.lockout.serial())).execute()

    def _row_trusted(self, operator: Operator) -> bool:
        """Whether the row verifies under the pinned roots (every row does before they exist)."""
        roots = signatures.pinned_roots()
        if roots is None:
            return True
        return signatures.row_verifies(self.config.code, operator,
                                       signatures.trusted_signers(self.config.code, roots))

    def _enable_signatures(self, session: Session, password: str) -> None:
        """A station made before signed rows: its first admin to log in becomes the root and
        vouches for every row as it stands (an upgrade step, audited)."""
        keys = load_keyfile(self.keyfile_path).keys
        signer = Ed25519PrivateKey.generate()
        slot = create_slot(session.operator_name, password, self._db_key, signing_key=signer)
        recovery = keys.recovery
        if recovery is not None and not recovery.sealed_signer:
            recovery = new_recovery_slot(recovery.public_key, self._db_key)
        roots = [slot.signing_public_key.hex()] + ([recovery.signer_public_key.hex()] if recovery else [])
        with write_transaction():
            Operator.update(signing_key=slot.signing_public_key).where(Operator.id == session.operator_id).execute()
            for row in Operator.select():
                signatures.sign_row(self.config.code, row, signer)
                row.save()
            audit.append(self.clock(), session.operator_name, "operators.signing_enabled", self.config.code,
                         {"roots": roots})
            from dataclasses import replace

            replace(keys.with_slot(slot), recovery=recovery).save(self.keyfile_path, self._db_key)
        if recovery is not None:
            save_recovery_copy(self.recovery_path, self.config.code, recovery)
        session.signing_key = signer

    def _current_key(self, session: Session) -> bytes:
        return self._db_key or session.db_key

    # -- maintenance --------------------------------------------------------------

    @property
    def database(self) -> SqlCipherDatabase:
        if self.db is None:
            raise LoginFailed()
        return self.db

    def check(self, session: Session) -> list[str]:
        """SQLite and SQLCipher integrity checks; ['ok'] when sound."""
        require(session, Action.DB_CHECK)
        return integrity_check(self.database)

    def rekey(self, session: Session) -> None:
        """Give the database a new key and reseal it to every slot (supervisor or admin).

        The new key file is written beside the old one first, so a crash between the
        re-key and the rename still leaves a key that opens the database.
        """
        require(session, Action.DB_REKEY)
        self._rekey(session, "db.rekeyed")

    def _rekey_after_removal(self, session: Session) -> None:
        """Re-key right after someone is disabled, so a copy of the old key file opens nothing."""
        self._rekey_unless_busy(session)

    def _rekey_unless_busy(self, session: Session) -> None:
        """The re-key after a removal; while other programs are busy it stays due (the setting
        REKEY_DUE) and the next login does it."""
        try:
            self._rekey(session, "db.rekeyed_after_revocation")
        except (StationBusy, StationInUse):
            log.warning("re-key after a removal postponed to the next login: the station is busy")

    def _rekey(self, session: Session, action: str) -> None:
        """Re-key under the station-wide lock held alone: other programs' transactions end
        first, and each of them is told to close and reopen at its next use of the store."""
        with self.lock.exclusive():
            self._rekey_held(session, action)

    def _rekey_held(self, session: Session, action: str) -> None:
        keys = load_keyfile(self.keyfile_path).keys
        new_key = new_database_key()
        slots = {name: reseal_slot(slot, new_key) for name, slot in keys.slots.items()}
        recovery = None
        if keys.recovery is not None:
            from dataclasses import replace

            recovery = replace(keys.recovery, sealed_db_key=seal_to(keys.recovery.public_key, new_key))
        pending = self.data_dir / PENDING_KEYFILE_NAME
        KeyFile(keys.station_code, slots, recovery).save(pending, new_key)
        with write_transaction():
            Setting.delete().where(Setting.key == REKEY_DUE).execute()
            audit.append(self.clock(), session.operator_name, action, self.config.code)
        self.database.rekey(f"x'{new_key.hex()}'")
        # The file's pages under the old key give way to the log's under the new one.
        self.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        session.db_key = new_key
        self._db_key = new_key
        self._promote_pending_keyfile()
        if recovery is not None:
            save_recovery_copy(self.recovery_path, self.config.code, recovery)

    def recovery_document(self) -> dict[str, Any] | None:
        """The current recovery copy as a document (sent to the hub at enrolment and each sync
        round): from the key file, or `station.recovery` when the key file cannot be read."""
        loaded = _keyfile_or_none(self.keyfile_path)
        if loaded is not None and loaded.keys.recovery is not None:
            return dict(json.loads(recovery_bytes(self.config.code, loaded.keys.recovery)))
        try:
            code, slot = load_recovery_copy(self.recovery_path)
        except KeyFileError:
            return None
        return dict(json.loads(recovery_bytes(code, slot))) if code == self.config.code else None

    def write_recovery_copy(self, folder: Path) -> bool:
        """Put the current recovery copy (`station.recovery`) into `folder` (a USB export);
        False when this station has no recovery slot."""
        recovery = load_keyfile(self.keyfile_path).keys.recovery
        if recovery is None:
            return False
        save_recovery_copy(Path(folder) / RECOVERY_NAME, self.config.code, recovery)
        return True

    def _promote_pending_keyfile(self) -> None:
        """Make the re-key's key file the current one."""
        os.replace(self.data_dir / PENDING_KEYFILE_NAME, self.keyfile_path)

    def signing_key(self) -> Ed25519PrivateKey:
        """The station's Ed25519 key (receipt QR codes, sealed batches)."""
        return Ed25519PrivateKey.from_private_bytes(Station.get().signing_key)

    def close(self) -> None:
        """Close the database; the key leaves memory with the sessions."""
        if self.db is not None:
            self.db.close()
            self.db = None
        self._db_key = b""
        self.lock.close()


def _create(data_dir: Path, config: StationConfig, admin_name: str, admin_display_name: str,
            admin_password: str, recovery_public_key: bytes | None,
            clock: Clock) -> tuple[bytes, Ed25519PrivateKey]:
    """The station's folder, config, key file, database and first admin; the new database key
    and the admin's signing key."""
    _check_new(admin_name, admin_display_name, admin_password)
    if (data_dir / DATABASE_NAME).exists():
        raise ValidationFailed({"data_dir": f"{data_dir} 已有站点 / already holds a station"})
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        config.save(data_dir)
    except OSError as exc:
        translated = storage_error(exc)
        if translated is exc:
            zh, en = write_failure_reason(exc)
            translated = StoreError(f"无法创建数据目录 {data_dir}：{zh}", f"cannot create the data folder {data_dir}: {en}")
        raise translated from None
    db_key = new_database_key()
    admin_signer = Ed25519PrivateKey.generate()
    slot = create_slot(admin_name, admin_password, db_key, signing_key=admin_signer)
    recovery = None if recovery_public_key is None else new_recovery_slot(recovery_public_key, db_key)
    roots = [slot.signing_public_key.hex()] + ([recovery.signer_public_key.hex()] if recovery else [])
    (data_dir / DATABASE_NAME).touch(mode=0o600)  # SQLite gives -wal and -shm the same mode
    db = open_database(data_dir / DATABASE_NAME, db_key)
    try:
        migrations.migrate(db)
        now = clock()
        with db.atomic():
            Station.create(code=config.code, name=config.name, point_type=config.point_type,
                           district=config.district, created_at=now.isoformat(),
                           signing_key=Ed25519PrivateKey.generate().private_bytes_raw())
            admin = Operator(name=admin_name, display_name=admin_display_name, role=Role.ADMIN,
                             public_key=slot.public_key, created_at=now.isoformat(),
                             updated_at=now.isoformat(), signing_key=slot.signing_public_key)
            signatures.sign_row(config.code, admin, admin_signer)
            admin.save(force_insert=True)
            audit.append(now, admin_name, "station.initialised", config.code,
                         {"recovery_slot": recovery is not None, "roots": roots})
        KeyFile(config.code, {admin_name: slot}, recovery).save(data_dir / KEYFILE_NAME, db_key)
        if recovery is not None:
            save_recovery_copy(data_dir / RECOVERY_NAME, config.code, recovery)
    finally:
        db.close()
    return db_key, admin_signer


def new_recovery_slot(hub_public_key: bytes, db_key: bytes) -> RecoverySlot:
    """The database key and a fresh recovery signer, both sealed to the hub's key."""
    signer = Ed25519PrivateKey.generate()
    return RecoverySlot(hub_public_key, seal_to(hub_public_key, db_key),
                        signer.public_key().public_bytes_raw(),
                        seal_bytes_to(hub_public_key, signer.private_bytes_raw(), RECOVERY_SIGNER_INFO))


def _keyfile_or_none(path: Path) -> LoadedKeyFile | None:
    try:
        return load_keyfile(path)
    except KeyFileError:
        return None


def _verified_keys(loaded: LoadedKeyFile | None, db_key: bytes) -> KeyFile | None:
    if loaded is None:
        return None
    try:
        loaded.verify(db_key)
    except KeyFileError:
        return None
    return loaded.keys


def _slotless_operators(keys: KeyFile, admin_name: str) -> list[str]:
    """Active operators other than the recovering admin who have no slot (need a new password)."""
    return [str(o.name) for o in Operator.select().where(Operator.status == "active")
            if o.name != admin_name and o.name not in keys.slots]

