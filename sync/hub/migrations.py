"""The hub's schema, numbered: a new hub gets the latest tables, an older one its migrations.

`hub_setting.schema_version` records the version. A hub refuses to open a database whose
version is newer than the ones this release knows (an older release started against a
database a newer one upgraded), and `migrate` brings an older one up to date, each step in
its own transaction, under a lock so that several hub processes starting at once migrate
it once.

Versions:
    1  the tables of the first release (created from the models as they then were)
    2  stations registered with district, point type and town; the release each station runs
    3  audit anchors and their divergences; stations' recovery copies (the anchors of the
       batches already held are taken from their headers)
    4  applications marked 容缺 and 代办 (filled in from their records); the bundle version each
       station holds; the watch's backlog readings and the hub operators' access keys
    5  departments: their credentials, cases and case steps, webhooks and their deliveries
    6  the citizens' pages: case steps, receipt-number keys, ratings (好差评), follow-ups and
       lookup attempts
    7  incremental reconciliation: manifest lines indexed by application, manifest spans by
       station, the marks of manifests to compare again (every open one, once) and the
       ledgers last seen
    8  一件事: the case and bundle each application belongs to (filled in from the records)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from peewee import CharField, Database, IntegerField
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_steps

from sync.errors import HubError
from sync.hub.case_marks import mark_cases_from_records
from sync.hub.db import execute, is_postgres, write_transaction
from sync.hub.models import (
    ALL_MODELS,
    HubCaseKey,
    HubCaseStep,
    HubFollowUp,
    HubLookupAttempt,
    HubRating,
    HubSetting,
)

Migration = Callable[[Database], None]
#: An arbitrary key for PostgreSQL's advisory lock around migrations.
LOCK_KEY = 7_305_416


class SchemaTooNew(HubError):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"中心数据库的结构版本为 {found}，本版本只认识到 {known}：请升级中心软件",
                         f"the hub database is at schema version {found}; this release knows up to {known}: "
                         "upgrade the hub")


class SchemaTooOld(HubError):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"中心数据库的结构版本为 {found}，需要 {known}：请运行 jiujin hub migrate",
                         f"the hub database is at schema version {found}, this release needs {known}: "
                         "run `jiujin hub migrate`")


def _station_registration(db: Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    present = {column.name for column in db.get_columns("hub_station")}
    wanted = {"district": CharField(default=""), "point_type": CharField(default=""),
              "town": CharField(default=""), "release": CharField(default=""),
              "release_seen_at": CharField(null=True)}
    run_steps(*[migrator.add_column("hub_station", name, field)
                for name, field in wanted.items() if name not in present])


def _audit_anchors(db: Database) -> None:
    """The new tables exist (`migrate` creates them); witness the heads of the batches held."""
    execute(db, "INSERT INTO hub_anchor (station, seq, hash, station_at, received_at, source, via)"
                " SELECT station, audit_seq, audit_hash, created_at, received_at, 'batch', via FROM hub_batch"
                " WHERE audit_seq > 0 ON CONFLICT DO NOTHING")


def _case_marks(db: Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    steps = [migrator.add_column(table, name, field) for table, name, field in (
        ("hub_application", "rongque", IntegerField(default=0)),
        ("hub_application", "proxy", IntegerField(default=0)),
        ("hub_station", "bundle_seen", IntegerField(null=True)),
        ("hub_station", "bundle_seen_at", CharField(null=True)),
    ) if name not in {column.name for column in db.get_columns(table)}]
    run_steps(*steps)
    mark_cases_from_records()


def _departments(db: Database) -> None:
    from sync.hub.models import (
        HubCase,
        HubCaseEvent,
        HubDepartment,
        HubDepartmentKey,
        HubWebhook,
        HubWebhookDelivery,
    )

    db.create_tables([HubDepartment, HubDepartmentKey, HubCase, HubCaseEvent, HubWebhook, HubWebhookDelivery],
                     safe=True)


def _citizens(db: Database) -> None:
    db.create_tables([HubCaseStep, HubCaseKey, HubRating, HubFollowUp, HubLookupAttempt], safe=True)


def _incremental_reconciliation(db: Database) -> None:
    """The indexes incremental reconciliation looks manifests up by; every open manifest is
    marked, so the first run after the upgrade compares them all, as every run did before.
    (Its two tables were created empty with the others.)"""
    execute(db, "CREATE INDEX IF NOT EXISTS hub_manifest_entry_application_id ON hub_manifest_entry (application_id)")
    execute(db, "CREATE INDEX IF NOT EXISTS hub_manifest_index_station ON hub_manifest_index (station)")
    execute(db, "INSERT INTO hub_manifest_stale (manifest) SELECT id FROM hub_manifest WHERE reconciled_at IS NULL")


def _onething_cases(db: Database) -> None:
    """The case columns and their index; applications folded before take them from their records."""
    from sync.hub.onething import mark_cases_from_records as mark_onething

    migrator = SchemaMigrator.from_database(db)
    present = {column.name for column in db.get_columns("hub_application")}
    run_steps(*[migrator.add_column("hub_application", name, field) for name, field in (
        ("case_id", CharField(null=True, max_length=36)), ("bundle_code", CharField(null=True)))
        if name not in present])
    execute(db, "CREATE INDEX IF NOT EXISTS hub_application_case_id ON hub_application (case_id)")
    mark_onething()


#: version -> the step that brings the schema from version - 1 to it.
MIGRATIONS: dict[int, Migration] = {
    2: _station_registration,
    3: _audit_anchors,
    4: _case_marks,
    5: _departments,
    6: _citizens,
    7: _incremental_reconciliation,
    8: _onething_cases,
}
LATEST = max(MIGRATIONS)


def schema_version(db: Database) -> int | None:
    """The recorded version, or None for a database without the hub's tables."""
    if "hub_setting" not in db.get_tables():
        return None
    row = HubSetting.get_or_none(HubSetting.key == "schema_version")
    return int(row.value) if row is not None else 1


def check(db: Database) -> int | None:
    """Refuse a schema newer than this release knows; the version found."""
    version = schema_version(db)
    if version is not None and version > LATEST:
        raise SchemaTooNew(version, LATEST)
    return version


def require_current(db: Database) -> None:
    """Refuse to serve on a schema that is not exactly this release's."""
    version = check(db)
    if version is not None and version < LATEST:
        raise SchemaTooOld(version, LATEST)


def migrate(db: Database) -> list[int]:
    """Create a new hub's tables at the latest version, or migrate an older one; the steps run.

    A hub already at this version runs no DDL at all: even `CREATE INDEX IF NOT EXISTS` locks
    its table first, and would deadlock against another hub process ingesting.
    """
    if check(db) == LATEST:
        return []
    with migration_lock(db):
        version = check(db)
        if version is None:
            db.create_tables(ALL_MODELS, safe=True)
            _record(LATEST)
            return []
        # Tables added by later releases without a step of their own (they start empty).
        db.create_tables(ALL_MODELS, safe=True)
        done = []
        for step in range(version + 1, LATEST + 1):
            MIGRATIONS[step](db)
            _record(step)
            done.append(step)
        return done


def _record(version: int) -> None:
    HubSetting.insert(key="schema_version", value=str(version)).on_conflict(
        conflict_target=[HubSetting.key], update={HubSetting.value: str(version)}).execute()


@contextmanager
def migration_lock(db: Database) -> Iterator[None]:
    with write_transaction():
        if is_postgres(db):
            execute(db, f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
        yield
