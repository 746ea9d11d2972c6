"""The station core's public surface is pinned: changing it is a deliberate act."""

import station.core


def test_public_surface() -> None:
    assert sorted(station.core.__all__) == [
        "Action", "Applicant", "ApplicationService", "AuthError", "ConfigError", "DraftInput",
        "InvalidTransition", "JiujinError", "KeyFileError", "LoginFailed", "NotFound",
        "OperatorDisabled", "OperatorLocked", "OperatorService", "PermissionDenied", "Role",
        "Session", "StationConfig", "StationStore", "Status", "StorageFull", "StorageReadOnly",
        "StoreCorrupt", "StoreError", "StoreNotInitialised", "ValidationFailed", "load_config",
        "resolve_data_dir",
    ]
    for name in station.core.__all__:
        assert getattr(station.core, name) is not None
