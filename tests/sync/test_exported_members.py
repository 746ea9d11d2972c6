"""The public surface of `sync` and `sync.hub` is what `__all__` says, and nothing is missing."""

from __future__ import annotations

import sync
import sync.hub


def test_sync_exports() -> None:
    assert sorted(sync.__all__) == sorted(set(sync.__all__))
    for name in sync.__all__:
        assert hasattr(sync, name), name
    assert {"seal_batch", "HubClient", "SyncError", "StationFolder", "HubPublicKeys"} <= set(sync.__all__)


def test_hub_exports() -> None:
    for name in sync.hub.__all__:
        assert hasattr(sync.hub, name), name
    assert {"HubStore", "Ingestor", "create_app", "start_local_hub", "import_folder"} <= set(sync.hub.__all__)


def test_every_error_is_a_sync_error_with_both_languages() -> None:
    import inspect

    from sync import errors

    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]
    assert all(issubclass(c, sync.SyncError) for c in classes)
    assert all(c.__name__ in (errors.__doc__ or "") for c in classes)
