"""The reporting engine: records and reported figures combined without double counting,
qualifiers kept, sources shown, rules checked, bounded queries, fresh figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from binhyen.geo.models import AdminUnit
from binhyen.reports.combine import REPORTED
from binhyen.reports.review import build_review, previous_period
from binhyen.schemes.models import SelfManagementBoard, SteeringCommittee
from binhyen.schemes.services.structure import create_body, dissolve_body
from binhyen.tips import services as tip_services

from .conftest import reported

END = dt.date(2023, 6, 15)
START = dt.date(2018, 1, 1)


def figures(review) -> dict:
    return {f["indicator"]: f for s in review["sections"] for f in s["figures"]}


def review_en(unit, start=START, end=END, **kw):
    with translation.override("en"):
        return build_review(unit, start, end, **kw)


def tip(unit, day: dt.date, actionable=False):
    t = tip_services.record_tip(
        received_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        unit=unit,
        informant=None,
        channel="phone",
        category="drugs",
        description="Tin báo kiểm thử",
    )
    if actionable:
        type(t).objects.filter(pk=t.pk).update(assessment="actionable")
    return t


# ---- the public worked examples ---------------------------------------------------------

NGHE_AN = {
    "structure.steering_committees": 480,
    "structure.boards": 7588,
    "structure.groups": 38578,
    "schemes.types_replicated": 32,
    "schemes.residential_areas": 1420,
    "schemes.commended_ministry": 12,
    "communes.drug_free": 96,
}


def test_nghe_an_review_states_the_published_figures(nghe_an):
    for code, value in NGHE_AN.items():
        reported(code, nghe_an.province, START, END, value, doc="Báo cáo CA Nghệ An 15/6/2023")
    review = review_en(nghe_an.province)
    found = figures(review)
    for code, value in NGHE_AN.items():
        assert found[code]["value"] == value, code
        assert found[code]["qualifier"] == "exact"
        assert found[code]["reported"], code
    assert found["structure.groups"]["display"] == "38,578"
    with translation.override("vi"):
        vi = figures(build_review(nghe_an.province, START, END))
    assert vi["structure.groups"]["display"] == "38.578"
    assert vi["structure.boards"]["display"] == "7.588"
    # every figure shows where it came from
    used = {s["indicator"] for s in review["sources"] if s["used"]}
    assert used == set(NGHE_AN)
    assert all(s["source_document"] == "Báo cáo CA Nghệ An 15/6/2023" for s in review["sources"])
    assert review["rules"] == []


def test_2017_review_keeps_over_2000(nghe_an):
    start, end = dt.date(2017, 1, 1), dt.date(2017, 12, 31)
    reported("tips.actionable", nghe_an.province, start, end, 2000, qualifier="at_least")
    reported("cases.solved", nghe_an.province, start, end, 1275)
    reported("cases.suspects_arrested", nghe_an.province, start, end, 1321)
    found = figures(review_en(nghe_an.province, start, end))
    assert found["tips.actionable"]["value"] == 2000
    assert found["tips.actionable"]["qualifier"] == "at_least"
    assert found["tips.actionable"]["display"] == "over 2,000"
    assert found["cases.solved"]["display"] == "1,275"
    assert found["cases.suspects_arrested"]["value"] == 1321
    with translation.override("vi"):
        vi = figures(build_review(nghe_an.province, start, end))
    assert vi["tips.actionable"]["display"] == "trên 2.000"


# ---- no double counting ----------------------------------------------------------------------


def test_stock_figure_carried_forward_by_records_without_counting_twice(nghe_an):
    commune, other = nghe_an.communes
    reported("structure.steering_committees", nghe_an.province, START, END, 480)
    # a committee founded in 2015 is among the 480: entering it as a record adds nothing
    old = create_body(
        SteeringCommittee, unit=commune, name="BCĐ cũ", established_on=dt.date(2020, 3, 1)
    )
    assert figures(review_en(nghe_an.province))["structure.steering_committees"]["value"] == 480
    # founded after the report: one more; the old one dissolved after it: one less
    create_body(SteeringCommittee, unit=other, name="BCĐ mới", established_on=dt.date(2023, 9, 1))
    later = dt.date(2024, 12, 31)
    assert (
        figures(review_en(nghe_an.province, END, later))["structure.steering_committees"]["value"]
        == 481
    )
    dissolve_body(old, dt.date(2024, 2, 1))
    found = figures(review_en(nghe_an.province, END, later))["structure.steering_committees"]
    assert found["value"] == 480
    assert found["records"] == 1  # counted from records: the new one


def test_flow_figure_replaces_the_records_of_its_period(nghe_an):
    commune = nghe_an.communes[0]
    reported("tips.received", nghe_an.province, dt.date(2018, 1, 1), dt.date(2018, 12, 31), 100)
    tip(commune, dt.date(2018, 5, 1))  # covered by the reported 100
    tip(commune, dt.date(2019, 5, 1))
    tip(commune, dt.date(2019, 6, 1))
    review = review_en(nghe_an.province, dt.date(2018, 1, 1), dt.date(2019, 12, 31))
    found = figures(review)["tips.received"]
    assert found["value"] == 102
    assert found["records"] == 3
    # the unit breakdown adds up: records by commune, plus the reported remainder
    rows = {r["key"]: r["value"] for r in found["breakdowns"][0]["rows"]}
    assert rows[REPORTED] == 99
    assert sum(rows.values()) == 102
    # a review of 2019 alone cannot use the 2018 figure
    only_2019 = review_en(nghe_an.province, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert figures(only_2019)["tips.received"]["value"] == 2
    straddling = review_en(nghe_an.province, dt.date(2018, 6, 1), dt.date(2019, 12, 31))
    assert figures(straddling)["tips.received"]["value"] == 2
    source = next(s for s in straddling["sources"] if s["indicator"] == "tips.received")
    assert source["used"] is False and "not within" in source["reason"]


def test_figure_of_a_commune_within_a_province_figure_is_not_added(nghe_an):
    commune = nghe_an.communes[0]
    reported("cases.solved", nghe_an.province, START, END, 50)
    reported("cases.solved", commune, START, END, 20)
    review = review_en(nghe_an.province)
    assert figures(review)["cases.solved"]["value"] == 50
    dropped = next(s for s in review["sources"] if s["unit"]["code"] == "40001")
    assert dropped["used"] is False and "covered by" in dropped["reason"]
    # the commune's own review uses its own figure
    assert figures(review_en(commune))["cases.solved"]["value"] == 20


def test_commune_figures_fall_in_their_row_of_the_province_breakdown(nghe_an):
    first, second = nghe_an.communes
    reported("structure.boards", first, START, END, 7)
    reported("structure.boards", second, START, END, 5)
    create_body(
        SelfManagementBoard, unit=nghe_an.areas[1], name="BTQ", established_on=dt.date(2023, 8, 1)
    )
    found = figures(review_en(nghe_an.province, START, dt.date(2023, 12, 31)))["structure.boards"]
    assert found["value"] == 13
    rows = {r["code"]: r["value"] for r in found["breakdowns"][0]["rows"]}
    assert rows == {"40001": 7, "40002": 6}


def test_qualifier_is_the_weakest_used(nghe_an):
    first, second = nghe_an.communes
    reported("tips.received", first, START, END, 300, qualifier="at_least")
    reported("tips.received", second, START, END, 200, qualifier="about")
    found = figures(review_en(nghe_an.province))["tips.received"]
    assert (found["value"], found["qualifier"]) == (500, "about")
    assert found["display"] == "about 500"


# ---- validation rules ------------------------------------------------------------------------


def rules_of(review, rule):
    return [r for r in review["rules"] if r["rule"] == rule]


def test_parts_that_do_not_add_up_are_shown(nghe_an):
    reported("structure.groups", nghe_an.province, START, END, 500)
    reported("structure.groups", nghe_an.province, START, END, 420, breakdown="area=rural")
    reported("structure.groups", nghe_an.province, START, END, 60, breakdown="area=urban")
    review = review_en(nghe_an.province)
    (broken,) = rules_of(review, "partition")
    assert broken["difference"] == 20
    assert "20 are in none of the parts" in broken["message"]
    assert [f["value"] for f in broken["figures"]] == [500, 420, 60]
    # the parts are shown as sources, not summed
    assert figures(review)["structure.groups"]["value"] == 500


def test_subset_larger_than_its_set_is_flagged(nghe_an):
    reported("tips.received", nghe_an.province, START, END, 2000)
    reported("tips.actionable", nghe_an.province, START, END, 2100)
    (broken,) = rules_of(review_en(nghe_an.province), "subset")
    assert broken["indicator"] == "tips.actionable"
    assert broken["difference"] == 100


def test_active_points_above_points_ever_established_are_flagged(nghe_an):
    reported("schemes.active", nghe_an.province, START, END, 50)
    (broken,) = rules_of(review_en(nghe_an.province), "established")
    assert broken["difference"] == 50


def test_reported_figure_disagreeing_with_records_is_flagged(nghe_an):
    commune = nghe_an.communes[0]
    start, end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    reported("tips.received", nghe_an.province, start, end, 5)
    tip(commune, dt.date(2019, 3, 1))
    tip(commune, dt.date(2019, 4, 1))
    review = review_en(nghe_an.province, start, end)
    (broken,) = rules_of(review, "agreement")
    assert broken["severity"] == "warning"
    assert [f["value"] for f in broken["figures"]] == [5, 2]
    assert figures(review)["tips.received"]["value"] == 5  # not corrected


# ---- freshness, scale, periods ---------------------------------------------------------------


def test_a_record_saved_is_counted_at_once(nghe_an):
    day = dt.date(2024, 3, 1)
    before = figures(review_en(nghe_an.province, day, day))["tips.received"]["value"]
    tip(nghe_an.areas[0], day)
    assert figures(review_en(nghe_an.province, day, day))["tips.received"]["value"] == before + 1


def test_queries_do_not_grow_with_units(nghe_an):
    from binhyen.geo.services.imports import UnitRow, import_structure

    def count():
        with CaptureQueriesContext(connection) as ctx:
            build_review(nghe_an.province, START, END)
        return len(ctx.captured_queries)

    tip(nghe_an.communes[0], dt.date(2019, 1, 1))
    before = count()
    rows = [UnitRow(i, f"40{100 + i}", f"Xã {i}", "Xã", "commune", "40") for i in range(1, 30)]
    import_structure(rows, dt.date(2010, 1, 1), files=("more", ""))
    for code in ("40101", "40102", "40103"):
        tip(AdminUnit.objects.get(code=code), dt.date(2019, 2, 1))
    assert count() == before


def test_previous_period_has_the_same_length():
    assert previous_period(dt.date(2021, 1, 1), dt.date(2025, 12, 31)) == (
        dt.date(2016, 1, 1),
        dt.date(2020, 12, 31),
    )
    assert previous_period(dt.date(2023, 1, 10), dt.date(2023, 1, 19)) == (
        dt.date(2022, 12, 31),
        dt.date(2023, 1, 9),
    )


# ---- the command -----------------------------------------------------------------------------


def test_report_command_writes_the_json_format(nghe_an, tmp_path):
    reported("structure.groups", nghe_an.province, START, END, 38578)
    out = tmp_path / "r.json"
    call_command(
        "report", "--unit", "40", "--from", "01/01/2018", "--to", "2023-06-15", "-o", str(out)
    )
    review = json.loads(out.read_text())
    assert review["format"] == "binhyen.review/1"
    assert review["unit"]["code"] == "40"
    assert figures(review)["structure.groups"]["value"] == 38578
    assert review["issue"] is None


def test_report_command_issues_numbers_per_year(nghe_an, tmp_path):
    from binhyen.reports.models import IssuedReport

    for _i in range(2):
        call_command(
            "report",
            "--unit",
            "40",
            "--from",
            "2018-01-01",
            "--to",
            "2023-06-15",
            "--issue",
            "CAT",
            "-o",
            str(tmp_path / "r.json"),
        )
    numbers = list(IssuedReport.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    review = json.loads((tmp_path / "r.json").read_text())
    assert review["issue"]["number"] == 2 and review["issue"]["issuer_code"] == "CAT"


def test_report_command_refuses_an_unknown_unit(nghe_an):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "--unit", "77", "--from", "2018-01-01", "--to", "2023-06-15")


def test_over_n_keeps_records_that_prove_more(nghe_an):
    start, end = dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    reported("tips.received", nghe_an.province, start, end, 1, qualifier="at_least")
    tip(nghe_an.communes[0], dt.date(2019, 3, 1))
    tip(nghe_an.communes[1], dt.date(2019, 4, 1))
    found = figures(review_en(nghe_an.province, start, end))["tips.received"]
    assert (found["value"], found["qualifier"]) == (2, "at_least")
    rows = {r["key"]: r["value"] for r in found["breakdowns"][0]["rows"]}
    assert rows[REPORTED] == 0 and sum(rows.values()) == 2


def test_records_in_ethnic_minority_and_religious_areas_overlap(nghe_an):
    from binhyen.geo.services.units import update_unit_attributes

    first, second = nghe_an.communes
    update_unit_attributes(first, ethnic_minority_area=True, religious_area=True)
    for day in (dt.date(2019, 3, 1), dt.date(2019, 4, 1)):
        tip(first, day)
    tip(second, dt.date(2019, 5, 1))
    found = figures(review_en(nghe_an.province, dt.date(2019, 1, 1), dt.date(2019, 12, 31)))
    areas = next(b for b in found["tips.received"]["breakdowns"] if b["by"] == "area_kind")
    assert areas["partition"] is False
    assert {r["key"]: r["value"] for r in areas["rows"]} == {
        "ethnic_minority_area": 2,
        "religious_area": 2,
        "border_area": 0,
    }


def test_sources_and_rules_of_other_periods_are_left_out(nghe_an):
    old = (dt.date(2016, 1, 1), dt.date(2016, 12, 31))
    reported("structure.groups", nghe_an.province, *old, 500)
    reported("structure.groups", nghe_an.province, *old, 420, breakdown="area=rural")
    reported("tips.received", nghe_an.province, *old, 90)
    review = review_en(nghe_an.province, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert review["rules"] == []
    # the 2016 stock figure is carried forward (used); the 2016 flow figure is not shown
    assert [s["indicator"] for s in review["sources"]] == ["structure.groups"]
