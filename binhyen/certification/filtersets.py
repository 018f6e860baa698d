"""Filters of the certification list, shared by the page and the API: window year,
subject type, status, unit code (rolling up under today's structure) and a search of the
subject's name, the decision number and the certificate code."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhyen.schemes import queries as scheme_queries

from .choices import Status, SubjectType
from .models import Certification


class CertificationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("window (year it ends)"))
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label=_("subject type"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("status"))
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = Certification
        fields = ["year", "subject_type", "status", "unit", "q"]

    def filter_unit(self, queryset, name, value):
        return scheme_queries.under_code(queryset, "unit", value)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(unit__name__icontains=value)
            | Q(unit__code=value)
            | Q(organization__name__icontains=value)
            | Q(decision_number__icontains=value)
            | Q(certificate_code__iexact=value)
        )
