"""A station whose terminal goes away (its window closed, an SSH link dropped) exits, even when
the hang-up signal does not reach it, instead of running on unseen with its store open."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

from tests.e2e.terminal import ON_LINUX, Terminal, terminal_env


@ON_LINUX
def test_the_demo_exits_when_its_terminal_goes_away_without_a_hang_up_signal(tmp_path: Path) -> None:
    term = Terminal([sys.executable, "-m", "station.cli", "demo", "--data-dir", str(tmp_path / "demo")],
                    terminal_env(), hangup_ignored=True)
    try:
        term.wait_for("演示账户")
        code = term.hang_up(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)
    assert code == 0
