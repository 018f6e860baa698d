"""The XLSX lists (registrations and decisions) and the import of a year's registrations:
numbers as numbers, no formula, all or nothing with errors by row and column, Vietnamese
headers and values, idempotent re-import, round trip, scoping of the officers' pages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from binhyen.certification import exports, importers
from binhyen.certification.choices import Status, SubjectType
from binhyen.certification.models import Certification
from binhyen.certification.services.codes import new_certificate_code
from binhyen.core.audit import audit_context
from binhyen.core.spreadsheets.tables import ImportRejected
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.schemes.models import Organization

from . import test_certificates as routes

SAMPLE = (
    Path(__file__).resolve().parents[3] / "docs" / "samples" / "certification" / "registrations.csv"
)


@pytest.fixture(autouse=True)
def routed(settings):
    try:
        reverse("certification:lists-xlsx")
        reverse("certification:import")
    except NoReverseMatch:
        settings.ROOT_URLCONF = routes.__name__


def areas_of(commune: AdminUnit) -> list[AdminUnit]:
    return [
        v.unit
        for v in geo_queries.children_on(commune, geo_queries.today()).filter(
            unit__level="residential_area"
        )
    ]


def make(unit, *, organization=None, status=Status.REGISTERED, year=2025, **extra):
    kind = organization.kind if organization else unit.level
    values = dict(
        subject_type=kind,
        unit=unit,
        organization=organization,
        year=year,
        status=status,
        registered_on=dt.date(year, 2, 1),
    )
    if kind == SubjectType.RESIDENTIAL_AREA:
        values |= dict(households_total=80, households_registered=80)
    if status == Status.CERTIFIED:
        values |= dict(
            decision_number="7/QĐ-UBND",
            decision_date=dt.date(year, 11, 20),
            decision_authority="Ủy ban nhân dân xã",
            certificate_code=new_certificate_code(),
            certificate_issued_on=dt.date(year, 11, 20),
        )
    values |= extra
    with audit_context(source="test"):
        return Certification.objects.create(**values)


@pytest.fixture
def place(triangle):
    areas = areas_of(triangle.unit)
    with audit_context(source="test"):
        firm = Organization.objects.create(
            kind="enterprise",
            name="Công ty TNHH Bình An",
            commune=triangle.unit,
            tax_code="0101234567",
            size_class="medium",
            ref="DN-BINHAN",
        )
    return triangle, areas, firm


def csv_file(tmp_path, text: str, name="dang-ky.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def counts(result):
    c = result.counts["registrations"]
    return c.created, c.updated, c.unchanged


# ---- exports --------------------------------------------------------------------------------


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_workbook_has_two_sheets_numbers_as_numbers_and_no_formula(place):
    triangle, areas, firm = place
    make(areas[0], status=Status.CERTIFIED, decision_authority='=HYPERLINK("x")')
    make(triangle.unit, organization=firm, status=Status.NOT_CERTIFIED, decision_number="=1+1")
    book = _book(exports.workbook(Certification.objects.all()))
    assert book.sheetnames == ["registrations", "decisions"]
    reg, dec = book["registrations"], book["decisions"]
    header = [c.value for c in reg[1]]
    assert header[:8] == importers.column_names("registrations")
    rows = {r[1].value: r for r in reg.iter_rows(min_row=2)}
    area_row = rows[areas[0].code]
    assert area_row[4].value == 2025 and isinstance(area_row[4].value, int)
    assert area_row[6].value == 80 and isinstance(area_row[6].value, int)
    assert area_row[9].value == 1 and area_row[9].number_format.endswith("%")
    assert isinstance(area_row[5].value, dt.datetime) and area_row[5].number_format == "dd/mm/yyyy"
    firm_row = rows[triangle.unit.code]
    assert firm_row[2].value == "DN-BINHAN" and firm_row[3].value == "0101234567"
    assert firm_row[3].data_type == "s"
    for sheet in (reg, dec):
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
    texts = [c.value for row in dec.iter_rows() for c in row if isinstance(c.value, str)]
    assert '=HYPERLINK("x")' in texts and "=1+1" in texts
    dec_header = [c.value for c in dec[1]]
    code_col = dec_header.index("certificate_code")
    certified_rows = [
        r for r in dec.iter_rows(min_row=2) if r[dec_header.index("status")].value == "certified"
    ]
    assert certified_rows and certified_rows[0][code_col].value
    not_certified = [
        r
        for r in dec.iter_rows(min_row=2)
        if r[dec_header.index("status")].value == "not_certified"
    ]
    assert not_certified[0][code_col].value is None


def test_the_lists_cover_the_unit_and_year_only(place, demo):
    triangle, areas, firm = place
    mine = make(areas[0])
    make(areas[1], year=2024)
    other_commune = (
        AdminUnit.objects.filter(level="commune", valid_to__isnull=True)
        .exclude(pk=triangle.unit.pk)
        .order_by("code")
        .first()
    )
    make(other_commune)
    found = exports.under(Certification.objects.all(), triangle.unit, 2025)
    assert list(found) == [mine]
    province = exports.under(Certification.objects.all(), triangle.parent, 2025)
    assert mine in province


def test_export_command_writes_the_workbook(place, tmp_path):
    triangle, areas, firm = place
    make(areas[0])
    out = tmp_path / "lists.xlsx"
    call_command(
        "export_certifications", "--unit", triangle.unit.code, "--year", "2025", "-o", str(out)
    )
    book = load_workbook(out)
    assert book["registrations"].max_row == 2
    with pytest.raises(CommandError):
        call_command("export_certifications", "--unit", "NOPE", "--year", "2025", "-o", str(out))


def test_export_page_is_scoped(client, place):
    triangle, areas, firm = place
    make(areas[0])
    url = reverse("certification:lists-xlsx")
    query = {"unit": triangle.unit.code, "year": "2025"}
    for user, rows in (
        (triangle.officer, 2),
        (triangle.parent_officer, 2),
        (triangle.outsider, 1),  # only the header: nothing of the commune is theirs
    ):
        client.force_login(user)
        response = client.get(url, query)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert _book(response.content)["registrations"].max_row == rows, user
    assert client.get(url, {"unit": triangle.unit.code}).status_code == 400
    assert client.get(url, {"unit": "NOPE", "year": "2025"}).status_code == 404
    client.logout()
    assert client.get(url, query).status_code == 302


# ---- import ---------------------------------------------------------------------------------

VI_HEADER = "Loại đối tượng,Mã đơn vị,Mã số thuế,Năm,Ngày đăng ký,Số hộ,Số hộ đăng ký\n"


def test_import_with_vietnamese_headers_and_values_then_again(place, tmp_path):
    triangle, areas, firm = place
    text = (
        VI_HEADER
        + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,120,120\n"
        + f"Xã,{triangle.unit.code},,2025,2025-02-20,,\n"
        + f"Doanh nghiệp,,{firm.tax_code},2025,01/03/2025,,\n"
    )
    path = csv_file(tmp_path, text)
    with audit_context(source="test"):
        result = importers.import_files([path], user=triangle.officer)
    assert counts(result) == (3, 0, 0)
    area = Certification.objects.get(unit=areas[0], year=2025)
    assert area.subject_type == SubjectType.RESIDENTIAL_AREA
    assert (area.households_total, area.households_registered) == (120, 120)
    assert area.status == Status.REGISTERED and area.steps.count() == 1
    assert Certification.objects.get(organization=firm).unit == triangle.unit
    # the code names the commune in force on the registration date (before the 2025 reform,
    # another unit than today's commune of the same code)
    commune = Certification.objects.get(subject_type="commune")
    assert commune.unit.code == triangle.unit.code
    assert commune.unit.in_force_on(dt.date(2025, 2, 20))
    with audit_context(source="test"):
        again = importers.import_files([path], user=triangle.officer)
    assert counts(again) == (0, 0, 3)
    assert Certification.objects.count() == 3


def test_english_codes_and_organisation_ref(place, tmp_path):
    triangle, areas, firm = place
    text = (
        "subject_type,unit_code,organization_ref,year,registered_on\n"
        f"enterprise,{triangle.unit.code},DN-BINHAN,2025,2025-02-10\n"
        f"Enterprise,,#{firm.pk},2026,2026-02-10\n"
    )
    with audit_context(source="test"):
        result = importers.import_files([csv_file(tmp_path, text)])
    assert counts(result) == (2, 0, 0)


def test_all_or_nothing_with_errors_by_row_and_column(place, tmp_path):
    triangle, areas, firm = place
    text = (
        VI_HEADER
        + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,120,120\n"  # fine
        + "Khu dân cư,0000000,,2025,15/02/2025,10,10\n"  # unknown unit
        + f"Khu dân cư,{areas[1].code},,2025,15/02/2025,100,90\n"  # service: not 100%
        + f"Khu dân cư,{areas[2].code},,2025,15/06/2025,50,50\n"  # service: after Q1
        + "Doanh nghiệp,,9999999999,2025,01/03/2025,,\n"  # unknown tax code
        + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,120,120\n"  # twice
        + "Trạm xá,x,,2025,15/02/2025,,\n"  # not a subject type
        + f"Khu dân cư,{areas[3].code},,2025,31/02/2025,1,1\n"  # not a date
    )
    with pytest.raises(ImportRejected) as caught, audit_context(source="test"):
        importers.import_files([csv_file(tmp_path, text)], user=triangle.officer)
    where = {(e.line, e.column) for e in caught.value.errors}
    assert (3, "unit_code") in where
    assert (4, "households_registered") in where
    assert (5, "registered_on") in where
    assert (6, "tax_code") in where
    assert (7, "unit_code") in where
    assert (8, "subject_type") in where
    assert (9, "registered_on") in where
    assert not any(line == 2 for line, _col in where)
    assert Certification.objects.count() == 0


def test_rows_outside_the_jurisdiction_are_refused(place, tmp_path):
    triangle, areas, firm = place
    text = VI_HEADER + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,120,120\n"
    text += f"Doanh nghiệp,,{firm.tax_code},2025,01/03/2025,,\n"
    with pytest.raises(ImportRejected) as caught, audit_context(source="test"):
        importers.import_files([csv_file(tmp_path, text)], user=triangle.outsider)
    columns = {(e.line, e.column) for e in caught.value.errors}
    assert columns == {(2, "unit_code"), (3, "tax_code")}
    assert Certification.objects.count() == 0


def test_a_registration_with_other_values_is_an_error_not_a_rewrite(place, tmp_path):
    triangle, areas, firm = place
    make(areas[0], registered_on=dt.date(2025, 2, 1))
    text = VI_HEADER + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,80,80\n"
    with pytest.raises(ImportRejected) as caught:
        importers.import_files([csv_file(tmp_path, text)], user=triangle.officer)
    assert [(e.line, e.column) for e in caught.value.errors] == [(2, "unit_code")]
    assert Certification.objects.get(unit=areas[0]).registered_on == dt.date(2025, 2, 1)


def test_dry_run_writes_nothing(place, tmp_path):
    triangle, areas, firm = place
    text = VI_HEADER + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,120,120\n"
    result = importers.import_files([csv_file(tmp_path, text)], dry_run=True)
    assert counts(result) == (1, 0, 0)
    assert Certification.objects.count() == 0


def test_exported_workbook_imports_back_unchanged(place, tmp_path):
    triangle, areas, firm = place
    make(areas[0], status=Status.CERTIFIED)
    make(areas[1])
    make(triangle.unit, organization=firm)
    path = tmp_path / "lists.xlsx"
    path.write_bytes(exports.workbook(Certification.objects.all()))
    result = importers.import_files([path], user=triangle.officer)
    assert counts(result) == (0, 0, 3)
    assert any("decisions" in s for s in result.skipped)


def test_command_dry_run_and_errors(place, tmp_path, capsys):
    triangle, areas, firm = place
    good = csv_file(tmp_path, VI_HEADER + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,9,9\n")
    call_command("import_registrations", str(good), "--dry-run")
    assert Certification.objects.count() == 0
    call_command("import_registrations", str(good))
    assert Certification.objects.count() == 1
    bad = csv_file(tmp_path, VI_HEADER + "Khu dân cư,0000000,,2025,15/02/2025,9,9\n", "bad.csv")
    with pytest.raises(CommandError):
        call_command("import_registrations", str(bad))
    assert "unit_code" in capsys.readouterr().err


def test_sample_file_reads(demo):
    """The documented sample is a valid file (its rows name the demo's units)."""
    result = importers.import_files([SAMPLE], dry_run=True)
    assert result.counts["registrations"].rows >= 3


def test_upload_page_checks_then_imports(client, place, tmp_path):
    triangle, areas, firm = place
    text = VI_HEADER + f"Khu dân cư,{areas[0].code},,2025,15/02/2025,120,120\n"
    client.force_login(triangle.officer)
    assert client.get(reverse("certification:import")).status_code == 200
    upload = io.BytesIO(text.encode("utf-8-sig"))
    upload.name = "dang-ky.csv"
    response = client.post(reverse("certification:import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert Certification.objects.count() == 0  # checked only
    token = response.context["token"]
    response = client.post(reverse("certification:import-confirm"), {"token": token}, follow=True)
    assert response.status_code == 200
    assert Certification.objects.filter(unit=areas[0], year=2025).count() == 1
    template = client.get(reverse("certification:import-template"))
    assert template.status_code == 200
    assert [c.value for c in _book(template.content)["registrations"][1]] == (
        importers.column_names("registrations")
    )


def test_upload_page_needs_an_officer(client, place):
    client.logout()
    response = client.get(reverse("certification:import"))
    assert response.status_code == 302
