"""The newcomer's path through the real `jiujin demo` in a pseudo-terminal (120×40): log in,
tap a demo card (F9), submit a card-only application, see the receipt, submit one with a
missing material and get the one-time notice, find both in the list; then the real CLI
reads the same SQLCipher store. The demo runs its simulators on ptys and its local hub.

Waits are on the screen's own output (a marker appears), never on sleeps.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.test_cli import jiujin

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1bP.*?\x1b\\|\x1b\].*?\x07")
KEYS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "f5": "\x1b[15~", "f9": "\x1b[20~",
        "ctrl+s": "\x13", "ctrl+q": "\x11", "down": "\x1b[B"}
RECEIPT = re.compile(r"XH0001-\d{8}-\d{4}")


class Terminal:
    """A child process on a pseudo-terminal; what it drew, as plain text, waited on."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (120, 40),
                 cwd: Path = REPO) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the demo itself
            os.chdir(cwd)
            os.execvpe(args[0], args, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.text = ""

    def read(self, seconds: float) -> bool:
        """Take what the app drew within `seconds`; False when it drew nothing."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return False
        self.text += ANSI.sub("", chunk.decode("utf-8", errors="replace"))
        return True

    def settle(self, quiet: float = 0.15, limit: float = 5.0) -> None:
        """Read until the app has drawn nothing for `quiet` seconds: it has taken the key."""
        deadline = time.monotonic() + limit
        while self.read(quiet) and time.monotonic() < deadline:
            pass

    def wait_for(self, marker: str | re.Pattern[str], timeout: float = 60.0, since: int = 0) -> str:
        """Read until `marker` appears after position `since`; the text from there on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tail = self.text[since:]
            if (marker.search(tail) if isinstance(marker, re.Pattern) else marker in tail):
                return tail
            self.read(0.5)
        raise AssertionError(f"never saw {marker!r}; last output: {self.text[-2000:]!r}")

    def press(self, *keys: str) -> int:
        """Send keys (names from KEYS, or text); returns the output position before them."""
        mark = len(self.text)
        for key in keys:
            for char in ([KEYS[key]] if key in KEYS else list(key)):
                os.write(self.fd, char.encode())
                self.settle()  # one key at a time, each taken before the next, as a person types
        return mark

    def close(self) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            self.read(0.5)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        raise AssertionError("the demo did not quit")


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on the stations")
def test_newcomer_path_through_the_demo(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    env = {**os.environ, "TERM": "xterm-256color", "JIUJIN_LANG": "zh", "COLUMNS": "120", "LINES": "40"}
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
