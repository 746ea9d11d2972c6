"""Child process for the crash test of applying acknowledgements: applies the hub's signed
acknowledgements from files and says `slice` on standard output as each bounded slice begins,
so that the test can kill it part-way through."""

from __future__ import annotations

import sys
from pathlib import Path

from station.core.store import StationStore
from station.core.sync_service import PushReport, SyncService
from tests.conftest import PASSWORDS


class _Announcing(SyncService):
    def _acknowledge_slice(self, *args: object) -> None:
        print("slice", flush=True)
        super()._acknowledge_slice(*args)  # type: ignore[arg-type]


def main(folder: str, ack_files: list[str]) -> None:
    store = StationStore(Path(folder))
    session = store.login("zhao", PASSWORDS["zhao"])
    service = _Announcing(store)
    for name in ack_files:
        service.apply_ack(session, Path(name).read_bytes(), PushReport())
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
