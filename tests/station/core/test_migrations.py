"""Migrations run from an empty database, and the models agree with the migrated schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from peewee import Database

from station.core import migrations
from station.core.db import open_database
from station.core.errors import StoreError
from station.core.models import ALL_MODELS


def test_from_empty_database_to_latest(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db", os.urandom(32))
    assert migrations.schema_version(db) == 0
    assert migrations.migrate(db) == [v for v, _, _ in migrations.MIGRATIONS]
    assert migrations.schema_version(db) == migrations.LATEST_VERSION
    assert migrations.migrate(db) == []
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})")}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, table
        indexes = {row[1] for row in db.execute_sql(f"PRAGMA index_list({table})") if not row[1].startswith("sqlite_")}
        expected = {i._name for i in model._meta.fields_to_index()}
        assert expected <= indexes, table
    db.close()


def _database_at(path: Path, key: bytes, version: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database as the release whose last migration was `version` left it."""
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:version])
        m.setattr(migrations, "LATEST_VERSION", version)
        db = open_database(path, key)
        migrations.migrate(db)
        db.execute_sql("INSERT INTO setting (key, value) VALUES ('marker', 'before the upgrade')")
        db.close()


def _fails(db: Database, migrator: object) -> None:
    db.execute_sql("CREATE TABLE half_done (x INTEGER)")
    raise RuntimeError("migration failed half-way")


def test_a_failed_upgrade_leaves_the_database_as_the_previous_release_left_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = os.urandom(32)
    path = tmp_path / "station.db"
    _database_at(path, key, 3, monkeypatch)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (99, "fails", _fails)])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 99)
    db = open_database(path, key)
    with pytest.raises(RuntimeError):
        migrations.migrate(db)
    assert migrations.schema_version(db) == 3
    tables = set(db.get_tables())
    assert "half_done" not in tables
    assert "amendment_draft" not in tables  # migration 5 rolled back with the failing one
    db.close()


def test_an_upgrade_keeps_an_encrypted_copy_of_the_previous_database(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = os.urandom(32)
    path = tmp_path / "station.db"
    _database_at(path, key, 3, monkeypatch)
    db = open_database(path, key)
    assert migrations.migrate(db) == list(range(4, migrations.LATEST_VERSION + 1))
    db.close()
    copy = migrations.backup_path(path, 3)
    assert copy.name == "station.db.pre-v3"
    assert copy.stat().st_mode & 0o777 == 0o600
    assert not copy.read_bytes().startswith(b"SQLite format 3")
    old = open_database(copy, key)
    assert migrations.schema_version(old) == 3
    assert old.execute_sql("SELECT value FROM setting WHERE key = 'marker'").fetchone() == (
        "before the upgrade",)
    old.close()


def test_a_new_database_is_not_copied(tmp_path: Path) -> None:
    db = open_database(tmp_path / "station.db", os.urandom(32))
    migrations.migrate(db)
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir() if ".pre-v" in p.name) == []


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    db = open_database(tmp_path / "station.db", os.urandom(32))
    migrations.migrate(db)
    db.execute_sql("UPDATE setting SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError) as refused:
        migrations.migrate(db)
    assert "更新版本" in refused.value.message("zh")
    assert "newer Jiujin" in refused.value.message("en")
    db.close()
