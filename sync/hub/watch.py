"""The hub's watch folder: a USB folder dropped (or copied) in is imported as soon as its
manifest appears; acknowledgements are written back beside it. A file that breaks the folder's
rules (`sync.confined`) is left where it is and logged; the watch keeps running."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from sync.hub.folder import ImportReport, import_folder
from sync.hub.service import HubService
from sync.transport_folder import MANIFEST

log = logging.getLogger("jiujin.hub.watch")


class FolderWatcher(FileSystemEventHandler):
    """Imports `folder` at start and whenever a manifest in it is written."""

    def __init__(self, service: HubService, folder: Path) -> None:
        self.service = service
        self.folder = Path(folder)
        self.observer = Observer()
        self._lock = threading.Lock()
        self.imports = 0

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.observer.schedule(self, str(self.folder), recursive=True)
        self.observer.start()
        self.run_import()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        target = str(getattr(event, "dest_path", "") or event.src_path)
        if target.endswith(MANIFEST) and not Path(target).name.startswith("."):
            self.run_import()

    def run_import(self) -> ImportReport:
        with self._lock:
            report = import_folder(self.service, self.folder)
            self.imports += 1
        log.info("watch folder imported: %s", report.as_json())
        return report
