"""The station store: the data folder, its key file and encrypted database, and login.

`StationStore.initialise` creates a station; `StationStore(data_dir)` opens one, and
`login` unlocks it for an operator. The services (`applications`, `operators`) are
ready once the store is unlocked.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from peewee import OperationalError
from playhouse.sqlcipher_ext import SqlCipherDatabase

from station.core import audit, migrations
from station.core.applications import ApplicationService
from station.core.atomic import storage_error
from station.core.clock import Clock, system_clock
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
    StoreCorrupt,
    StoreNotInitialised,
    ValidationFailed,
)
from station.core.keyfile import KEYFILE_NAME, KeyFile, LoadedKeyFile, RecoverySlot, load_keyfile
from station.core.keys import (
    create_slot,
    new_database_key,
    open_sealed,
    open_slot,
    reseal_slot,
    seal_to,
    spend_decoy_work,
)
from station.core.lockout import LOCKOUT_NAME, LockoutBook
from station.core.models import Operator, Station
from station.core.operators import OperatorService, _check_new
from station.core.roles import Action, Role, require
from station.core.session import Session

if TYPE_CHECKING:
    from station.core.hub_link import HubLink

PENDING_KEYFILE_NAME = KEYFILE_NAME + ".next"


class StationStore:
    """One station's data folder."""

    def __init__(self, data_dir: Path, clock: Clock = system_clock) -> None:
        self.data_dir = Path(data_dir)
        self.database_path = self.data_dir / DATABASE_NAME
        self.keyfile_path = self.data_dir / KEYFILE_NAME
        if not self.database_path.exists() or not (self.data_dir / "station.toml").exists():
            raise StoreNotInitialised(str(self.data_dir))
        self.clock = clock
        self.config: StationConfig = load_config(self.data_dir)
        self.lockout = LockoutBook(self.data_dir / LOCKOUT_NAME)
        self.db: SqlCipherDatabase | None = None
        self.applications = ApplicationService(clock, self.config.code)
        self.applications.accepting_guard = self._check_accepting
        self.operators = OperatorService(clock, self.keyfile_path, self.lockout)
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
        data_dir = Path(data_dir)
        _check_new(admin_name, admin_display_name, admin_password)
        if (data_dir / DATABASE_NAME).exists():
            raise ValidationFailed({"data_dir": f"{data_dir} 已有站点 / already holds a station"})
        try:
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            config.save(data_dir)
        except OSError as exc:
            raise storage_error(exc) from None
        db_key = new_database_key()
        slot = create_slot(admin_name, admin_password, db_key)
        (data_dir / DATABASE_NAME).touch(mode=0o600)  # SQLite gives -wal and -shm the same mode
        db = open_database(data_dir / DATABASE_NAME, db_key)
        try:
            migrations.migrate(db)
            now = clock()
            with db.atomic():
                Station.create(code=config.code, name=config.name, point_type=config.point_type,
                               district=config.district, created_at=now.isoformat(),
                               signing_key=Ed25519PrivateKey.generate().private_bytes_raw())
                Operator.create(name=admin_name, display_name=admin_display_name, role=Role.ADMIN,
                                public_key=slot.public_key, created_at=now.isoformat(),
                                updated_at=now.isoformat())
                audit.append(now, admin_name, "station.initialised", config.code,
                             {"recovery_slot": recovery_public_key is not None})
            recovery = None
            if recovery_public_key is not None:
                recovery = RecoverySlot(recovery_public_key, seal_to(recovery_public_key, db_key))
            KeyFile(config.code, {admin_name: slot}, recovery).save(data_dir / KEYFILE_NAME, db_key)
        finally:
            db.close()
        return cls(data_dir, clock)

    # -- unlocking ------------------------------------------------------------------

    def login(self, name: str, password: str) -> Session:
        """Unlock the store as `name`. Unknown names and wrong passwords cost the same."""
        now = self.clock()
        until = self.lockout.locked_until(name, now)
        if until is not None:
            raise OperatorLocked(until)
        loaded = load_keyfile(self.keyfile_path)
        slot = loaded.keys.slots.get(name)
        try:
            if slot is None:
                spend_decoy_work(password)
                raise LoginFailed()
            db_key = open_slot(slot, password)
        except LoginFailed:
            locked = self.lockout.record_failure(name, now)
            if locked is not None:
                raise OperatorLocked(locked) from None
            raise
        loaded = self._open_with(loaded, db_key, name, password)
        return self._start_session(name, db_key)

    def recover(self, hub_private_key: X25519PrivateKey, admin_name: str,
                new_password: str) -> Session:
        """Open the store with the hub's recovery key and give `admin_name` a new password."""
        loaded = load_keyfile(self.keyfile_path)
        if loaded.keys.recovery is None:
            raise KeyFileError("此站点没有恢复密钥槽", "this station has no recovery slot")
        db_key = open_sealed(loaded.keys.recovery.sealed_db_key, hub_private_key)
        loaded.verify(db_key)
        self._open_database(db_key)
        operator = Operator.get_or_none(Operator.name == admin_name)
        if operator is None or operator.role != Role.ADMIN or operator.status != "active":
            raise ValidationFailed({"operator": "须指定一名在职管理员 / name an active admin"})
        slot = create_slot(admin_name, new_password, db_key)
        Operator.update(public_key=slot.public_key).where(Operator.id == operator.id).execute()
        loaded.keys.with_slot(slot).save(self.keyfile_path, db_key)
        self.lockout.clear(admin_name)
        audit.append(self.clock(), admin_name, "db.recovered", self.config.code)
        return self._start_session(admin_name, db_key)

    def _open_with(self, loaded: LoadedKeyFile, db_key: bytes, name: str,
                   password: str) -> LoadedKeyFile:
        """Open the database; fall back to a key file left pending by an interrupted re-key."""
        try:
            loaded.verify(db_key)
            self._open_database(db_key)
            return loaded
        except StoreCorrupt:
            pending = self.data_dir / PENDING_KEYFILE_NAME
            if not pending.exists():
                raise
            next_loaded = load_keyfile(pending)
            next_key = open_slot(next_loaded.keys.slots[name], password)
            next_loaded.verify(next_key)
            self._open_database(next_key)
            self._promote_pending_keyfile()
            return next_loaded

    def _open_database(self, db_key: bytes) -> None:
        if self.db is not None and not self.db.is_closed():
            return
        self.db = open_database(self.database_path, db_key)
        try:
            migrations.migrate(self.db)
        except (OperationalError, sqlite3.OperationalError) as exc:
            raise storage_failure(exc) from None

    def _start_session(self, name: str, db_key: bytes) -> Session:
        operator = Operator.get_or_none(Operator.name == name)
        if operator is None:
            raise LoginFailed()
        if operator.status != "active":
            raise OperatorDisabled()
        now = self.clock()
        with write_transaction():  # a full disk here is StorageFull, not a raw SQLite error
            for event in self.lockout.take_pending():
                audit.append(event.at, event.operator, event.action, event.operator)
            audit.append(now, name, "operator.login", name)
        self.lockout.clear(name)
        return Session(operator.id, operator.name, operator.display_name, Role(operator.role), db_key)

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
        keys = load_keyfile(self.keyfile_path).keys
        new_key = new_database_key()
        slots = {name: reseal_slot(slot, new_key) for name, slot in keys.slots.items()}
        recovery = None
        if keys.recovery is not None:
            recovery = RecoverySlot(keys.recovery.public_key, seal_to(keys.recovery.public_key, new_key))
        pending = self.data_dir / PENDING_KEYFILE_NAME
        KeyFile(keys.station_code, slots, recovery).save(pending, new_key)
        audit.append(self.clock(), session.operator_name, "db.rekeyed", self.config.code)
        self.database.rekey(f"x'{new_key.hex()}'")
        session.db_key = new_key
        self._promote_pending_keyfile()

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

