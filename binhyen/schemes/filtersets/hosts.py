"""Filters on host organisations, shared by the list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from .. import queries
from ..choices import ORGANIZATION_KINDS
from ..models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    """`commune` is a commune code: organisations of that commune, and of the communes
    merged into it when the code is one in force today. `q` searches name, address and
    tax code, diacritics ignored."""

    kind = django_filters.ChoiceFilter(choices=ORGANIZATION_KINDS, label=_("organisation kind"))
    commune = django_filters.CharFilter(method="filter_commune", label=_("commune code"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = Organization
        fields = ["kind", "commune", "q"]

    def filter_commune(self, queryset, name, value):
        code = (value or "").strip()
        if not code:
            return queryset
        today = geo_queries.today()
        version = geo_queries.unit_by_code(code, today, level=Level.COMMUNE)
        if version is None:
            # a commune that no longer exists: its own organisations
            return queryset.filter(commune__code=code)
        return queries.under(queryset, "commune", version.unit, today)

    def filter_q(self, queryset, name, value):
        return queries.search(queryset, value) if value else queryset
