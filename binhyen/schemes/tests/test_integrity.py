"""Rules that keep the registry consistent when records are edited, moved or closed, and
that keep records of other jurisdictions out of sight (found in review)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binhyen.core.models import AuditEntry
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import exports, queries, services
from binhyen.schemes.importers import import_files
from binhyen.schemes.models import GroupMember, Scheme, SchemeType

from .conftest import NEW, areas_of, scheme_type

d = dt.date


def _communes(province):
    return list(
        AdminUnit.objects.filter(
            level=Level.COMMUNE, valid_to__isnull=True, versions__parent=province
        )
        .distinct()
        .order_by("code")
    )


@pytest.fixture
def two_communes(triangle):
    """The triangle officer's commune and another commune of the same province."""
    other = next(c for c in _communes(triangle.parent) if c != triangle.unit)
    return triangle.unit, other


def _point(unit, name, **values):
    return services.establish_scheme(
        scheme_type=values.pop("scheme_type", None) or scheme_type("to-lien-gia-tu-quan"),
        name=name,
        host_kind=unit.level,
        unit=unit,
        established_on=values.pop("established_on", d(2025, 8, 1)),
        **values,
    )


def test_an_origin_outside_the_jurisdiction_is_not_named_and_does_not_block_edits(
    client, triangle, two_communes
):
    mine, other = two_communes
    origin = _point(areas_of(other, NEW)[0], "Điểm gốc bí mật")
    point = _point(areas_of(mine, NEW)[0], "Điểm của xã", replicated_from=origin)
    client.force_login(triangle.officer)
    page = client.get(reverse("schemes:edit", args=[point.pk])).content.decode()
    assert "Điểm gốc bí mật" not in page
    form = client.get(reverse("schemes:edit", args=[point.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["name"] = "Điểm của xã (sửa)"
    response = client.post(reverse("schemes:edit", args=[point.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    point.refresh_from_db()
    assert point.name == "Điểm của xã (sửa)" and point.replicated_from_id == origin.pk


def test_a_group_belongs_to_a_point_of_its_area_or_of_its_commune_only(triangle, two_communes):
    mine, other = two_communes
    commune_type = SchemeType.objects.get(code="cum-lien-ket-tu-quan")
    services.save_scheme_type(commune_type, has_groups=True)
    area = areas_of(mine, NEW)[0]
    elsewhere = _point(other, "Cụm xã khác", scheme_type=commune_type)
    with pytest.raises(ValidationError) as info:
        services.create_group(
            residential_area=area, name="Tổ 1", established_on=d(2025, 9, 1), scheme=elsewhere
        )
    assert "scheme" in info.value.message_dict
    own = _point(mine, "Cụm xã mình", scheme_type=commune_type)
    group = services.create_group(
        residential_area=area, name="Tổ 1", established_on=d(2025, 9, 1), scheme=own
    )
    assert group.scheme == own


def test_an_ended_membership_cannot_be_reopened_into_a_second_group(triangle):
    area = areas_of(triangle.unit, NEW)[0]
    a = services.create_group(residential_area=area, name="Tổ A", established_on=d(2025, 8, 1))
    b = services.create_group(residential_area=area, name="Tổ B", established_on=d(2025, 8, 1))
    home = services.create_household(residential_area=area, head_name="Lê Văn Bình")
    first = services.join_group(a, home, d(2025, 8, 1))
    services.leave_group(first, d(2025, 10, 1))
    services.join_group(b, home, d(2025, 10, 1))
    with pytest.raises(ValidationError) as info:
        services.leave_group(first, d(2030, 12, 31))
    assert "left_on" in info.value.message_dict
    services.leave_group(first, d(2025, 9, 15))  # ending earlier is a correction
    leader = services.add_member(a, full_name="Lê Văn Bình", joined_on=d(2025, 8, 1), role="leader")
    services.end_membership(leader, d(2025, 9, 1))
    services.add_member(a, full_name="Trần Thị Mai", joined_on=d(2025, 9, 1), role="leader")
    with pytest.raises(ValidationError):
        services.end_membership(leader, d(2026, 1, 1))
    on = d(2025, 11, 1)
    assert queries.structure_on(queries.Scope(triangle.unit), on).households == 1
    assert GroupMember.objects.filter(role="leader", left_on__isnull=True).count() == 1


def test_moving_an_organisation_moves_its_points(triangle, two_communes):
    mine, other = two_communes
    org = services.save_organization(
        None, kind="school", name="Trường THCS Demo", commune=mine, established_on=d(2005, 1, 1)
    )
    point = services.establish_scheme(
        scheme_type=scheme_type("4-an-toan"),
        name="4 an toàn – trường",
        host_kind="school",
        organization=org,
        established_on=d(2025, 9, 1),
    )
    services.save_organization(org, commune=other)
    point.refresh_from_db()
    assert point.unit == other and point.version == 2
    assert not queries.schemes_for_user(triangle.officer).filter(pk=point.pk).exists()


def test_events_cannot_be_dated_in_the_future(triangle):
    point = _point(areas_of(triangle.unit, NEW)[0], "Điểm")
    with pytest.raises(ValidationError) as info:
        services.record_event(point, "dissolved", d(2999, 1, 1), "sẽ giải thể")
    assert "date" in info.value.message_dict
    assert Scheme.objects.get(pk=point.pk).status == "active"


def test_a_commune_breakdown_shows_its_own_points_apart_from_the_unallocated(triangle, make_point):
    commune = triangle.unit
    _point(commune, "Kẻng xã", scheme_type=scheme_type("keng-an-ninh"))
    _point(areas_of(commune, NEW)[0], "Kẻng thôn", scheme_type=scheme_type("keng-an-ninh"))
    counts = queries.schemes_active(queries.Scope(commune), d(2026, 1, 1), by="unit")
    assert counts.total == 2
    rows = {r.key: r.count for r in counts.rows}
    assert rows == {areas_of(commune, NEW)[0].pk: 1, queries.AT_UNIT_ITSELF: 1}


def test_import_of_a_dissolution_closes_memberships_ending_later_and_audits_it(triangle, tmp_path):
    area = areas_of(triangle.unit, NEW)[0]
    group = services.create_group(residential_area=area, name="Tổ X", established_on=d(2025, 8, 1))
    services.add_member(group, full_name="A", joined_on=d(2025, 8, 1), left_on=d(2030, 1, 1))
    services.add_member(group, full_name="B", joined_on=d(2026, 3, 1))
    path = tmp_path / "groups.csv"
    path.write_text(
        "ref,residential_area_code,name,kind,established_on,dissolved_on\n"
        f"#{group.pk},{area.code},Tổ X,inter_household,2025-08-01,2026-01-01\n",
        encoding="utf-8",
    )
    before = AuditEntry.objects.filter(model="schemes.groupmember", action="bulk").count()
    import_files([path])
    ends = dict(GroupMember.objects.filter(group=group).values_list("full_name", "left_on"))
    assert ends == {"A": d(2026, 1, 1), "B": d(2026, 3, 1)}
    assert (
        AuditEntry.objects.filter(model="schemes.groupmember", action="bulk").count() == before + 1
    )


def test_an_export_naming_a_point_outside_the_jurisdiction_imports_back_unchanged(
    triangle, two_communes, tmp_path
):
    mine, other = two_communes
    origin = _point(areas_of(other, NEW)[0], "Điểm gốc")
    point = _point(areas_of(mine, NEW)[0], "Điểm nhân rộng", replicated_from=origin)
    response = exports.xlsx_response("points", queries.schemes_for_user(triangle.officer))
    path = tmp_path / "points.xlsx"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    result = import_files([path], user=triangle.officer, dry_run=True)
    assert result.counts["points"].unchanged >= 1 and not result.changed_anything
    point.refresh_from_db()
    assert point.replicated_from_id == origin.pk


def test_an_upload_over_the_limit_is_refused_while_it_arrives(
    client, triangle, settings, tmp_path, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from binhyen.schemes.views import imports as import_views

    settings.VAR_DIR = tmp_path
    client.force_login(triangle.parent_officer)
    big = SimpleUploadedFile("big.csv", b"ref,name\n" + b"x" * (2 * 1024 * 1024))
    monkeypatch.setattr(import_views.pages, "max_upload_mb", 1)
    response = client.post(reverse("schemes:import"), {"file": big})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not (tmp_path / "uploads").exists() or not list((tmp_path / "uploads").iterdir())


def test_a_workbook_that_unpacks_too_large_is_refused(db, tmp_path, monkeypatch):
    from openpyxl import Workbook

    from binhyen.schemes.importers import FileRejected, reading

    book = Workbook()
    book.active.title = "households"
    book.active.append(["ref", "residential_area_code", "head_name"])
    for i in range(200):
        book.active.append([f"H{i}", "9910101", f"Tên chủ hộ số {i}"])
    path = tmp_path / "big.xlsx"
    book.save(path)
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 10_000)  # openpyxl writes inline strings
    with pytest.raises(FileRejected):
        import_files([path])
