"""The house's directions hold: only the station UI and the hub console import Textual,
and devices, forms, reports and sync (the hub included) never import the station
(checked in fresh interpreters)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

HEADLESS = ["station.core", "forms", "devices", "sync", "reports"]
NO_STATION = ["forms", "devices", "reports", "sync"]
#: The hub console is the hub's own Textual app.
TEXTUAL_APPS = ("sync.hub.console",)


def _modules(package: str, skip: tuple[str, ...] = ()) -> list[str]:
    module = __import__(package, fromlist=["__path__"])
    names = [package]
    for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
        if not info.name.startswith(skip):
            names.append(info.name)
    return names


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = ("import json, sys\n"
            f"for name in {modules!r}:\n    __import__(name)\n"
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120, check=True).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("package", HEADLESS)
def test_headless_packages_never_load_textual(package: str) -> None:
    loaded = _loaded_after_import(_modules(package, skip=TEXTUAL_APPS))
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


@pytest.mark.parametrize("package", NO_STATION)
def test_libraries_never_import_the_station(package: str) -> None:
    loaded = _loaded_after_import(_modules(package))
    assert not {m for m in loaded if m == "station" or m.startswith("station.")}


def test_the_station_starts_without_loading_the_postgresql_driver() -> None:
    loaded = _loaded_after_import(["station.core.store", "station.ui.app"])
    assert "peewee" in loaded
    assert "psycopg" not in loaded


def test_a_hub_opened_after_the_station_still_reaches_postgresql() -> None:
    from tests.sync.helpers import postgres_schema

    with postgres_schema() as url:
        code = ("import sys\nimport station.core.store\n"
                "assert 'psycopg' not in sys.modules\n"
                "from sync.hub.db import open_database\n"
                f"db = open_database({url!r})\n"
                "db.connect(reuse_if_open=True)\n"
                "print(db.execute_sql('SELECT 40 + 2').fetchone()[0])\n")
        result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "42"
