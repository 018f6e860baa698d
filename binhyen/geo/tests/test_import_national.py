"""The real national import of ../shared/data/vn-admin (skipped when the files are absent)."""

import datetime as dt
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from binhyen.conftest import AFTER, BEFORE, shared_file
from binhyen.core.models import AuditEntry
from binhyen.geo import queries
from binhyen.geo.choices import Level, TransitionKind, Unallocated
from binhyen.geo.models import AdminUnit, Transition

pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """Both national imports, once for the module, rolled back at its end."""
    units_2024 = shared_file("units-2024.csv")
    units_2025 = shared_file("units-2025.csv")
    lineage = shared_file("lineage-2025.csv")
    with django_db_blocker.unblock(), transaction.atomic():
        import_both(units_2024, units_2025, lineage)
        yield {"files": (units_2024, units_2025, lineage)}
        transaction.set_rollback(True)


def import_both(units_2024, units_2025, lineage) -> None:
    out = StringIO()
    call_command("import_units", str(units_2024), "--valid-from=2025-03-01", stdout=out)
    call_command(
        "import_units",
        str(units_2025),
        "--valid-from=2025-07-01",
        f"--lineage={lineage}",
        stdout=out,
    )


def counts_on(on: dt.date) -> Counter:
    return Counter(AdminUnit.objects.in_force(on).values_list("level", flat=True))


def unit(level, code, on):
    return queries.unit_by_code(code, on, level).unit


@pytest.mark.django_db
def test_counts_before_and_after_the_reform(national):
    assert counts_on(BEFORE) == {"province": 63, "district": 696, "commune": 10035}
    assert counts_on(AFTER) == {"province": 34, "commune": 3321}


@pytest.mark.django_db
def test_rerunning_changes_nothing(national):
    units_2024, units_2025, lineage = national["files"]
    before = (AdminUnit.objects.count(), Transition.objects.count())
    import_both(units_2024, units_2025, lineage)
    assert (AdminUnit.objects.count(), Transition.objects.count()) == before
    last = AuditEntry.objects.filter(action="bulk").order_by("-id").first()
    assert last.after == {"created": 0, "changed": 0, "closed": 0, "transitions": 0}
    assert counts_on(BEFORE)["commune"] == 10035


@pytest.mark.django_db
def test_a_reused_code_names_two_units(national):
    tich_son = queries.unit_by_code("08707", BEFORE).unit
    vinh_yen = queries.unit_by_code("08707", AFTER).unit
    assert tich_son.pk != vinh_yen.pk
    assert tich_son.name == "Phường Tích Sơn" and tich_son.valid_to == BEFORE
    assert vinh_yen.name == "Phường Vĩnh Yên" and vinh_yen.valid_from == AFTER
    assert vinh_yen in [t.successor for t in queries.successors(tich_son)]


@pytest.mark.django_db
def test_province_lineage_follows_from_communes(national):
    vinh_phuc = unit(Level.PROVINCE, "26", BEFORE)
    phu_tho = unit(Level.PROVINCE, "25", AFTER)
    links = Transition.objects.filter(predecessor=vinh_phuc)
    assert [(t.successor_id, t.kind, t.partial) for t in links] == [
        (phu_tho.pk, TransitionKind.MERGE, False)
    ]
    assert vinh_phuc.valid_to == BEFORE
    assert {
        t.predecessor.code
        for t in queries.predecessors(phu_tho)
        if t.predecessor.level == "province"
    } == {"17", "25", "26"}


@pytest.mark.django_db
def test_island_districts_became_special_zones(national):
    pairs = set(
        Transition.objects.filter(kind=TransitionKind.LEVEL_CHANGE).values_list(
            "predecessor__code", "successor__code"
        )
    )
    assert pairs == {
        ("318", "11948"),
        ("471", "19742"),
        ("498", "20333"),
        ("536", "21548"),
        ("755", "26732"),
    }


@pytest.mark.django_db
def test_splits_are_partial_and_unallocated_at_commune_level(national):
    split_links = Transition.objects.filter(kind=TransitionKind.SPLIT)
    assert split_links.count() == 972
    assert set(split_links.values_list("partial", flat=True)) == {True}
    ky_loi = unit(Level.COMMUNE, "18796", BEFORE)  # split three ways
    answer = queries.place(ky_loi, AFTER, Level.COMMUNE)
    assert answer.target is None and answer.reason == Unallocated.SPLIT
    assert len(answer.detail) == 3
    # ... but all its parts are in one province, so it rolls up there without guessing
    assert queries.place(ky_loi, AFTER, Level.PROVINCE).target is not None


@pytest.mark.django_db
def test_a_merged_commune_rolls_up_to_old_and_new_province(national):
    tich_son = unit(Level.COMMUNE, "08707", BEFORE)
    assert queries.place(tich_son, AFTER, Level.PROVINCE).target.code == "25"
    assert queries.place(tich_son, AFTER, Level.PROVINCE).target.valid_from == AFTER
    assert queries.place(tich_son, BEFORE, Level.PROVINCE).target.code == "26"
    assert queries.place(tich_son, BEFORE, Level.DISTRICT).target.code == "243"
    # districts no longer exist after the reform: said, not guessed
    answer = queries.place(tich_son, AFTER, Level.DISTRICT)
    assert answer.target is None and answer.reason == Unallocated.NO_SUCH_LEVEL


@pytest.mark.django_db
def test_unit_command_json(national):
    out = StringIO()
    call_command("unit", "08707", "--on=2025-07-01", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["found"] and data["unit"]["name"] == "Phường Vĩnh Yên"
    assert [a["code"] for a in data["ancestors"]] == ["25"]
    assert "08707" in {t["predecessor"]["code"] for t in data["predecessors"]}
    out = StringIO()
    call_command("unit", "26", "--on=2025-07-01", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert not data["found"]
    assert data["units_with_code"][0]["successors"][0]["successor"]["code"] == "25"


@pytest.mark.django_db
def test_tree_queries_are_bounded_at_national_size(national, django_assert_max_num_queries):
    ha_noi = unit(Level.PROVINCE, "01", BEFORE)
    with django_assert_max_num_queries(4) as ctx:
        below = queries.descendants(ha_noi, BEFORE)
    assert len(below) > 500  # 30 districts and their 526 communes
    print(f"descendants of Hà Nội on 30/06/2025: {len(below)} units in {len(ctx)} queries")
    commune = unit(Level.COMMUNE, "00004", BEFORE)
    with django_assert_max_num_queries(4):
        chain = queries.ancestors(commune, BEFORE)
    assert [v.unit.level for v in chain] == ["province", "district"]
    with django_assert_max_num_queries(2):
        roots = list(queries.roots_on(AFTER))
        queries.child_counts([v.unit for v in roots], AFTER)
    assert len(roots) == 34


@pytest.mark.django_db
def test_search_ignores_diacritics(national):
    names = {v.name for v in queries.search("vinh phuc", BEFORE)}
    assert "Tỉnh Vĩnh Phúc" in names
