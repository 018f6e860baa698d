"""Filters of the registers' lists, shared by the pages, the exports and the API: the unit
(a code, rolling up under today's structure), a date range, the scheme point, and each
register's choice fields. One filter set per register, made from the registers table."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.models import Scheme

from .choices import SupervisionKind
from .models import SupervisionPeriod
from .registers import Register


class _Base(django_filters.FilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label=_("unit code"))
    scheme = django_filters.ModelChoiceFilter(
        field_name="scheme", queryset=Scheme.objects.none(), label=_("scheme point")
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        # only points the user sees that some visible record is attributed to
        points = (
            scheme_queries.schemes_for_user(user) if user is not None else Scheme.objects.none()
        )
        if queryset is not None:
            points = points.filter(pk__in=queryset.order_by().values("scheme_id"))
        self.filters["scheme"].queryset = points.select_related("unit").order_by("name", "pk")

    def filter_unit(self, queryset, name, value):
        return scheme_queries.under_code(queryset, "unit", value)

    @property
    def form(self) -> forms.Form:
        form = super().form
        for f in form.fields.values():
            if isinstance(f, forms.DateField):
                f.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
                f.widget.attrs.setdefault("size", 10)
        if "scheme" in form.fields:
            form.fields["scheme"].label_from_instance = lambda p: f"{p.name} ({p.unit.code})"
        return form


_cache: dict[str, type[_Base]] = {}


def ledger_filterset(register: Register) -> type[_Base]:
    """The filter set of a ledger register (made once)."""
    if register.slug not in _cache:
        attrs = {
            "date_from": django_filters.DateFilter(
                field_name="date", lookup_expr="gte", label=_("from")
            ),
            "date_to": django_filters.DateFilter(
                field_name="date", lookup_expr="lte", label=_("to")
            ),
        }
        for name in register.choice_fields:
            f = register.model._meta.get_field(name)
            attrs[name] = django_filters.ChoiceFilter(choices=f.choices, label=f.verbose_name)
        meta = type("Meta", (), {"model": register.model, "fields": ["unit", *attrs, "scheme"]})
        name = f"{register.model.__name__}FilterSet"
        _cache[register.slug] = type(name, (_Base,), {**attrs, "Meta": meta})
    return _cache[register.slug]


class PeriodFilterSet(_Base):
    """Supervision periods: by unit, intake dates, kind, scheme point, whether still
    under management today, exemplary cases."""

    intake_from = django_filters.DateFilter(
        field_name="intake_on", lookup_expr="gte", label=_("intake from")
    )
    intake_to = django_filters.DateFilter(
        field_name="intake_on", lookup_expr="lte", label=_("intake to")
    )
    kind = django_filters.ChoiceFilter(
        choices=SupervisionKind.choices, label=_("kind of supervision")
    )
    current = django_filters.BooleanFilter(
        field_name="exit_on", lookup_expr="isnull", label=_("still under management")
    )
    exemplary = django_filters.BooleanFilter(label=_("exemplary case"))

    class Meta:
        model = SupervisionPeriod
        fields = ["unit", "intake_from", "intake_to", "kind", "current", "exemplary", "scheme"]
