"""Managed persons' identities: encrypted at rest (the raw database rows hold no
plaintext), absent from every list, export, API answer and audit entry, revealed only
to officers of the unit with a reason (each reveal logged), and still readable after a
key rotation."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.core import crypto
from binhyen.core.models import AuditEntry
from binhyen.outcomes import services
from binhyen.outcomes.models import ManagedPerson, SupervisionPeriod

from .conftest import NAME, area_of

ID_NUMBER = "001090054321"
ADDRESS = "Số 17 ngõ Trúc Lâm"
SECRETS = (NAME, ID_NUMBER, ADDRESS, NAME.upper(), " ".join(NAME.split()[-2:]))


@pytest.fixture
def person(client, triangle):
    """A person taken in by the commune officer through the page, as in real use."""
    client.force_login(triangle.officer)
    data = {"full_name": NAME, "birth_year": "1990", "id_number": ID_NUMBER, "address": ADDRESS,
            "kind": "community_education", "intake_on": "01/08/2025",
            "unit": area_of(triangle.unit).code}  # fmt: skip
    assert client.post(reverse("outcomes:period-new"), data).status_code == 302
    client.logout()
    return ManagedPerson.objects.get()


def _clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_raw_rows_hold_no_plaintext(person):
    with connection.cursor() as cursor:
        for table in (ManagedPerson._meta.db_table, SupervisionPeriod._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (our own table names)
            rows = cursor.fetchall()
            assert rows
            _clean(repr(rows))
    assert crypto.decrypt(person.full_name) == NAME  # but it is there, encrypted


def test_names_appear_in_no_list_export_api_answer_or_audit_entry(client, triangle, person):
    client.force_login(triangle.parent_officer)
    period = SupervisionPeriod.objects.get()
    for url in (
        reverse("outcomes:index"),
        reverse("outcomes:periods"),
        reverse("outcomes:person", args=[person.code]),
        reverse("outcomes:period-edit", args=[period.pk]),
        reverse("api-outcome-managed-persons-list"),
        reverse("api-outcome-managed-persons-detail", args=[period.pk]),
        reverse("api-outcome-totals"),
        reverse("outcomes:figures") + "?register=managed-persons&by=kind",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _clean(response.content.decode())
    export = client.get(reverse("outcomes:periods"), {"export": "xlsx"})
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    cells = [str(c) for row in book.active.values for c in row]
    assert person.code in cells
    _clean(" ".join(cells))
    for entry in AuditEntry.objects.all():
        _clean(
            json.dumps(
                [entry.object_repr, entry.summary, entry.before, entry.after], ensure_ascii=False
            )
        )
        if entry.model == "outcomes.managedperson":
            assert entry.after == {
                "person": person.code,
                "fields": ["address", "birth_year", "full_name", "id_number"],
            }
    assert AuditEntry.objects.filter(model="outcomes.managedperson").exists()


def test_a_reveal_needs_a_reason_and_is_logged(client, triangle, person):
    url = reverse("outcomes:person-reveal", args=[person.code])
    client.force_login(triangle.officer)
    response = client.post(url, {"reason": "ab"})
    assert response.status_code == 400
    _clean(response.content.decode())
    assert not AuditEntry.objects.filter(action="access").exists()
    response = client.post(url, {"reason": "Xác minh theo đơn trình báo số 12"})
    assert response.status_code == 200
    page = response.content.decode()
    assert NAME in page and ID_NUMBER in page and ADDRESS in page
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="access")
    assert entry.model == "outcomes.managedperson" and entry.object_id == str(person.pk)
    assert entry.summary == "Xác minh theo đơn trình báo số 12"
    assert entry.actor == triangle.officer and entry.object_repr == person.code
    assert entry.unit_id == SupervisionPeriod.objects.get().unit_id
    # the provincial officer too, logged again
    client.force_login(triangle.parent_officer)
    assert client.post(url, {"reason": "Kiểm tra hồ sơ quản lý"}).status_code == 200
    assert AuditEntry.objects.filter(action="access").count() == 2


def test_no_reveal_for_viewers_and_outsiders(client, triangle, person):
    viewer = create_user("t.viewer", "x-password-1")
    grant_role(viewer, Role.VIEWER, triangle.unit)
    url = reverse("outcomes:person-reveal", args=[person.code])
    client.force_login(viewer)
    assert client.get(reverse("outcomes:person", args=[person.code])).status_code == 200
    response = client.post(url, {"reason": "Tò mò muốn biết tên"})
    assert response.status_code == 403
    client.force_login(triangle.outsider)
    assert client.post(url, {"reason": "Tò mò muốn biết tên"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.reveal_identity(triangle.outsider, person, "Tò mò muốn biết tên")
    assert not AuditEntry.objects.filter(action="access").exists()


def test_identity_corrections_are_logged_without_content(client, triangle, person):
    client.force_login(triangle.officer)
    url = reverse("outcomes:person-identity", args=[person.code])
    assert client.post(url, {"address": "Thôn Mới"}).status_code == 302
    identity = services.reveal_identity(triangle.officer, person, "Kiểm tra sau khi sửa")
    assert (identity.full_name, identity.address) == (NAME, "Thôn Mới")
    entry = AuditEntry.objects.filter(model="outcomes.managedperson", action="bulk").order_by(
        "-id"
    )[0]
    assert entry.after == {"person": person.code, "fields": ["address"]}
    _clean(json.dumps([entry.summary, entry.after], ensure_ascii=False))


def test_key_rotation_reencrypts_and_the_blind_index_follows(person):
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "FIELD_ENCRYPTION_KEYS", [new_key, *old_keys])
        call_command("rotate_keys", stdout=io.StringIO())
        call_command("reindex_managed_persons", stdout=io.StringIO())
    person.refresh_from_db()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "FIELD_ENCRYPTION_KEYS", [new_key])  # the old keys removed
        assert crypto.decrypt(person.full_name) == NAME
        assert crypto.decrypt(person.id_number) == ID_NUMBER
        assert crypto.decrypt(person.address) == ADDRESS
        assert services.find_person(services.Identity(NAME, 1990)) == person
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "FIELD_ENCRYPTION_KEYS", old_keys)  # really re-encrypted
        with pytest.raises(ValueError):
            crypto.decrypt(person.full_name)


def test_an_identity_typed_in_another_jurisdiction_opens_no_record(client, triangle, person):
    """An officer elsewhere who knows someone's ID number must not reach their record: a
    new person is recorded instead, and the known one stays out of sight."""
    from binhyen.accounts.services import create_user, grant_role
    from binhyen.geo.models import AdminUnit

    far = AdminUnit.objects.create(
        level="commune", code="97001", name="Xã Xa (kiểm thử)", valid_from=dt.date(2020, 1, 1)
    )
    area = AdminUnit.objects.create(
        level="residential_area", code="9700101", name="Thôn Xa", valid_from=dt.date(2020, 1, 1)
    )
    area.versions.create(
        name="Thôn Xa", type_word="Thôn", parent=far, valid_from=dt.date(2020, 1, 1)
    )
    from binhyen.geo.services import rebuild_placements

    rebuild_placements()
    stranger = create_user("t.far", "x")
    grant_role(stranger, "commune_officer", far)
    client.force_login(stranger)
    data = {
        "full_name": "Ai Đó",
        "birth_year": "1990",
        "id_number": ID_NUMBER,
        "kind": "community_education",
        "intake_on": "01/09/2025",
        "unit": area.code,
    }
    response = client.post(reverse("outcomes:period-new"), data)
    assert response.status_code == 302
    assert ManagedPerson.objects.count() == 2
    assert client.get(reverse("outcomes:person", args=[person.code])).status_code == 404
