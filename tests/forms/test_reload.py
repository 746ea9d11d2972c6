"""Hot reload: a good edit goes live quickly, a broken edit keeps the last good catalog."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from forms import Catalog, CatalogInvalid
from forms.reload import CatalogWatcher
from tests.forms.helpers import engine_item_data, new_catalog, write_item

CODE = "HZ-MZ-900"


class Events:
    """Collects reloads and errors, each signalled by an event."""

    def __init__(self) -> None:
        self.reloaded = threading.Event()
        self.failed = threading.Event()
        self.catalogs: list[Catalog] = []
        self.errors: list[CatalogInvalid] = []

    def on_reload(self, catalog: Catalog) -> None:
        self.catalogs.append(catalog)
        self.reloaded.set()

    def on_error(self, error: CatalogInvalid) -> None:
        self.errors.append(error)
        self.failed.set()


@pytest.fixture
def catalog_root(tmp_path: Path) -> Path:
    root = new_catalog(tmp_path / "catalog")
    write_item(root, engine_item_data(), "item")
    return root


def name_of(catalog: Catalog) -> str:
    return catalog.versions(CODE)[0].name.zh


def test_good_edit_is_live_within_a_second(catalog_root: Path) -> None:
    events = Events()
    with CatalogWatcher(catalog_root, events.on_reload, events.on_error) as watcher:
        data = engine_item_data() | {"name": "改名后的事项"}
        started = time.monotonic()
        write_item(catalog_root, data, "item")
        assert events.reloaded.wait(5)
        elapsed = time.monotonic() - started
        assert name_of(watcher.catalog) == "改名后的事项"
        assert elapsed < 1.0
    assert not events.errors


def test_broken_edit_keeps_the_last_good_catalog(catalog_root: Path) -> None:
    events = Events()
    with CatalogWatcher(catalog_root, events.on_reload, events.on_error) as watcher:
        good = watcher.catalog
        (catalog_root / "civil-affairs" / "item.toml").write_text("code = [broken", "utf-8")
        assert events.failed.wait(5)
        assert watcher.catalog is good
        assert watcher.error is not None
        assert "item.toml" in watcher.error.issues[0].line()
        events.reloaded.clear()
        write_item(catalog_root, engine_item_data() | {"name": "修好了"}, "item")
        assert events.reloaded.wait(5)
        assert name_of(watcher.catalog) == "修好了" and watcher.error is None


def test_a_burst_of_writes_is_debounced_into_few_reloads(catalog_root: Path) -> None:
    events = Events()
    with CatalogWatcher(catalog_root, events.on_reload, events.on_error, debounce=0.3):
        for index in range(10):
            write_item(catalog_root, engine_item_data() | {"name": f"版本{index}"}, "item")
        assert events.reloaded.wait(5)
        assert name_of(events.catalogs[-1]) == "版本9"
    assert len(events.catalogs) <= 2


def test_reload_now_without_watching(catalog_root: Path) -> None:
    watcher = CatalogWatcher(catalog_root)
    write_item(catalog_root, engine_item_data() | {"version": "1", "name": "同步"}, "item")
    assert watcher.reload_now()
    assert name_of(watcher.catalog) == "同步"
