"""Child process for the crash tests of applying what the hub sends back: applies the hub's
signed acknowledgements (`ack FILE...`) or bundles (`bundle FILE...`) from files and says
`slice` on standard output as each bounded slice begins, so that the test can kill it
part-way through."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from station.core import downstream
from station.core.store import StationStore
from station.core.sync_service import PushReport, SyncService
from tests.conftest import PASSWORDS


class _Announcing(SyncService):
    def _acknowledge_slice(self, *args: object) -> None:
        print("slice", flush=True)
        super()._acknowledge_slice(*args)  # type: ignore[arg-type]


def main(folder: str, kind: str, files: list[str]) -> None:
    store = StationStore(Path(folder))
    session = store.login("zhao", PASSWORDS["zhao"])
    if kind == "ack":
        service = _Announcing(store)
        for name in files:
            service.apply_ack(session, Path(name).read_bytes(), PushReport())
    else:
        record = store.applications.record_hub_statuses

        def announcing(*args: Any, **kwargs: Any) -> list[str]:
            print("slice", flush=True)
            return record(*args, **kwargs)

        store.applications.record_hub_statuses = announcing  # type: ignore[method-assign]
        downstream.apply_all(store, session, [Path(name).read_bytes() for name in files])
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
