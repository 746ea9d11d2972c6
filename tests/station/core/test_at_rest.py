"""Nothing personal is readable at rest: the database, its WAL and shared memory, and any
temporary file hold no seeded name or ID number; a SQLCipher 4 shell that shares no code
with Jiujin (.tools/bin/sqlcipher, from scripts/install-system-deps.sh) opens the file with
the key while plain SQLite cannot."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import datetime
from itertools import islice
from pathlib import Path

import pytest

from station.core.clock import CST
from station.core.seed import people, seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from tests.conftest import PASSWORDS, REPO

SEED_NOW = datetime(2026, 11, 26, 18, 0, tzinfo=CST)


def _files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


def test_no_seeded_name_or_id_number_in_any_file(station_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("SQLITE_TMPDIR", str(scratch))
    store = StationStore(station_dir)
    session = store.login("wang", PASSWORDS["wang"])
    seed_applications(session, service_choices("community"), 1000, seed=7, now=SEED_NOW)
    seeded = list(islice(people(7, SEED_NOW.date()), 1000))
    needles = {p.id_number.encode() for p in seeded} | {p.name.encode("utf-8") for p in seeded}
    needles |= {p.address.encode("utf-8") for p in seeded}

    def leaks() -> list[str]:
        found = []
        for path in _files_under(station_dir, scratch):
            data = path.read_bytes()
            found += [f"{path.name}" for needle in needles if needle in data]
        return found

    assert (station_dir / "station.db-wal").exists()  # WAL content is checked too
    assert leaks() == []
    store.close()
    assert leaks() == []


def test_sqlcipher_shell_opens_it_with_the_key_and_sqlite_cannot(station_dir: Path) -> None:
    store = StationStore(station_dir)
    session = store.login("admin", PASSWORDS["admin"])
    key = session.db_key.hex()
    store.close()
    shell = REPO / ".tools" / "bin" / "sqlcipher"
    assert shell.exists(), "run scripts/install-system-deps.sh dev (make test does)"
    script = (f"PRAGMA key = \"x'{key}'\";\nPRAGMA cipher_version;\n"
              "SELECT name FROM operator ORDER BY name;\n")
    out = subprocess.run([str(shell), str(station_dir / "station.db")], input=script,
                         capture_output=True, text=True, timeout=30, check=True).stdout
    ok, version, *names = out.splitlines()
    assert (ok, names) == ("ok", ["admin", "li", "wang", "zhao"])
    assert version.startswith("4."), version
    wrong = subprocess.run([str(shell), str(station_dir / "station.db")],
                           input=f"PRAGMA key = \"x'{os.urandom(32).hex()}'\";\nSELECT count(*) FROM operator;\n",
                           capture_output=True, text=True, timeout=30)
    assert "not a database" in wrong.stderr
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(station_dir / "station.db").execute("SELECT * FROM sqlite_master").fetchall()
