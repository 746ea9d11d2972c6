"""The station's own commands work without the hub extra (starlette, uvicorn, psycopg made
unimportable in a fresh interpreter), `jiujin hub …` then names the extra in one bilingual
line, and `jiujin --version` reads the installed distribution."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version as distribution_version

import station
from tests.conftest import REPO

WITHOUT_HUB = ("import sys\n"
               "sys.modules.update(dict.fromkeys(['starlette', 'uvicorn', 'psycopg']))\n"
               "from station.cli import main\n"
               "main(prog_name='jiujin')\n")


def _jiujin_without_hub(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", WITHOUT_HUB, *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_station_commands_run_without_the_hub_extra() -> None:
    result = _jiujin_without_hub("catalog", "list", "--point-type", "community")
    assert result.returncode == 0, result.stderr
    assert "新生儿参保登记" in result.stdout


def test_the_station_ui_loads_without_the_hub_extra() -> None:
    code = ("import sys\n"
            "sys.modules.update(dict.fromkeys(['starlette', 'uvicorn', 'psycopg']))\n"
            "import station.ui.app, station.core.sync_service, station.cli.sync, station.cli.store\n")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=120)


def test_the_hub_command_without_the_extra_names_it_in_one_line() -> None:
    result = _jiujin_without_hub("hub", "stats")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "需要安装 hub 组件" in result.stderr
    assert "the hub commands need the hub extra: pip install 'jiujin[hub]'" in result.stderr


def test_version_is_the_installed_release() -> None:
    assert station.version() == distribution_version("jiujin")
    result = subprocess.run([sys.executable, "-m", "station.cli", "--version"], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == f"jiujin {station.version()}\n"
