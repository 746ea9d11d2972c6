"""Hot reload: watch a catalog folder and swap in the new catalog when an edit is good.

A bad edit keeps the last good catalog and reports the error; bursts of file events are
debounced into one reload.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from forms.collection import Catalog, load_catalog
from forms.errors import CatalogInvalid

DEBOUNCE_SECONDS = 0.2


class CatalogWatcher:
    """Holds the last good catalog of `root` and reloads it when its files change."""

    def __init__(self, root: Path, on_reload: Callable[[Catalog], None] | None = None,
                 on_error: Callable[[CatalogInvalid], None] | None = None,
                 debounce: float = DEBOUNCE_SECONDS) -> None:
        self.root = Path(root)
        self.on_reload = on_reload
        self.on_error = on_error
        self.debounce = debounce
        self.catalog = load_catalog(self.root)
        self.error: CatalogInvalid | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._observer: Observer | None = None  # type: ignore[valid-type]

    def start(self) -> CatalogWatcher:
        """Start watching (returns self)."""
        observer = Observer()
        observer.schedule(_Handler(self.schedule), str(self.root), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer
        return self

    def stop(self) -> None:
        """Stop watching and cancel a pending reload."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    def __enter__(self) -> CatalogWatcher:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def schedule(self) -> None:
        """Reload after the debounce delay, restarting the delay on every new event."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.debounce, self.reload_now)
            self._timer.daemon = True
            self._timer.start()

    def reload_now(self) -> bool:
        """Reload at once; True when the new catalog is good and now in use."""
        try:
            catalog = load_catalog(self.root)
        except CatalogInvalid as exc:
            self.error = exc
            if self.on_error is not None:
                self.on_error(exc)
            return False
        self.catalog, self.error = catalog, None
        if self.on_reload is not None:
            self.on_reload(catalog)
        return True


class _Handler(FileSystemEventHandler):
    """Calls back on any change to a `.toml` file."""

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback = callback

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if any(str(path).endswith(".toml") for path in paths):
            self.callback()
