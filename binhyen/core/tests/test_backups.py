"""`binhyen backup` and `binhyen verify_backup` on the suite's engine (SQLite or
PostgreSQL), including a backup taken while another connection writes.

The tests are transactional (the backup reads through its own connection, which sees
committed rows only) and write unaudited rows (auth groups): the flush after each test
may delete those, while the audit log refuses deletion.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from binhyen.core import backups

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def client_tools():
    """PostgreSQL backups need pg_dump and pg_restore: skipped here without them, except
    under CI=true, which installs them."""
    if connection.vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        message = "pg_dump/pg_restore are not on PATH (apt-get install postgresql-client)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def groups(n: int, prefix: str = "g") -> None:
    Group.objects.bulk_create(Group(name=f"{prefix}-{i}") for i in range(n))


def test_backup_restores_with_the_counts_of_its_manifest(tmp_path):
    groups(25)
    target = tmp_path / "b"
    call_command("backup", "-o", str(target), stdout=io.StringIO())
    manifest = json.loads((target / backups.MANIFEST).read_text())
    assert manifest["engine"] == connection.vendor
    assert (target / manifest["file"]).stat().st_size == manifest["size"]
    assert manifest["tables"]["auth_group"] == 25
    assert manifest["tables"]["django_migrations"] == len(manifest["migrations"]) > 0
    assert "core.0002_audit_entries_immutable" in manifest["migrations"]
    result = backups.verify_backup(target)
    assert result.ok
    assert result.counts == manifest["tables"]
    assert result.pending_migrations == []
    call_command("verify_backup", str(target), stdout=io.StringIO())  # exits 0


def test_verify_fails_when_the_restore_differs(tmp_path):
    groups(3)
    target = tmp_path / "b"
    backups.create_backup(target)
    manifest_path = target / backups.MANIFEST
    original = manifest_path.read_text()
    changed = json.loads(original)
    changed["tables"]["auth_group"] = 4
    changed["migrations"] = changed["migrations"][:-1]
    manifest_path.write_text(json.dumps(changed))
    result = backups.verify_backup(target)
    assert result.mismatches == [("auth_group", 4, 3)]
    assert result.migrations_differ and not result.ok

    manifest_path.write_text(original)
    with (target / changed["file"]).open("ab") as data:
        data.write(b"\0")
    with pytest.raises(CommandError):
        call_command("verify_backup", str(target), stdout=io.StringIO())


def test_verify_reports_migrations_the_backup_lacks(tmp_path):
    target = tmp_path / "b"
    backups.create_backup(target)
    manifest = json.loads((target / backups.MANIFEST).read_text())
    applied = set(manifest["migrations"])
    assert backups.pending_migrations(applied) == []
    applied.discard("core.0002_audit_entries_immutable")
    assert backups.pending_migrations(applied) == ["core.0002_audit_entries_immutable"]


def test_backup_refuses_a_non_empty_target_and_missing_tools(tmp_path, monkeypatch):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "other").write_text("x")
    with pytest.raises(CommandError):
        call_command("backup", "-o", str(tmp_path / "b"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backups.BackupError, match="pg_dump"):
        backups.tool("pg_dump")
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="pg_dump"):
            call_command("backup", "-o", str(tmp_path / "c"))


class Writer(threading.Thread):
    """Adds groups through its own connection, one committed row at a time, until stopped
    (or, with `rows`, that many). SQLite's shared test database answers 'locked' while
    the backup's snapshot is open: the writer retries."""

    def __init__(self, prefix: str, rows: int | None = None):
        super().__init__(daemon=True)
        self.prefix, self.rows, self.written = prefix, rows, 0
        self.stop, self.error = threading.Event(), None

    def run(self):
        from django.db import connection as own

        try:
            while not self.stop.is_set() and (self.rows is None or self.written < self.rows):
                try:
                    Group.objects.create(name=f"{self.prefix}-{self.written}")
                except OperationalError:
                    time.sleep(0.01)
                    continue
                self.written += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            own.close()

    def wait_for(self, rows: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.written < rows and self.error is None:
            assert time.monotonic() < deadline, "the writer is stuck"
            time.sleep(0.01)


def test_a_backup_taken_while_writes_go_on_restores_to_its_snapshot(tmp_path):
    groups(10, "before")
    postgres = connection.vendor == "postgresql"
    background = None
    if postgres:  # SQLite's test database locks writers out of an open snapshot anyway
        background = Writer("background")
        background.start()
        background.wait_for(5)
    late = Writer("late", rows=20)

    def write_after_snapshot():
        """Rows committed after the snapshot, before the copy: the copy must ignore them."""
        late.start()
        if postgres:
            late.join(timeout=30)
            assert late.written == 20

    before = Group.objects.count()
    target = tmp_path / "b"
    manifest = backups.create_backup(target, after_snapshot=write_after_snapshot)
    if background is not None:
        background.wait_for(background.written + 5)
        background.stop.set()
        background.join(timeout=30)
        assert background.error is None
    late.join(timeout=30)
    assert late.error is None and late.written == 20

    counted = manifest["tables"]["auth_group"]
    assert before <= counted <= Group.objects.count() - 20  # the late rows are not in it
    assert Group.objects.filter(name__startswith="late-").count() == 20
    result = backups.verify_backup(target)
    assert result.ok, result.mismatches
    assert result.counts["auth_group"] == counted
