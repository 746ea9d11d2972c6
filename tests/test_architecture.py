"""The house's directions hold: only the station UI and the hub console import Textual,
and the kernel, devices, forms, reports and sync (the hub included) never import the station
(checked in fresh interpreters); the layer contracts in pyproject.toml are kept
(import-linter); no import cycle spans files; no module under tests/ imports a test module
(shared helpers live in helper modules and conftest.py)."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import REPO

PACKAGES = ("kernel", "station", "forms", "devices", "sync", "reports")
HEADLESS = ["kernel", "station.core", "forms", "devices", "sync", "reports"]
NO_STATION = ["kernel", "forms", "devices", "reports", "sync"]
#: The hub console is the hub's own Textual app.
TEXTUAL_APPS = ("sync.hub.console",)

#: Import cycles that exist today; delete an entry when its cycle is gone (the test fails on
#: an entry that no longer matches a cycle).
KNOWN_CYCLES: list[frozenset[str]] = []


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


def test_jiujin_run_draws_its_login_screen_without_network_print_or_device_code(station_dir: Path) -> None:
    """What `jiujin run` has imported when its app starts, before anyone logs in: no HTTP
    client, hub, PDF, serial port or print queue (each belongs after login or to a print)."""
    code = ("import json, sys\nfrom textual.app import App\n"
            "App.run = lambda self, *args, **kwargs: print(json.dumps(sorted(sys.modules)))\n"
            "from station.cli import main\n"
            f"main(['--data-dir', {str(station_dir)!r}, 'run'], standalone_mode=False)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert {"station.cli.app", "station.ui.app"} <= loaded
    heavy = ("httpx", "sync.transport_http", "sync.hub", "reportlab", "serial", "watchdog",
             "devices.printer.jobs", "devices.printer.encoder", "station.core.counter", "station.core.print_jobs")
    assert not {m for m in loaded if m.startswith(heavy)}


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


def test_the_layer_contracts_are_kept() -> None:
    """pyproject.toml's [tool.importlinter] contracts, run by import-linter itself."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def import_cycles(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """Every set of two or more modules that import one another (strongly connected)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[frozenset[str]] = []
    for root in sorted(graph.modules):
        if root in order:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        order[root] = low[root] = len(order)
        stack.append(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in order:
                    order[target] = low[target] = len(order)
                    stack.append(target)
                    work.append((target, iter(sorted(graph.find_modules_directly_imported_by(target)))))
                elif target in stack:
                    low[module] = min(low[module], order[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == order[module]:
                members = stack[stack.index(module):]
                del stack[stack.index(module):]
                if len(members) > 1:
                    cycles.append(frozenset(members))
    return cycles


def test_no_import_cycle_spans_files_beyond_the_known_ones() -> None:
    cycles = import_cycles(grimp.build_graph(*PACKAGES))
    assert [sorted(c) for c in cycles if c not in KNOWN_CYCLES] == []
    assert [sorted(c) for c in KNOWN_CYCLES if c not in cycles] == [], "a known cycle is gone: delete it"


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [frozenset({"a.x", "a.y", "a.z"})]


def _imported_test_modules(source: str, module: str, is_package: bool = False) -> list[str]:
    """What the source of `module` imports that is a test module or a name test_* in one (at any
    depth: function-level imports, relative imports, importlib.import_module and __import__)."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            origin = ".".join([*base, *([node.module] if node.module else [])])
            targets = [origin, *(f"{origin}.{alias.name}" for alias in node.names)]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in ("importlib.import_module", "import_module", "__import__")):
            targets = [node.args[0].value]
        found += [t for t in targets if any(part.startswith("test_") for part in t.split("."))]
    return sorted(set(found))


def test_no_module_under_tests_imports_a_test_module() -> None:
    """Pytest collects a test module where it is imported too, and the importer breaks when the
    module is renamed or split: shared helpers belong in helpers.py-style modules, fixtures in
    conftest.py."""
    offenders = {}
    for path in sorted((REPO / "tests").rglob("*.py")):
        relative = path.relative_to(REPO).with_suffix("")
        is_package = relative.name == "__init__"
        module = ".".join(relative.parts[:-1] if is_package else relative.parts)
        imported = _imported_test_modules(path.read_text(encoding="utf-8"), module, is_package)
        if imported:
            offenders[str(path.relative_to(REPO))] = imported
    assert offenders == {}


def test_the_test_module_import_finder_finds_them() -> None:
    source = """
from tests.sync.helpers import entry
from tests.e2e.test_sync_cli import make_station
import tests.reports.test_cli
from . import test_keys, helpers
from ..core.test_faults import needs_root
from .helpers import test_like_name


def later():
    from tests.station.ui.test_casework import accepted
    importlib.import_module("tests.sync.test_folder")
"""
    assert _imported_test_modules(source, "tests.station.ui.crash_child") == [
        "tests.e2e.test_sync_cli", "tests.e2e.test_sync_cli.make_station", "tests.reports.test_cli",
        "tests.station.core.test_faults", "tests.station.core.test_faults.needs_root",
        "tests.station.ui.helpers.test_like_name", "tests.station.ui.test_casework",
        "tests.station.ui.test_casework.accepted", "tests.station.ui.test_keys", "tests.sync.test_folder"]
    assert _imported_test_modules("from . import helpers\n", "tests.sync", is_package=True) == []
