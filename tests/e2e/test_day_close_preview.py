"""`jiujin day close --preview` on the real command line: what the close would sign and the
open drafts it leaves out, in the chosen language, with nothing signed; the close itself names
those drafts too."""

from __future__ import annotations

import json
from pathlib import Path

from station.core.counter import Counter, typed_identity
from station.core.models import Setting
from station.core.store import StationStore
from tests.conftest import PASSWORDS, Sessions
from tests.e2e.cli import jiujin
from tests.station.ui.helpers import accepted

SUPERVISOR = {"JIUJIN_PASSWORD": PASSWORDS["li"]}


def test_the_preview_names_the_days_count_and_the_open_drafts_and_signs_nothing(
        store: StationStore, sessions: Sessions, station_dir: Path) -> None:
    accepted(store, sessions.operator)
    counter = Counter(store)
    counter.start(sessions.operator, counter.item("HZ-YB-103"), typed_identity("11010519491231002X", "李四"))
    day = ["--date", "2026-11-26", "--data-dir", str(station_dir), "--operator", "li"]

    shown = jiujin("day", "close", "--preview", *day, env=SUPERVISOR).stdout.splitlines()
    assert shown[0] == "2026-11-26 日结将签署 1 件：已受理 1"
    assert shown[1] == "另有 1 份草稿未提交，不计入日结："
    assert shown[2].startswith("  · 王小红 · HZ-YB-103 异地长期居住人员就医备案 · 2026-11-26 ")
    assert "李四" not in "\n".join(shown) and "11010519491231002X" not in "\n".join(shown)
    english = jiujin("--lang", "en", "day", "close", "--preview", *day, env=SUPERVISOR).stdout.splitlines()
    assert english[:2] == ["2026-11-26: the close would sign 1 application(s): Accepted 1",
                           "1 open draft(s) are left out of the close:"]
    as_json = json.loads(jiujin("day", "close", "--preview", "--json", *day, env=SUPERVISOR).stdout)
    assert as_json["count"] == 1 and as_json["drafts"][0]["item_code"] == "HZ-YB-103"
    assert Setting.get_or_none(Setting.key == "day.closed.2026-11-26") is None  # nothing signed

    closed = jiujin("day", "close", "--no-send", *day, env=SUPERVISOR).stdout
    assert "另有 1 份草稿未提交，不计入日结：" in closed
    assert Setting.get_or_none(Setting.key == "day.closed.2026-11-26") is not None
