"""Reported figures: the services' refusals (each keyed by field), the upsert on the
natural key, the jurisdiction (an officer of another province neither sees nor writes),
Vietnamese numbers, the import (all or nothing, errors by row, idempotent, export →
import), the documented samples, the command, the pages and the API. Assertions on data,
status codes and error keys, never on translated text."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import include, path, reverse
from openpyxl import load_workbook
from rest_framework.routers import SimpleRouter

from binhyen import urls as project_urls
from binhyen.core.audit import audit_context
from binhyen.core.models import AuditEntry
from binhyen.core.spreadsheets.cells import CellError
from binhyen.reports import services
from binhyen.reports.api.figures import register
from binhyen.reports.importers import ImportRejected, import_files, parse_number, write_xlsx
from binhyen.reports.models import ReportedFigure
from binhyen.schemes.models import SchemeType
from binhyen.tips.choices import Channel

# the pages and the API, wherever the project includes them (test URLs: this module)
_router = SimpleRouter()
register(_router)
urlpatterns = [
    path("reports/figures/", include("binhyen.reports.urls_figures")),
    path("api/v1/", include(_router.urls)),
    *project_urls.urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)

START, END = dt.date(2025, 7, 1), dt.date(2025, 12, 31)
DOC = "Báo cáo số 12/BC-CAT ngày 31/12/2025"
SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples" / "reports"


def _data(unit_, **values) -> dict:
    data = {
        "indicator": "structure.groups",
        "unit": unit_,
        "period_start": START,
        "period_end": END,
        "value": Decimal("38578"),
        "qualifier": "exact",
        "breakdown": "",
        "source_document": DOC,
    }
    data.update(values)
    return data


def _refused(user, **data) -> set[str]:
    with pytest.raises(ValidationError) as exc:
        services.record_figure(user, **data)
    return set(exc.value.message_dict)


# ---- services -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"indicator": "structure.unknown"}, "indicator"),
        ({"breakdown": "area"}, "breakdown"),  # not dimension=value
        ({"breakdown": "area="}, "breakdown"),
        ({"breakdown": "type=camera"}, "breakdown"),  # groups do not break down by type
        ({"breakdown": "unit=99"}, "breakdown"),  # a smaller unit has its own figure
        ({"indicator": "schemes.active", "breakdown": "type=no-such-type"}, "breakdown"),
        ({"indicator": "tips.received", "breakdown": "channel=pigeon"}, "breakdown"),
        ({"value": Decimal("-1")}, "value"),
        ({"value": Decimal("12.5")}, "value"),  # groups are counted: whole numbers
        ({"value": None}, "value"),
        ({"period_start": END, "period_end": START}, "period_end"),
        ({"qualifier": "roughly"}, "qualifier"),
        ({"source_document": "  "}, "source_document"),
        ({"unit": None}, "unit"),
    ],
)
def test_each_refusal_is_keyed_by_its_field(triangle, values, key):
    data = _data(triangle.parent, **values)
    assert _refused(triangle.parent_officer, **data) == {key}
    assert not ReportedFigure.objects.exists()


def test_the_unit_must_exist_on_the_period_end(triangle):
    before = triangle.parent.valid_from - dt.timedelta(days=1)
    data = _data(triangle.parent, period_start=before.replace(day=1), period_end=before)
    assert _refused(None, **data) == {"unit"}


def test_accepted_breakdowns_are_stored_as_the_catalogue_spells_them(triangle):
    user = triangle.parent_officer
    area = services.record_figure(user, **_data(triangle.parent, breakdown=" area = rural "))
    assert area.breakdown == "area=rural" and area.dimension == "area" and area.part == "rural"
    scheme_type = SchemeType.objects.order_by("code").first()
    typed = services.record_figure(
        user,
        **_data(
            triangle.parent,
            indicator="schemes.active",
            breakdown=f"type={scheme_type.code.upper()}",
            value=3,
        ),
    )
    assert typed.breakdown == f"type={scheme_type.code}"
    channel = services.record_figure(
        user,
        **_data(
            triangle.parent, indicator="tips.received", breakdown=f"channel={Channel.values[0]}"
        ),
    )
    assert channel.part == Channel.values[0]
    weighed = services.record_figure(  # kilograms of explosives may have decimals
        user,
        **_data(
            triangle.parent,
            indicator="outcomes.weapons",
            breakdown="kind=explosives",
            value=Decimal("12.5"),
        ),
    )
    assert weighed.value == Decimal("12.5")


def test_record_is_an_upsert_on_the_natural_key_and_is_audited(triangle):
    user = triangle.parent_officer
    with audit_context(actor=user, source="test"):
        first, change = services.save_figure(user, **_data(triangle.parent))
        assert change == services.Change.CREATED and first.created_by == user
        same, change = services.save_figure(user, **_data(triangle.parent))
        assert (same.pk, change) == (first.pk, services.Change.UNCHANGED)
        again, change = services.save_figure(user, **_data(triangle.parent, value=38600))
        assert (again.pk, change) == (first.pk, services.Change.UPDATED)
    assert ReportedFigure.objects.get().value == 38600
    entries = AuditEntry.objects.filter(model="reports.reportedfigure")
    assert entries.count() == 2  # created, updated (the unchanged save wrote nothing)
    assert entries.filter(actor=user).count() == 2


def test_update_and_delete(triangle):
    user = triangle.parent_officer
    figure = services.record_figure(user, **_data(triangle.parent))
    other = services.record_figure(user, **_data(triangle.parent, breakdown="area=urban"))
    services.update_figure(user, figure, value=480, qualifier="about")
    figure.refresh_from_db()
    assert (figure.value, figure.qualifier) == (480, "about")
    with pytest.raises(ValidationError) as exc:  # the key of another figure
        services.update_figure(user, figure, breakdown="area=urban")
    assert "__all__" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.update_figure(user, figure, value=-3)
    assert set(exc.value.message_dict) == {"value"}
    services.delete_figure(user, other)
    assert list(ReportedFigure.objects.values_list("pk", flat=True)) == [figure.pk]


def test_jurisdiction_of_writes(triangle):
    assert _refused(triangle.outsider, **_data(triangle.parent)) == {"unit"}
    assert _refused(triangle.officer, **_data(triangle.parent)) == {"unit"}  # commune officer
    own = services.record_figure(triangle.officer, **_data(triangle.unit))
    figure = services.record_figure(triangle.parent_officer, **_data(triangle.parent))
    for write in (
        lambda: services.update_figure(triangle.outsider, figure, value=1),
        lambda: services.delete_figure(triangle.outsider, figure),
        lambda: services.update_figure(triangle.officer, figure, value=1),
    ):
        with pytest.raises(ValidationError):
            write()
    assert set(services.figures_for_user(triangle.parent_officer)) == {own, figure}
    assert set(services.figures_for_user(triangle.officer)) == {own}
    assert not services.figures_for_user(triangle.outsider).exists()


# ---- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("38.578", 38578),
        ("6.000", 6000),
        ("7.588", 7588),
        ("1.234.567", 1234567),
        ("480", 480),
        ("38 578", 38578),
        ("12,5", Decimal("12.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("12.5", Decimal("12.5")),
    ],
)
def test_vietnamese_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["38,578", "1.23.456", "abc", "1..2", ""])
def test_numbers_refused(text):
    with pytest.raises(CellError):
        parse_number(text)


# ---- import -----------------------------------------------------------------------------

HEADER = "indicator,unit_code,period_start,period_end,value,qualifier,breakdown,source_document\n"


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def _where(exc) -> set[tuple]:
    return {(e.file, e.line, e.column) for e in exc.value.errors}


def test_a_file_with_errors_writes_nothing_and_says_where(tmp_path, triangle):
    code = triangle.parent.code
    target = _csv(
        tmp_path,
        "so-lieu.csv",
        HEADER
        + f"structure.groups,{code},01/07/2025,31/12/2025,38.578,chính xác,,{DOC}\n"
        + f"structure.nothing,{code},01/07/2025,31/12/2025,1,,,{DOC}\n"
        + f"structure.boards,0000000,01/07/2025,31/12/2025,1,,,{DOC}\n"
        + f"structure.boards,{code},01/07/2025,31/12/2025,38,578,,{DOC}\n"  # shifted columns
        + f"structure.boards,{code},31/12/2025,01/07/2025,1,,,{DOC}\n"
        + f"structure.boards,{code},01/07/2025,31/12/2025,1,roughly,,{DOC}\n"
        + f"structure.groups,{code},01/07/2025,31/12/2025,6.000,,area,{DOC}\n"
        + f"structure.groups,{code},2025-07-01,2025-12-31,38578,exact,,{DOC}\n",  # twice
    )
    with pytest.raises(ImportRejected) as exc:
        import_files([target])
    assert _where(exc) == {
        ("so-lieu.csv", 3, "indicator"),
        ("so-lieu.csv", 4, "unit_code"),
        ("so-lieu.csv", 5, "qualifier"),
        ("so-lieu.csv", 6, "period_end"),
        ("so-lieu.csv", 7, "qualifier"),
        ("so-lieu.csv", 8, "breakdown"),
        ("so-lieu.csv", 9, "indicator"),
    }
    assert not ReportedFigure.objects.exists()


def test_jurisdiction_of_an_import(tmp_path, triangle):
    target = _csv(
        tmp_path,
        "ngoai.csv",
        HEADER + f"structure.groups,{triangle.parent.code},01/07/2025,31/12/2025,5,,,{DOC}\n",
    )
    with pytest.raises(ImportRejected) as exc:
        import_files([target], user=triangle.outsider)
    assert _where(exc) == {("ngoai.csv", 2, "unit_code")}
    result = import_files([target], user=triangle.parent_officer)
    assert result.counts["figures"].created == 1


def test_vietnamese_headers_dry_run_import_and_again_changes_nothing(tmp_path, triangle):
    code = triangle.parent.code
    target = _csv(
        tmp_path,
        "nam-2025.csv",
        "Chỉ tiêu,Mã đơn vị,Từ ngày,Đến ngày,Số liệu,Mức độ chính xác,Phân tổ,"
        "Văn bản nguồn,Ghi chú\n"
        f"structure.groups,{code},01/07/2025,31/12/2025,38.578,chính xác,,{DOC},\n"
        f"structure.groups,{code},01/07/2025,31/12/2025,6.000,khoảng,area=urban,{DOC},\n"
        f"tips.actionable,{code},01/07/2025,31/12/2025,trên 2.000,,,{DOC},ghi chú\n"
        f"cases.solved,{code},01/07/2025,31/12/2025,1.275,ít nhất,,{DOC},\n",
    )
    plan = import_files([target], dry_run=True)
    assert plan.dry_run and plan.counts["figures"].created == 4
    assert not ReportedFigure.objects.exists()
    import_files([target])
    values = {
        (f.indicator, f.breakdown): (f.value, f.qualifier) for f in ReportedFigure.objects.all()
    }
    assert values == {
        ("structure.groups", ""): (38578, "exact"),
        ("structure.groups", "area=urban"): (6000, "about"),
        ("tips.actionable", ""): (2000, "at_least"),
        ("cases.solved", ""): (1275, "at_least"),
    }
    audited = AuditEntry.objects.filter(model="reports.reportedfigure").count()
    again = import_files([target])
    assert (again.counts["figures"].unchanged, again.counts["figures"].created) == (4, 0)
    assert not again.changed_anything
    # only the bulk summary of the second run was added
    assert AuditEntry.objects.filter(model="reports.reportedfigure").count() == audited + 1


def test_an_export_imports_back_unchanged(tmp_path, triangle):
    user = triangle.parent_officer
    services.record_figure(user, **_data(triangle.parent, note="=SUM(A1)"))
    services.record_figure(
        user, **_data(triangle.parent, breakdown="area=rural", value=500, qualifier="at_least")
    )
    target = tmp_path / "export.xlsx"
    write_xlsx(ReportedFigure.objects.select_related("unit"), target)
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]][:5] == [
        "indicator",
        "unit_code",
        "period_start",
        "period_end",
        "value",
    ]
    result = import_files([target], user=user)
    assert (result.counts["figures"].unchanged, result.counts["figures"].created) == (2, 0)


@pytest.fixture
def provinces(db):
    """Nghệ An (40) and Hà Tĩnh (42), in force since 2017, for the documented samples."""
    from binhyen.geo.services.imports import UnitRow, import_structure

    rows = [
        UnitRow(2, "40", "Tỉnh Nghệ An", "Tỉnh", "province"),
        UnitRow(3, "42", "Tỉnh Hà Tĩnh", "Tỉnh", "province"),
    ]
    with audit_context(source="test"):
        import_structure(rows, dt.date(2017, 1, 1))


def test_the_documented_samples_import(provinces):
    files = sorted(SAMPLES.glob("figures-*.*"))
    assert {f.suffix for f in files} == {".csv", ".xlsx"}
    csvs = [f for f in files if f.suffix == ".csv"]
    result = import_files(csvs)
    assert result.counts["figures"].created == 10
    figures = {f.indicator: f for f in ReportedFigure.objects.select_related("unit")}
    groups = figures["structure.groups"]
    assert (groups.unit.code, groups.value, groups.period_end) == (
        "40",
        38578,
        dt.date(2023, 6, 15),
    )
    assert figures["structure.boards"].value == 7588
    assert figures["schemes.residential_areas"].value == 1420
    actionable = figures["tips.actionable"]
    assert (actionable.unit.code, actionable.value, actionable.qualifier) == (
        "42",
        2000,
        "at_least",
    )
    assert figures["cases.suspects_arrested"].value == 1321
    xlsx = [f for f in files if f.suffix == ".xlsx"]
    again = import_files(xlsx)  # the workbook holds the same figures as its CSV
    assert again.counts["figures"].unchanged >= 3 and not again.changed_anything


def test_the_command(tmp_path, triangle):
    code = triangle.parent.code
    good = _csv(
        tmp_path,
        "ok.csv",
        HEADER + f"structure.boards,{code},01/07/2025,31/12/2025,7.588,,,{DOC}\n",
    )
    out = io.StringIO()
    call_command("import_figures", str(good), "--dry-run", stdout=out)
    assert "figures: 1" in out.getvalue()
    assert not ReportedFigure.objects.exists()
    call_command("import_figures", str(good), stdout=io.StringIO())
    figure = ReportedFigure.objects.get()
    assert figure.value == 7588 and figure.created_by is None
    bad = _csv(
        tmp_path, "bad.csv", HEADER + f"structure.boards,{code},01/07/2025,31/12/2025,-1,,,{DOC}\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_figures", str(bad), stdout=io.StringIO(), stderr=err)
    assert "bad.csv:2 [value]" in err.getvalue()
    assert ReportedFigure.objects.count() == 1


# ---- pages --------------------------------------------------------------------------------


def _figures(response) -> set[int]:
    assert response.status_code == 200, response.content[:500]
    return {int(pk) for pk in re.findall(r'data-figure="(\d+)"', response.content.decode())}


def _errors(response) -> set[str]:
    return set(re.findall(r'data-error-for="(\w+)"', response.content.decode()))


@pytest.mark.parametrize("who", ["officer", "parent_officer", "outsider", "admin"])
def test_the_list_is_scoped(client, triangle, who):
    figures = {  # made inside the test: the province figure needs 2024 to exist
        "own": services.record_figure(None, **_data(triangle.unit)),
        "province": services.record_figure(None, **_data(triangle.parent)),
    }
    client.force_login(getattr(triangle, who))
    expected = {
        "officer": {"own"},
        "parent_officer": {"own", "province"},
        "outsider": set(),
        "admin": {"own", "province"},
    }[who]
    assert _figures(client.get(reverse("reported_figures:list"))) == {
        figures[k].pk for k in expected
    }
    edit = client.get(reverse("reported_figures:edit", args=[figures["province"].pk]))
    assert edit.status_code == {"officer": 404, "outsider": 404}.get(who, 200)


def test_viewers_read_but_do_not_write(client, triangle):
    from binhyen.accounts.choices import Role
    from binhyen.accounts.services import create_user, grant_role

    viewer = create_user("t.viewer", "x-password-1")
    grant_role(viewer, Role.VIEWER, triangle.unit)
    figure = services.record_figure(None, **_data(triangle.unit))
    client.force_login(viewer)
    assert _figures(client.get(reverse("reported_figures:list"))) == {figure.pk}
    assert client.get(reverse("reported_figures:edit", args=[figure.pk])).status_code == 403
    assert client.get(reverse("reported_figures:new")).status_code == 403
    assert client.get(reverse("reported_figures:import")).status_code == 403
    assert _refused(viewer, **_data(triangle.unit, value=1)) == {"unit"}


def test_the_list_filters_and_exports(client, triangle):
    own = services.record_figure(None, **_data(triangle.unit, source_document="Báo cáo của xã"))
    province = services.record_figure(
        None, **_data(triangle.parent, indicator="structure.boards", value=7588)
    )
    client.force_login(triangle.parent_officer)
    url = reverse("reported_figures:list")
    assert _figures(client.get(url, {"indicator": "structure.boards"})) == {province.pk}
    assert _figures(client.get(url, {"unit": triangle.unit.code})) == {own.pk}
    assert _figures(client.get(url, {"q": "của xã"})) == {own.pk}
    assert _figures(client.get(url, {"year": 2025})) == {own.pk, province.pk}
    assert _figures(client.get(url, {"year": 2019})) == set()
    partial = client.get(url, {"indicator": "structure.boards"}, HTTP_HX_REQUEST="true")
    assert _figures(partial) == {province.pk} and b"<html" not in partial.content
    export = client.get(url, {"indicator": "structure.boards", "export": "xlsx"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    assert len(rows) == 2 and rows[1][0] == "structure.boards" and rows[1][4] == 7588


def test_the_list_runs_a_bounded_number_of_queries(client, triangle):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(triangle.parent_officer)
    url = reverse("reported_figures:list")
    services.record_figure(None, **_data(triangle.parent))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for year in range(2026, 2046):
        day = dt.date(year, 1, 1)
        services.record_figure(None, **_data(triangle.unit, period_start=day, period_end=day))
    with CaptureQueriesContext(connection) as many:
        assert len(_figures(client.get(url))) == 21
    assert len(many) == len(one)


def test_create_with_an_error_keeps_what_was_typed_then_edit_and_delete(client, triangle):
    client.force_login(triangle.parent_officer)
    url = reverse("reported_figures:new")
    assert client.get(url).status_code == 200
    form = {
        "indicator": "structure.groups",
        "unit": triangle.parent.code,
        "period_start": "01/07/2025",
        "period_end": "31/12/2025",
        "value": "38.578",
        "qualifier": "exact",
        "breakdown": "type=camera",  # groups do not break down by type
        "source_document": "Báo cáo số 7/BC-CAT",
        "note": "",
    }
    response = client.post(url, form)
    assert response.status_code == 400 and _errors(response) == {"breakdown"}
    content = response.content.decode()
    assert 'value="38.578"' in content and 'value="Báo cáo số 7/BC-CAT"' in content
    response = client.post(url, {**form, "value": "38,578"})  # ambiguous
    assert response.status_code == 400 and "value" in _errors(response)
    response = client.post(url, {**form, "unit": "0000000"})
    assert response.status_code == 400 and "unit" in _errors(response)
    response = client.post(url, {**form, "breakdown": "area=rural"})
    assert response.status_code == 302
    figure = ReportedFigure.objects.get()
    assert (figure.value, figure.breakdown, figure.unit) == (38578, "area=rural", triangle.parent)
    edit = reverse("reported_figures:edit", args=[figure.pk])
    assert client.get(edit).status_code == 200
    assert (
        client.post(edit, {**form, "breakdown": "area=rural", "value": "40.000"}).status_code == 302
    )
    figure.refresh_from_db()
    assert figure.value == 40000
    response = client.post(edit, {**form, "breakdown": "area=rural", "period_end": "01/01/2025"})
    assert response.status_code == 400 and "period_end" in _errors(response)
    assert client.post(reverse("reported_figures:delete", args=[figure.pk])).status_code == 302
    assert not ReportedFigure.objects.exists()


def test_outsiders_cannot_write_through_the_pages(client, triangle):
    figure = services.record_figure(None, **_data(triangle.parent))
    client.force_login(triangle.outsider)
    response = client.post(
        reverse("reported_figures:new"),
        {
            "indicator": "structure.boards",
            "unit": triangle.parent.code,
            "period_start": "01/07/2025",
            "period_end": "31/12/2025",
            "value": "1",
            "qualifier": "exact",
            "source_document": DOC,
        },
    )
    assert response.status_code == 400 and _errors(response) == {"unit"}
    assert client.post(reverse("reported_figures:delete", args=[figure.pk])).status_code == 404
    assert ReportedFigure.objects.count() == 1


def test_the_upload_page_checks_then_imports(client, triangle, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    client.force_login(triangle.parent_officer)
    assert client.get(reverse("reported_figures:import")).status_code == 200
    code = triangle.parent.code
    upload = io.BytesIO(
        (HEADER + f"structure.boards,{code},01/07/2025,31/12/2025,7.588,,,{DOC}\n").encode()
    )
    upload.name = "so-lieu.csv"
    response = client.post(reverse("reported_figures:import"), {"file": upload, "kind": ""})
    assert response.status_code == 302
    check = client.get(response.url)
    assert check.status_code == 200 and not ReportedFigure.objects.exists()
    response = client.post(
        reverse("reported_figures:import-confirm"), {"token": check.context["token"]}
    )
    assert client.get(response.url).status_code == 200
    assert ReportedFigure.objects.get().value == 7588
    bad = io.BytesIO(
        (HEADER + f"structure.boards,{code},01/07/2025,31/12/2025,38,578,,{DOC}\n").encode()
    )
    bad.name = "bad.csv"
    result = client.get(client.post(reverse("reported_figures:import"), {"file": bad}).url)
    assert result.status_code == 400
    assert [(e.line, e.column) for e in result.context["rejected"].errors] == [(2, "qualifier")]
    template = client.get(reverse("reported_figures:import-template"))
    assert template.status_code == 200


# ---- API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "parent_officer", "outsider", "admin"])
def test_the_api_list_is_scoped(client, triangle, who):
    own = services.record_figure(None, **_data(triangle.unit))
    province = services.record_figure(None, **_data(triangle.parent))
    client.force_login(getattr(triangle, who))
    response = client.get(reverse("api-reported-figure-list"))
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    expected = {
        "officer": {own.pk},
        "parent_officer": {own.pk, province.pk},
        "outsider": set(),
        "admin": {own.pk, province.pk},
    }[who]
    assert ids == expected
    detail = client.get(reverse("api-reported-figure-detail", args=[province.pk]))
    assert detail.status_code == (404 if who in ("outsider", "officer") else 200)


def test_the_api_writes(client, triangle):
    client.force_login(triangle.parent_officer)
    url = reverse("api-reported-figure-list")
    body = {
        "indicator": "structure.groups",
        "unit": triangle.parent.code,
        "period_start": "2025-07-01",
        "period_end": "2025-12-31",
        "value": 38578,
        "source_document": DOC,
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["value"], data["qualifier"], data["unit"]["code"]) == (38578, "exact", "99")
    again = client.post(url, {**body, "value": 38600}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    bad = client.post(url, {**body, "indicator": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"indicator"}
    bad = client.post(url, {**body, "breakdown": "area"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"breakdown"}
    assert client.get(url, {"indicator": "structure.groups"}).json()["count"] == 1
    assert client.get(url, {"indicator": "structure.boards"}).json()["count"] == 0
    assert client.get(url, {"unit": triangle.parent.code, "year": 2025}).json()["count"] == 1
    detail = reverse("api-reported-figure-detail", args=[data["id"]])
    patched = client.patch(detail, {"qualifier": "about"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["qualifier"] == "about"
    client.force_login(triangle.outsider)
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.delete(detail).status_code == 404
    client.force_login(triangle.parent_officer)
    assert client.delete(detail).status_code == 204
    assert not ReportedFigure.objects.exists()


def test_the_indicator_catalogue(client, triangle):
    client.force_login(triangle.officer)
    rows = client.get(reverse("api-indicator-list")).json()
    groups = next(r for r in rows if r["code"] == "structure.groups")
    assert groups["kind"] == "stock" and groups["section"] == "structure"
    assert {d["code"]: (d["partition"], d["recorded"]) for d in groups["dimensions"]} == {
        "unit": (True, True),
        "area": (True, False),
        "area_kind": (False, True),
    }
    actionable = client.get(reverse("api-indicator-detail", args=["tips.actionable"])).json()
    assert actionable["subset_of"] == "tips.received"
    assert client.get(reverse("api-indicator-detail", args=["nope.x"])).status_code == 404
