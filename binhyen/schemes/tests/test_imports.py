"""Spreadsheet import of the registry: workbooks and CSV files, all or nothing, by ref.

Messages are translated, so refusals are checked by (sheet, row, column), never by text.
Unit codes are those of the demo provinces (the `demo` fixture's fixed seed).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role
from binhyen.core.models import AuditAction, AuditEntry
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services
from binhyen.schemes.choices import EventKind, GroupKind, MemberRole, Status
from binhyen.schemes.importers import ImportRejected, column_names, import_files
from binhyen.schemes.models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    Organization,
    Scheme,
    SchemeType,
)

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"

TYPES = [
    ["cho-an-toan", "Chợ an toàn về an ninh, trật tự", "Safe market", "", "security-order",
     "commune; mass_organisation", "commune", "99202", "no", "quay:An toàn quầy hàng"],
]  # fmt: skip
HOSTS = [
    ["TC-1", "school", "Trường THCS Minh Tân", "99202", "9920202", "Thôn Thịnh Đức", "", "",
     "lower_secondary", "", "05/09/2021", "", ""],
]  # fmt: skip
POINTS = [
    ["P-1", "to-lien-gia-tu-quan", "Tổ liên gia xóm Hải Lạc", "residential_area", "9920201", "",
     "15/03/2022", "12/QĐ-UBND", "10/03/2022", "Chủ tịch UBND xã", "Lê Văn Hùng", "0912345678",
     "", "21.03512", "105.81234", "", "", "active", "", ""],
    ["P-2", "4-an-toan", "4 an toàn THCS Minh Tân", "school", "", "TC-1", "2022-10-01", "", "",
     "", "", "", "", "", "", "", "", "", "", ""],
    ["P-3", "camera-an-ninh", "Camera xã Lộc Hải", "commune", "99302", "", "20/01/2021", "", "",
     "", "", "", "", "", "", "", "", "suspended", "01/06/2024", "Hư hỏng sau bão"],
]  # fmt: skip
GROUPS = [
    ["G-1", "9920201", "Tổ liên gia số 1", "inter_household", "15/03/2022", "", "P-1"],
    ["G-2", "9920201", "Tổ liên gia số 2", "inter_household", "15/03/2022", "", "P-1"],
    ["G-PC", "9920201", "Tổ liên gia PCCC", "fire_safety", "01/06/2023", "", ""],
]
HOUSEHOLDS = [
    ["H-1", "9920201", "Lê Văn Hùng", "Số 3", "5", "G-1", "15/03/2022", ""],
    ["H-2", "9920201", "Nguyễn Thị Mai", "Số 5", "4", "G-1", "15/03/2022", ""],
    ["H-3", "9920201", "Đỗ Thị Hoa", "Số 11", "3", "G-1", "15/03/2022", "01/01/2024"],
    ["H-3", "9920201", "Đỗ Thị Hoa", "Số 11", "3", "G-2", "01/01/2024", ""],
    ["H-1", "9920201", "Lê Văn Hùng", "Số 3", "5", "G-PC", "01/06/2023", ""],
]
MEMBERS = [
    ["G-1", "Lê Văn Hùng", "leader", "0912345678", "15/03/2022", "", "H-1"],
    ["G-1", "Nguyễn Thị Mai", "deputy", "", "15/03/2022", "", "H-2"],
    ["G-2", "Đỗ Thị Hoa", "leader", "", "01/01/2024", "", "H-3"],
]
SHEETS = {
    "types": TYPES,
    "hosts": HOSTS,
    "points": POINTS,
    "groups": GROUPS,
    "households": HOUSEHOLDS,
    "members": MEMBERS,
}


def workbook(path: Path, sheets: dict[str, list[list]], header: bool = True) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        if header:
            ws.append(column_names(name))
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def write_csv(path: Path, kind: str, rows: list[list]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([column_names(kind), *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def snapshot() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (SchemeType, Organization, Scheme, Group, Household, GroupHousehold, GroupMember)
    }


def where(exc: ImportRejected) -> set[tuple[str, int, str]]:
    return {(e.sheet or e.file, e.line, e.column) for e in exc.errors}


@pytest.fixture
def book(demo, tmp_path) -> Path:
    return workbook(tmp_path / "registry.xlsx", SHEETS)


def test_workbook_of_several_sheets_imports_everything(book):
    result = import_files([book])
    assert {k: (c.created, c.updated, c.unchanged) for k, c in result.counts.items()} == {
        "types": (1, 0, 0),
        "hosts": (1, 0, 0),
        "points": (3, 0, 0),
        "groups": (3, 0, 0),
        "households": (5, 0, 0),
        "members": (3, 0, 0),
    }
    market = SchemeType.objects.get(code="cho-an-toan")
    assert market.host_kinds == ["commune", "mass_organisation"]
    assert market.origin_unit.code == "99202" and market.origin_unit.valid_to is None
    assert [(c.code, c.name) for c in market.components.all()] == [("quay", "An toàn quầy hàng")]
    school = Organization.objects.get(ref="TC-1")
    # the code is read on the row's date: the commune of 2021, closed in the 2025 reform
    assert school.commune.code == "99202" and school.commune.valid_to == dt.date(2025, 6, 30)
    p1, p2, p3 = (Scheme.objects.get(ref=r) for r in ("P-1", "P-2", "P-3"))
    assert p1.unit.code == "9920201" and str(p1.latitude) == "21.035120"
    assert p2.organization == school and p2.unit == school.residential_area
    assert p3.status == Status.SUSPENDED
    assert list(p3.events.values_list("kind", "date")) == [
        (EventKind.ESTABLISHED, dt.date(2021, 1, 20)),
        (EventKind.SUSPENDED, dt.date(2024, 6, 1)),
    ]
    g1 = Group.objects.get(ref="G-1")
    assert g1.scheme == p1 and g1.kind == GroupKind.INTER_HOUSEHOLD
    h3 = Household.objects.get(ref="H-3")
    assert list(h3.memberships.values_list("group__ref", "joined_on", "left_on")) == [
        ("G-1", dt.date(2022, 3, 15), dt.date(2024, 1, 1)),
        ("G-2", dt.date(2024, 1, 1), None),
    ]
    assert Household.objects.get(ref="H-1").memberships.count() == 2  # with the fire group
    leader = GroupMember.objects.get(group=g1, role=MemberRole.LEADER)
    assert (leader.full_name, leader.household.ref) == ("Lê Văn Hùng", "H-1")
    bulk = AuditEntry.objects.filter(action=AuditAction.BULK, model="schemes.household")
    assert bulk.count() == 1 and bulk.get().after["created"] == 5


def test_errors_in_several_rows_write_nothing_and_are_all_reported(demo, tmp_path):
    points = [row[:] for row in POINTS]
    points[1][6] = "31/02/2022"  # no such date: sheet points, row 3
    households = [row[:] for row in HOUSEHOLDS]
    households[2][5] = "G-9"  # no such group: row 4
    households[4][4] = "nhiều"  # not a number: row 6
    members = [row[:] for row in MEMBERS]
    members[0][2] = "chairman"  # not a role: row 2
    sheets = {**SHEETS, "points": points, "households": households, "members": members}
    path = workbook(tmp_path / "bad.xlsx", sheets)
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {
        ("points", 3, "established_on"),
        ("households", 4, "group_ref"),
        ("households", 6, "people"),
        ("members", 2, "role"),
    }
    assert all(e.file == "bad.xlsx" and e.message for e in caught.value.errors)
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action=AuditAction.BULK, model__startswith="schemes.")


def test_dry_run_writes_nothing_and_plans_what_the_import_does(book):
    before = snapshot()
    plan = import_files([book], dry_run=True)
    assert plan.dry_run and snapshot() == before
    done = import_files([book])
    assert {k: (c.created, c.updated, c.unchanged) for k, c in plan.counts.items()} == {
        k: (c.created, c.updated, c.unchanged) for k, c in done.counts.items()
    }


def test_reimporting_the_same_file_changes_nothing(book, tmp_path):
    import_files([book])
    after_first = snapshot()
    again = import_files([book])
    assert not again.changed_anything
    assert sum(c.unchanged for c in again.counts.values()) == 1 + 1 + 3 + 3 + 5 + 3
    assert snapshot() == after_first
    # a corrected value updates the record that has the ref, it does not duplicate it
    households = [row[:] for row in HOUSEHOLDS]
    households[1][2] = "Nguyễn Thị Mai Anh"
    path = write_csv(tmp_path / "households.csv", "households", households)
    result = import_files([path])
    assert (result.counts["households"].updated, result.counts["households"].created) == (1, 0)
    assert Household.objects.get(ref="H-2").head_name == "Nguyễn Thị Mai Anh"
    assert snapshot() == after_first


def test_household_in_two_overlapping_inter_household_groups_is_refused(book, tmp_path):
    overlapping = [row[:] for row in HOUSEHOLDS]
    overlapping[3][6] = "01/06/2023"  # H-3 joins G-2 before leaving G-1 (01/01/2024)
    path = workbook(tmp_path / "overlap.xlsx", {**SHEETS, "households": overlapping})
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("households", 5, "group_ref")}
    # against what is recorded too: H-2 is in G-1 from 2022 and has not left
    import_files([book])
    row = ["H-2", "9920201", "Nguyễn Thị Mai", "Số 5", "4", "G-2", "01/01/2025", ""]
    path = write_csv(tmp_path / "more.csv", "households", [row])
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("more.csv", 2, "group_ref")}
    assert not GroupHousehold.objects.filter(household__ref="H-2", group__ref="G-2").exists()


def test_unit_outside_the_users_jurisdiction_is_refused(triangle, tmp_path):
    own_area = AdminUnit.objects.filter(
        level=Level.RESIDENTIAL_AREA, valid_to=None, versions__parent=triangle.unit
    ).first()
    rows = [
        ["H-in", own_area.code, "Trần Văn An", "", "", "", "", ""],
        ["H-out", "9930201", "Vũ Thị Bình", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "hh.csv", "households", rows)
    with pytest.raises(ImportRejected) as caught:
        import_files([path], user=triangle.officer)
    assert where(caught.value) == {("hh.csv", 3, "residential_area_code")}
    result = import_files([path], user=triangle.parent_officer)  # the province covers both
    assert result.counts["households"].created == 2
    assert import_files([path]).counts["households"].unchanged == 2  # the system: no limit


def test_unit_code_that_does_not_exist_on_the_rows_date_is_refused(demo, tmp_path):
    gone = (
        AdminUnit.objects.filter(level=Level.COMMUNE, valid_to=dt.date(2025, 6, 30))
        .exclude(code__in=AdminUnit.objects.filter(valid_to=None).values("code"))
        .first()
    )

    def host(ref: str, name: str, on: str) -> list[str]:
        return [ref, "agency", name, gone.code, "", "", "", "", "", "", on, "", ""]

    rows = [host("TC-x", "Hạt kiểm lâm", "01/08/2025"), host("TC-y", "Trạm y tế", "01/08/2024")]
    path = write_csv(tmp_path / "hosts.csv", "hosts", rows)
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("hosts.csv", 2, "commune_code")}  # 2024 is fine
    rows = [["G-old", "9920201", "Tổ", "", "01/01/2019", "", ""]]  # before the demo's units
    path = write_csv(tmp_path / "groups.csv", "groups", rows)
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("groups.csv", 2, "residential_area_code")}


def test_numeric_code_cell_in_a_workbook_is_refused(demo, tmp_path):
    rows = [["H-1", 9920201, "Lê Văn Hùng", "", 5, "", "", ""]]
    path = workbook(tmp_path / "numbers.xlsx", {"households": rows})
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("households", 2, "residential_area_code")}
    rows[0][1] = "9920201"  # as text it is fine; a number of people may be a number
    path = workbook(tmp_path / "text.xlsx", {"households": rows})
    assert import_files([path]).counts["households"].created == 1
    assert Household.objects.get(ref="H-1").people == 5


def test_csv_kind_is_detected_from_the_header_or_given(demo, tmp_path):
    path = write_csv(tmp_path / "a.csv", "groups", GROUPS[2:])
    assert list(import_files([path], dry_run=True).counts) == ["groups"]
    path.write_text("ma,ten\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("a.csv", 1, "")}


def test_members_one_leader_at_a_time_and_dissolution_closes_memberships(book, tmp_path):
    import_files([book])
    rival = ["G-1", "Phạm Văn Long", "leader", "", "01/01/2025", "", ""]
    path = write_csv(tmp_path / "m.csv", "members", [*MEMBERS, rival])
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("m.csv", 5, "role")}
    handover = [[*MEMBERS[0][:5], "01/01/2025", "H-1"], rival]  # the old leader leaves first
    path = write_csv(tmp_path / "m2.csv", "members", handover)
    assert import_files([path]).counts["members"].created == 1
    groups = [row[:] for row in GROUPS]
    groups[0][5] = "01/07/2025"  # G-1 dissolved: who is still in leaves that day
    path = write_csv(tmp_path / "g.csv", "groups", groups)
    assert import_files([path]).counts["groups"].updated == 1
    h1 = GroupHousehold.objects.get(group__ref="G-1", household__ref="H-1")
    assert h1.left_on == dt.date(2025, 7, 1)
    leaders = GroupMember.objects.filter(group__ref="G-1", role="leader").order_by("joined_on")
    assert [m.left_on for m in leaders] == [dt.date(2025, 1, 1), h1.left_on]
    members = [*handover[:1], *MEMBERS[1:], handover[1]]
    again = workbook(
        tmp_path / "again.xlsx", {"groups": groups, "households": HOUSEHOLDS, "members": members}
    )
    assert not import_files([again]).changed_anything  # open rows end with the group


def test_rows_refused_by_the_services_rules(book, tmp_path):
    points = [row[:] for row in POINTS]
    points[0][3] = "commune"  # this type is hosted by residential areas only
    points[0][4] = "99202"
    points[1][5] = "TC-9"  # unknown host
    path = workbook(tmp_path / "p.xlsx", {k: SHEETS[k] for k in ("hosts",)} | {"points": points})
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("points", 2, "host_kind"), ("points", 3, "host_ref")}


def test_records_made_in_the_app_are_matched_by_their_id_ref(demo, tmp_path):
    area = AdminUnit.objects.get(level=Level.RESIDENTIAL_AREA, code="9920201", valid_to=None)
    household = services.create_household(residential_area=area, head_name="Hồ Văn Cường")
    rows = [[f"#{household.pk}", "9920201", "Hồ Văn Cường", "Số 9", "3", "", "", ""]]
    path = write_csv(tmp_path / "h.csv", "households", rows)
    assert import_files([path]).counts["households"].updated == 1
    household.refresh_from_db()
    assert (household.address, household.people, household.ref) == ("Số 9", 3, "")
    rows[0][0] = "#999999"
    path = write_csv(tmp_path / "h.csv", "households", rows)
    with pytest.raises(ImportRejected) as caught:
        import_files([path])
    assert where(caught.value) == {("h.csv", 2, "ref")}


def test_samples_in_the_docs_import(demo):
    files = sorted(SAMPLES.glob("*.csv"))
    if not files:
        pytest.skip("docs/samples is not shipped with the package")
    result = import_files(files)
    assert all(c.created == c.rows for c in result.counts.values())
    per_kind = [SAMPLES / f"{path.stem}.xlsx" for path in files]
    assert not import_files(per_kind).changed_anything  # the same records as the CSV
    assert not import_files([SAMPLES / "registry.xlsx"]).changed_anything  # all sheets


def test_command_reports_errors_and_exits_non_zero(book, tmp_path, capsys):
    call_command("import_schemes", str(book), "--dry-run")
    assert Scheme.objects.count() == 0
    bad = write_csv(tmp_path / "bad.csv", "groups", [["G-1", "9920201", "", "", "x", "", ""]])
    with pytest.raises(CommandError):
        call_command("import_schemes", str(bad))
    err = capsys.readouterr().err
    assert "bad.csv:2 [name]" in err and "bad.csv:2 [established_on]" in err


# ---- the upload page ------------------------------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return tmp_path / "var" / "uploads"


def upload(client, path: Path, kind: str = ""):
    with path.open("rb") as fh:
        return client.post(reverse("schemes:import"), {"file": fh, "kind": kind}, follow=True)


def test_page_checks_then_imports_on_confirmation(client, triangle, book, uploads):
    client.force_login(triangle.parent_officer)
    assert client.get(reverse("schemes:import")).status_code == 200
    response = upload(client, book)
    assert response.status_code == 200
    assert response.context["result"].counts["households"].created == 5
    assert Household.objects.count() == 0 and len(list(uploads.iterdir())) == 1
    token = response.context["token"]
    response = client.post(reverse("schemes:import-confirm"), {"token": token}, follow=True)
    assert response.status_code == 200 and response.context["done"]
    job_page = response.redirect_chain[-1][0]
    assert Household.objects.count() == 3 and not list(uploads.iterdir())
    entry = AuditEntry.objects.filter(action=AuditAction.BULK, model="schemes.household").get()
    assert entry.actor == triangle.parent_officer
    again = client.post(reverse("schemes:import-confirm"), {"token": token})
    assert again.status_code == 302 and again.url == job_page  # one import only
    assert Household.objects.count() == 3
    # the outcome stays readable by its owner, by nobody else
    assert client.get(job_page).status_code == 200
    client.force_login(triangle.officer)
    assert client.get(job_page).status_code == 404


def test_job_page_polls_while_the_import_runs(client, triangle, uploads):
    from binhyen.core import jobs

    client.force_login(triangle.parent_officer)
    job = jobs.start(triangle.parent_officer.pk, "slow", lambda progress: None)
    state = jobs.get(job, triangle.parent_officer.pk)
    jobs._put(job, jobs.JobState(state.owner_id, "slow", stage="Hộ gia đình", rows=12000))
    session = client.session
    session["schemes_import_uploads"] = {"t": {"name": "big.csv", "format": "csv", "kind": "",
                                               "jobs": {job: True}}}  # fmt: skip
    session.save()
    page = client.get(reverse("schemes:import-job", args=[job]))
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    assert "12.000" in page.content.decode()


def test_page_shows_errors_of_rows_outside_the_jurisdiction(client, triangle, book, uploads):
    client.force_login(triangle.outsider)
    response = upload(client, book)
    assert response.status_code == 400
    assert {e.column for e in response.context["rejected"].errors} >= {"residential_area_code"}
    assert Household.objects.count() == 0 and not list(uploads.iterdir())


def test_page_refuses_other_files_and_users_who_cannot_write(client, triangle, tmp_path, uploads):
    client.force_login(triangle.officer)
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    response = upload(client, fake)
    assert response.status_code == 400 and "file" in response.context["form"].errors
    assert client.post(reverse("schemes:import-confirm"), {"token": "0" * 32}).status_code == 302
    viewer = create_user("t.viewer", "binhyen-demo")
    grant_role(viewer, Role.VIEWER, triangle.unit)
    client.force_login(viewer)
    assert client.get(reverse("schemes:import")).status_code == 403
    assert client.get(reverse("schemes:import-template")).status_code == 403
