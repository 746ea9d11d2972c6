"""The city hub: store (SQLite or PostgreSQL), idempotent ingest with quarantine, the HTTP app
(tus uploads, acknowledgements, enrolment, metrics, OpenAPI), USB import and its watch folder.

The names below are imported from their modules on first use, so that a hub command
(`jiujin hub status`) or a module of the hub loads only what it needs, not the HTTP app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.lazy import lazy_names

if TYPE_CHECKING:
    from sync.hub.app import create_app
    from sync.hub.config import HubConfig, HubFolder, HubKeys, resolve_hub_dir
    from sync.hub.folder import ImportReport, import_folder
    from sync.hub.ingest import Ingestor, IngestResult
    from sync.hub.metrics import Metrics
    from sync.hub.serve import LocalHub, build_app, serve, start_local_hub
    from sync.hub.service import HubService
    from sync.hub.store import Enrolment, HubStore, initialise_hub
    from sync.hub.watch import FolderWatcher

#: Each public name and the module that defines it.
_HOMES = {
    "create_app": "sync.hub.app",
    "HubConfig": "sync.hub.config",
    "HubFolder": "sync.hub.config",
    "HubKeys": "sync.hub.config",
    "resolve_hub_dir": "sync.hub.config",
    "ImportReport": "sync.hub.folder",
    "import_folder": "sync.hub.folder",
    "Ingestor": "sync.hub.ingest",
    "IngestResult": "sync.hub.ingest",
    "Metrics": "sync.hub.metrics",
    "LocalHub": "sync.hub.serve",
    "build_app": "sync.hub.serve",
    "serve": "sync.hub.serve",
    "start_local_hub": "sync.hub.serve",
    "HubService": "sync.hub.service",
    "Enrolment": "sync.hub.store",
    "HubStore": "sync.hub.store",
    "initialise_hub": "sync.hub.store",
    "FolderWatcher": "sync.hub.watch",
}

__all__ = [
    "Enrolment",
    "FolderWatcher",
    "HubConfig",
    "HubFolder",
    "HubKeys",
    "HubService",
    "HubStore",
    "ImportReport",
    "IngestResult",
    "Ingestor",
    "LocalHub",
    "Metrics",
    "build_app",
    "create_app",
    "import_folder",
    "initialise_hub",
    "resolve_hub_dir",
    "serve",
    "start_local_hub",
]


__getattr__ = lazy_names("sync.hub", globals(), _HOMES)
