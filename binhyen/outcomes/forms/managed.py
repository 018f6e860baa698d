"""Forms of the managed-persons pages: an intake (with the person's identity, or of a
person already recorded), a period's corrections and exit, the reason of a reveal, and
corrections of an identity. Identity fields are never filled in from the database."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries

from ..choices import ExitReason, SupervisionKind
from ..models import SupervisionPeriod
from .common import (
    date_field,
    group_choices,
    group_field,
    point_choices,
    point_field,
    resolve_unit,
    unit_field,
)

IDENTITY_FIELDS = ("full_name", "birth_year", "id_number", "address")
NO_AUTOFILL = {"autocomplete": "off"}


def _identity_fields(required: bool) -> dict[str, forms.Field]:
    return {
        "full_name": forms.CharField(
            label=_("Full name"),
            max_length=120,
            required=required,
            widget=forms.TextInput(attrs=NO_AUTOFILL),
        ),
        "birth_year": forms.IntegerField(
            label=_("Year of birth"), min_value=1900, max_value=2100, required=required
        ),
        "id_number": forms.CharField(
            label=_("ID number"),
            max_length=20,
            required=False,
            widget=forms.TextInput(attrs=NO_AUTOFILL),
        ),
        "address": forms.CharField(
            label=_("Place of residence"),
            max_length=255,
            required=False,
            widget=forms.TextInput(attrs=NO_AUTOFILL),
        ),
    }


class PeriodForm(forms.Form):
    """An intake's particulars; with `identity`, the person's identity first (a new
    intake of someone not known by code). On edit, also its exit."""

    kind = forms.ChoiceField(label=_("Kind of supervision"), choices=SupervisionKind.choices)
    intake_on = date_field(_("Intake on"))
    unit = unit_field()
    group = group_field()
    scheme = point_field()
    exit_on = date_field(_("Exit on"), required=False)
    exit_reason = forms.ChoiceField(
        label=_("Exit reason"), choices=[("", "---------"), *ExitReason.choices], required=False
    )
    exemplary = forms.BooleanField(label=_("Exemplary case"), required=False)

    def __init__(self, *args, user, identity: bool = False, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "intake_on": instance.intake_on,
                "unit": instance.unit.code,
                "group": instance.group_id,
                "scheme": instance.scheme_id,
                "exit_on": instance.exit_on,
                "exit_reason": instance.exit_reason,
                "exemplary": instance.exemplary,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance: SupervisionPeriod | None = instance
        if identity:
            self.fields = {**_identity_fields(required=True), **self.fields}
        if instance is None:
            for name in ("exit_on", "exit_reason", "exemplary"):
                del self.fields[name]
        if instance is None:
            self.fields["intake_on"].initial = geo_queries.today()
        group_choices(self.fields["group"], user, instance.group_id if instance else None)
        point_choices(self.fields["scheme"], user, instance.scheme_id if instance else None)
        carry_version(self, instance)

    def clean(self):
        data = super().clean()
        if "unit" in data:
            data["unit"] = resolve_unit(
                self, "unit", data["unit"], data.get("intake_on"), self.user
            )
        return data

    def identity_values(self) -> dict:
        return {
            name: self.cleaned_data.get(name) for name in IDENTITY_FIELDS if name in self.fields
        }

    def period_values(self) -> dict:
        data = self.cleaned_data
        names = ("kind", "intake_on", "unit", "group", "scheme", "exit_on", "exit_reason",
                 "exemplary")  # fmt: skip
        return {name: data.get(name) for name in names if name in self.fields}


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the access"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit log with your name, the time and the person's code."),
    )


class IdentityForm(forms.Form):
    """Corrections of an identity: a field left empty keeps what is recorded."""

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_identity_fields(required=False))
        for f in self.fields.values():
            f.help_text = _("Leave empty to keep what is recorded.")
        carry_version(self, person)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in IDENTITY_FIELDS if data.get(name) not in (None, "")}
