"""Station CLI security fixes, run as real processes: a plain-HTTP hub refused, a bad
password file and a bad hub key file reported in one line, and recovery from an export."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _jiujin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "station.cli", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "JIUJIN_PASSWORD": "admin-pass-1", **(env or {})}, timeout=120)


def _init(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _jiujin("init", "--data-dir", str(folder), "--station-code", "CL0001", "--station-name", "测试",
                   "--point-type", "village", "--district", "330127", "--admin", "admin", *extra)


def test_a_plain_http_hub_outside_loopback_is_refused_unless_allowed(tmp_path: Path) -> None:
    refused = _init(tmp_path / "a", "--hub-url", "http://hub.example.cn:8000")
    assert refused.returncode != 0 and "--allow-insecure-hub" in refused.stderr
    assert "Traceback" not in refused.stderr and not (tmp_path / "a" / "station.db").exists()
    allowed = _init(tmp_path / "b", "--hub-url", "http://hub.example.cn:8000", "--allow-insecure-hub")
    assert allowed.returncode == 0 and "warning" in allowed.stderr


def test_a_hub_key_that_is_not_a_key_file_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "key.json"
    bogus.write_text("not a key")
    result = _init(tmp_path / "s", "--hub-key", str(bogus))
    assert result.returncode != 0 and "Traceback" not in result.stderr and "hub public key" in result.stderr


def test_an_empty_or_non_utf8_password_file_is_one_line(tmp_path: Path) -> None:
    assert _init(tmp_path / "s").returncode == 0
    for content in (b"", b"\xff\xfe\xfa"):
        password_file = tmp_path / "pw"
        password_file.write_bytes(content)
        result = _jiujin("operator", "list", "--data-dir", str(tmp_path / "s"), "--operator", "admin",
                         "--password-file", str(password_file))
        assert result.returncode != 0 and "Traceback" not in result.stderr and "password file" in result.stderr


def test_a_key_file_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    assert _init(tmp_path / "s").returncode == 0
    (tmp_path / "s" / "station.keys").unlink()
    (tmp_path / "s" / "station.keys").mkdir()
    result = _jiujin("operator", "list", "--data-dir", str(tmp_path / "s"), "--operator", "admin")
    assert result.returncode == 1 and "Traceback" not in result.stderr and "station.keys" in result.stderr
