"""Fixtures of the outcome registers' tests: the demo's 2025 merger and a point factory
(from the registry's tests), records and intakes made through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.outcomes import services
from binhyen.outcomes.registers import LEDGERS
from binhyen.schemes.tests.conftest import (  # noqa: F401 (fixtures)
    NEW,
    OLD,
    Merger,
    areas_of,
    make_point,
    merger,
)

d = dt.date
NAME = "Phạm Thị Quỳnh Hoa"  # an identity that must never leak
OTHER_NAME = "Lò Văn Khiêm"


def area_of(commune: AdminUnit, on: dt.date = NEW) -> AdminUnit:
    return areas_of(commune, on)[0]


def sibling_of(commune: AdminUnit, province: AdminUnit, on: dt.date = NEW) -> AdminUnit:
    """Another commune of the same province under the structure of `on`."""
    return next(
        v.unit
        for v in geo_queries.children_on(province, on)
        if v.unit != commune and v.unit.level == "commune"
    )


# the fields each register requires, for records made by tests
RECORD_DEFAULTS = {
    "weapons": {"kind": "hunting_gun", "quantity": 1},
    "returned-emigrants": {"sex": "female"},
    "registration-violations": {"cases": 1},
    "illegal-entries": {"nationality": "LA", "people": 1},
    "mediations": {"kind": "land", "result": "successful"},
    "outreach-sessions": {"attendees": 40},
    "pledges": {"households": 10},
    "patrols": {"patrols": 2, "people": 8},
}


@pytest.fixture
def record(db):
    """save_record with defaults: `record("weapons", unit, date, kind=..., quantity=...)`."""

    def make(slug: str, unit: AdminUnit, on: dt.date = NEW, **values):
        defaults = RECORD_DEFAULTS[slug]
        return services.save_record(LEDGERS[slug], date=on, unit=unit, **{**defaults, **values})

    return make


@pytest.fixture
def intake(db):
    """take_in with defaults: the person NAME born 1990, post-rehabilitation."""

    def make(unit: AdminUnit, on: dt.date = NEW, name: str = NAME, year: int = 1990, **values):
        values.setdefault("kind", "post_rehabilitation")
        identity = values.pop("identity", None) or services.Identity(name, year)
        if "person" in values:
            identity = None
        return services.take_in(identity=identity, intake_on=on, unit=unit, **values)

    return make
