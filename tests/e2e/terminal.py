"""A child process on a pseudo-terminal, for the tests that drive the real demo as a person would."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1bP.*?\x1b\\|\x1b\].*?\x07")
#: The demo driven on a pseudo-terminal, as on the stations (Linux).
ON_LINUX = pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on the stations")


def terminal_env(size: tuple[int, int] = (120, 40), **more: str) -> dict[str, str]:
    """The environment of a station started on a terminal of `size`, in Chinese, with `more`."""
    return {**os.environ, "TERM": "xterm-256color", "JIUJIN_LANG": "zh", "COLUMNS": str(size[0]),
            "LINES": str(size[1]), **more}


KEYS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "f5": "\x1b[15~", "f9": "\x1b[20~",
        "ctrl+s": "\x13", "ctrl+q": "\x11", "down": "\x1b[B", "f12": "\x1b[24~"}


class Terminal:
    """A child process on a pseudo-terminal; what it drew, as plain text, waited on."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (120, 40),
                 cwd: Path = REPO, hangup_ignored: bool = False) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the demo itself
            os.chdir(cwd)
            if hangup_ignored:  # as under a wrapper that holds the hang-up signal back (`make run`)
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
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

    def hang_up(self, timeout: float) -> int | None:
        """Close the terminal, as closing its window does; the exit code once the child has
        exited, None if it is still running after `timeout` seconds."""
        os.close(self.fd)
        exited = os.pidfd_open(self.pid)
        try:
            ready, _, _ = select.select([exited], [], [], timeout)
        finally:
            os.close(exited)
        if not ready:
            return None
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

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
