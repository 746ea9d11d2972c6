"""Numbered schema migrations, applied in order and recorded in `setting.schema_version`.

Migration 1 is written as plain DDL so that it never changes when the models do; later
migrations use peewee's `playhouse.migrations` operations.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from peewee import Database

from station.core.errors import StoreError

if TYPE_CHECKING:
    from playhouse.migrate import SqliteMigrator

Migration = Callable[[Database, "SqliteMigrator"], None]

_SCHEMA_1 = """
CREATE TABLE setting (key VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE station (
    code VARCHAR(255) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,
    point_type VARCHAR(255) NOT NULL, district VARCHAR(255) NOT NULL,
    signing_key BLOB NOT NULL, created_at VARCHAR(255) NOT NULL);
CREATE TABLE operator (
    id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL,
    display_name VARCHAR(255) NOT NULL, role VARCHAR(255) NOT NULL,
    status VARCHAR(255) NOT NULL, failure_count INTEGER NOT NULL,
    locked_until VARCHAR(255), public_key BLOB NOT NULL,
    created_at VARCHAR(255) NOT NULL, updated_at VARCHAR(255) NOT NULL);
CREATE UNIQUE INDEX operator_name ON operator (name);
CREATE TABLE application (
    id VARCHAR(36) NOT NULL PRIMARY KEY, receipt_number VARCHAR(255),
    item_code VARCHAR(255) NOT NULL, item_name VARCHAR(255) NOT NULL,
    catalog_version VARCHAR(255) NOT NULL, applicant_kind VARCHAR(255) NOT NULL,
    applicant_id VARCHAR(255) NOT NULL, applicant_name VARCHAR(255) NOT NULL,
    representative_id VARCHAR(255), payload TEXT NOT NULL, provenance TEXT NOT NULL,
    materials TEXT NOT NULL, status VARCHAR(255) NOT NULL, status_message TEXT,
    created_at VARCHAR(255) NOT NULL, updated_at VARCHAR(255) NOT NULL,
    submitted_at VARCHAR(255), day DATE, due_date DATE, rongque_deadline DATE,
    content_hash VARCHAR(255),
    operator_id INTEGER NOT NULL REFERENCES operator (id));
CREATE UNIQUE INDEX application_receipt_number ON application (receipt_number);
CREATE INDEX application_applicant_id ON application (applicant_id);
CREATE INDEX application_applicant_name ON application (applicant_name);
CREATE INDEX application_representative_id ON application (representative_id);
CREATE INDEX application_status ON application (status);
CREATE INDEX application_day ON application (day);
CREATE INDEX application_operator_id ON application (operator_id);
CREATE TABLE attachment (
    id INTEGER NOT NULL PRIMARY KEY,
    application_id VARCHAR(36) NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    sha256 VARCHAR(255) NOT NULL, media_type VARCHAR(255) NOT NULL, content BLOB NOT NULL,
    source VARCHAR(255) NOT NULL, material_code VARCHAR(255), created_at VARCHAR(255) NOT NULL);
CREATE INDEX attachment_application_id ON attachment (application_id);
CREATE UNIQUE INDEX attachment_application_id_sha256 ON attachment (application_id, sha256);
CREATE TABLE audit_event (
    seq INTEGER NOT NULL PRIMARY KEY, at VARCHAR(255) NOT NULL, operator VARCHAR(255) NOT NULL,
    action VARCHAR(255) NOT NULL, subject VARCHAR(255) NOT NULL, details TEXT NOT NULL,
    prev_hash VARCHAR(255) NOT NULL, hash VARCHAR(255) NOT NULL);
CREATE TABLE outbox_event (
    seq INTEGER NOT NULL PRIMARY KEY, kind VARCHAR(255) NOT NULL,
    application_id VARCHAR(255) NOT NULL, payload TEXT NOT NULL, at VARCHAR(255) NOT NULL,
    audit_seq INTEGER NOT NULL, audit_hash VARCHAR(255) NOT NULL, acknowledged_at VARCHAR(255));
CREATE INDEX outbox_event_application_id ON outbox_event (application_id);
CREATE TABLE receipt_counter (day VARCHAR(255) NOT NULL PRIMARY KEY, last INTEGER NOT NULL);
"""


def _initial_schema(db: Database, migrator: SqliteMigrator) -> None:
    for statement in _SCHEMA_1.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_SCHEMA_2 = """
CREATE TABLE sync_batch (
    batch_no INTEGER NOT NULL PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
    record_count INTEGER NOT NULL, batch_id VARCHAR(255) NOT NULL, prev_batch VARCHAR(255) NOT NULL,
    body_sha256 VARCHAR(255) NOT NULL, created_at VARCHAR(255) NOT NULL, size INTEGER NOT NULL,
    state VARCHAR(255) NOT NULL, transport VARCHAR(255), upload_url VARCHAR(255),
    sent_at VARCHAR(255), acknowledged_at VARCHAR(255), last_error TEXT, ack TEXT);
CREATE UNIQUE INDEX sync_batch_batch_id ON sync_batch (batch_id);
CREATE INDEX sync_batch_state ON sync_batch (state);
CREATE TABLE sync_attachment (sha256 VARCHAR(255) NOT NULL PRIMARY KEY, delivered_at VARCHAR(255) NOT NULL);
"""


def _sync_batches(db: Database, migrator: SqliteMigrator) -> None:
    for statement in _SCHEMA_2.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_SCHEMA_3 = """
CREATE TABLE print_job (
    id VARCHAR(64) NOT NULL PRIMARY KEY, title VARCHAR(255) NOT NULL, state VARCHAR(255) NOT NULL,
    payload BLOB NOT NULL, created_at REAL NOT NULL, attempts INTEGER NOT NULL,
    partial INTEGER NOT NULL, problem TEXT, operator_reprints INTEGER NOT NULL);
CREATE INDEX print_job_state ON print_job (state);
CREATE TABLE counter_draft (
    application_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES application (id) ON DELETE CASCADE,
    card TEXT, received TEXT NOT NULL, updated_at VARCHAR(255) NOT NULL);
"""


def _counter_state(db: Database, migrator: SqliteMigrator) -> None:
    for statement in _SCHEMA_3.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_SCHEMA_4 = """
DROP INDEX application_receipt_number;
CREATE UNIQUE INDEX application_receipt_number ON application (receipt_number) WHERE receipt_number IS NOT NULL;
DROP INDEX application_day;
CREATE INDEX application_day ON application (day) WHERE day IS NOT NULL;
DROP TABLE receipt_counter;
"""


def _submitted_only_indexes(db: Database, migrator: SqliteMigrator) -> None:
    """Drafts have no receipt number and no day; leaving them out of those two indexes means
    a submission adds one entry to each instead of moving one, two fewer pages per commit.
    Every query on either column compares it, so SQLite still uses them. The day's last
    receipt number is read from the receipt index, so the separate counter table goes."""
    for statement in _SCHEMA_4.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_SCHEMA_5 = """
CREATE TABLE amendment_draft (
    application_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES application (id) ON DELETE CASCADE,
    payload TEXT NOT NULL, received TEXT NOT NULL, updated_at VARCHAR(255) NOT NULL);
"""


def _amendment_drafts(db: Database, migrator: SqliteMigrator) -> None:
    for statement in _SCHEMA_5.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_SCHEMA_6 = """
ALTER TABLE operator ADD COLUMN signing_key BLOB;
ALTER TABLE operator ADD COLUMN signer VARCHAR(255);
ALTER TABLE operator ADD COLUMN signature VARCHAR(255);
"""


def _signed_operators(db: Database, migrator: SqliteMigrator) -> None:
    for statement in _SCHEMA_6.split(";"):
        if statement.strip():
            db.execute_sql(statement)


_SCHEMA_7 = """
CREATE TABLE case_rating (
    application_id VARCHAR(36) NOT NULL PRIMARY KEY REFERENCES application (id) ON DELETE CASCADE,
    level INTEGER NOT NULL, reasons TEXT NOT NULL, text TEXT NOT NULL, channel VARCHAR(255) NOT NULL,
    rated_at VARCHAR(255) NOT NULL, recorded_by VARCHAR(255) NOT NULL);
"""


def _case_ratings(db: Database, migrator: SqliteMigrator) -> None:
    for statement in _SCHEMA_7.split(";"):
        if statement.strip():
            db.execute_sql(statement)


#: Statuses of an application the hub does not hold yet (the offline policy's "unsent").
UNSENT_STATUSES = "('submitted', 'accepted_pending_materials', 'amended')"
#: `application.unsent` sorts beside `audit_head`, which every submission rewrites, so that
#: keeping the count mostly touches a page the commit writes anyway.
_UNSENT_COUNTER = [
    "INSERT OR REPLACE INTO setting (key, value) SELECT 'application.unsent', COUNT(*) FROM application"
    f" WHERE status IN {UNSENT_STATUSES}",
    "CREATE TRIGGER application_unsent_added AFTER INSERT ON application"
    f" WHEN NEW.status IN {UNSENT_STATUSES} BEGIN"
    " UPDATE setting SET value = value + 1 WHERE key = 'application.unsent'; END",
    "CREATE TRIGGER application_unsent_removed AFTER DELETE ON application"
    f" WHEN OLD.status IN {UNSENT_STATUSES} BEGIN"
    " UPDATE setting SET value = value - 1 WHERE key = 'application.unsent'; END",
    "CREATE TRIGGER application_unsent_moved AFTER UPDATE OF status ON application"
    f" WHEN (OLD.status IN {UNSENT_STATUSES}) != (NEW.status IN {UNSENT_STATUSES}) BEGIN"
    f" UPDATE setting SET value = value + CASE WHEN NEW.status IN {UNSENT_STATUSES} THEN 1 ELSE -1 END"
    " WHERE key = 'application.unsent'; END",
]


def _unsent_counter(db: Database, migrator: SqliteMigrator) -> None:
    """The number of applications the hub does not hold yet, kept by triggers in the same
    transaction as every change of status: the offline policy reads one row on each
    submission instead of counting them (a count over 100,000 unsent took ~20 ms)."""
    for statement in _UNSENT_COUNTER:
        db.execute_sql(statement)


#: Statuses in which the point still has something to do with an application: a draft, not yet
#: at the hub, or sent back. Few rows are in them at any time, whatever the store holds.
OPEN_STATUSES = "('draft', 'submitted', 'accepted_pending_materials', 'amended', 'needs_amendment', 'returned')"
#: A query that repeats this term word for word can use `application_open` (SQLite uses a
#: partial index only for a query whose WHERE clause contains the index's own).
OPEN_TERM = f"status IN {OPEN_STATUSES}"
_OPEN_INDEX = [
    "DROP INDEX application_status",
    # Keyed by when the row was made, then its status: a draft's entry and the same row's entry
    # once submitted sit side by side, so a submission rewrites one index page, not two; and
    # counting the unsent reads the index alone.
    f"CREATE INDEX application_open ON application (created_at, status) WHERE {OPEN_TERM}",
    "DROP TRIGGER application_unsent_added",
    "DROP TRIGGER application_unsent_removed",
    "DROP TRIGGER application_unsent_moved",
    "DELETE FROM setting WHERE key = 'application.unsent'",
]


def _open_index(db: Database, migrator: SqliteMigrator) -> None:
    """The applications the point still works on, indexed apart from the many it is done with:
    the status index of every row went (a submission moved its entry from the drafts' pages to
    the submitted ones, two pages per commit), and so did the unsent counter's triggers, which
    rewrote a `setting` page on every submission: the offline policy counts the unsent from
    this index instead, among rows that are few by definition."""
    for statement in _OPEN_INDEX:
        db.execute_sql(statement)


def _no_day_index(db: Database, migrator: SqliteMigrator) -> None:
    """A day's applications are found by their receipt numbers, which begin with the station's
    code and the day (`applications.receipt_range`), so the day's own index went: one page
    fewer written by every submission."""
    db.execute_sql("DROP INDEX application_day")


_SCHEMA_11 = """
ALTER TABLE application ADD COLUMN case_id VARCHAR(36);
ALTER TABLE application ADD COLUMN bundle_code VARCHAR(255);
CREATE INDEX application_case_id ON application (case_id) WHERE case_id IS NOT NULL;
"""


def _onething_cases(db: Database, migrator: SqliteMigrator) -> None:
    """一件事: the applications of one bundle share a case id (set when their drafts are made), so
    they are submitted, printed and tracked together; other applications leave both empty."""
    for statement in _SCHEMA_11.split(";"):
        if statement.strip():
            db.execute_sql(statement)


#: The audit action `audit_event_subject` leaves out: the one every submission writes. A
#: submission's link is found through its outbox event, which names it, so the index costs a
#: submission no page. A query that repeats this term word for word can use the index.
SUBMITTED_ACTION = "application.submitted"
SUBJECT_TERM = f"action != '{SUBMITTED_ACTION}'"
_SCREEN_INDEXES = [
    f"CREATE INDEX audit_event_subject ON audit_event (subject) WHERE {SUBJECT_TERM}",
    "CREATE INDEX application_rongque ON application (rongque_deadline) WHERE rongque_deadline IS NOT NULL",
]


def _screen_indexes(db: Database, migrator: SqliteMigrator) -> None:
    """What the counter's screens ask of a store that has filed for years, read by index
    instead of by reading the whole table: an application's history (its audit trail by
    subject) and the 容缺 applications still owing materials. Neither index is written by an
    ordinary submission."""
    for statement in _SCREEN_INDEXES:
        db.execute_sql(statement)


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "initial schema", _initial_schema),
    (2, "sync batches and delivered attachments", _sync_batches),
    (3, "print jobs and counter drafts' card and papers", _counter_state),
    (4, "receipt-number and day indexes without drafts; no receipt counter table", _submitted_only_indexes),
    (5, "amendments in progress", _amendment_drafts),
    (6, "operator rows signed by an admin", _signed_operators),
    (7, "citizens' ratings (好差评) given at the station", _case_ratings),
    (8, "count of applications not yet delivered, kept by triggers", _unsent_counter),
    (9, "open applications indexed apart; the unsent counted from that index, not kept by triggers", _open_index),
    (10, "a day's applications found by receipt-number ranges; no index of the day", _no_day_index),
    (11, "一件事: the case and bundle an application belongs to", _onething_cases),
    (12, "an application's audit trail and the 容缺 still owed found by index", _screen_indexes),
]
LATEST_VERSION = MIGRATIONS[-1][0]


def schema_version(db: Database) -> int:
    """The version the database is at; 0 for an empty one."""
    if "setting" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: Database) -> list[int]:
    """Apply every pending migration; returns those applied.

    An upgrade is all or nothing: a station database that already holds data is first copied
    (still encrypted, same key) to `station.db.pre-v<version>`, then every pending migration
    runs in one transaction, so a failure leaves the database exactly as the previous release
    left it. A database from a newer release is refused rather than misread.
    """
    current = schema_version(db)
    if current > LATEST_VERSION:
        raise StoreError(
            f"数据库来自更新版本的就近（结构版本 {current}，本版本最高 {LATEST_VERSION}）："
            "请安装新版本，或恢复升级前的备份。",
            f"The database comes from a newer Jiujin (schema {current}, this release knows "
            f"up to {LATEST_VERSION}): install the newer release or restore the copy made "
            "before the upgrade.",
        )
    pending = [migration for migration in MIGRATIONS if migration[0] > current]
    if not pending:
        return []
    from playhouse.migrate import SqliteMigrator  # loads PostgreSQL helpers too: only when needed

    if current > 0:
        backup_before_upgrade(db, current)
    migrator = SqliteMigrator(db)
    with db.atomic():
        for version, _description, step in pending:
            with db.atomic():
                step(db, migrator)
                db.execute_sql(
                    "INSERT OR REPLACE INTO setting (key, value) VALUES ('schema_version', ?)",
                    (str(version),),
                )
    return [version for version, _description, _step in pending]


def backup_path(database_path: Path, version: int) -> Path:
    """Where the copy made before upgrading from schema `version` is kept."""
    return database_path.with_name(f"{database_path.name}.pre-v{version}")


def backup_before_upgrade(db: Database, version: int) -> Path | None:
    """Copy the database, encrypted with its own key, beside it before it is upgraded.

    `VACUUM INTO` writes a consistent snapshot (WAL included) that SQLCipher encrypts with the
    database's key; it goes to a temporary name first, so a crash never leaves half a copy.
    """
    if db.database == ":memory:":
        return None
    target = backup_path(Path(db.database), version)
    partial = target.with_name(f"{target.name}.partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # VACUUM INTO fills an empty file, keeping the station's file mode
    try:
        db.execute_sql("VACUUM INTO ?", (str(partial),))
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk keeps no half copy
        raise
    os.replace(partial, target)
    return target
