"""The city hub: store (SQLite or PostgreSQL), idempotent ingest with quarantine, the HTTP app
(tus uploads, acknowledgements, enrolment, metrics, OpenAPI), USB import and its watch folder."""

from sync.hub.app import create_app
from sync.hub.config import HubConfig, HubFolder, HubKeys, resolve_hub_dir
from sync.hub.folder import ImportReport, import_folder
from sync.hub.ingest import Ingestor, IngestResult
from sync.hub.metrics import Metrics
from sync.hub.serve import LocalHub, build_app, serve, start_local_hub
from sync.hub.service import HubService
from sync.hub.store import Enrolment, HubStore, initialise_hub
from sync.hub.watch import FolderWatcher

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
