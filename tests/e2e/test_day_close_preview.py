"""`jiujin day close --preview` on the real command line: what the close would sign (the
station's day, counts by status, 容缺 still owed) and the open drafts of that day it leaves out
(who, the citizen's name masked, which service), in the chosen language, with nothing signed;
the close itself names those drafts too."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from station.core.counter import Counter, typed_identity
from station.core.models import Setting
from station.core.store import StationStore
from tests.conftest import PASSWORDS, FakeClock, Sessions
from tests.e2e.cli import jiujin
from tests.reports.helpers import draft_input
from tests.station.ui.helpers import accepted

SUPERVISOR = {"JIUJIN_PASSWORD": PASSWORDS["li"]}
OWED = {"identity": "satisfied_by_card", "rental_contract": "missing_rongque"}


def test_the_preview_names_the_days_count_and_the_open_drafts_and_signs_nothing(
        store: StationStore, sessions: Sessions, clock: FakeClock, station_dir: Path) -> None:
    counter = Counter(store)
    clock.advance(days=-1)  # a draft left open the day before is not the day's
    counter.start(sessions.operator, counter.item("HZ-YB-106"), typed_identity("110101199003070011", "张三"))
    clock.advance(days=1)
    accepted(store, sessions.operator)
    owing = store.applications.create_draft(sessions.operator, draft_input(OWED))
    store.applications.submit(sessions.operator, owing.id, rongque_deadline=date(2026, 12, 3))
    counter.start(sessions.operator, counter.item("HZ-YB-103"), typed_identity("11010519491231002X", "李四"))
    day = ["--date", "2026-11-26", "--data-dir", str(station_dir), "--operator", "li"]

    shown = jiujin("day", "close", "--preview", *day, env=SUPERVISOR).stdout.splitlines()
    assert shown[0] == "2026-11-26 (Asia/Shanghai) 日结将签署 2 件：容缺受理 1，已受理 1"
    assert shown[1] == "其中 1 件容缺材料尚未补交"
    assert shown[2] == "另有 1 份草稿未提交，不计入日结："
    assert shown[3].startswith("  · 王小红 · 李* · HZ-YB-103 异地长期居住人员就医备案 · 2026-11-26 ")
    assert len(shown) == 4  # 张三's draft of the day before is not listed
    assert "李四" not in "\n".join(shown) and "11010519491231002X" not in "\n".join(shown)
    english = jiujin("--lang", "en", "day", "close", "--preview", *day, env=SUPERVISOR).stdout.splitlines()
    assert english[:3] == ["2026-11-26 (Asia/Shanghai): the close would sign 2 application(s): "
                           "Accepted, materials to follow 1, Accepted 1",
                           "1 of them still wait for materials accepted under 容缺",
                           "1 open draft(s) of the day are left out of the close:"]
    as_json = json.loads(jiujin("day", "close", "--preview", "--json", *day, env=SUPERVISOR).stdout)
    assert as_json["count"] == 2 and as_json["rongque_pending"] == 1 and as_json["zone"] == "Asia/Shanghai"
    assert as_json["drafts"] == [{"operator": "王小红", "applicant": "李*", "item_code": "HZ-YB-103",
                                  "item_name": "异地长期居住人员就医备案", "updated_at": "2026-11-26 09:30"}]
    assert Setting.get_or_none(Setting.key == "day.closed.2026-11-26") is None  # nothing signed

    closed = jiujin("day", "close", "--no-send", *day, env=SUPERVISOR).stdout
    assert "其中 1 件容缺材料尚未补交\n另有 1 份草稿未提交，不计入日结：" in closed
    assert Setting.get_or_none(Setting.key == "day.closed.2026-11-26") is not None
    earlier = ["--date", (date(2026, 11, 26) - timedelta(days=1)).isoformat(), *day[2:]]
    assert jiujin("day", "close", "--preview", *earlier, env=SUPERVISOR).stdout.splitlines() == [
        "2026-11-25 (Asia/Shanghai) 日结将签署 0 件", "另有 1 份草稿未提交，不计入日结：",
        "  · 王小红 · 张* · HZ-YB-106 医疗保险参保凭证打印 · 2026-11-25 09:30"]
