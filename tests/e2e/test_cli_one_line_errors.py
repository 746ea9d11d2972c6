"""Bad input to the real `jiujin` command gives one line on standard error, in Chinese by
default and in English with `--lang en`, a non-zero exit code and no traceback; nothing is
written: a date that is not a date, a station or an export aimed at a folder that cannot be
written or does not exist, a `forms check` file of the wrong JSON shape."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PASSWORDS
from tests.e2e.cli import jiujin
from tests.mounts import needs_root, remount, tmpfs

SUPERVISOR = {"JIUJIN_PASSWORD": PASSWORDS["li"]}
SYNC = {"JIUJIN_PASSWORD": PASSWORDS["zhao"]}
INIT = ("--station-code", "CL0001", "--station-name", "测试", "--point-type", "village",
        "--district", "330127", "--admin", "admin")
ITEM = "HZ-YB-106"  # a packaged catalog item


def one_line(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """The single error line of a failed command, which holds every `expected` text."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jiujin: "), result.stderr
    for text in expected:
        assert text in lines[0]
    return lines[0]


def both_languages(args: list[str], zh: str, en: str, env: dict[str, str] | None = None) -> None:
    one_line(jiujin(*args, env=env, check=False), zh)
    one_line(jiujin("--lang", "en", *args, env=env, check=False), en)


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026/11/26", "26.11.2026"])
def test_a_day_close_date_that_is_not_a_date_is_one_line(station_dir: Path, bad: str) -> None:
    both_languages(["day", "close", "--date", bad, "--no-send", "--data-dir", str(station_dir), "--operator", "li"],
                   "不是日期", "is not a date", env=SUPERVISOR)
    assert "day.closed" not in jiujin("audit", "verify", "--json", "--data-dir", str(station_dir),
                                      "--operator", "li", env=SUPERVISOR).stdout


def test_a_forms_check_date_that_is_not_a_date_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text("{}")
    both_languages(["forms", "check", ITEM, str(data), "--on", "yesterday"], "--on 不是日期", "--on is not a date")


@needs_root
def test_init_into_a_read_only_or_blocked_folder_is_one_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "stick", "4M") as mount:
        remount(mount, "ro")
        both_languages(["init", "--data-dir", str(mount / "station"), *INIT], "只读", "read-only",
                       env={"JIUJIN_PASSWORD": "admin-pass-1"})
        assert not (mount / "station").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    both_languages(["init", "--data-dir", str(blocker / "station" / "deeper"), *INIT],
                   "无法创建数据目录", "cannot create the data folder", env={"JIUJIN_PASSWORD": "admin-pass-1"})


@needs_root
def test_export_into_a_read_only_missing_or_blocked_folder_is_one_line(station_dir: Path, tmp_path: Path) -> None:
    jiujin("seed", "--applications", "2", "--data-dir", str(station_dir),
           env={"JIUJIN_PASSWORD": PASSWORDS["wang"], "JIUJIN_OPERATOR": "wang"})
    export = ["sync", "export", "--data-dir", str(station_dir), "--operator", "zhao", "--to"]
    with tmpfs(tmp_path / "stick", "4M") as mount:
        remount(mount, "ro")
        both_languages([*export, str(mount)], "磁盘为只读", "read-only", env=SYNC)
        both_languages([*export, str(mount / "jiujin")], "磁盘为只读", "read-only", env=SYNC)
    # The stick not mounted: its mount point's parent is missing; nothing is made on the PC's disk.
    both_languages([*export, str(tmp_path / "media" / "usb")], "U 盘是否已插好", "is the USB stick mounted",
                   env=SYNC)
    assert not (tmp_path / "media").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    both_languages([*export, str(blocker / "usb")], "是文件而不是文件夹", "is a file, not a folder", env=SYNC)
    status = json.loads(jiujin("sync", "status", "--json", "--data-dir", str(station_dir), "--operator", "zhao",
                               env=SYNC).stdout)
    assert not any(status["batches"].values())  # nothing was sealed for a stick it could not reach


@pytest.mark.parametrize(("payload", "zh", "en"), [
    ({"values": [1, 2]}, "“values”应为对象，实际是列表", "\"values\" must be an object, not a list"),
    ([1, 2], "内容应为 JSON 对象", "must hold a JSON object"),
    ({"values": {}, "card": "x"}, "“card”应为对象或null", "\"card\" must be an object or null"),
    ({"values": {}, "context": [1]}, "“context”应为对象或null", "\"context\" must be an object or null"),
    ({"values": {}, "attachments": 5}, "“attachments”应为列表", "\"attachments\" must be a list"),
    ({"values": {}, "attachments": [{"x": 1}]}, "“attachments[]”应为文本", "\"attachments[]\" must be text"),
])
def test_forms_check_with_a_wrongly_shaped_file_is_one_line(tmp_path: Path, payload: object, zh: str,
                                                            en: str) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(payload), "utf-8")
    both_languages(["forms", "check", ITEM, str(data)], zh, en)


def test_forms_check_with_a_file_that_is_not_json_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_bytes(b"\xff{not json")
    both_languages(["forms", "check", ITEM, str(data)], "不是 UTF-8 编码的 JSON", "not UTF-8 JSON")
