"""Figures of the registers (queries.register_totals / register_tally): sums under the
2024 and 2025 structures across the demo merger, unallocated records of a split
commune, intakes against distinct people, women among returned emigrants, weapons by
kind, and the user's jurisdiction."""

from __future__ import annotations

from decimal import Decimal

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.outcomes.queries import AT_UNIT_ITSELF, Scope, register_tally, register_totals
from binhyen.outcomes.registers import SLUGS

from .conftest import NEW, OLD, area_of, d, sibling_of

YEAR_2024 = (d(2024, 1, 1), d(2024, 12, 31))
EVER = (d(2020, 1, 1), d(2026, 12, 31))


def _codes(tally) -> dict:
    from binhyen.geo.models import AdminUnit

    codes = dict(AdminUnit.objects.values_list("pk", "code"))
    return {codes.get(r.key, r.key): r.value for r in tally.rows}


def test_a_merged_communes_records_count_under_the_structure_asked(record, merger):
    record("registration-violations", merger.merged_old, d(2024, 5, 1), cases=3)
    record("registration-violations", merger.merged_area, d(2024, 9, 1), cases=2)
    record("registration-violations", merger.kept_old, d(2024, 9, 1), cases=7)
    # 2025 structure: the merged commune and the one whose code was reused are one
    assert (
        register_tally("registration-violations", Scope(merger.merged_new, NEW), *YEAR_2024).total
        == 12
    )
    # 2024 structure: each old commune apart
    old = Scope(merger.merged_old, OLD)
    assert register_tally("registration-violations", old, *YEAR_2024).total == 5
    assert (
        register_tally("registration-violations", Scope(merger.kept_old, OLD), *YEAR_2024).total
        == 7
    )
    assert (
        register_tally("registration-violations", Scope(merger.merged_old, NEW), *YEAR_2024).total
        == 0
    )
    for structure in (OLD, NEW):
        province = merger.province_old if structure == OLD else merger.province_new
        tally = register_tally("registration-violations", Scope(province, structure), *YEAR_2024)
        assert (tally.total, tally.records) == (12, 3)


def test_rows_by_unit_add_up_with_the_unit_itself_and_the_unallocated(record, merger):
    (code_a, area_a), (code_b, area_b) = sorted(merger.split_areas.items())
    record("pledges", area_a, d(2024, 3, 1), households=10)
    record("pledges", area_b, d(2024, 3, 1), households=20)
    record("pledges", merger.split_old, d(2024, 3, 1), households=40)  # split in 2025
    record("pledges", merger.merged_area, d(2024, 3, 1), households=5)
    tally = register_tally("pledges", Scope(merger.province_new, NEW), *YEAR_2024, by="unit")
    assert tally.total == tally.row_sum == 75
    assert _codes(tally) == {code_a: 10, code_b: 20, merger.merged_new.code: 5, None: 40}
    assert tally.rows[-1].key is None
    # a commune broken down by area: its own records apart from the unallocated
    commune = Scope(merger.merged_new, NEW)
    record("pledges", merger.merged_new, NEW, households=7)
    by_area = register_tally("pledges", commune, d(2024, 1, 1), NEW, by="unit")
    assert _codes(by_area) == {merger.merged_area.code: 5, AT_UNIT_ITSELF: 7}


def test_intakes_count_every_time_people_count_once(intake, merger):
    area = area_of(merger.merged_new)
    intake(merger.merged_area, d(2024, 2, 1), exit_on=d(2024, 8, 1), exit_reason="relapsed")
    intake(area, d(2024, 10, 1), exemplary=True)  # the same person, taken in again
    intake(area, d(2024, 11, 1), name="Lò Văn Khiêm", kind="community_education")
    intake(area, d(2023, 1, 5), name="Vì Thị Mai", exit_on=d(2023, 6, 1), exit_reason="completed")
    tally = register_tally("managed-persons", Scope(merger.province_new, NEW), *YEAR_2024)
    assert tally.total == tally.records == 3  # intakes ("lượt")
    f = {k: v.value for k, v in tally.figures.items()}
    assert f["people"] == 2 and f["managed_people"] == 2
    assert f["exemplary"] == 1 and f["exits"] == 1 and f["under_management"] == 2
    assert (f["post_rehabilitation"], f["community_education"]) == (2, 1)
    by_kind = register_tally("managed-persons", Scope(), *YEAR_2024, by="kind")
    assert {r.key: r.value for r in by_kind.rows} == {
        "post_rehabilitation": 2,
        "community_education": 1,
    }
    # under the 2024 structure the first intake is the old commune's
    old = register_tally("managed-persons", Scope(merger.merged_old, OLD), *YEAR_2024)
    assert old.total == 1


def test_women_among_returned_emigrants(record, merger):
    area = area_of(merger.merged_new)
    for sex in ("female", "female", "male"):
        record("returned-emigrants", area, NEW, sex=sex, returned_from="CN")
    record("returned-emigrants", area, d(2024, 1, 1), sex="female")  # another period
    tally = register_tally("returned-emigrants", Scope(merger.merged_new, NEW), NEW, NEW, by="sex")
    assert tally.total == 3
    assert (tally.figures["female"].value, tally.figures["male"].value) == (2, 1)
    assert {r.key: r.value for r in tally.rows} == {"female": 2, "male": 1}
    assert tally.additive and tally.row_sum == tally.total


def test_weapons_sum_quantities_by_kind_in_their_own_measures(record, merger):
    area = area_of(merger.merged_new)
    record("weapons", area, NEW, kind="hunting_gun", quantity=2)
    record("weapons", area, NEW, kind="homemade_gun", quantity=3)
    record("weapons", area, NEW, kind="explosives", quantity=Decimal("1.25"))
    record("weapons", area, NEW, kind="explosives", quantity=Decimal("0.75"))
    record("weapons", area, NEW, kind="ammunition", quantity=120)
    tally = register_tally("weapons", Scope(), NEW, NEW, by="kind")
    assert tally.total == tally.records == 5  # surrenders recorded
    f = tally.figures
    assert (f["guns"].value, f["explosives"].value, f["ammunition"].value) == (5, 2, 120)
    assert f["explosives"].measure != f["ammunition"].measure
    assert {r.key: r.value for r in tally.rows}["explosives"] == 2
    assert tally.additive is False


def test_sums_and_breakdowns_of_the_other_registers(record, merger):
    area = area_of(merger.merged_new)
    record("illegal-entries", area, NEW, nationality="CN", people=3)
    record("illegal-entries", area, NEW, nationality="LA", people=2)
    record("mediations", area, NEW, result="successful")
    record("mediations", area, NEW, result="unsuccessful")
    record("outreach-sessions", area, NEW, attendees=120)
    record("outreach-sessions", area, NEW, attendees=80)
    record("patrols", area, NEW, patrols=4, people=20)
    totals = register_totals(Scope(merger.merged_new, NEW), NEW, NEW, by="nationality")
    assert list(totals) == list(SLUGS)
    assert totals["illegal-entries"].total == 5
    assert {r.key: r.value for r in totals["illegal-entries"].rows} == {"CN": 3, "LA": 2}
    assert totals["mediations"].figures["successful"].value == 1 and not totals["mediations"].rows
    assert (
        totals["outreach-sessions"].total,
        totals["outreach-sessions"].figures["attendees"].value,
    ) == (2, 200)
    assert (totals["patrols"].total, totals["patrols"].figures["people"].value) == (4, 20)
    assert totals["weapons"].total == 0 and totals["pledges"].total == 0


def test_figures_within_a_users_jurisdiction(record, merger, triangle):
    own = area_of(triangle.unit)
    sibling = sibling_of(triangle.unit, triangle.parent)
    record("pledges", own, NEW, households=10)
    record("pledges", area_of(sibling), NEW, households=20)
    assert register_tally("pledges", Scope(user=triangle.officer), NEW, NEW).total == 10
    assert register_tally("pledges", Scope(user=triangle.parent_officer), NEW, NEW).total == 30
    assert register_tally("pledges", Scope(user=triangle.outsider), NEW, NEW).total == 0
    assert geo_queries.place(own, NEW, Level.COMMUNE).target == triangle.unit
