"""Fixtures shared by every app's tests: the demo geography and the permission triangle."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, transaction

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.core.audit import audit_context
from binhyen.geo.models import AdminUnit

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "vn-admin"
AFTER = dt.date(2025, 7, 1)
BEFORE = dt.date(2025, 6, 30)


@pytest.fixture
def demo(db):
    from binhyen.portal.demo import load_demo

    with audit_context(source="test"):
        return load_demo()


def current(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(level=level, code=code, valid_to__isnull=True)


@dataclass
class Triangle:
    """Officer of a unit, officer of its parent unit, and an outsider."""

    unit: AdminUnit
    parent: AdminUnit
    officer: object
    parent_officer: object
    outsider: object
    admin: object


@pytest.fixture
def triangle(demo):
    from binhyen.portal.demo import DEMO_PASSWORD

    province = current("province", "99")
    commune = (
        AdminUnit.objects.filter(level="commune", valid_to__isnull=True, code__startswith="99")
        .order_by("code")
        .first()
    )
    other = AdminUnit.objects.create(
        level="province", code="97", name="Tỉnh Ngoài (kiểm thử)", valid_from=dt.date(2020, 1, 1)
    )
    officer = create_user("t.officer", DEMO_PASSWORD)
    grant_role(officer, Role.COMMUNE_OFFICER, commune)
    parent_officer = create_user("t.parent", DEMO_PASSWORD)
    grant_role(parent_officer, Role.PROVINCIAL_OFFICER, province)
    outsider = create_user("t.outsider", DEMO_PASSWORD)
    grant_role(outsider, Role.PROVINCIAL_OFFICER, other)
    admin = create_user("t.admin", DEMO_PASSWORD)
    grant_role(admin, Role.SYSTEM_ADMIN)
    return Triangle(commune, province, officer, parent_officer, outsider, admin)


def shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the national unit files are not on this machine")
    return path


_IMMUTABLE = importlib.import_module("binhyen.core.migrations.0002_audit_entries_immutable")


def empty_audit_log() -> None:
    """The audit log refuses DELETE (core migration 0002), so the flush that ends a
    transactional test would abort on SQLite: empty it first, the trigger lifted for that
    one statement and restored at once, in one transaction (on PostgreSQL the flush's
    TRUNCATE passes anyway)."""
    table = connection.ops.quote_name("core_auditentry")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER core_auditentry_no_change")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER core_auditentry_no_change")
        else:
            for sql in _IMMUTABLE.SQLITE_DROP:
                cursor.execute(sql)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            for sql in _IMMUTABLE.SQLITE:
                cursor.execute(sql)


@pytest.fixture
def audit_log_emptied_after(transactional_db):
    """Set up after transactional_db, hence torn down before its flush."""
    yield
    connection.close()  # whatever a fault left behind: a fresh connection for the cleanup
    empty_audit_log()
