"""Backing up a hub and restoring it on another machine or database.

A backup folder holds the database (`pg_dump` custom format for PostgreSQL, a consistent
SQLite copy made with SQLite's backup API otherwise), the public key file, the two private
key files exactly as they lie in the hub folder (encrypted with the key passphrase, which is
never in a backup), and `backup.json` with the SHA-256 of each file. `hub.toml` is not
copied: it may hold the database password, and a restored hub names its own database.

Restoring checks every file against `backup.json`, writes a new hub folder, loads the
database into a fresh one (PostgreSQL: into the same schema name, which the dump creates),
and brings the schema up to this release. Stations need nothing: the hub keeps its keys, so
their credentials, acknowledgements and recovery slots stay valid, and ingest is idempotent,
so whatever they send again after the backup was taken is stored once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

from sync.errors import HubError
from sync.hub import migrations
from sync.hub.config import HPKE_KEY_NAME, SIGNING_KEY_NAME, HubConfig, HubFolder
from sync.hub.db import is_postgres, sqlite_path
from sync.hubkeys import PUBLIC_KEYS_FILE_NAME

FORMAT = "jiujin-hub-backup/1"
MANIFEST = "backup.json"
SQLITE_FILE = "hub.db"
PG_FILE = "hub.pgdump"
KEY_FILES = (PUBLIC_KEYS_FILE_NAME, HPKE_KEY_NAME, SIGNING_KEY_NAME)
MAX_MANIFEST = 64 * 1024
TOOL_SECONDS = 3600


class BackupError(HubError):
    """A backup that cannot be made or restored."""


def backup(store: Any, target: Path) -> dict[str, Any]:
    """Write a backup of `store` (a HubStore) into the new folder `target`; its manifest."""
    target = Path(target)
    try:
        target.mkdir(parents=True, exist_ok=False, mode=0o700)
    except FileExistsError:
        raise BackupError(f"{target} 已存在：请指定新的备份目录", f"{target} exists: name a new backup folder") from None
    for name in KEY_FILES:
        shutil.copy2(store.folder.path / name, target / name)
        (target / name).chmod(0o600)
    if is_postgres(store.db):
        database = PG_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *_schema_args(store.database_url),
              f"--file={target / PG_FILE}"], store.database_url)
    else:
        database = SQLITE_FILE
        with sqlite3.connect(target / SQLITE_FILE) as copy:
            store.db.connection().backup(copy)
        copy.close()
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "hub_fingerprint": store.fingerprint, "schema_version": migrations.schema_version(store.db),
                "database": database, "schema": _schema(store.database_url),
                "files": {name: _digest(target / name) for name in (*KEY_FILES, database)}}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", "utf-8")
    return manifest


def restore(source: Path, folder: Path, database_url: str | None = None) -> Any:
    """A new hub in `folder` from the backup in `source`, on `database_url` (default: SQLite in the
    folder); the opened, migrated HubStore."""
    from sync.hub.store import HubStore

    source, folder = Path(source), Path(folder)
    manifest = _checked_manifest(source)
    hub = HubFolder(folder)
    if hub.exists():
        raise BackupError(f"目录 {folder} 中已有市级中心", f"{folder} already holds a hub")
    url = database_url or "sqlite://hub.db"
    postgres = urlparse(url).scheme in ("postgresql", "postgres")
    if postgres != (manifest["database"] == PG_FILE):
        raise BackupError("备份的数据库类型与目标不同", "the backup's database kind differs from the target's")
    if postgres and _schema(url) != manifest["schema"]:
        raise BackupError(f"目标须使用备份的模式名 {manifest['schema'] or 'public'}",
                          f"restore into the backup's schema name {manifest['schema'] or 'public'}")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in KEY_FILES:
        shutil.copy2(source / name, folder / name)
        (folder / name).chmod(0o600)
    if postgres:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", str(source / PG_FILE)], url)
    else:
        path = sqlite_path(url, folder)
        if path.exists():
            raise BackupError(f"{path} 已存在", f"{path} already exists")
        shutil.copy2(source / SQLITE_FILE, path)
    hub.save_config(HubConfig(database=url))
    store = HubStore(folder)
    if store.fingerprint != manifest["hub_fingerprint"]:
        store.close()
        raise BackupError("备份中的密钥与其清单不符", "the backup's keys do not match its manifest")
    store.create_schema()
    return store


def _checked_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_MANIFEST:
        raise BackupError(f"{source} 不是中心备份", f"{source} is not a hub backup")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
        files = manifest["files"]
        database = manifest["database"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{source} 的备份清单无法读取", f"the manifest of {source} is unreadable") from None
    if manifest.get("format") != FORMAT or database not in (PG_FILE, SQLITE_FILE) \
            or set(files) != {*KEY_FILES, database}:
        raise BackupError(f"{source} 的备份清单不符合格式", f"the manifest of {source} is not a {FORMAT}")
    for name, digest in files.items():
        file = source / name
        if not file.is_file() or file.is_symlink() or _digest(file) != digest:
            raise BackupError(f"备份文件 {name} 缺失或已损坏", f"the backup file {name} is missing or damaged")
    return manifest


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _schema(url: str) -> str:
    return parse_qs(urlparse(url).query).get("schema", [""])[0]


def _schema_args(url: str) -> list[str]:
    schema = _schema(url)
    return [f"--schema={schema}"] if schema else []


def _run(command: list[str], url: str) -> None:
    """Run a PostgreSQL client tool against `url`: the password through the environment, never
    on the command line, and Jiujin's own `schema` parameter left out of what libpq sees."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端", f"{command[0]} not found: install the "
                          "PostgreSQL client")
    parsed = urlparse(url)
    query = {k: v for k, v in parse_qs(parsed.query).items() if k != "schema"}
    netloc = parsed.netloc.rsplit("@", 1)
    host = netloc[-1]
    user = netloc[0].split(":", 1)[0] if len(netloc) == 2 else ""
    conninfo = urlunparse(parsed._replace(netloc=f"{user}@{host}" if user else host,
                                          query=urlencode(query, doseq=True)))
    env = {**os.environ, "PGPASSWORD": parsed.password or os.environ.get("PGPASSWORD", "")}
    done = subprocess.run([*command, f"--dbname={conninfo}"], capture_output=True, text=True, env=env,
                          timeout=TOOL_SECONDS)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1][:300]
        raise BackupError(f"{command[0]} 失败：{last}", f"{command[0]} failed: {last}")
