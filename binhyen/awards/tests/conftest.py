"""Fixtures of the awards tests: the demo geography and registry, the permission
triangle (commune officer, provincial officer, outsider, admin), an occasion of the
province and a factory of nominations made through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from binhyen.awards import services
from binhyen.awards.choices import CollectiveKind, OccasionKind, RecipientKind
from binhyen.awards.models import Authority, AwardForm
from binhyen.geo import queries as geo_queries
from binhyen.schemes.tests.conftest import make_point  # noqa: F401 (fixture)

URLS = "binhyen.awards.tests.urls"

d = dt.date
HELD_ON = d(2025, 12, 20)
DECIDED_ON = d(2025, 12, 15)


def form(code: str) -> AwardForm:
    return AwardForm.objects.get(code=code)


def authority(code: str) -> Authority:
    return Authority.objects.get(code=code)


def area_of(commune):
    return geo_queries.children_on(commune, geo_queries.today())[0].unit


@pytest.fixture
def occasion(triangle):
    return services.create_occasion(
        triangle.parent_officer,
        name="Hội nghị tổng kết 2025",
        kind=OccasionKind.REVIEW_CONFERENCE,
        held_on=HELD_ON,
        unit=triangle.parent,
        period_start=d(2024, 12, 1),
        period_end=d(2025, 11, 30),
    )


@pytest.fixture
def person(triangle):
    def make(name="Nguyễn Văn An", id_number="", unit=None, user=None, **values):
        values.setdefault("service_since", 2010)
        values.setdefault("birth_year", 1975)
        return services.create_person(
            user or triangle.officer,
            full_name=name,
            id_number=id_number,
            unit=unit or triangle.unit,
            **values,
        )

    return make


@pytest.fixture
def point(triangle, make_point):  # noqa: F811
    def make(**values):
        return make_point(area_of(triangle.unit), **values)

    return make


@pytest.fixture
def nominate(triangle, occasion):
    """propose with defaults: a certificate of merit of the provincial chairman."""

    def make(user=None, form_code="bang-khen", authority_code="chu-tich-ubnd-tinh", **values):
        values.setdefault("achievements", ["Thành tích tiêu biểu"])
        if "recipient_kind" not in values:
            if "person" in values:
                values["recipient_kind"] = RecipientKind.INDIVIDUAL
            elif "household" in values:
                values["recipient_kind"] = RecipientKind.HOUSEHOLD
            else:
                values["recipient_kind"] = RecipientKind.COLLECTIVE
                for field, kind in (
                    ("scheme", CollectiveKind.SCHEME),
                    ("organization", CollectiveKind.ORGANIZATION),
                    ("recipient_unit", CollectiveKind.UNIT),
                    ("group", CollectiveKind.GROUP),
                ):
                    if field in values:
                        values.setdefault("collective_kind", kind)
        return services.propose(
            user or triangle.officer,
            values.pop("occasion", occasion),
            form=form(form_code),
            authority=authority(authority_code),
            **values,
        )

    return make


@pytest.fixture
def award(triangle):
    """Review and award a nomination (the provincial officer decides)."""

    def make(nomination, **values):
        services.review(triangle.parent_officer, nomination)
        values.setdefault("decision_number", "12/QĐ-UBND")
        values.setdefault("decision_date", DECIDED_ON)
        values.setdefault("signer", "Chủ tịch UBND tỉnh")
        return services.decide(triangle.parent_officer, nomination, awarded=True, **values)

    return make
