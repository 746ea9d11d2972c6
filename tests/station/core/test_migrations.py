"""Migrations run from an empty database, and the models agree with the migrated schema."""

from __future__ import annotations

import os
from pathlib import Path

from station.core import migrations
from station.core.db import open_database
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
