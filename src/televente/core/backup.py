"""Backups of the whole site: the database and the uploaded files, in one `.tar` archive.

- SQLite: the online backup API of `sqlite3` (a consistent copy while the site runs).
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, other sessions keep working);
  restored with `pg_restore --clean --if-exists --single-transaction` (all or nothing).
- The uploaded files (`MEDIA_ROOT`: claim photos, commercial documents...) go in the same archive.
- `manifest.json` says what the archive holds: the database engine, the date, the last migration of
  each app and the number of rows of every table. `restore` refuses an archive of another engine or
  of a newer schema, and checks the row counts after restoring.

Restoring replaces the database: run it with the site and its workers stopped (docs/DEPLOY.md).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or a restore that cannot be done, with the reason."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    migrations: dict[str, str]
    tables: dict[str, int]
    media_files: int
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            return cls(**json.loads(data))
        except (ValueError, TypeError) as exc:
            raise BackupError(f"manifest.json is not readable: {exc}") from exc


def table_counts() -> dict[str, int]:
    """The number of rows of every table of the database (Django's and ours)."""
    counts = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # every table, the full-text search ones included
            cursor.execute(SQLITE_TABLES)
            names = [row[0] for row in cursor.fetchall()]
        else:
            names = sorted(connection.introspection.table_names(cursor))
        for table in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in (
        MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name")
    ):
        latest[app] = name  # names sort in the order they were made (0001_..., 0002_...)
    return latest


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else None


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore connection arguments and environment (the password never on the command line)."""
    s = connection.settings_dict
    args = ["--dbname", s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[:2000]}")


def _sqlite_facts(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts and latest migrations read from the copy itself (the live base may have moved on)."""
    copy = sqlite3.connect(path)
    try:
        tables = [r[0] for r in copy.execute(SQLITE_TABLES)]
        counts = {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        latest: dict[str, str] = {}
        for app, name in copy.execute("SELECT app, name FROM django_migrations ORDER BY app, name"):
            latest[app] = name
        return counts, latest
    finally:
        copy.close()


def _dump_database(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Writes the database to `target`; returns the row counts and migrations of exactly that copy."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return _sqlite_facts(target)
    if connection.vendor == "postgresql":
        # pg_dump reads the snapshot this transaction exported: the counts below are the dump's.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            args, env = _pg_env()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--snapshot",
                    snapshot,
                    "--file",
                    str(target),
                    *args,
                ],
                env,
            )
            return table_counts(), latest_migrations()
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


def backup(output: Path | None = None) -> tuple[Path, Manifest]:
    """Writes the archive (default: `<VAR_DIR>/backups/televente-<date>.tar`); returns its path and
    manifest."""
    engine = connection.vendor
    if engine not in DB_MEMBER:
        raise BackupError(f"backups of a {engine} database are not supported")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if output is None:
        folder = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / f"televente-{stamp}.tar"
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists: choose another name")
    media = _media_root()
    media_files = (
        sorted(p for p in media.rglob("*") if p.is_file()) if media is not None and media.is_dir() else []
    )
    with tempfile.TemporaryDirectory(prefix="televente-backup-") as work:
        database = Path(work) / DB_MEMBER[engine]
        tables, migrations = _dump_database(database)
        manifest = Manifest(
            engine=engine,
            created_at=timezone.now().isoformat(),
            migrations=migrations,
            tables=tables,
            media_files=len(media_files),
        )
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w") as archive:
                data = manifest.to_json()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                archive.add(database, arcname=DB_MEMBER[engine])
                for path in media_files:
                    archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
            partial.rename(output)  # never a half-written archive under the final name
        finally:
            partial.unlink(missing_ok=True)
    return output, manifest


def read_manifest(path: Path) -> Manifest:
    try:
        with tarfile.open(path, "r") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise BackupError(f"{path}: no manifest.json")
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, FileNotFoundError) as exc:
        raise BackupError(f"{path} is not a backup archive: {exc}") from exc


def restore(path: Path) -> Manifest:
    """Replaces the database (and adds back the uploaded files) with the archive's; returns its
    manifest once the restored row counts match it."""
    path = Path(path)
    manifest = read_manifest(path)
    engine = connection.vendor
    if manifest.format != FORMAT:
        raise BackupError(f"archive format {manifest.format} is not supported (expected {FORMAT})")
    if manifest.engine != engine:
        raise BackupError(f"this archive holds a {manifest.engine} database; this site runs on {engine}")
    known = latest_migrations()
    newer = sorted(app for app, name in manifest.migrations.items() if name > known.get(app, ""))
    if newer:
        raise BackupError(
            "the archive comes from a newer version of the application (migrations of "
            + ", ".join(newer)
            + "): update the application first"
        )
    with tempfile.TemporaryDirectory(prefix="televente-restore-") as work:
        with tarfile.open(path, "r") as archive:
            archive.extractall(work, filter="data")  # no absolute paths, no links out of the folder
        database = Path(work) / DB_MEMBER[engine]
        if not database.exists():
            raise BackupError(f"{path}: no {DB_MEMBER[engine]} in the archive")
        if engine == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            connection.close()  # pg_restore drops the tables: no session of ours may hold them
            args, env = _pg_env()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--no-owner",
                    "--no-privileges",
                    *args,
                    str(database),
                ],
                env,
            )
        media = _media_root()
        extracted = Path(work) / "media"
        if media is not None and extracted.is_dir():
            shutil.copytree(extracted, media, dirs_exist_ok=True)
    counts = table_counts()
    different = {t: (n, counts.get(t)) for t, n in manifest.tables.items() if counts.get(t) != n}
    if different:
        raise BackupError(f"restored row counts differ from the archive's: {different}")
    return manifest
