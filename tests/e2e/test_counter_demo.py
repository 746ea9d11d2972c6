"""The newcomer's path through the real `jiujin demo` in a pseudo-terminal (120×40): log in,
tap a demo card (F9), submit a card-only application, see the receipt, submit one with a
missing material and get the one-time notice, find both in the list; then the real CLI
reads the same SQLCipher store. The demo runs its simulators on ptys and its local hub.

Waits are on the screen's own output (a marker appears), never on sleeps.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path

from tests.e2e.cli import jiujin
from tests.e2e.terminal import ON_LINUX, Terminal, terminal_env

RECEIPT = re.compile(r"XH0001-\d{8}-\d{4}")


@ON_LINUX
def test_newcomer_path_through_the_demo(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    env = terminal_env()
    term = Terminal([sys.executable, "-m", "station.cli", "demo", "--data-dir", str(folder)], env)
    try:
        term.wait_for("演示账户")
        since = term.press("wang", "tab", "wang-demo-1", "enter")  # tab moves focus at once
        term.wait_for("您好，王小红", since=since)

        since = term.press("f9")
        term.wait_for("选择一张模拟身份证", since=since)
        since = term.press("enter")  # 张三 is first
        term.wait_for("已读卡：张三", since=since)
        since = term.press("cbpz")
        term.wait_for("医疗保险参保凭证打印", since=since)
        since = term.press("down", "enter")  # down moves to the list at once
        term.wait_for("材料齐全，可受理", since=since)  # drawn once the form is filled and focused
        since = term.press("13800000000")
        term.wait_for("13800000000", since=since)
        since = term.press("f5")
        term.wait_for("请与申请人核对", since=since)
        since = term.press("ctrl+s")
        shown = term.wait_for("演示打印机实际打印", since=since)
        first = RECEIPT.search(shown)
        assert first is not None

        since = term.press("enter")
        term.wait_for("您好，王小红", since=since)
        since = term.press("f9")
        term.wait_for("选择一张模拟身份证", since=since)
        since = term.press("enter")
        term.wait_for("已读卡：张三", since=since)
        since = term.press("jyba")
        term.wait_for("异地长期居住人员就医备案", since=since)
        since = term.press("down", "enter")
        term.wait_for("材料不全", since=since)
        since = term.press("f5")
        term.wait_for("请与申请人核对", since=since)
        since = term.press("ctrl+s")
        term.wait_for("已出具一次性告知书", since=since)
        term.wait_for("异地居住证明", since=since)

        since = term.press("enter")
        term.wait_for("您好，王小红", since=since)
        since = term.press("l")
        listed = term.wait_for("（草稿）", since=since)
        assert first.group(0) in term.wait_for(first.group(0), since=since)
        assert "异地长期居住人员就医备案" in listed
        term.press("ctrl+q")
        assert term.close() == 0
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, 9)

    rows = json.loads(jiujin("applications", "list", "--json", "--data-dir", str(folder),
                             env={"JIUJIN_OPERATOR": "wang", "JIUJIN_PASSWORD": "wang-demo-1"}).stdout)
    mine = {row.get("receipt_number"): row for row in rows}
    assert mine[first.group(0)]["status"] in ("submitted", "delivered")
    drafts = [row for row in rows if row["status"] == "draft" and row["item_code"] == "HZ-YB-103"]
    assert drafts, "the notice's draft is kept"


def test_the_kiosk_command_is_offered() -> None:
    shown = jiujin("kiosk", "--help").stdout
    assert "--operator" in shown and "kiosk" in shown.lower()
