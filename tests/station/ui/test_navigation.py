"""Declared navigation: every screen name has a route to a screen class, and the station UI's
modules import each other without a circle (screens ask for each other by name)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import get_args

import pytest
from textual.screen import Screen

from station.ui.app import JiujinApp
from station.ui.kiosk.app import KioskApp
from station.ui.navigation import Routes, ScreenName
from tests.conftest import REPO

UI = REPO / "station" / "ui"
SEPARATE_APPS = {"hub_console"}  # the hub console is its own app, with its own screens
SHARED = {"demo_card"}  # the demo card picker: the counter's F9 and the demo kiosk's
EXTENDS = {("station.ui.screens.counter.amend", "station.ui.screens.counter.form")}  # AmendScreen(FormScreen)


def ui_modules() -> dict[str, Path]:
    modules = {}
    for path in UI.rglob("*.py"):
        if SEPARATE_APPS & set(path.relative_to(UI).parts):
            continue
        parts = path.relative_to(REPO).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The station UI modules that `module` imports anywhere in its body, typing imports too."""
    found = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                      for alias in node.names}
    return (found & known.keys()) - {module}


def import_graph() -> dict[str, set[str]]:
    known = ui_modules()
    return {module: imported(module, path, known) for module, path in known.items()}


def test_every_screen_name_has_a_route_to_a_screen_class() -> None:
    routes: list[Routes] = [JiujinApp.ROUTES, KioskApp.ROUTES]
    for name in get_args(ScreenName):
        owners = [table for table in routes if name in table]
        assert len(owners) == (len(routes) if name in SHARED else 1), f"{name!r} is routed by {len(owners)} apps"
        assert len({table.screen_class(name) for table in owners}) == 1
        assert issubclass(owners[0].screen_class(name), Screen)


def test_an_unknown_screen_class_is_refused() -> None:
    routes = Routes({"home": "station.ui.messages:LoggedIn"})
    with pytest.raises(TypeError, match="no screen"):
        routes.screen_class("home")


def test_the_station_ui_has_no_import_circle() -> None:
    graph = import_graph()
    assert "station.ui.screens.home" in graph and "station.ui.app" in graph
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        pytest.fail(f"an import circle in station/ui: {' -> '.join(error.args[1])}")


def test_no_screen_or_dialog_imports_another() -> None:
    graph = import_graph()
    screens = {m for m in graph if m.startswith(("station.ui.screens.", "station.ui.dialogs."))
               or m in ("station.ui.kiosk.screens", "station.ui.kiosk.leave")}
    screens -= {"station.ui.dialogs.base"}
    pairs = {(module, other) for module in screens for other in graph[module] & screens}
    assert pairs <= EXTENDS
