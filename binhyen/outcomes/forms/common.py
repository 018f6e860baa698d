"""Pieces shared by the registers' forms: the unit typed as a code and resolved on the
record's date, and selects of the points and groups the user sees."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import covered_unit_ids
from binhyen.core.forms import DATE_ATTRS, apply_service_errors, date_field
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.models import Group, Scheme

from .. import permissions

__all__ = ["DATE_ATTRS", "apply_service_errors", "date_field"]

RECORD_LEVELS = (Level.COMMUNE, Level.RESIDENTIAL_AREA)
OPTIONS_LIMIT = 500
UNIT_OPTIONS_LIMIT = 1000


def unit_field() -> forms.CharField:
    return forms.CharField(
        label=_("Unit (code of the commune or residential area)"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"list": "unit-options", "autocomplete": "off", "inputmode": "numeric"}
        ),
    )


def unit_options(user) -> list[tuple[str, str]]:
    """Communes and residential areas in force today in the user's jurisdiction (code,
    label), as suggestions of the unit input."""
    today = geo_queries.today()
    versions = (
        geo_queries.versions_on(today)
        .filter(unit__level__in=RECORD_LEVELS, unit__in=covered_unit_ids(user))
        .select_related("parent")
        .order_by("unit__code")[:UNIT_OPTIONS_LIMIT]
    )
    return [(v.unit.code, f"{v.name}, {v.parent.name}" if v.parent else v.name) for v in versions]


def resolve_unit(form: forms.Form, field: str, code: str, on: dt.date | None, user):
    """The commune or residential area bearing `code` on the record's date, which the
    user may write records of; None (with an error on the field) otherwise."""
    code = (code or "").strip()
    on = on or geo_queries.today()
    version = geo_queries.unit_by_code(code, on) if code else None
    if version is None or version.unit.level not in RECORD_LEVELS:
        form.add_error(
            field,
            _("No commune or residential area has the code %(code)s on %(date)s.")
            % {"code": code, "date": on.strftime("%d/%m/%Y")},
        )
        return None
    if not permissions.can_write_unit(user, version.unit):
        form.add_error(field, _("This unit is outside your jurisdiction."))
        return None
    return version.unit


def _limited(field: forms.ModelChoiceField, qs, current_pk, label) -> None:
    """Validate against everything in `qs`, offer at most OPTIONS_LIMIT (and the value
    already recorded)."""
    field.queryset = qs
    rows = list(qs[:OPTIONS_LIMIT])
    if current_pk and current_pk not in {o.pk for o in rows}:
        rows += list(qs.filter(pk=current_pk))
    field.choices = [("", "---------")] + [(o.pk, label(o)) for o in rows]


def point_choices(field: forms.ModelChoiceField, user, current_pk=None) -> None:
    qs = scheme_queries.schemes_for_user(user).select_related("unit").order_by("name", "pk")
    _limited(field, qs, current_pk, lambda p: f"{p.name} ({p.unit.code})")


def group_choices(field: forms.ModelChoiceField, user, current_pk=None) -> None:
    qs = (
        scheme_queries.groups_for_user(user)
        .select_related("residential_area")
        .order_by("residential_area__code", "name", "pk")
    )
    _limited(field, qs, current_pk, lambda g: f"{g.name} ({g.residential_area.code})")


def point_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Scheme.objects.none(), label=_("Scheme point"), required=False
    )


def group_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Group.objects.none(), label=_("Responsible group"), required=False
    )
