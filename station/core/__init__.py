"""The station's services with no UI: store, keys, operators, applications, audit, outbox.

Open a station with `StationStore(data_dir)` (or create one with
`StationStore.initialise`), `login` to get a `Session`, then use
`store.applications` and `store.operators`; every service checks the session's role.
"""

import station.core._sqlite_only  # noqa: F401  (first: see the module)
from station.core.applications import Applicant, ApplicationService, DraftInput, Status
from station.core.config import StationConfig, load_config, resolve_data_dir
from station.core.errors import (
    AuthError,
    ConfigError,
    InvalidTransition,
    JiujinError,
    KeyFileError,
    LoginFailed,
    NotFound,
    OperatorDisabled,
    OperatorLocked,
    PermissionDenied,
    StorageFull,
    StorageReadOnly,
    StoreCorrupt,
    StoreError,
    StoreNotInitialised,
    ValidationFailed,
)
from station.core.operators import OperatorService
from station.core.roles import Action, Role
from station.core.session import Session
from station.core.store import StationStore

__all__ = [
    "Action",
    "Applicant",
    "ApplicationService",
    "AuthError",
    "ConfigError",
    "DraftInput",
    "InvalidTransition",
    "JiujinError",
    "KeyFileError",
    "LoginFailed",
    "NotFound",
    "OperatorDisabled",
    "OperatorLocked",
    "OperatorService",
    "PermissionDenied",
    "Role",
    "Session",
    "StationConfig",
    "StationStore",
    "Status",
    "StorageFull",
    "StorageReadOnly",
    "StoreCorrupt",
    "StoreError",
    "StoreNotInitialised",
    "ValidationFailed",
    "load_config",
    "resolve_data_dir",
]
