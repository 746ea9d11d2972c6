"""Attacks on the key slots and operator records, each reproduced on real SQLCipher files:
a lost or damaged key file, a lost PC, a clerk promoting themselves, an old key file kept
after someone was disabled, the last admin revoked, and a key file that stalls login."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from station.core import signatures
from station.core.config import StationConfig
from station.core.errors import (
    KeyFileError,
    LoginFailed,
    OperatorUntrusted,
    StoreCorrupt,
    ValidationFailed,
)
from station.core.keyfile import load_keyfile
from station.core.models import AuditEvent, Operator
from station.core.recovery import RECOVERY_NAME
from station.core.roles import Role
from station.core.store import StationStore
from tests.conftest import PASSWORDS, FakeClock

CONFIG = StationConfig(code="RK0001", name="恢复测试站", point_type="village", district="330127")


@pytest.fixture
def hub_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


@pytest.fixture
def recoverable(tmp_path: Path, hub_key: X25519PrivateKey, clock: FakeClock) -> Path:
    """A station with a recovery slot, an admin and a clerk."""
    folder = tmp_path / "station"
    store = StationStore.initialise(folder, CONFIG, "admin", "管理员", "admin-pass-1",
                                    recovery_public_key=hub_key.public_key().public_bytes_raw(), clock=clock)
    admin = store.login("admin", "admin-pass-1")
    store.operators.add(admin, "wang", "王小红", Role.OPERATOR, "wang-pass-1")
    store.close()
    return folder


def _damage(keyfile: Path, how: str) -> None:
    if how == "deleted":
        keyfile.unlink()
    elif how == "truncated":
        keyfile.write_bytes(keyfile.read_bytes()[:200])
    else:
        data = bytearray(keyfile.read_bytes())
        data[len(data) // 2] ^= 0x01
        keyfile.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["deleted", "truncated", "bit-flipped"])
def test_recovery_works_when_the_key_file_is_gone_or_damaged(
        recoverable: Path, hub_key: X25519PrivateKey, clock: FakeClock, how: str) -> None:
    _damage(recoverable / "station.keys", how)
    store = StationStore.for_recovery(recoverable, hub_key, clock=clock)
    session = store.recover(hub_key, "admin", "new-admin-pass")
    assert session.role == Role.ADMIN
    assert set(load_keyfile(store.keyfile_path).keys.slots) == {"admin"}
    with pytest.raises(LoginFailed):  # wang's slot went with the key file: a new password from the admin
        store.login("wang", "wang-pass-1")
    store.operators.reset_password(session, "wang", "wang-new-pass")
    assert store.login("wang", "wang-new-pass").role == Role.OPERATOR
    store.close()
    again = StationStore(recoverable, clock)
    assert again.login("admin", "new-admin-pass").role == Role.ADMIN
    again.close()


def test_the_pc_is_gone_and_the_last_export_restores_the_station(
        recoverable: Path, hub_key: X25519PrivateKey, tmp_path: Path, clock: FakeClock) -> None:
    from station.core.sync_service import SyncService
    from sync.hubkeys import HubPublicKeys

    store = StationStore(recoverable, clock)
    admin = store.login("admin", "admin-pass-1")
    hub_signing = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    store.hub.configure(admin, HubPublicKeys(hub_key.public_key().public_bytes_raw(), hub_signing))
    store.operators.add(admin, "zhao", "赵同步", Role.SYNC_OPERATOR, "zhao-pass-1")
    usb = tmp_path / "usb"
    SyncService(store).export(store.login("zhao", "zhao-pass-1"), usb)
    store.close()
    exported = usb / "jiujin-sync" / CONFIG.code / RECOVERY_NAME
    assert exported.exists()

    fresh = tmp_path / "new-pc"
    fresh.mkdir()
    shutil.copy(recoverable / "station.db", fresh / "station.db")  # the database backup, nothing else
    restored = StationStore.for_recovery(fresh, hub_key, exported, clock)
    session = restored.recover(hub_key, "admin", "new-admin-pass", exported)
    assert restored.config.code == CONFIG.code
    assert {o.name for o in restored.operators.list(session)} == {"admin", "wang", "zhao"}
    assert (fresh / RECOVERY_NAME).exists() and (fresh / "station.keys").exists()
    restored.close()


def test_a_recovery_copy_from_before_a_rekey_is_not_enough_but_the_current_one_is(
        recoverable: Path, hub_key: X25519PrivateKey, tmp_path: Path, clock: FakeClock) -> None:
    old_copy = tmp_path / "old.recovery"
    shutil.copy(recoverable / RECOVERY_NAME, old_copy)
    store = StationStore(recoverable, clock)
    store.rekey(store.login("admin", "admin-pass-1"))
    store.close()
    (recoverable / "station.keys").unlink()
    (recoverable / RECOVERY_NAME).unlink()
    with pytest.raises(StoreCorrupt):
        StationStore(recoverable, clock).recover(hub_key, "admin", "new-admin-pass", old_copy)


def test_a_clerk_who_sets_their_own_role_to_admin_is_refused_and_audited(store: StationStore) -> None:
    wang = store.login("wang", PASSWORDS["wang"])  # a clerk's own slot yields the database key
    assert wang.role == Role.OPERATOR
    Operator.update(role="admin").where(Operator.name == "wang").execute()
    with pytest.raises(OperatorUntrusted) as refused:
        store.login("wang", PASSWORDS["wang"])
    assert "签名" in refused.value.message_zh and "signed" in refused.value.message_en
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    assert (last.action, last.subject) == ("operator.signature_refused", "wang")


def test_a_clerk_who_signs_their_own_promotion_is_still_refused(store: StationStore) -> None:
    store.login("wang", PASSWORDS["wang"])
    forged = Ed25519PrivateKey.generate()
    row = Operator.get(Operator.name == "wang")
    row.role, row.signing_key = "admin", forged.public_key().public_bytes_raw()
    signatures.sign_row("TS0001", row, forged)
    row.save()
    with pytest.raises(OperatorUntrusted):
        store.login("wang", PASSWORDS["wang"])


def test_a_second_admin_added_by_the_first_signs_and_survives_the_first_being_disabled(
        store: StationStore) -> None:
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.add(admin, "chen", "陈二", Role.ADMIN, "chen-pass-1")
    chen = store.login("chen", "chen-pass-1")
    store.operators.add(chen, "sun", "孙新", Role.OPERATOR, "sun-pass-1")
    store.operators.disable(chen, "admin")
    assert store.login("sun", "sun-pass-1").role == Role.OPERATOR
    assert store.login("wang", PASSWORDS["wang"]).role == Role.OPERATOR  # signed by admin, re-signed by chen
    assert store.operators.untrusted(store.login("chen", "chen-pass-1")) == []


def test_an_old_key_file_copy_no_longer_opens_the_database_after_someone_is_disabled(
        station_dir: Path, clock: FakeClock) -> None:
    old_keyfile = (station_dir / "station.keys").read_bytes()
    store = StationStore(station_dir, clock)
    store.operators.disable(store.login("admin", PASSWORDS["admin"]), "zhao")
    store.close()
    (station_dir / "station.keys").write_bytes(old_keyfile)  # zhao kept a copy
    with pytest.raises((StoreCorrupt, KeyFileError)):
        StationStore(station_dir, clock).login("zhao", PASSWORDS["zhao"])


def test_a_revocation_re_keys_at_the_next_login(store: StationStore, station_dir: Path) -> None:
    old_keyfile = (station_dir / "station.keys").read_bytes()
    admin = store.login("admin", PASSWORDS["admin"])
    from station.core.sync_service import sync_agent

    store.operators.revoke(sync_agent(admin), ["zhao"])
    before = admin.db_key
    wang = store.login("wang", PASSWORDS["wang"])
    assert wang.db_key != before
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action.startswith("db.rekeyed"))] == [
        "db.rekeyed_after_revocation"]
    store.close()
    (station_dir / "station.keys").write_bytes(old_keyfile)
    with pytest.raises((StoreCorrupt, KeyFileError)):
        StationStore(station_dir).login("zhao", PASSWORDS["zhao"])


def test_no_revocation_disables_the_last_active_admin(store: StationStore) -> None:
    from station.core.sync_service import sync_agent

    admin = store.login("admin", PASSWORDS["admin"])
    assert store.operators.revoke(sync_agent(admin), ["admin", "wang"]) == ["wang"]
    assert Operator.get(Operator.name == "admin").status == "active"
    assert AuditEvent.select().where(AuditEvent.action == "operator.revocation_skipped").count() == 1
    assert store.login("admin", PASSWORDS["admin"]).role == Role.ADMIN


def test_no_operation_disables_the_last_active_admin(store: StationStore) -> None:
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.add(admin, "chen", "陈二", Role.ADMIN, "chen-pass-1")
    chen = store.login("chen", "chen-pass-1")
    store.operators.disable(admin, "chen")
    with pytest.raises(ValidationFailed) as refused:  # chen's session outlived chen's admin role
        store.operators.disable(chen, "admin")
    assert "last active admin" in refused.value.errors["name"]
    assert Operator.get(Operator.name == "admin").status == "active"


def test_a_key_file_with_huge_argon2_parameters_is_refused_before_any_work(station_dir: Path) -> None:
    keyfile = station_dir / "station.keys"
    document = json.loads(keyfile.read_text())
    for slot in document["slots"]:
        slot["kdf"]["memory_kib"], slot["kdf"]["iterations"] = 1024 * 1024, 64
    keyfile.write_text(json.dumps(document))
    started = time.monotonic()
    with pytest.raises(KeyFileError):
        StationStore(station_dir).login("wang", PASSWORDS["wang"])
    assert time.monotonic() - started < 5  # 1 GiB and 64 passes took 107 s before


def test_a_damaged_audit_head_still_lets_people_log_in_and_is_reported(store: StationStore) -> None:
    from station.core.audit import verify
    from station.core.models import Setting

    store.login("admin", PASSWORDS["admin"])
    Setting.update(value="garbage").where(Setting.key == "audit_head").execute()
    report = verify()
    assert not report.ok and "head" in report.reason_en
    assert store.login("wang", PASSWORDS["wang"]).operator_name == "wang"  # it used to crash here
    assert AuditEvent.select().where(AuditEvent.action == "audit.head_damaged").count() == 1
