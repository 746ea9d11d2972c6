"""Where a submission's writes go: WAL frames per submission, by table and index.

`bench_store` runs it in a child process for its "WAL frames per submission" figure
(target ≤ 8, issue 21); run alone, `python -m bench.submit_pages [STORED]` (default 20,000)
prints which table or index owns each frame. `--json` prints the figures as one JSON line.

Each page a commit changes is one WAL frame, encrypted and MACed on SQLCipher, written
and flushed, so frames per submission are what the commit costs. SQLite's `dbstat` table
names the table or index that owns each page, but the SQLCipher build has no `dbstat`
and nothing outside can read its pages; so this runs the station's own submit code, same
schema and statements, on an unencrypted database in a scratch folder, then reads the
WAL with the standard library's SQLite. The bare insert of `bench_store` is measured the
same way beside it.
"""

from __future__ import annotations

import collections
import json
import sqlite3
import struct
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

PAGE = 4096
FRAME_HEADER, WAL_HEADER = 24, 32
SUBMITS = 200


def frames_by_owner(db_path: Path, work: Callable[[], int]) -> tuple[float, collections.Counter[str]]:
    """Run `work` (returns how many operations it did) with checkpoints off, then count the
    new WAL frames per owning table or index, per operation."""
    wal = Path(f"{db_path}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    done = work()
    data = wal.read_bytes()
    offset = max(start, WAL_HEADER)
    pages = []
    while offset + FRAME_HEADER <= len(data):
        pages.append(struct.unpack(">I", data[offset:offset + 4])[0])
        offset += FRAME_HEADER + PAGE
    with sqlite3.connect(db_path) as reader:
        owner = {page: name for name, page in reader.execute("SELECT name, pageno FROM dbstat")}
    owner[1] = "page 1 (the file header, rewritten whenever the file grows)"
    counts = collections.Counter(owner.get(page, f"page {page}") for page in pages)
    return len(pages) / done, counts


def _plain_station(folder: Path, stored: int) -> None:
    """A station whose database is plain SQLite: the station's database class with SQLite
    under it instead of SQLCipher and the cipher pragmas dropped, everything else the station's
    own (the station lock included)."""
    from peewee import SqliteDatabase

    import station.core.db as db

    class PlainStationDatabase(SqliteDatabase):
        def __init__(self, path: str, lock: object, passphrase: str | None = None,
                     pragmas: Sequence[tuple[str, object]] = (), **kw: Any) -> None:
            super().__init__(path, pragmas=[p for p in pragmas if not p[0].startswith(("cipher", "kdf"))], **kw)
            self.lock = lock

    db.StationDatabase = PlainStationDatabase  # type: ignore[assignment,misc]
    from bench.bench_store import _make_station

    _make_station(folder)


def measure(stored: int) -> tuple[float, collections.Counter[str], float, collections.Counter[str]]:
    """Frames per submission and per bare insert, each with the frames by owner."""
    from bench.bench_store import PASSWORD
    from station.core.db import DATABASE_NAME, database
    from station.core.seed import people, seed_applications
    from station.core.services import service_choices
    from station.core.store import StationStore
    from tests.station.core.helpers import draft

    with tempfile.TemporaryDirectory(prefix="jiujin-pages-") as scratch:
        folder = Path(scratch) / "station"
        _plain_station(folder, stored)
        store = StationStore(folder)
        session = store.login("clerk", PASSWORD)
        seed_applications(session, service_choices("community"), stored, days=60)
        stream = people(99, date.today())
        drafts = [store.applications.create_draft(session, draft(p.id_number, p.name, phone=p.phone, address=p.address))
                  for p in (next(stream) for _ in range(SUBMITS))]
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.execute_sql("PRAGMA wal_autocheckpoint=0")

        def submit_all() -> int:
            for app in drafts:
                store.applications.submit(session, app.id)
            return len(drafts)

        per_submit, owners = frames_by_owner(folder / DATABASE_NAME, submit_all)
        payload = json.dumps(json.loads(drafts[0].payload), ensure_ascii=False)
        store.close()

        bare_path = Path(scratch) / "bare.db"
        bare = sqlite3.connect(bare_path, isolation_level=None)
        bare.execute("PRAGMA journal_mode=wal")
        bare.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, applicant_id TEXT NOT NULL, payload TEXT NOT NULL)")
        bare.execute("CREATE INDEX row_applicant_id ON row (applicant_id)")
        bare.execute("BEGIN")
        bare.executemany("INSERT INTO row (applicant_id, payload) VALUES (?, ?)",
                         ((f"{n * 7919 % 10**17:017d}X", payload) for n in range(stored)))
        bare.execute("COMMIT")
        bare.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bare.execute("PRAGMA wal_autocheckpoint=0")

        def insert_all() -> int:
            for n in range(SUBMITS):
                bare.execute("INSERT INTO row (applicant_id, payload) VALUES (?, ?)", (f"{n * 104729 % 10**17:017d}Y", payload))
            return SUBMITS

        bare_per_insert, bare_owners = frames_by_owner(bare_path, insert_all)
        bare.close()
    return per_submit, owners, bare_per_insert, bare_owners


def main(stored: int, as_json: bool = False) -> None:
    per_submit, owners, bare_per_insert, bare_owners = measure(stored)
    if as_json:
        print(json.dumps({"per_submit": per_submit, "bare_per_insert": bare_per_insert,
                          "owners": {name: count / SUBMITS for name, count in owners.items()}}))
        return
    print(f"{stored:,} applications stored; WAL frames per submission: {per_submit:.2f}")
    for name, count in owners.most_common():
        print(f"  {count / SUBMITS:5.2f}  {name}")
    print(f"bare insert (bench_store's baseline): {bare_per_insert:.2f} frames per insert")
    for name, count in bare_owners.most_common():
        print(f"  {count / SUBMITS:5.2f}  {name}")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 20_000, as_json="--json" in sys.argv[1:])
