"""A crash in the middle of an import (the process killed) leaves the database as before.

`import_schemes` runs in a child process (the `binhyen` console command) on a file of
groups large enough to write many batches before it ends. Once it is writing (its open
transaction seen from outside: on PostgreSQL holding a transaction id, which a
transaction gets at its first write; on SQLite with its rollback journal on disk, made
at the first page written), it is killed with SIGKILL.
The tables the import writes (the registry's and the audit log) then hold exactly the
rows they held before, and the database is sound.

The child needs a database it can reach. On PostgreSQL that is the test database itself
(`transactional_db`: what the test sets up is committed, visible to the child). On
SQLite the test database lives in memory: it is copied to a file (sqlite3's backup API,
after the setup is committed), which the child opens and the test reads afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection

from binhyen.conftest import empty_audit_log
from binhyen.core.audit import audit_context
from binhyen.core.models import AuditEntry
from binhyen.geo.choices import Level
from binhyen.geo.services.imports import UnitRow, import_structure
from binhyen.schemes.importers import column_names

pytestmark = pytest.mark.faults

ROWS = 20_000  # written in batches of 1,000: killed once the first is written
DEADLINE = 90  # seconds: a bound on waiting, not an expectation of speed
APP_NAME = "binhyen-killed-import-test"


@pytest.fixture
def committed(transactional_db):
    """A province, a commune and a residential area, committed; the audit log emptied
    after the test (before the flush)."""
    rows = [
        UnitRow(1, "96", "Tỉnh Thử Nghiệm", "Tỉnh", Level.PROVINCE),
        UnitRow(2, "96001", "Xã Một", "Xã", Level.COMMUNE, "96"),
        UnitRow(3, "9600101", "Thôn Một", "Thôn", Level.RESIDENTIAL_AREA, "96001"),
    ]
    with audit_context(source="test"):
        import_structure(rows, dt.date(2020, 1, 1), files=("test", ""))
    yield "9600101"
    empty_audit_log()


def _tables() -> list[str]:
    """The tables the import writes: the registry's and the audit log."""
    models = [*apps.get_app_config("schemes").get_models(), AuditEntry]
    return [m._meta.db_table for m in models]


class _Database:
    """The database the child opens, and how the test reads it."""

    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            s = connection.settings_dict
            auth = quote(s["USER"] or "")
            if s.get("PASSWORD"):
                auth += ":" + quote(s["PASSWORD"])
            host = f"{s.get('HOST') or 'localhost'}:{s.get('PORT') or 5432}"
            self.url = f"postgres://{auth}@{host}/{s['NAME']}"
            return
        self.file = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(self.file)
        connection.connection.backup(target)
        target.close()
        self.url = f"sqlite:///{self.file}"

    def rows(self) -> dict[str, list]:
        """Every row of the tables the import writes."""
        out = {}
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in _tables():
                    cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
                    out[table] = cursor.fetchall()
            return out
        db = sqlite3.connect(self.file)  # rolls back a journal left by a killed writer
        try:
            for table in _tables():
                out[table] = db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608
            out["integrity"] = db.execute("PRAGMA integrity_check").fetchall()
        finally:
            db.close()
        return out

    def writing(self) -> bool:
        """Whether the child's transaction has written (it is not committed yet)."""
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = %s AND backend_xid IS NOT NULL",
                    [APP_NAME],
                )
                return cursor.fetchone()[0] > 0
        return Path(f"{self.file}-journal").exists() or Path(f"{self.file}-wal").exists()

    def child_gone(self) -> bool:
        if self.vendor != "postgresql":
            return True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
            )
            return cursor.fetchone()[0] == 0


def _groups_file(path: Path, area_code: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(column_names("groups"))
        for i in range(ROWS):
            writer.writerow([f"G-{i}", area_code, f"Tổ {i}", "inter_household", "01/01/2024"])
    return path


def _wait(condition, what: str, deadline: float, proc=None, log: Path | None = None):
    """Poll `condition` until it holds (the child, if given, still running)."""
    while not condition():
        if proc is not None and proc.poll() is not None:
            output = log.read_text(encoding="utf-8", errors="replace") if log else ""
            raise AssertionError(f"the import ended ({proc.returncode}) before {what}: {output}")
        assert time.monotonic() < deadline, f"no sign of {what} in {DEADLINE} s"
        time.sleep(0.05)


def test_an_import_killed_while_writing_leaves_the_database_as_before(committed, tmp_path):
    source = _groups_file(tmp_path / "groups.csv", committed)
    db = _Database(tmp_path)
    before = db.rows()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "binhyen.settings.test",
        "DATABASE_URL": db.url,
        "BINHYEN_VAR_DIR": str(tmp_path / "var"),
        "PGAPPNAME": APP_NAME,  # the child's connection, found in pg_stat_activity
    }
    command = [sys.executable, "-m", "binhyen", "import_schemes", str(source), "--kind=groups",
               "--skip-checks"]  # fmt: skip
    log = tmp_path / "import.log"
    with log.open("w") as output:
        proc = subprocess.Popen(  # noqa: S603 (our own command, no shell)
            command, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + DEADLINE
    try:
        _wait(db.writing, "its open write transaction", deadline, proc, log)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        _wait(db.child_gone, "its connection closing", deadline)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = db.rows()
    assert after == before
    assert after["schemes_group"] == []  # nothing of the file
    if db.vendor == "sqlite":
        assert after["integrity"] == [("ok",)]
