"""The commands people run, started as they start them (issue: performance).

- `jiujin run` on a pseudo-terminal until the login screen is drawn, against a bare Textual
  app on a pseudo-terminal until its one input is drawn (≤ 2.0×);
- `jiujin demo` on a demo station made before, until its login screen is drawn (≤ 2.5×);
- `jiujin demo` in a fresh folder, making the demo station (its keys, operators and
  applications) until its login screen is drawn (≤ 11×; issue 16);
- `jiujin --help` against `python -c "import click"` (≤ 1.5×);
- `jiujin hub --help` against the same, a figure: a hub command loads its command and the hub's
  store, not the hub's HTTP app or httpx.

Every process runs with compiled bytecode, as an installed station does
(`_harness.installed_environment`); runs alternate with their baseline's, and each figure is
the fastest of them. The station is a fresh one: the login screen opens no database, so the
number of applications stored does not change what is measured here.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench._harness import Figure, installed_environment, write_results
from tests.e2e.terminal import Terminal

RUNS = 5
REPO = Path(__file__).resolve().parents[1]


def _drawn(args: list[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from starting `args` on a pseudo-terminal until `marker` is drawn; the process
    is then asked to quit (and killed if it does not), outside the time measured."""
    start = time.perf_counter()
    term = Terminal(args, env, size=(120, 40))
    try:
        term.wait_for(marker, timeout=60)
        return time.perf_counter() - start
    finally:
        term.press("ctrl+q")
        with contextlib.suppress(AssertionError):
            term.close()
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)


def _finished(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=REPO, env=env, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - start


def _fastest(ours: Callable[[], float], baseline: Callable[[], float]) -> tuple[float, float]:
    ours(), baseline()  # untimed: writes the bytecode, as installing would
    mine, theirs = [], []
    for _ in range(RUNS):
        theirs.append(baseline())
        mine.append(ours())
    return min(mine), min(theirs)


def main() -> list[Figure]:
    from bench.bench_store import _make_station

    with tempfile.TemporaryDirectory(prefix="jiujin-bench-") as scratch:
        root = Path(scratch)
        env = installed_environment(root / "pycache") | {
            "TERM": "xterm-256color", "JIUJIN_LANG": "zh", "COLUMNS": "120", "LINES": "40"}
        station, demo = root / "station", root / "demo"
        _make_station(station)
        jiujin = [sys.executable, "-m", "station.cli"]
        bare = [sys.executable, "-m", "bench.startup_probe", "terminal"]

        def bare_drawn() -> float:
            return _drawn(bare, "READY", env)

        run, run_bare = _fastest(lambda: _drawn([*jiujin, "--data-dir", str(station), "run"], "密码", env),
                                 bare_drawn)
        demo_time, demo_bare = _fastest(lambda: _drawn([*jiujin, "--data-dir", str(demo), "demo"], "演示账户", env),
                                        bare_drawn)
        fresh_folders = (root / f"fresh-{n}" for n in itertools.count())
        fresh, fresh_bare = _fastest(
            lambda: _drawn([*jiujin, "--data-dir", str(next(fresh_folders)), "demo"], "演示账户", env), bare_drawn)
        help_time, click_time = _fastest(lambda: _finished([*jiujin, "--help"], env),
                                         lambda: _finished([sys.executable, "-c", "import click"], env))
        hub_help, hub_click = _fastest(lambda: _finished([*jiujin, "hub", "--help"], env),
                                       lambda: _finished([sys.executable, "-c", "import click"], env))
        figures = [
            Figure("jiujin run → login screen drawn on a terminal", run, "s", baseline=run_bare,
                   baseline_name="bare Textual app drawn on a terminal", target="≤ 2.0×",
                   passed=run / run_bare <= 2.0),
            Figure("jiujin demo (made before) → login screen drawn", demo_time, "s", baseline=demo_bare,
                   baseline_name="bare Textual app drawn on a terminal", target="≤ 2.5×",
                   passed=demo_time / demo_bare <= 2.5),
            Figure("jiujin demo (fresh folder) → demo station made, login screen drawn", fresh, "s",
                   baseline=fresh_bare, baseline_name="bare Textual app drawn on a terminal", target="≤ 11×",
                   passed=fresh / fresh_bare <= 11),
            Figure("jiujin --help", help_time, "s", baseline=click_time,
                   baseline_name='python -c "import click"', target="≤ 1.5×",
                   passed=help_time / click_time <= 1.5),
            Figure("jiujin hub --help", hub_help, "s", baseline=hub_click,
                   baseline_name='python -c "import click"'),
        ]
    write_results("command", figures)
    return figures


if __name__ == "__main__":
    main()
