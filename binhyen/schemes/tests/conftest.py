"""Fixtures for the registry's service, counting and API tests: the demo's 2025 merger
(found from the demo's own structure rows, not hard-coded) and a factory of points."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pytest

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import services
from binhyen.schemes.models import Scheme, SchemeType

OLD = dt.date(2024, 6, 1)  # a date under the 2020 structure
NEW = dt.date(2025, 8, 1)  # a date under the 2025 structure


def unit_on(code: str, on: dt.date, level: str | None = None) -> AdminUnit:
    version = geo_queries.unit_by_code(code, on, level=level)
    assert version is not None, (code, on, level)
    return version.unit


def scheme_type(code: str) -> SchemeType:
    return SchemeType.objects.get(code=code)


def areas_of(commune: AdminUnit, on: dt.date) -> list[AdminUnit]:
    return [v.unit for v in geo_queries.children_on(commune, on)]


@dataclass
class Merger:
    """Units of the demo's 1 Jul 2025 reform, as AdminUnit rows.

    merged_old: an old commune merged whole into merged_new (another code);
    merged_area: a residential area of merged_old;
    kept_old: the old commune whose code the new commune reuses;
    split_old: the old commune divided between two new communes, and split_areas one of
    its residential areas going to each ({new commune code: area})."""

    province_old: AdminUnit
    province_new: AdminUnit
    merged_old: AdminUnit
    kept_old: AdminUnit
    merged_new: AdminUnit
    merged_area: AdminUnit
    split_old: AdminUnit
    split_areas: dict[str, AdminUnit]


@pytest.fixture
def merger(demo) -> Merger:
    from binhyen.portal.demo import build_structures

    old, new, lineage = build_structures()
    olds_of: dict[str, list[str]] = defaultdict(list)
    news_of: dict[str, list[str]] = defaultdict(list)
    for row in lineage:
        olds_of[row.new_code].append(row.old_code)
        news_of[row.old_code].append(row.new_code)
    new_code, old_codes = next(
        (code, olds) for code, olds in olds_of.items() if len(olds) >= 2 and code.startswith("99")
    )
    merged_code = next(c for c in old_codes if c != new_code)
    split_code = next(c for c, news in news_of.items() if len(news) == 2)
    area_parent_new = {r.code: r.parent_code for r in new if r.level == Level.RESIDENTIAL_AREA}
    old_areas = [r for r in old if r.level == Level.RESIDENTIAL_AREA]
    merged_area = next(r.code for r in old_areas if r.parent_code == merged_code)
    split_areas: dict[str, str] = {}
    for r in old_areas:
        if r.parent_code == split_code:
            split_areas.setdefault(area_parent_new[r.code], r.code)
    assert len(split_areas) == 2
    return Merger(
        province_old=unit_on("99", OLD, Level.PROVINCE),
        province_new=unit_on("99", NEW, Level.PROVINCE),
        merged_old=unit_on(merged_code, OLD, Level.COMMUNE),
        kept_old=unit_on(new_code, OLD, Level.COMMUNE),
        merged_new=unit_on(new_code, NEW, Level.COMMUNE),
        merged_area=unit_on(merged_area, OLD, Level.RESIDENTIAL_AREA),
        split_old=unit_on(split_code, OLD, Level.COMMUNE),
        split_areas={
            new: unit_on(area, OLD, Level.RESIDENTIAL_AREA) for new, area in split_areas.items()
        },
    )


@pytest.fixture
def make_point(demo):
    """establish_scheme with defaults: a gong point of the first residential area of the
    merged commune, established on 1 Mar 2023."""

    def make(
        unit: AdminUnit | None = None,
        type_code: str = "keng-an-ninh",
        established_on: dt.date = dt.date(2023, 3, 1),
        **values,
    ) -> Scheme:
        if unit is None and "organization" not in values:
            unit = AdminUnit.objects.filter(level=Level.RESIDENTIAL_AREA).order_by("code")[0]
        values.setdefault("host_kind", unit.level if unit is not None else "")
        values.setdefault("name", f"Điểm {Scheme.objects.count() + 1}")
        return services.establish_scheme(
            scheme_type=values.pop("scheme_type", None) or scheme_type(type_code),
            unit=unit,
            established_on=established_on,
            **values,
        )

    return make
