"""Filters on the self-management structure, shared by the list pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .. import queries
from ..choices import GroupKind
from ..models import (
    Group,
    Household,
    SecurityTeam,
    SelfManagementBoard,
    SteeringCommittee,
)
from ..queries import under_code


class GroupFilterSet(django_filters.FilterSet):
    """`residential_area` is the code of the group's own residential area; `unit` is any
    unit code, groups rolling up to it under today's structure; `active_on` keeps groups
    in force on a date; `q` searches the name."""

    kind = django_filters.ChoiceFilter(choices=GroupKind.choices, label=_("group kind"))
    residential_area = django_filters.CharFilter(
        field_name="residential_area__code", label=_("residential area code")
    )
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("in force on"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("search"))

    class Meta:
        model = Group
        fields = ["kind", "residential_area", "unit", "active_on", "q"]

    def filter_unit(self, queryset, name, value):
        return under_code(queryset, "residential_area", value)

    def filter_active_on(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(queries.in_force("established_on", "dissolved_on", value))

    @property
    def form(self) -> forms.Form:
        form = super().form
        form.fields["active_on"].widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
        return form


class HouseholdFilterSet(django_filters.FilterSet):
    """`residential_area` is the code of the household's residential area; `q` searches
    the head's name and the address, diacritics ignored."""

    residential_area = django_filters.CharFilter(
        field_name="residential_area__code", label=_("residential area code")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("search"))

    class Meta:
        model = Household
        fields = ["residential_area", "q"]

    def filter_q(self, queryset, name, value):
        return queries.search(queryset, value) if value else queryset


class UnitDatedFilterSet(django_filters.FilterSet):
    """`unit`: records rolling up to the unit of that code under today's structure;
    `active_on`: records in force on a date."""

    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("in force on"))
    unit_field = "unit"
    dates = ("established_on", "dissolved_on")

    def filter_unit(self, queryset, name, value):
        return under_code(queryset, self.unit_field, value)

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(queries.in_force(*self.dates, value)) if value else queryset


class SecurityTeamFilterSet(UnitDatedFilterSet):
    unit_field = "commune"
    dates = ("formed_on", "dissolved_on")

    class Meta:
        model = SecurityTeam
        fields = ["unit", "active_on"]


class SteeringCommitteeFilterSet(UnitDatedFilterSet):
    class Meta:
        model = SteeringCommittee
        fields = ["unit", "active_on"]


class SelfManagementBoardFilterSet(UnitDatedFilterSet):
    class Meta:
        model = SelfManagementBoard
        fields = ["unit", "active_on"]
