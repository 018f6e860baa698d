import django_filters
from django.utils.translation import gettext_lazy as _

from binhyen.core.text import fold

from .choices import Level
from .models import UnitVersion


class UnitVersionFilterSet(django_filters.FilterSet):
    """Filters on units in force on a date (the date itself is the `on` parameter)."""

    level = django_filters.ChoiceFilter(field_name="unit__level", choices=Level.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label=_("parent code"))
    q = django_filters.CharFilter(method="filter_q", label=_("name or code"))

    class Meta:
        model = UnitVersion
        fields = ["level", "parent", "q"]

    def filter_q(self, queryset, name, value):
        words = fold(value).split()
        if not words:
            return queryset
        by_name = queryset
        for word in words:
            by_name = by_name.filter(search_name__contains=word)
        return by_name | queryset.filter(unit__code=value.strip())
