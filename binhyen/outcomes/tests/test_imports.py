"""Imports of the registers: all or nothing with errors by file, sheet, row and column;
dry runs; refs make a second import change nothing; exports import back unchanged;
managed persons by identity or code; the jurisdiction; the command and the upload page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from binhyen.outcomes import exports
from binhyen.outcomes.importers import ImportRejected, import_files
from binhyen.outcomes.models import ManagedPerson, Mediation, SupervisionPeriod, WeaponSurrender

from .conftest import NAME, NEW, area_of, d, sibling_of


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _where(exc) -> set[tuple]:
    return {(e.file, e.sheet, e.line, e.column) for e in exc.value.errors}


def test_a_file_with_errors_writes_nothing_and_says_where(tmp_path, merger):
    area = area_of(merger.merged_new).code
    path = _csv(
        tmp_path,
        "vu-khi.csv",
        "ref,date,unit_code,kind,quantity\n"
        f"VK-1,01/08/2025,{area},hunting_gun,2\n"
        f"VK-2,01/08/2025,{area},rifle,2\n"
        f"VK-3,01/08/2025,0000000,explosives,1.5\n"
        f"VK-4,01/08/2025,{area},homemade_gun,1.5\n"
        f"VK-1,02/08/2025,{area},hunting_gun,1\n",
    )
    with pytest.raises(ImportRejected) as exc:
        import_files([path], "weapons")
    assert _where(exc) == {
        ("vu-khi.csv", "", 3, "kind"),
        ("vu-khi.csv", "", 4, "unit_code"),
        ("vu-khi.csv", "", 5, "quantity"),
        ("vu-khi.csv", "", 6, "ref"),
    }
    assert not WeaponSurrender.objects.exists()


def test_dry_run_then_import_then_nothing_changes(tmp_path, merger):
    area = area_of(merger.merged_new).code
    path = _csv(
        tmp_path,
        "hoa-giai.csv",
        "Mã tham chiếu,Ngày,Mã đơn vị,Loại việc,Kết quả,Ghi chú\n"  # Vietnamese headers
        f"HG-1,01/08/2025,{area},land,Successful,=SUM(A1)\n"
        f"HG-2,2025-08-03,{merger.merged_new.code},Marriage and family,pending,\n"
        f",2025-08-04,{area},neighbours,unsuccessful,no ref\n",
    )
    plan = import_files([path], dry_run=True)  # the register detected from the header
    assert plan.dry_run and plan.counts["mediations"].created == 3
    assert not Mediation.objects.exists()
    import_files([path])
    assert Mediation.objects.count() == 3
    assert Mediation.objects.get(ref="HG-1").result == "successful"
    assert Mediation.objects.get(ref="HG-2").kind == "family"
    again = _csv(tmp_path, "again.csv", path.read_text().rsplit("\n", 2)[0] + "\n")  # refs only
    result = import_files([again], "mediations")
    assert (result.counts["mediations"].unchanged, result.counts["mediations"].created) == (2, 0)


def test_an_export_imports_back_unchanged_and_a_correction_updates(
    tmp_path, record, intake, merger
):
    area = area_of(merger.merged_new)
    record("weapons", area, NEW, kind="explosives", quantity="2.5", notes="+84 trap")
    record("weapons", merger.merged_old, d(2024, 5, 1), kind="ammunition", quantity=30)
    intake(area, NEW, exit_on=d(2025, 8, 20), exit_reason="completed", exemplary=True)
    for slug, qs in (("weapons", WeaponSurrender.objects.all()),
                     ("managed-persons", SupervisionPeriod.objects.all())):  # fmt: skip
        out = tmp_path / f"{slug}.xlsx"
        exports.write_xlsx(slug, qs, str(out))
        result = import_files([out])
        assert result.counts[slug].unchanged == qs.count() and not result.changed_anything
    book = load_workbook(tmp_path / "weapons.xlsx")
    ws = book["weapons"]
    assert (
        ws.cell(row=3, column=7).value == "+84 trap" and ws.cell(row=3, column=7).data_type == "s"
    )
    ws.cell(row=2, column=5).value = 40  # the 2024 ammunition, corrected
    book.save(tmp_path / "fixed.xlsx")
    result = import_files([tmp_path / "fixed.xlsx"])
    assert (result.counts["weapons"].updated, result.counts["weapons"].unchanged) == (1, 1)
    assert WeaponSurrender.objects.get(kind="ammunition").quantity == 40


def test_a_workbook_of_several_registers_with_managed_persons(tmp_path, merger):
    area = area_of(merger.merged_new).code
    book = Workbook()
    ws = book.active
    ws.title = "Hòa giải"
    ws.append(["date", "unit_code", "kind", "result"])
    ws.append(["01/08/2025", area, "land", "successful"])
    people = book.create_sheet("managed-persons")
    people.append(["full_name", "birth_year", "id_number", "kind", "intake_on", "unit_code",
                   "exit_on", "exit_reason"])  # fmt: skip
    people.append([NAME, 1990, "001090012345", "post_rehabilitation", "01/03/2025", area,
                   "01/06/2025", "relapsed"])  # fmt: skip
    people.append([NAME, 1990, "", "post_rehabilitation", "01/08/2025", area, None, None])
    people.append(["Lò Văn Khiêm", 1985, "", "community_education", "02/08/2025", area, None, None])
    book.create_sheet("Ghi chú").append(["anything"])
    book.save(tmp_path / "so-lieu.xlsx")
    result = import_files([tmp_path / "so-lieu.xlsx"])
    assert result.counts["mediations"].created == 1
    assert result.counts["managed-persons"].created == 3
    assert result.skipped == ["so-lieu.xlsx[Ghi chú]"]
    assert ManagedPerson.objects.count() == 2  # the same person twice, found again
    assert SupervisionPeriod.objects.filter(exit_reason="relapsed").count() == 1


def test_managed_rows_need_a_code_or_an_identity_and_keep_their_person(tmp_path, intake, merger):
    area = area_of(merger.merged_new)
    period = intake(area, NEW, ref="QL-1")
    path = _csv(
        tmp_path,
        "ql.csv",
        "ref,person_code,full_name,birth_year,kind,intake_on,unit_code\n"
        f"QL-2,,,,post_rehabilitation,01/08/2025,{area.code}\n"
        f"QL-3,PNOSUCHONE,,,post_rehabilitation,01/08/2025,{area.code}\n"
        f"QL-1,,Lò Văn Khiêm,1985,post_rehabilitation,01/08/2025,{area.code}\n",
    )
    with pytest.raises(ImportRejected) as exc:
        import_files([path], "managed-persons")
    assert {(e.line, e.column) for e in exc.value.errors} == {
        (2, "full_name"),
        (3, "person_code"),
        (4, "full_name"),
    }
    ok = _csv(
        tmp_path,
        "ok.csv",
        "ref,person_code,kind,intake_on,unit_code,exit_on,exit_reason\n"
        f"QL-1,{period.person.code},post_rehabilitation,01/08/2025,{area.code},02/09/2025,moved\n",
    )
    result = import_files([ok], "managed-persons")
    assert result.counts["managed-persons"].updated == 1
    period.refresh_from_db()
    assert period.exit_reason == "moved"


def test_rows_outside_the_importing_users_jurisdiction_are_refused(tmp_path, triangle, record):
    own = area_of(triangle.unit)
    other = area_of(sibling_of(triangle.unit, triangle.parent))
    theirs = record("pledges", other, NEW, ref="CK-X", households=9)
    path = _csv(
        tmp_path,
        "cam-ket.csv",
        "ref,date,unit_code,households\n"
        f",01/08/2025,{own.code},10\n"
        f",01/08/2025,{other.code},20\n"
        f"CK-X,01/08/2025,{own.code},30\n"
        f"#{theirs.pk},01/08/2025,{own.code},30\n",
    )
    with pytest.raises(ImportRejected) as exc:
        import_files([path], "pledges", user=triangle.officer)
    assert {(e.line, e.column) for e in exc.value.errors} == {
        (3, "unit_code"),
        (4, "ref"),
        (5, "ref"),
    }
    with pytest.raises(ImportRejected) as exc:  # the same record named twice
        import_files([path], "pledges", user=triangle.parent_officer)
    assert {(e.line, e.column) for e in exc.value.errors} == {(5, "ref")}
    path.write_text(path.read_text().rsplit("\n", 2)[0] + "\n")
    result = import_files([path], "pledges", user=triangle.parent_officer, dry_run=True)
    assert (result.counts["pledges"].created, result.counts["pledges"].updated) == (2, 1)


def test_the_command(tmp_path, merger):
    area = area_of(merger.merged_new).code
    good = _csv(tmp_path, "tt.csv", f"date,unit_code,patrols,people\n01/08/2025,{area},3,12\n")
    out = io.StringIO()
    call_command("import_outcomes", str(good), "--register", "patrols", "--dry-run", stdout=out)
    assert "patrols: 1" in out.getvalue()
    from binhyen.outcomes.models import PeoplesPatrol

    assert not PeoplesPatrol.objects.exists()
    call_command("import_outcomes", str(good), stdout=io.StringIO())
    assert PeoplesPatrol.objects.get().people == 12
    bad = _csv(tmp_path, "bad.csv", f"date,unit_code,patrols,people\n01/08/2025,{area},0,12\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_outcomes", str(bad), stdout=io.StringIO(), stderr=err)
    assert "bad.csv:2 [patrols]" in err.getvalue()
    assert PeoplesPatrol.objects.count() == 1


def test_the_upload_page_checks_then_imports(client, triangle, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    area = area_of(triangle.unit).code
    client.force_login(triangle.officer)
    assert client.get(reverse("outcomes:import")).status_code == 200
    upload = io.BytesIO(f"date,unit_code,sex\n01/08/2025,{area},female\n".encode())
    upload.name = "xuat-canh.csv"
    response = client.post(reverse("outcomes:import"), {"file": upload, "register": ""})
    assert response.status_code == 302
    check = client.get(response.url)
    assert check.status_code == 200
    from binhyen.outcomes.models import ReturnedEmigrant

    assert not ReturnedEmigrant.objects.exists()
    token = check.context["token"]
    response = client.post(reverse("outcomes:import-confirm"), {"token": token})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    assert ReturnedEmigrant.objects.get().sex == "female"
    # a file with errors: 400 with the rows
    bad = io.BytesIO(f"date,unit_code,sex\n01/08/2025,{area},x\n".encode())
    bad.name = "bad.csv"
    response = client.post(
        reverse("outcomes:import"), {"file": bad, "register": "returned-emigrants"}
    )
    result = client.get(response.url)
    assert result.status_code == 400
    assert [(e.line, e.column) for e in result.context["rejected"].errors] == [(2, "sex")]
    assert client.get(reverse("outcomes:import-template")).status_code == 200


def test_viewers_and_outsiders_cannot_upload(client, triangle):
    from binhyen.accounts.choices import Role
    from binhyen.accounts.services import create_user, grant_role

    viewer = create_user("t.viewer", "x-password-1")
    grant_role(viewer, Role.VIEWER, triangle.unit)
    client.force_login(viewer)
    assert client.get(reverse("outcomes:import")).status_code == 403


def test_the_documented_samples_import(demo):
    samples = Path(__file__).resolve().parents[3] / "docs" / "samples" / "outcomes"
    files = sorted(samples.glob("*.csv"))
    assert len(files) == 9
    result = import_files(files, dry_run=True)  # each register detected from its header
    assert all(c.created for c in result.counts.values()) and len(result.counts) == 9
