"""`import_units` on small hand-written files (project, statistics office and area layouts).

Messages may be translated, so rejections are checked by "file:line [column]" and codes.
"""

import csv
import datetime as dt
import io
import unicodedata
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from binhyen.core.text import fold
from binhyen.geo import queries
from binhyen.geo.choices import Level, TransitionKind, Unallocated
from binhyen.geo.models import AdminUnit, Placement, Transition, UnitVersion

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 3, 1)
LATER = dt.date(2025, 7, 1)
EVE = dt.date(2025, 6, 30)  # the last day of the first structure
UNIT_HEADER = ["code", "name", "type", "level", "parent_code"]
AREA_HEADER = ["code", "name", "type", "commune_code"]
LINEAGE_HEADER = ["old_commune_code", "new_commune_code"]
GSO_HEADER = ["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]

BASE = [
    ("91", "Tỉnh Sơn Lâm", "Tỉnh", "province", ""),
    ("92", "Thành phố Hà Nội", "Thành phố", "province", ""),
    ("911", "Huyện Một", "Huyện", "district", "91"),
    ("921", "Quận Ba", "Quận", "district", "92"),
    ("91101", "Xã An", "Xã", "commune", "911"),
    ("91102", "Xã Bình", "Xã", "commune", "911"),
    ("92101", "Phường Gia", "Phường", "commune", "921"),
    ("92102", "Phường Hòa", "Phường", "commune", "921"),
]
# the first structure of the change test: BASE plus a district to drop and a commune to split
BASE_PLUS = [
    *BASE,
    ("912", "Huyện Hai", "Huyện", "district", "91"),
    ("91103", "Xã Cát", "Xã", "commune", "911"),
    ("91201", "Xã Dương", "Xã", "commune", "912"),
]
SECOND = [
    *BASE[:4],
    ("91101", "Xã An Bình", "Xã", "commune", "911"),  # 91101 + 91102 merged, code reused
    ("91104", "Xã Cát Đông", "Xã", "commune", "911"),  # 91103 split in two
    ("91105", "Xã Cát Tây", "Xã", "commune", "911"),
    ("91201", "Xã Dương", "Xã", "commune", "911"),  # district 912 dropped: re-parented
    ("92101", "Phường Gia Mới", "Phường", "commune", "921"),  # renamed
    ("92102", "Phường Hòa", "Phường", "commune", "921"),  # unchanged
]
# old → new: a merge into a reused code, a split in two, a rename
LINEAGE = [
    tuple(p.split(">"))
    for p in ["91101>91101", "91102>91101", "91103>91104", "91103>91105", "92101>92101"]
]
AREAS = [
    ("9110101", "Thôn Đông", "Thôn", "91101"),
    ("9110102", "Thôn Tây", "", "91101"),
    ("9110103", "Xóm Giữa", "Xóm", "91101"),
    ("9210201", "Tổ dân phố 1", "Tổ dân phố", "92102"),
    ("9210202", "Tổ dân phố 2", "", "92102"),
]


def write_csv(path, header, rows, encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def command(path, on, lineage, stderr):
    extra = [f"--lineage={lineage}"] if lineage else []
    call_command(
        "import_units", str(path), f"--valid-from={on}", *extra, stdout=io.StringIO(), stderr=stderr
    )


def run(path, on="2025-03-01", lineage=None):
    command(path, on, lineage, io.StringIO())


def snapshot():
    """Every unit, version and transition as stored, and the number of placements."""
    return (
        list(AdminUnit.objects.order_by("id").values_list()),
        list(UnitVersion.objects.order_by("id").values_list()),
        list(Transition.objects.order_by("id").values_list()),
        Placement.objects.count(),
    )


def rejected(path, on="2025-03-01", lineage=None) -> str:
    """Run an import that must fail; check nothing was written and return its stderr."""
    before, err = snapshot(), io.StringIO()
    with pytest.raises(CommandError):
        command(path, on, lineage, err)
    assert snapshot() == before
    return err.getvalue()


def counts_on(on):
    return Counter(AdminUnit.objects.in_force(on).values_list("level", flat=True))


def unit(level, code, on) -> AdminUnit:
    return queries.unit_by_code(code, on, level).unit


def described(level, code, on=ON):
    """(name, type word, parent code) of the unit bearing a code on a date."""
    v = queries.unit_by_code(code, on, level)
    return (v.name, v.type_word, v.parent.code if v.parent_id else None)


def import_base(tmp_path, rows=BASE):
    run(write_csv(tmp_path / "units-1.csv", UNIT_HEADER, rows))


# ---- 1. a small valid file ------------------------------------------------------------


def test_small_project_file_imports_and_rerun_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "units.csv", UNIT_HEADER, BASE)
    run(path)
    assert counts_on(ON) == {"province": 2, "district": 2, "commune": 4}
    assert counts_on(ON - dt.timedelta(days=1)) == {}
    assert described(Level.COMMUNE, "92102") == ("Phường Hòa", "Phường", "921")
    assert described(Level.DISTRICT, "921") == ("Quận Ba", "Quận", "92")
    assert described(Level.PROVINCE, "92") == ("Thành phố Hà Nội", "Thành phố", None)
    assert unit(Level.COMMUNE, "92101", ON).is_urban
    assert not unit(Level.COMMUNE, "91101", ON).is_urban
    before = snapshot()
    assert [len(rows) for rows in before[:3]] == [8, 8, 0]
    run(path)  # messages are translated: what is stored is compared, not the output
    assert snapshot() == before


# ---- 2. a later structure with lineage --------------------------------------------------


@pytest.fixture
def changed(tmp_path):
    import_base(tmp_path, BASE_PLUS)
    second = write_csv(tmp_path / "units-2.csv", UNIT_HEADER, SECOND)
    lineage = write_csv(tmp_path / "lineage.csv", LINEAGE_HEADER, LINEAGE)
    run(second, "2025-07-01", lineage)
    return tmp_path, second, lineage


def test_later_structure_counts_and_rerun(changed):
    tmp_path, second, lineage = changed
    assert counts_on(EVE) == {"province": 2, "district": 3, "commune": 6}
    assert counts_on(LATER) == {"province": 2, "district": 2, "commune": 6}
    before = snapshot()
    assert [len(rows) for rows in before[:3]] == [14, 16, 6]
    run(second, "2025-07-01", lineage)
    assert snapshot() == before
    run(tmp_path / "units-1.csv")  # the first structure again, after the second
    assert snapshot() == before


def test_merge_reusing_a_code_makes_a_new_unit(changed):
    old_an, old_binh = unit(Level.COMMUNE, "91101", EVE), unit(Level.COMMUNE, "91102", EVE)
    new = unit(Level.COMMUNE, "91101", LATER)
    assert new.pk != old_an.pk and new.name == "Xã An Bình" and new.valid_from == LATER
    assert old_an.valid_to == EVE and old_binh.valid_to == EVE
    assert old_an.name == "Xã An"
    links = Transition.objects.filter(successor=new)
    assert {(t.predecessor_id, t.kind, t.partial) for t in links} == {
        (old_an.pk, TransitionKind.MERGE, False),
        (old_binh.pk, TransitionKind.MERGE, False),
    }
    assert all(t.date == LATER for t in links)
    assert queries.place(old_binh, LATER, Level.COMMUNE).target == new
    assert queries.place(old_binh, LATER, Level.DISTRICT).target.code == "911"
    assert queries.place(new, EVE, Level.COMMUNE).reason == Unallocated.FORMED_FROM_SEVERAL


def test_split_is_partial_and_unallocated_at_commune_level(changed):
    cat = unit(Level.COMMUNE, "91103", EVE)
    assert cat.valid_to == EVE
    links = Transition.objects.filter(predecessor=cat)
    assert sorted((t.successor.code, t.kind, t.partial) for t in links) == [
        ("91104", TransitionKind.SPLIT, True),
        ("91105", TransitionKind.SPLIT, True),
    ]
    answer = queries.place(cat, LATER, Level.COMMUNE)
    assert answer.target is None and answer.reason == Unallocated.SPLIT
    assert answer.detail == ["91104", "91105"]
    # both parts are in one district: it still rolls up there
    assert queries.place(cat, LATER, Level.DISTRICT).target.code == "911"


def test_reparent_keeps_identity_and_dropped_district_closes(changed):
    duong = unit(Level.COMMUNE, "91201", LATER)
    assert duong.pk == unit(Level.COMMUNE, "91201", EVE).pk and duong.valid_to is None
    assert described(Level.COMMUNE, "91201", EVE) == ("Xã Dương", "Xã", "912")
    assert described(Level.COMMUNE, "91201", LATER) == ("Xã Dương", "Xã", "911")
    versions = list(duong.versions.order_by("valid_from"))
    assert [(v.valid_from, v.valid_to) for v in versions] == [(ON, EVE), (LATER, None)]
    assert [(t.kind, t.predecessor_id, t.successor_id) for t in queries.history(duong)] == [
        (TransitionKind.REPARENT, duong.pk, duong.pk)
    ]
    district = AdminUnit.objects.get(level=Level.DISTRICT, code="912")
    assert district.valid_to == EVE
    assert district.versions.get().valid_to == EVE
    assert queries.place(duong, LATER, Level.DISTRICT).target.code == "911"
    assert queries.place(duong, EVE, Level.DISTRICT).target == district
    assert queries.place(district, LATER, Level.DISTRICT).reason == Unallocated.NO_SUCCESSOR


def test_rename_keeps_identity(changed):
    gia = unit(Level.COMMUNE, "92101", LATER)
    assert gia.pk == unit(Level.COMMUNE, "92101", EVE).pk
    assert gia.name == "Phường Gia Mới" and gia.valid_to is None
    assert queries.version_on(gia, EVE).name == "Phường Gia"
    assert [(t.kind, t.predecessor_id, t.partial) for t in queries.history(gia)] == [
        (TransitionKind.RENAME, gia.pk, False)
    ]
    hoa = unit(Level.COMMUNE, "92102", LATER)  # unchanged: one version, no transition
    assert hoa.versions.count() == 1 and not queries.history(hoa)
    assert unit(Level.DISTRICT, "911", LATER).valid_from == ON  # district 911 continues


# ---- 3. bad files: rejected whole, by line and column -----------------------------------

LAST = len(BASE_PLUS) + 2  # line of a row appended after BASE_PLUS


@pytest.mark.parametrize(
    "bad_row, column, also",
    [
        (("91106", "Xã Mới", "Xã", "village", "911"), "level", "province"),
        (("91106", "", "Xã", "commune", "911"), "name", ""),
        (("91106", "Xã Mới", "Xã", "commune", "999"), "parent_code", "999"),
        (("91101", "Xã Khác", "Xã", "commune", "911"), "code", str(LAST - 1)),  # first line
    ],
    ids=["unknown-level", "empty-name", "unknown-parent", "duplicate-code"],
)
def test_a_bad_last_row_rejects_the_whole_file(tmp_path, bad_row, column, also):
    import_base(tmp_path)
    # valid new rows (a new district and a renamed commune) before the bad one
    rows = [*BASE_PLUS, ("91101", "Xã An Mới", "Xã", "commune", "911"), bad_row]
    rows.remove(BASE[4])
    path = write_csv(tmp_path / "bad.csv", UNIT_HEADER, rows)
    err = rejected(path, "2025-07-01")
    assert err.startswith(f"bad.csv:{LAST} [{column}] ") and also in err
    assert len(err.strip().splitlines()) == 1


def test_non_utf8_bytes_name_their_line(tmp_path):
    import_base(tmp_path)
    good = write_csv(tmp_path / "good.csv", UNIT_HEADER, BASE).read_bytes()
    path = tmp_path / "bad.csv"
    path.write_bytes(good + "91103,Xa\u0303 Tân,Xa\u0303,commune,911\n".encode("cp1258"))
    assert rejected(path, "2025-07-01").startswith(f"bad.csv:{len(BASE) + 2} ")
    path.write_bytes(good.replace("Xã An".encode(), "Xa\u0303 An".encode("cp1258")))
    assert rejected(path, "2025-07-01").startswith("bad.csv:6 ")


def test_lineage_with_an_unknown_old_code(tmp_path):
    import_base(tmp_path, BASE_PLUS)
    second = write_csv(tmp_path / "units-2.csv", UNIT_HEADER, SECOND)
    lineage = write_csv(tmp_path / "lineage.csv", LINEAGE_HEADER, [*LINEAGE, ("91999", "91101")])
    err = rejected(second, "2025-07-01", lineage)
    assert f"lineage.csv:{len(LINEAGE) + 2} [old_commune_code]" in err and "91999" in err
    # a unit that only starts on the new date had no code the day before either
    lineage = write_csv(tmp_path / "lineage.csv", LINEAGE_HEADER, [("91101", "91101")])
    assert "lineage.csv:2 [old_commune_code]" in rejected(second, "2025-03-01", lineage)


@pytest.mark.parametrize(
    "name, content, where, also",
    [
        ("broken.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "broken.xlsx ", ""),
        ("empty.csv", b"", "empty.csv ", ""),
        ("blank.csv", b"\n  \n,,\n", "blank.csv ", ""),
        ("bad.csv", b"code,name,type,level\n91,Tinh X,,province\n", "bad.csv:1 ", "parent_code"),
    ],
    ids=["broken-xlsx", "empty", "blank-lines", "missing-column"],
)
def test_unreadable_empty_or_incomplete_files(tmp_path, name, content, where, also):
    import_base(tmp_path)
    path = tmp_path / name
    path.write_bytes(content)
    err = rejected(path, "2025-07-01")
    assert err.startswith(where) and also in err


# ---- 4. the statistics office's flat export ----------------------------------------------

GSO_ROWS = [
    ("Thành phố Hà Nội", "93", "Quận Ba Đình", "931", "Phường Phúc Xá", "93101", "Phường"),
    ("Thành phố Hà Nội", "93", "Huyện Sóc Sơn", "932", "Thị trấn Sóc Sơn", "93201", "Thị trấn"),
    ("Thành phố Hà Nội", "93", "Huyện Sóc Sơn", "932", "Xã Bắc Sơn", "93202", "Xã"),
    ("Tỉnh Hà Giang", "94", "Thành phố Hà Giang", "941", "Phường Quang Trung", "94101", "Phường"),
    ("Tỉnh Hà Giang", "94", "Huyện Đảo Xa", "942", "", "", ""),  # island district, no commune
]


def write_gso(tmp_path, suffix):
    path = tmp_path / f"gso.{suffix}"
    if suffix == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for row in [GSO_HEADER, *GSO_ROWS]:
            book.active.append([cell or None for cell in row])
        book.save(path)
        return path
    return write_csv(path, GSO_HEADER, GSO_ROWS, encoding="utf-8-sig")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_statistics_office_layout(tmp_path, suffix):
    path = write_gso(tmp_path, suffix)
    run(path)
    assert counts_on(ON) == {"province": 2, "district": 4, "commune": 4}
    assert described(Level.PROVINCE, "93") == ("Thành phố Hà Nội", "Thành phố", None)
    assert described(Level.PROVINCE, "94") == ("Tỉnh Hà Giang", "Tỉnh", None)
    assert {c: described(Level.DISTRICT, c)[1:] for c in ("931", "932", "941", "942")} == {
        "931": ("Quận", "93"),
        "932": ("Huyện", "93"),
        "941": ("Thành phố", "94"),
        "942": ("Huyện", "94"),
    }
    assert {c: described(Level.COMMUNE, c)[1:] for c in ("93101", "93201", "93202", "94101")} == {
        "93101": ("Phường", "931"),
        "93201": ("Thị trấn", "932"),
        "93202": ("Xã", "932"),
        "94101": ("Phường", "941"),
    }
    assert unit(Level.COMMUNE, "93201", ON).is_urban
    assert not unit(Level.COMMUNE, "93202", ON).is_urban
    before = snapshot()
    run(path)
    assert snapshot() == before


# ---- 5. residential areas ------------------------------------------------------------------


def area_codes(code, on):
    return sorted(v.unit.code for v in queries.children_on(unit("commune", code, on), on))


def test_areas_import_under_their_commune(tmp_path):
    import_base(tmp_path)
    path = write_csv(tmp_path / "areas.csv", AREA_HEADER, AREAS)
    run(path)
    assert counts_on(ON)["residential_area"] == 5
    assert area_codes("91101", ON) == ["9110101", "9110102", "9110103"]
    assert area_codes("92102", ON) == ["9210201", "9210202"]
    derived = queries.unit_by_code("9210202", ON, Level.RESIDENTIAL_AREA)
    assert derived.type_word == "Tổ dân phố" and derived.unit.is_urban
    assert queries.unit_by_code("9110102", ON, Level.RESIDENTIAL_AREA).type_word == "Thôn"
    before = snapshot()
    run(path)
    assert snapshot() == before
    assert counts_on(ON) == {"province": 2, "district": 2, "commune": 4, "residential_area": 5}


def test_area_with_unknown_commune_is_reported_by_line(tmp_path):
    import_base(tmp_path)
    bad = ("9990101", "Thôn Lạ", "Thôn", "99999")
    err = rejected(write_csv(tmp_path / "areas.csv", AREA_HEADER, [*AREAS, bad]))
    assert f"areas.csv:{len(AREAS) + 2} " in err and "99999" in err
    assert len(err.strip().splitlines()) == 1
    # the communes exist, but not yet on that date: every row is refused
    err = rejected(write_csv(tmp_path / "early.csv", AREA_HEADER, AREAS), "2025-01-01")
    assert len(err.strip().splitlines()) == len(AREAS)


def test_later_area_file_closes_only_the_missing_village(tmp_path):
    import_base(tmp_path)
    run(write_csv(tmp_path / "areas.csv", AREA_HEADER, AREAS))
    kept = {code: unit(Level.RESIDENTIAL_AREA, code, ON).pk for code, *_ in AREAS}
    later = write_csv(tmp_path / "areas-2.csv", AREA_HEADER, [AREAS[0], AREAS[1]])
    run(later, "2025-09-01")
    sept = dt.date(2025, 9, 1)
    closed = AdminUnit.objects.get(pk=kept.pop("9110103"))
    assert closed.valid_to == dt.date(2025, 8, 31)
    assert closed.versions.get().valid_to == dt.date(2025, 8, 31)
    assert area_codes("91101", sept) == ["9110101", "9110102"]
    assert area_codes("92102", sept) == ["9210201", "9210202"]
    for code, pk in kept.items():
        u = AdminUnit.objects.get(pk=pk)
        assert u.valid_to is None and u.versions.count() == 1, code
    assert Transition.objects.count() == 0
    assert counts_on(sept)["residential_area"] == 4


# ---- 6. search folding ---------------------------------------------------------------------


def test_search_folds_diacritics_and_tone_spellings(tmp_path):
    import_base(tmp_path)
    assert "Thành phố Hà Nội" in {v.name for v in queries.search("ha noi", ON)}
    assert "Thành phố Hà Nội" in {v.name for v in queries.search("HÀ   nội")}
    assert [v.name for v in queries.search("Phường Hoà", ON)] == ["Phường Hòa"]
    assert [v.unit.code for v in queries.search("91101", ON)] == ["91101"]
    assert fold("Đồng Đăng đỏ") == "dong dang do"
    assert fold("Hòa") == fold("Hoà") == fold("HOÀ") == "hoa"
    assert fold("Thuỷ") == fold("Thủy") == "thuy"


# ---- regressions: bugs found while writing these tests, fixed since ------------------------


def test_area_with_unknown_commune_names_the_commune_code_column(tmp_path):
    import_base(tmp_path)
    path = write_csv(tmp_path / "areas.csv", AREA_HEADER, [("9990101", "Thôn Lạ", "Thôn", "99999")])
    assert "areas.csv:2 [commune_code]" in rejected(path)


def test_decomposed_unicode_name_gets_its_type_word(tmp_path):
    name = unicodedata.normalize("NFD", "Thị trấn Mới")
    rows = [*BASE, ("91106", name, "", "commune", "911")]
    run(write_csv(tmp_path / "nfd.csv", UNIT_HEADER, rows))
    version = queries.unit_by_code("91106", ON, Level.COMMUNE)
    assert fold(version.type_word) == "thi tran" and version.unit.is_urban


def test_statistics_office_conflicting_commune_rows_are_rejected(tmp_path):
    row = ("Thành phố Hà Nội", "93", "Huyện Sóc Sơn", "932", "Xã Khác", "93202", "Xã")
    path = write_csv(tmp_path / "gso.csv", GSO_HEADER, [*GSO_ROWS, row])
    assert f"gso.csv:{len(GSO_ROWS) + 2}" in rejected(path)


def test_a_malformed_date_is_a_clear_error_not_a_traceback(tmp_path):
    path = write_csv(tmp_path / "u.csv", UNIT_HEADER, BASE)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_units", str(path), "--valid-from=2026-1-1", stdout=io.StringIO())


def test_a_commune_that_becomes_a_ward_becomes_urban(tmp_path):
    run(write_csv(tmp_path / "a.csv", UNIT_HEADER, BASE))
    before = queries.unit_by_code("91102", ON, Level.COMMUNE).unit
    assert not before.is_urban
    ward = ("91102", "Phường Bình", "Phường", "commune", "911")
    later = [ward if row[0] == "91102" else row for row in BASE]
    run(write_csv(tmp_path / "b.csv", UNIT_HEADER, later), on="2026-04-30")
    after = queries.unit_by_code("91102", dt.date(2026, 4, 30), Level.COMMUNE).unit
    assert after.pk == before.pk and after.is_urban
