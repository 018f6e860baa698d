"""Forms of the awards pages. They only collect what was typed: every rule is checked by
the services, whose refusals come back onto the fields (core.forms)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binhyen.core.forms import apply_service_errors, date_field
from binhyen.geo import queries as geo_queries

from .choices import AuthorityLevel, CollectiveKind, FormKind, OccasionKind, RecipientKind
from .models import Authority, AwardForm

__all__ = ["apply_service_errors"]


def unit_code_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        widget=forms.TextInput(
            attrs={"list": "unit-options", "autocomplete": "off", "inputmode": "numeric"}
        ),
    )


def resolve_code(form: forms.Form, field: str, on: dt.date | None):
    """The unit bearing the code typed in `field` on a date, or None with an error."""
    code = (form.cleaned_data.get(field) or "").strip()
    on = on or geo_queries.today()
    version = geo_queries.unit_by_code(code, on) if code else None
    if version is None:
        form.add_error(
            field,
            _("No unit has the code %(code)s on %(date)s.")
            % {"code": code, "date": on.strftime("%d/%m/%Y")},
        )
        return None
    return version.unit


class AwardFormForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=160)
    name_en = forms.CharField(label=_("English name"), max_length=160, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=FormKind.choices)
    once_per_life = forms.BooleanField(label=_("Once in a person's life"), required=False)
    min_service_years = forms.IntegerField(
        label=_("Minimum years of service"), required=False, min_value=1, max_value=60
    )
    authorities = forms.ModelMultipleChoiceField(
        label=_("Issuing authorities"),
        queryset=Authority.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AuthorityForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=AuthorityLevel.choices)


class OccasionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=OccasionKind.choices)
    held_on = date_field(_("Held on"))
    unit = unit_code_field(_("Organised by (unit code)"))
    period_start = date_field(_("Achievements from"))
    period_end = date_field(_("Achievements to"))

    def clean(self):
        data = super().clean()
        if "unit" in data:
            data["unit"] = resolve_code(self, "unit", data.get("held_on"))
        return data


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=160)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    unit = unit_code_field(_("Lives in (commune or residential area code)"))
    position = forms.CharField(
        label=pgettext_lazy("job", "Position"), max_length=160, required=False
    )
    service_since = forms.IntegerField(label=_("In the movement since (year)"), required=False)
    under_prosecution = forms.BooleanField(label=_("Under prosecution"), required=False)

    def clean(self):
        data = super().clean()
        if "unit" in data:
            data["unit"] = resolve_code(self, "unit", None)
        return data


class RecipientSearchForm(forms.Form):
    recipient_kind = forms.ChoiceField(
        label=_("Recipient"), choices=RecipientKind.choices, initial=RecipientKind.COLLECTIVE
    )
    collective_kind = forms.ChoiceField(
        label=_("Kind of collective"),
        choices=[("", "---------"), *CollectiveKind.choices],
        required=False,
    )
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class ProposeForm(forms.Form):
    form = forms.ModelChoiceField(label=_("Award form"), queryset=AwardForm.objects.all())
    authority = forms.ModelChoiceField(
        label=_("Issuing authority"), queryset=Authority.objects.all()
    )
    period_start = date_field(_("Achievements from"))
    period_end = date_field(_("Achievements to"))
    summary = forms.CharField(
        label=_("Summary of achievements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    schemes = forms.MultipleChoiceField(
        label=_("Scheme points"), required=False, widget=forms.CheckboxSelectMultiple
    )
    cases = forms.MultipleChoiceField(
        label=_("Cases"), required=False, widget=forms.CheckboxSelectMultiple
    )
    descriptions = forms.CharField(
        label=_("Other achievements (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, schemes=(), cases=(), authority_levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authority_levels is not None:  # those that fit the occasion's organising unit
            self.fields["authority"].queryset = Authority.objects.filter(level__in=authority_levels)
        self.fields["schemes"].choices = [(str(s.pk), f"{s.name} ({s.unit.code})") for s in schemes]
        self.fields["cases"].choices = [
            (str(c.pk), f"{c.number} — {c.get_category_display()} ({c.unit.code})") for c in cases
        ]


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Review"),
        choices=[("1", _("Pass on to the decision")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    reason = forms.CharField(
        label=_("Reason or remark"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(forms.Form):
    awarded = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Awarded")), ("0", _("Rejected"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = date_field(_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=160, required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
