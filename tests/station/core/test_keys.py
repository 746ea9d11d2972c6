"""Key slots: add and remove operators, re-key, recover with the hub's key, and a damaged
key file reported clearly without losing data."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from station.core.config import StationConfig
from station.core.errors import KeyFileError, LoginFailed, StoreCorrupt
from station.core.keyfile import load_keyfile
from station.core.roles import Role
from station.core.store import StationStore
from tests.conftest import PASSWORDS, FakeClock
from tests.station.core.helpers import draft


def test_admin_adds_an_operator_who_can_then_log_in(store: StationStore) -> None:
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.add(admin, "zhou", "周新人", Role.OPERATOR, "zhou-pass-1")
    assert store.login("zhou", "zhou-pass-1").role == Role.OPERATOR
    assert "zhou" in load_keyfile(store.keyfile_path).keys.slots


def test_disabling_removes_the_slot(store: StationStore) -> None:
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.disable(admin, "zhao")
    assert "zhao" not in load_keyfile(store.keyfile_path).keys.slots


def test_password_change_and_admin_reset(store: StationStore) -> None:
    wang = store.login("wang", PASSWORDS["wang"])
    store.operators.change_password(wang, PASSWORDS["wang"], "new-wang-pass")
    with pytest.raises(LoginFailed):
        store.login("wang", PASSWORDS["wang"])
    admin = store.login("admin", PASSWORDS["admin"])
    store.operators.reset_password(admin, "wang", "reset-wang-pass")
    assert store.login("wang", "reset-wang-pass").operator_name == "wang"


def test_rekey_keeps_every_operator_and_retires_the_old_key(station_dir: Path, clock: FakeClock) -> None:
    store = StationStore(station_dir, clock)
    supervisor = store.login("li", PASSWORDS["li"])
    old_key = supervisor.db_key
    wang = store.login("wang", PASSWORDS["wang"])
    app = store.applications.create_draft(wang, draft())
    store.rekey(supervisor)
    store.close()
    assert supervisor.db_key != old_key
    reopened = StationStore(station_dir, clock)
    for name in ("wang", "li", "zhao", "admin"):
        assert reopened.login(name, PASSWORDS[name]).operator_name == name
    assert reopened.applications.get(reopened.login("wang", PASSWORDS["wang"]), app.id).applicant_name == "张三"
    reopened.close()
    from station.core.db import open_database

    with pytest.raises(StoreCorrupt):
        open_database(station_dir / "station.db", old_key)


def test_recovery_with_the_hub_key_when_every_password_is_lost(tmp_path: Path) -> None:
    hub_key = X25519PrivateKey.generate()
    config = StationConfig(code="RC0001", name="恢复测试", point_type="village", district="330127")
    store = StationStore.initialise(tmp_path / "s", config, "admin", "管理员", "lost-password",
                                    recovery_public_key=hub_key.public_key().public_bytes_raw())
    store.close()
    reopened = StationStore(tmp_path / "s")
    session = reopened.recover(hub_key, "admin", "brand-new-pass")
    assert session.role == Role.ADMIN
    reopened.close()
    assert StationStore(tmp_path / "s").login("admin", "brand-new-pass").role == Role.ADMIN
    with pytest.raises(LoginFailed):
        StationStore(tmp_path / "s").recover(X25519PrivateKey.generate(), "admin", "x-password")


def test_truncated_key_file_is_reported_and_the_database_is_untouched(station_dir: Path) -> None:
    keyfile = station_dir / "station.keys"
    database_before = (station_dir / "station.db").read_bytes()
    original = keyfile.read_bytes()
    keyfile.write_bytes(original[: len(original) // 2])
    with pytest.raises(KeyFileError) as caught:
        StationStore(station_dir).login("wang", PASSWORDS["wang"])
    assert "密钥文件" in caught.value.message_zh and "key file" in caught.value.message_en
    assert (station_dir / "station.db").read_bytes() == database_before
    keyfile.write_bytes(original)
    assert StationStore(station_dir).login("wang", PASSWORDS["wang"]).operator_name == "wang"


def test_edited_key_file_fails_its_mac(station_dir: Path) -> None:
    keyfile = station_dir / "station.keys"
    text = keyfile.read_text()
    keyfile.write_text(text.replace('"TS0001"', '"TS0002"'))
    with pytest.raises(KeyFileError) as caught:
        StationStore(station_dir).login("wang", PASSWORDS["wang"])
    assert "修改" in caught.value.message_zh


def test_interrupted_rekey_still_opens_with_the_pending_key_file(
        station_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    store = StationStore(station_dir, clock)
    supervisor = store.login("li", PASSWORDS["li"])

    def power_cut(self: StationStore) -> None:
        raise SystemExit("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(StationStore, "_promote_pending_keyfile", power_cut)
        with pytest.raises(SystemExit):
            store.rekey(supervisor)
    store.close()
    assert (station_dir / "station.keys.next").exists()
    reopened = StationStore(station_dir, clock)
    assert reopened.login("wang", PASSWORDS["wang"]).operator_name == "wang"
    assert not (station_dir / "station.keys.next").exists()
    reopened.close()
