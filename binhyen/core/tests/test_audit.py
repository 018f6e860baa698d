import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from binhyen.accounts.choices import Role
from binhyen.accounts.services import grant_role
from binhyen.core.audit import audit_context
from binhyen.core.models import AuditEntry
from binhyen.geo.services import update_unit_attributes


def test_a_change_is_recorded_with_who_before_and_after(triangle):
    with audit_context(actor=triangle.parent_officer, ip="10.1.2.3", source="test") as ctx:
        update_unit_attributes(triangle.unit, border_area=True)
    entry = AuditEntry.objects.filter(
        model="geo.adminunit", object_id=str(triangle.unit.pk)
    ).first()
    assert entry.action == "update"
    assert entry.actor == triangle.parent_officer and entry.ip == "10.1.2.3"
    assert entry.request_id == ctx.request_id
    assert entry.before["border_area"] is False and entry.after["border_area"] is True
    assert ("border_area", False, True) in entry.changed_fields()
    assert entry.unit_id == triangle.unit.pk


def test_a_rolled_back_change_leaves_no_entry(triangle):
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        update_unit_attributes(triangle.unit, island=True)
        raise RuntimeError("crash")
    assert AuditEntry.objects.count() == count
    triangle.unit.refresh_from_db()
    assert triangle.unit.island is False


def test_entries_cannot_be_changed_or_deleted(triangle):
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.summary != "forged"


def test_passwords_never_reach_the_audit_log(triangle):
    for entry in AuditEntry.objects.filter(model="accounts.user"):
        assert "password" not in (entry.after or {})


def test_requests_group_their_changes(client, triangle):
    client.force_login(triangle.admin)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    with audit_context(actor=triangle.admin, source="web") as ctx:
        grant_role(triangle.outsider, Role.VIEWER, triangle.parent)
        grant_role(triangle.outsider, Role.AUDITOR, triangle.parent)
    assert AuditEntry.objects.filter(request_id=ctx.request_id).count() == 2


def test_audit_log_page_triangle(client, triangle):
    grant_role(triangle.outsider, Role.AUDITOR, triangle.outsider.roles.first().unit)
    auditor_of_99 = triangle.parent_officer
    grant_role(auditor_of_99, Role.AUDITOR, triangle.parent)
    with audit_context(actor=triangle.admin, source="test"):
        update_unit_attributes(triangle.unit, religious_area=True)
    url = reverse("core:audit-log") + f"?q={triangle.unit.code}"
    # officer of the unit: not an auditor → refused
    client.force_login(triangle.officer)
    assert client.get(url).status_code == 403
    # auditor of the parent unit: sees the change in the commune below
    client.force_login(auditor_of_99)
    response = client.get(url)
    assert response.status_code == 200
    assert triangle.unit.name in response.content.decode()
    # auditor of another province: sees nothing of it
    client.force_login(triangle.outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert triangle.unit.name not in response.content.decode()


def test_a_web_request_records_who_and_from_where(client, triangle):
    client.force_login(triangle.officer)
    url = reverse("geo:edit-attributes", args=[triangle.unit.pk])
    response = client.post(
        url, {"island": "on", "year": "2024", "new_rural_status": "model"}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302
    entries = AuditEntry.objects.filter(actor=triangle.officer, source="web")
    assert {e.model for e in entries} == {"geo.adminunit", "geo.newruralrecord"}
    assert {e.ip for e in entries} == {"10.9.8.7"}
    assert len({e.request_id for e in entries}) == 1  # one request, one group


def test_a_password_change_is_recorded_without_the_secret(triangle):
    user = triangle.outsider
    with audit_context(actor=triangle.admin, source="test"):
        user.set_password("another-long-password")
        user.save()
    entry = AuditEntry.objects.filter(model="accounts.user", object_id=str(user.pk)).first()
    assert entry.action == "update"
    changed = {field for field, _before, _after in entry.changed_fields()}
    assert changed == {"password_fingerprint"}
    assert "another-long-password" not in str(entry.after) and user.password not in str(entry.after)


def test_signing_in_is_not_a_change(client, triangle):
    from binhyen.portal.demo import DEMO_PASSWORD

    count = AuditEntry.objects.count()
    response = client.post(reverse("login"), {"username": "t.officer", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.count() == count
