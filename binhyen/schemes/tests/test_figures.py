"""The figures page and the demo registry: counts a user reads are the records' counts,
scoped to their jurisdiction, under the structure asked for."""

import datetime as dt

import pytest
from django.urls import reverse

from binhyen.core.audit import audit_context
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries, services
from binhyen.schemes.demo import load_registry
from binhyen.schemes.models import Scheme, SchemeType

ON = dt.date(2026, 1, 1)


def _area_of(commune):
    return (
        AdminUnit.objects.filter(level="residential_area", versions__parent=commune)
        .order_by("code")
        .first()
    )


@pytest.fixture
def points(triangle):
    scheme_type = SchemeType.objects.get(code="camera-an-ninh")
    area = _area_of(triangle.unit)
    with audit_context(source="test"):
        made = [
            services.establish_scheme(
                scheme_type=scheme_type,
                name=f"Camera {i}",
                host_kind="residential_area",
                unit=area,
                established_on=dt.date(2024, 1, 1 + i),
            )
            for i in range(3)
        ]
        services.record_event(made[0], "dissolved", dt.date(2025, 1, 1), "hỏng")
    return made


def _figures(client, user, **params):
    client.force_login(user)
    return client.get(reverse("schemes:figures"), params)


@pytest.mark.parametrize("who, expected", [("officer", 2), ("parent_officer", 2), ("outsider", 0)])
def test_figures_count_what_the_user_may_see(client, triangle, points, who, expected):
    response = _figures(
        client, getattr(triangle, who), measure="active", on="01/01/2026", by="type"
    )
    assert response.status_code == 200
    assert response.context["counts"].total == expected


def test_figures_of_a_period_and_drill_down(client, triangle, points):
    response = _figures(
        client,
        triangle.parent_officer,
        unit=triangle.parent.code,
        level="province",
        measure="established",
        start="01/01/2024",
        end="31/12/2024",
        by="unit",
    )
    counts = response.context["counts"]
    assert counts.total == 3
    assert [(r.key, r.count) for r in counts.rows] == [(triangle.unit.pk, 3)]
    # the row links to the commune's own figures
    assert f"unit={triangle.unit.code}&amp;level=commune" in response.content.decode()


def test_figures_refuse_a_code_unknown_under_the_structure(client, triangle, points):
    response = _figures(client, triangle.officer, unit="00000", measure="active")
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors


def test_demo_registry_counts_add_up_and_load_is_idempotent(demo):
    with audit_context(source="test"):
        first = load_registry(households=(2, 3))
        again = load_registry(households=(2, 3))
    assert first["created"] > 50 and again["created"] == 0
    assert Scheme.objects.count() == first["created"]
    scope = queries.Scope(structure_on=ON)
    by_unit = queries.schemes_active(scope, ON, by="unit")
    by_kind = queries.schemes_active(scope, ON, by="host_kind")
    assert by_unit.total == by_kind.total == by_unit.row_sum == by_kind.row_sum
    # history before the merger counts under the 2024 structure's two provinces
    before = queries.schemes_active(
        queries.Scope(structure_on=dt.date(2024, 12, 31)), dt.date(2024, 12, 31), by="unit"
    )
    assert len(before.rows) == 2 and before.total == before.row_sum > 0
    structure = queries.structure_on(scope, ON)
    assert structure.households > structure.groups > 0
    assert (
        structure.steering_committees
        == AdminUnit.objects.filter(
            level="commune", valid_to__isnull=True, code__startswith="9"
        ).count()
    )
