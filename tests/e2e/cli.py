"""The station's real command line (`python -m station.cli`), run as a process from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

JIUJIN = [sys.executable, "-m", "station.cli"]


def jiujin(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "JIUJIN_LANG": "zh", **(env or {})}
    result = subprocess.run([*JIUJIN, *args], cwd=REPO, capture_output=True, text=True,
                            env=full_env, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"jiujin {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
