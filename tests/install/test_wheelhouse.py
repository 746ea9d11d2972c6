"""The USB-stick install: the wheelhouse that `make wheelhouse` built (JIUJIN_TEST_WHEELHOUSE,
set by `make wheelhouse-check`) installs into a clean venv with no index, and the installed
station runs from another folder with no checkout on its path: its version, its catalog,
the hub command's missing-extra message, and the demo station opened on a pseudo-terminal
(offline, since the station set has no hub) and quit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.terminal import Terminal

WHEELHOUSE = os.environ.get("JIUJIN_TEST_WHEELHOUSE")

pytestmark = [
    pytest.mark.skipif(not WHEELHOUSE, reason="JIUJIN_TEST_WHEELHOUSE not set: make wheelhouse-check"),
    pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on the stations"),
]


def _clean_env(**extra: str) -> dict[str, str]:
    """No pip configuration, no extra wheel folders, no checkout on the path."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "JIUJIN_"))}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "JIUJIN_LANG": "zh", **extra}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv outside the checkout with `jiujin` installed from the wheelhouse alone."""
    root = tmp_path_factory.mktemp("station-pc")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, cwd=root, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
                    "--find-links", str(WHEELHOUSE), "jiujin"],
                   check=True, cwd=root, env=_clean_env(), timeout=600)
    return venv


def _run(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "jiujin"), *args], capture_output=True, text=True,
                          cwd=venv.parent, env=_clean_env(JIUJIN_DATA_DIR=str(venv.parent / "data")),
                          timeout=120)


def test_the_station_set_holds_no_hub_and_no_build_tools(installed: Path) -> None:
    code = ("import importlib.util, json, station\n"
            "names = ['starlette', 'uvicorn', 'psycopg', 'babel', 'pytest']\n"
            "print(json.dumps([station.__file__, [n for n in names if importlib.util.find_spec(n)]]))")
    out = subprocess.run([str(installed / "bin" / "python"), "-c", code], capture_output=True,
                         text=True, cwd=installed.parent, env=_clean_env(), check=True).stdout
    station_file, present = __import__("json").loads(out)
    assert Path(station_file).is_relative_to(installed)
    assert not Path(station_file).is_relative_to(REPO)
    assert present == []
    compiled = list(installed.glob("lib/python*/site-packages/station/ui/locale/en/LC_MESSAGES/jiujin.mo"))
    assert len(compiled) == 1


def test_version_and_catalog(installed: Path) -> None:
    version = _run(installed, "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == "jiujin 0.1.0"
    catalog = _run(installed, "catalog", "list")
    assert catalog.returncode == 0, catalog.stderr
    assert "新生儿参保登记" in catalog.stdout


def test_the_hub_command_names_the_extra_to_install(installed: Path) -> None:
    result = _run(installed, "hub", "init")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "市级中心" in lines[0] and "jiujin[hub]" in lines[0] and "hub extra" in lines[0]


def test_the_demo_opens_offline_and_quits(installed: Path) -> None:
    env = _clean_env(TERM="xterm-256color", COLUMNS="120", LINES="40")
    term = Terminal([str(installed / "bin" / "jiujin"), "demo", "--data-dir",
                     str(installed.parent / "demo")], env, cwd=installed.parent)
    try:
        term.wait_for("演示站点离线运行")
        term.wait_for("演示账户")
        term.press("ctrl+q")
    finally:
        code = term.close()
    assert code == 0
