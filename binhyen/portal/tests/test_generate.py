"""`binhyen generate`: a realistic data set of the requested shape, across the 2025
merger, deterministic for a seed, written through the bulk path with the tally kept."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from binhyen.core.text import fold
from binhyen.generator import geography
from binhyen.generator.run import generate
from binhyen.generator.sizes import PROVINCE, REFORM
from binhyen.geo.models import AdminUnit, Transition, UnitVersion
from binhyen.reports.models import Tally
from binhyen.schemes.models import GroupHousehold, Household, Scheme
from binhyen.tips.models import Case, Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_country(monkeypatch):
    """The synthetic country's shape with fewer communes, to keep the test short."""
    monkeypatch.setattr(geography, "DISTRICTS_PER_PROVINCE", 2)
    monkeypatch.setattr(geography, "COMMUNES_2024", 63 * 2 * 3)
    return PROVINCE.scaled(0.01)


def fingerprint() -> tuple:
    """The data set by natural keys (ids differ between runs on PostgreSQL)."""
    return (
        AdminUnit.objects.count(),
        list(
            Scheme.objects.order_by("ref").values_list("ref", "unit__code", "established_on")[:50]
        ),
        list(Tip.objects.order_by("code").values_list("code", "unit__code", "received_at")[:50]),
        Household.objects.aggregate(p=Sum("people"))["p"],
        GroupHousehold.objects.count(),
        Case.objects.count(),
    )


def test_synthetic_country_has_the_shape_of_the_reform():
    import random

    old, new, lineage = geography.synthetic_structure(random.Random(1))
    levels = {lv: sum(1 for r in old if r.level == lv) for lv in ("province", "commune")}
    assert levels["province"] == 63
    assert 9_500 <= levels["commune"] <= 10_500
    assert sum(1 for r in new if r.level == "province") == 34
    new_communes = sum(1 for r in new if r.level == "commune")
    assert 3_200 <= new_communes <= 3_500
    assert len(lineage) == levels["commune"]  # every old commune has a successor


def test_generated_records_straddle_the_merger(small_country):
    result = generate(small_country, seed=7, progress=None)
    counts = result.counts
    assert counts["tips"] == small_country.tips
    assert counts["households"] == Household.objects.count() > small_country.groups * 12
    areas = AdminUnit.objects.filter(level="residential_area")
    assert areas.count() == counts["residential_areas"] > 0
    # each area moves from its old commune to the successor on 1 Jul 2025
    assert UnitVersion.objects.filter(unit__in=areas).count() == 2 * areas.count()
    assert Transition.objects.filter(date=REFORM, kind="reparent").count() == areas.count()
    version = UnitVersion.objects.filter(unit__in=areas).first()
    assert version.search_name == fold(version.name)  # found without diacritics
    before = Tip.objects.filter(received_at__date__lt=REFORM)
    after = Tip.objects.filter(received_at__date__gte=REFORM)
    assert before.exists() and after.exists()
    assert not before.filter(unit__valid_to__isnull=True, unit__valid_from__gte=REFORM).exists()
    assert not after.filter(unit__valid_to__lt=REFORM).exists()
    # the bulk path fires the tally's triggers like any other write
    received = Tally.objects.filter(source="tips.received").aggregate(n=Sum("records"))["n"]
    assert received == counts["tips"]


def test_same_seed_same_data_set(small_country):
    point = transaction.savepoint()
    generate(small_country, seed=3)
    first = fingerprint()
    transaction.savepoint_rollback(point)
    assert not AdminUnit.objects.exists()
    generate(small_country, seed=3)
    assert fingerprint() == first


def test_command_refuses_a_database_that_holds_units(small_country):
    AdminUnit.objects.create(
        level="province", code="01", name="Tỉnh", valid_from=dt.date(2020, 1, 1)
    )
    with pytest.raises(CommandError):
        call_command("generate", scale="province", stdout=io.StringIO())


def test_command_refuses_a_missing_unit_file(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "generate", scale="province", units=tmp_path / "none.csv", stdout=io.StringIO()
        )
