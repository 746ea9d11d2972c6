"""The command line, run as a real process against real SQLCipher files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.hubkeys import HubPublicKeys
from tests.e2e.cli import jiujin


@pytest.fixture
def station(tmp_path: Path) -> Path:
    folder = tmp_path / "cli-station"
    jiujin("init", "--data-dir", str(folder), "--station-code", "BJ0007", "--station-name", "滨江银行网点",
           "--point-type", "bank", "--district", "330108", "--admin", "boss",
           env={"JIUJIN_PASSWORD": "boss-pass-1"})
    return folder


def as_(name: str, password: str, **extra: str) -> dict[str, str]:
    return {"JIUJIN_OPERATOR": name, "JIUJIN_PASSWORD": password, **extra}


def test_init_operator_seed_list_audit_and_check(station: Path) -> None:
    admin = as_("boss", "boss-pass-1")
    jiujin("operator", "add", "clerk", "--role", "operator", "--display-name", "柜员小周",
           "--data-dir", str(station), env={**admin, "JIUJIN_NEW_PASSWORD": "clerk-pass-1"})
    listed = json.loads(jiujin("operator", "list", "--json", "--data-dir", str(station), env=admin).stdout)
    assert [(o["name"], o["role"]) for o in listed] == [("boss", "admin"), ("clerk", "operator")]
    clerk = as_("clerk", "clerk-pass-1")
    jiujin("seed", "--applications", "12", "--data-dir", str(station), env=clerk)
    rows = json.loads(jiujin("applications", "list", "--json", "--data-dir", str(station), env=clerk).stdout)
    assert len(rows) == 12
    assert all(r["status"] == "submitted" and r["receipt_number"].startswith("BJ0007-") for r in rows)
    assert all("*" in r["applicant_id_masked"] for r in rows)
    verified = json.loads(jiujin("audit", "verify", "--json", "--data-dir", str(station), env=admin).stdout)
    assert verified["ok"] and verified["events"] > 24
    assert jiujin("db", "check", "--data-dir", str(station), env=admin).stdout.split() == ["ok"]


def test_wrong_password_gives_a_clear_message_and_exit_1(station: Path) -> None:
    result = jiujin("applications", "list", "--data-dir", str(station), env=as_("boss", "wrong-pass"), check=False)
    assert result.returncode == 1
    assert "用户名或密码错误" in result.stderr and "Traceback" not in result.stderr
    english = jiujin("--lang", "en", "applications", "list", "--data-dir", str(station),
                     env=as_("boss", "wrong-pass"), check=False)
    assert "Wrong operator name or password" in english.stderr


def test_role_is_checked_on_the_command_line_too(station: Path) -> None:
    result = jiujin("operator", "list", "--data-dir", str(station), env=as_("boss", "boss-pass-1"))
    assert result.returncode == 0
    jiujin("operator", "add", "clerk", "--role", "operator", "--display-name", "柜员",
           "--data-dir", str(station), env={**as_("boss", "boss-pass-1"), "JIUJIN_NEW_PASSWORD": "clerk-pass-1"})
    denied = jiujin("operator", "add", "x2", "--role", "admin", "--display-name", "x", "--data-dir", str(station),
                    env={**as_("clerk", "clerk-pass-1"), "JIUJIN_NEW_PASSWORD": "xxxxxxxx1"}, check=False)
    assert denied.returncode == 1 and "无权" in denied.stderr


def test_rekey_then_recover_with_the_hub_key(tmp_path: Path) -> None:
    hub_private = X25519PrivateKey.generate()
    public = HubPublicKeys(hub_private.public_key().public_bytes_raw(), os.urandom(32))
    (tmp_path / "hub-public-keys.json").write_bytes(public.to_json())
    (tmp_path / "hub.key").write_bytes(hub_private.private_bytes_raw())
    folder = tmp_path / "s"
    out = jiujin("init", "--data-dir", str(folder), "--station-code", "CA0001", "--station-name", "淳安某村",
                 "--point-type", "village", "--district", "330127", "--admin", "boss",
                 "--hub-key", str(tmp_path / "hub-public-keys.json"), env={"JIUJIN_PASSWORD": "boss-pass-1"}).stdout
    assert public.fingerprint() in out
    jiujin("db", "rekey", "--data-dir", str(folder), env=as_("boss", "boss-pass-1"))
    jiujin("db", "recover", "--data-dir", str(folder), "--hub-private-key", str(tmp_path / "hub.key"),
           "--operator", "boss", env={"JIUJIN_NEW_PASSWORD": "after-recovery"})
    assert jiujin("db", "check", "--data-dir", str(folder), env=as_("boss", "after-recovery")).stdout.strip() == "ok"


def test_bad_init_options_name_the_key(tmp_path: Path) -> None:
    result = jiujin("init", "--data-dir", str(tmp_path / "x"), "--station-code", "bad code", "--station-name", "x",
                    "--point-type", "bank", "--district", "330108", "--admin", "boss",
                    env={"JIUJIN_PASSWORD": "boss-pass-1"}, check=False)
    assert result.returncode == 1 and "station.code" in result.stderr
