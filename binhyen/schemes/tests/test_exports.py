"""XLSX export in the import layout: export → import changes nothing; text stays text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services
from binhyen.schemes.choices import EventKind, MemberRole
from binhyen.schemes.exports import EXPORT_KINDS, xlsx_response
from binhyen.schemes.importers import KINDS, column_names, import_files
from binhyen.schemes.models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    Organization,
    Scheme,
    SchemeEvent,
    SchemeType,
)

from .test_imports import SHEETS, workbook

pytestmark = pytest.mark.django_db
MODELS = {"types": SchemeType, "hosts": Organization, "points": Scheme, "groups": Group}


def export(kind: str, queryset, path: Path) -> Path:
    response = xlsx_response(kind, queryset)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    path.write_bytes(b"".join(response.streaming_content))
    return path


def state() -> dict[str, list[dict]]:
    models = (SchemeType, Organization, Scheme, SchemeEvent, Group, Household, GroupHousehold,
              GroupMember)  # fmt: skip
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def area(code: str) -> AdminUnit:
    return AdminUnit.objects.get(level=Level.RESIDENTIAL_AREA, code=code, valid_to=None)


@pytest.fixture
def registry(demo, tmp_path):
    """The test workbook imported, and records made in the app (no refs: exported as #id)."""
    import_files([workbook(tmp_path / "registry.xlsx", SHEETS)])
    village = area("9920202")
    point = services.establish_scheme(
        scheme_type=SchemeType.objects.get(code="to-tu-quan-antt"),
        name="Tổ tự quản thôn Thịnh Đức",
        host_kind="residential_area",
        unit=village,
        established_on=dt.date(2023, 3, 1),
        leader_phone="0912000111",
    )
    services.record_event(point, EventKind.DISSOLVED, dt.date(2025, 1, 10), reason="Sáp nhập tổ")
    group = services.create_group(
        residential_area=village, name="Tổ số 3", established_on=dt.date(2023, 3, 1), scheme=point
    )
    household = services.create_household(
        residential_area=village, head_name="Hồ Văn Cường", people=4
    )
    services.join_group(group, household, dt.date(2023, 3, 1))
    services.add_member(
        group,
        full_name="Hồ Văn Cường",
        joined_on=dt.date(2023, 3, 1),
        role=MemberRole.LEADER,
        household=household,
    )
    services.save_organization(
        None,
        kind="enterprise",
        name='=HYPERLINK("http://example.invalid","Bấm vào đây")',
        commune=AdminUnit.objects.get(level=Level.COMMUNE, code="99202", valid_to=None),
        address="+84 24 3825 1234",
        tax_code="0101234567",
        size_class="small",
        notes="@SUM(A1:A9) -- ghi chú",
        established_on=dt.date(2025, 9, 1),
    )


def test_export_then_import_changes_nothing(registry, tmp_path):
    before = state()
    files = [export(k, MODELS[k].objects.all(), tmp_path / f"{k}.xlsx") for k in EXPORT_KINDS]
    result = import_files(files)
    assert set(result.counts) == set(KINDS)
    assert not result.changed_anything
    assert result.counts["households"].unchanged == GroupHousehold.objects.count()
    assert state() == before


def test_export_has_the_import_columns_and_codes_as_text(registry, tmp_path):
    path = export("groups", Group.objects.all(), tmp_path / "groups.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["groups", "households", "members"]
    for name in book.sheetnames:
        header = [c.value for c in book[name][1]]
        assert header == column_names(name)
    groups = {row[0].value: row for row in book["groups"].iter_rows(min_row=2)}
    g1 = groups["G-1"]
    assert g1[1].value == "9920201" and g1[1].data_type == "s" and g1[1].number_format == "@"
    assert g1[4].value == dt.datetime(2022, 3, 15) and g1[4].number_format == "dd/mm/yyyy"
    made_in_app = Group.objects.get(name="Tổ số 3")
    assert f"#{made_in_app.pk}" in groups


def test_formula_like_text_is_exported_as_text(registry, tmp_path):
    path = export("hosts", Organization.objects.all(), tmp_path / "hosts.xlsx")
    rows = list(load_workbook(path)["hosts"].iter_rows(min_row=2))
    cells = {c.value: c for row in rows for c in row if isinstance(c.value, str)}
    for text in (
        '=HYPERLINK("http://example.invalid","Bấm vào đây")',
        "+84 24 3825 1234",
        "@SUM(A1:A9) -- ghi chú",
    ):
        assert cells[text].data_type == "s"  # a string, never a formula
        assert cells[text].quotePrefix
    assert cells["0101234567"].data_type == "s"
    assert not any(c.data_type == "f" for row in rows for c in row)
    assert not import_files([path]).changed_anything


def test_empty_template_has_every_sheet(demo, tmp_path):
    path = export("template", None, tmp_path / "template.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == list(KINDS)
    assert all(book[k].max_row == 1 for k in KINDS)
    result = import_files([path])  # headers only: every sheet read, nothing to do
    assert list(result.counts) == list(KINDS) and not any(c.rows for c in result.counts.values())


def test_export_command_limits_to_a_unit(registry, tmp_path):
    path = tmp_path / "village.xlsx"
    call_command("export_schemes", "--kind", "groups", "--unit", "9920201", "-o", str(path))
    book = load_workbook(path)
    refs = [row[0] for row in book["groups"].iter_rows(min_row=2, values_only=True)]
    assert sorted(refs) == ["G-1", "G-2", "G-PC"]  # not the group of the other village
    households = {row[0] for row in book["households"].iter_rows(min_row=2, values_only=True)}
    assert households == {"H-1", "H-2", "H-3"}
    with pytest.raises(CommandError):
        call_command("export_schemes", "--kind", "types", "--unit", "99", "-o", str(path))
