"""What the awards pages share: the unit suggestions of code inputs, the list helpers of
the outcome registers' pages (partial HTMX answers, pagination, filtered results)."""

from __future__ import annotations

from binhyen.accounts.jurisdiction import covered_unit_ids
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.outcomes.views.common import list_query, page_of, partial, render_list, results

__all__ = ["list_query", "page_of", "partial", "render_list", "results", "unit_options"]

UNIT_OPTIONS_LIMIT = 1000


def unit_options(user, levels=(Level.PROVINCE, Level.COMMUNE, Level.RESIDENTIAL_AREA)):
    """Units in force today in the user's jurisdiction (code, label), as suggestions."""
    versions = (
        geo_queries.versions_on(geo_queries.today())
        .filter(unit__level__in=levels, unit__in=covered_unit_ids(user))
        .select_related("parent")
        .order_by("unit__code")[:UNIT_OPTIONS_LIMIT]
    )
    return [(v.unit.code, f"{v.name}, {v.parent.name}" if v.parent else v.name) for v in versions]
