"""Backups that restore to a consistent state, and the proof that one does.

A backup is a directory: the database (`database.dump`, PostgreSQL custom format, or
`database.sqlite3`) and `manifest.json`: the row count of every table, the applied
migrations, the app version and the time, all read in the same snapshot as the dump.

- PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot, counts the
  rows, and `pg_dump --snapshot` dumps exactly what it counted while writes go on.
- SQLite: one read transaction counts the rows and copies the file with the online
  backup API through the same connection.

`verify_backup` restores into a scratch database (a new PostgreSQL database, dropped
afterwards; a temporary file for SQLite), counts every table again and compares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import django
from django.db import connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1

PG_TABLES = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""
SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
    "ESCAPE '\\' ORDER BY name"
)


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message is for the operator."""


@dataclass
class Verification:
    manifest: dict
    counts: dict[str, int]
    mismatches: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    checksum_ok: bool = True
    migrations_differ: bool = False
    pending_migrations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.checksum_ok
            and not self.mismatches
            and not self.migrations_differ
            and not self.pending_migrations
        )


def default_target(base: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return base / "backups" / f"binhyen-{stamp}"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH. Install the PostgreSQL client tools of "
                "the server's version or newer (Debian: apt-get install postgresql-client)."
            )
            % {"tool": name}
        )
    return path


def create_backup(
    target: Path, using: str = "default", after_snapshot: Callable[[], None] | None = None
) -> dict:
    """Write the backup directory `target` and return its manifest. `after_snapshot` runs
    once the snapshot is taken, before the copy (tests write there to prove the copy
    ignores what happens after)."""
    vendor = connections[using].vendor
    if vendor not in FILES:
        raise BackupError(_("Backups support PostgreSQL and SQLite, not %(v)s.") % {"v": vendor})
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(_("%(path)s exists and is not empty.") % {"path": target})
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_file = target / FILES[vendor]
    source = connections.create_connection(using)  # its own connection and transaction
    try:
        source.ensure_connection()
        if vendor == "postgresql":
            snapshot = _pg_backup(source, data_file, after_snapshot)
        else:
            snapshot = _sqlite_backup(source, data_file, after_snapshot)
    finally:
        source.close()
    data_file.chmod(0o600)
    manifest = {
        "format": FORMAT,
        "engine": vendor,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "app_version": _app_version(),
        "django_version": django.get_version(),
        "file": data_file.name,
        "sha256": _sha256(data_file),
        "size": data_file.stat().st_size,
        **snapshot,
    }
    path = target / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return manifest


def _pg_backup(source, data_file: Path, after_snapshot) -> dict:
    pg_dump = tool("pg_dump")
    with source.cursor() as cur:
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            cur.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, server_version = cur.fetchone()
            state = _pg_state(cur, source.ops.quote_name)
            if after_snapshot is not None:
                after_snapshot()
            args, env = DatabaseClient.settings_to_cmd_args_env(
                source.settings_dict,
                ["--format=custom", f"--snapshot={snapshot_id}", f"--file={data_file}"],
            )
            _run([pg_dump, *args[1:]], env)
        finally:
            cur.execute("ROLLBACK")
    return {"server_version": server_version, "database": source.settings_dict["NAME"], **state}


def _pg_state(cur, quote) -> dict:
    cur.execute(PG_TABLES)
    names = [(schema, table) for schema, table in cur.fetchall()]
    counts = {}
    for schema, table in names:
        cur.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(table)}")
        counts[table if schema == "public" else f"{schema}.{table}"] = cur.fetchone()[0]
    return {"tables": counts, "migrations": _migrations(cur, counts)}


def _sqlite_backup(source, data_file: Path, after_snapshot) -> dict:
    raw = source.connection
    raw.execute("BEGIN")
    try:
        state = _sqlite_state(raw)  # the first read fixes the snapshot the copy sees
        if after_snapshot is not None:
            after_snapshot()
        target = sqlite3.connect(data_file)
        try:
            raw.backup(target)
        finally:
            target.close()
    finally:
        raw.execute("ROLLBACK")
    return {"server_version": sqlite3.sqlite_version, "database": "sqlite", **state}


def _sqlite_state(raw) -> dict:
    cur = raw.cursor()
    names = [row[0] for row in cur.execute(SQLITE_TABLES).fetchall()]
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        counts[name] = cur.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    return {"tables": counts, "migrations": _migrations(cur, counts)}


def _migrations(cur, counts: dict) -> list[str]:
    if "django_migrations" not in counts:
        return []
    cur.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cur.fetchall())


def read_manifest(path: Path) -> tuple[Path, dict]:
    """The backup directory (or its manifest's path) → (directory, manifest)."""
    path = Path(path)
    directory = path.parent if path.name == MANIFEST else path
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("No readable manifest in %(path)s: %(error)s") % {"path": directory, "error": exc}
        ) from exc
    if manifest.get("format") != FORMAT or manifest.get("engine") not in FILES:
        raise BackupError(_("%(path)s is not a Bình Yên backup.") % {"path": directory})
    return directory, manifest


def verify_backup(path: Path, using: str = "default") -> Verification:
    """Restore the backup into a scratch database, count every table, compare."""
    directory, manifest = read_manifest(path)
    data_file = directory / manifest["file"]
    if not data_file.exists():
        raise BackupError(_("%(path)s is missing.") % {"path": data_file})
    checksum_ok = _sha256(data_file) == manifest["sha256"]
    if manifest["engine"] == "postgresql":
        if connections[using].vendor != "postgresql":
            raise BackupError(
                _("A PostgreSQL backup is restored through a PostgreSQL DATABASE_URL.")
            )
        counts, migrations = _pg_restore(connections[using], data_file)
    else:
        counts, migrations = _sqlite_restore(data_file)
    expected = manifest["tables"]
    mismatches = [
        (name, expected.get(name), counts.get(name))
        for name in sorted(set(expected) | set(counts))
        if expected.get(name) != counts.get(name)
    ]
    return Verification(
        manifest=manifest,
        counts=counts,
        mismatches=mismatches,
        checksum_ok=checksum_ok,
        migrations_differ=migrations != manifest["migrations"],
        pending_migrations=pending_migrations(set(migrations)),
    )


def _pg_restore(server, data_file: Path) -> tuple[dict, list[str]]:
    pg_restore = tool("pg_restore")
    scratch_name = f"binhyen_verify_{secrets.token_hex(6)}"
    maintenance = _pg_wrapper(server, "postgres")
    quoted = server.ops.quote_name(scratch_name)
    try:
        with maintenance.cursor() as cur:
            cur.execute(f"CREATE DATABASE {quoted} TEMPLATE template0 ENCODING 'UTF8'")
        try:
            settings_dict = {**server.settings_dict, "NAME": scratch_name}
            args, env = DatabaseClient.settings_to_cmd_args_env(
                settings_dict,
                ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
                + ["--dbname"],
            )
            _run([pg_restore, *args[1:], str(data_file)], env)
            scratch = _pg_wrapper(server, scratch_name)
            try:
                with scratch.cursor() as cur:
                    state = _pg_state(cur, server.ops.quote_name)
            finally:
                scratch.close()
        finally:
            with maintenance.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
    finally:
        maintenance.close()
    return state["tables"], state["migrations"]


def _pg_wrapper(server, name: str):
    """A private connection to another database of the same server."""
    wrapper = server.__class__({**server.settings_dict, "NAME": name}, alias=f"backup-{name}")
    wrapper.ensure_connection()
    return wrapper


def _sqlite_restore(data_file: Path) -> tuple[dict, list[str]]:
    with tempfile.TemporaryDirectory(prefix="binhyen-verify-") as scratch_dir:
        scratch = Path(scratch_dir) / "restored.sqlite3"
        shutil.copyfile(data_file, scratch)
        raw = sqlite3.connect(scratch)
        try:
            (result,) = raw.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise BackupError(
                    _("The restored file fails SQLite's integrity check: %(r)s") % {"r": result}
                )
            state = _sqlite_state(raw)
        finally:
            raw.close()
    return state["tables"], state["migrations"]


def pending_migrations(applied: set[str]) -> list[str]:
    """Migrations of this code that the restored database has not applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    pending = []
    for key in sorted(loader.graph.nodes):
        migration = loader.disk_migrations.get(key)
        replaces = getattr(migration, "replaces", None) or []
        done = f"{key[0]}.{key[1]}" in applied or (
            replaces and all(f"{app}.{name}" in applied for app, name in replaces)
        )
        if not done:
            pending.append(f"{key[0]}.{key[1]}")
    return pending


def _run(command: list[str], env: dict | None) -> None:
    result = subprocess.run(
        command, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(command[0]).name, "error": result.stderr.strip()}
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _app_version() -> str:
    try:
        return metadata.version("binhyen")
    except metadata.PackageNotFoundError:
        return "unknown"
