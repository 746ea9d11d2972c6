"""Child process for the crash test: submits applications forever and reports each
acknowledged receipt number on standard output, one per line, after its commit."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from station.core.store import StationStore
from tests.conftest import PASSWORDS
from tests.station.core.helpers import draft


def main(folder: str, seed: int) -> None:
    store = StationStore(Path(folder))
    session = store.login("wang", PASSWORDS["wang"])
    rng = random.Random(seed)
    print("ready", flush=True)
    while True:
        app = store.applications.create_draft(session, draft(notes="x" * rng.randint(0, 4000)))
        submitted = store.applications.submit(session, app.id)
        print(submitted.receipt_number, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
