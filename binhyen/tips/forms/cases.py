"""Forms of the case pages. The services validate the records; these forms shape input,
resolve unit and tip codes within the user's jurisdiction, and carry the version that
guards an edit against overwriting someone else's."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.forms import DATE_ATTRS
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.schemes import permissions

from ..choices import Category
from ..models import Case, Suspect
from .tips import DotDecimalField, place_options, unit_for_code, visible_tip_by_code

CASE_LEVELS = (Level.COMMUNE, Level.PROVINCE)
CODE_SEPARATORS = re.compile(r"[\s,;]+")


def _date(label, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE_ATTRS))


class CaseForm(forms.Form):
    """A case's particulars. `unit` is the code of the commune or province handling it;
    `tips` (new cases only) the codes of the tips that led to it."""

    number = forms.CharField(label=_("Case number"), max_length=60)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit = forms.CharField(
        label=_("Handling unit (code of the commune or province)"),
        max_length=20,
        widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
    )
    opened_on = _date(_("Opened on"))
    closed_on = _date(_("Closed on"), required=False)
    solved = forms.BooleanField(label=_("Solved"), required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    tips = forms.CharField(
        label=_("Codes of the tips that led to it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("One or more tip codes, separated by spaces or commas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    SERVICE_FIELDS = ("number", "category", "unit", "opened_on", "closed_on", "solved", "summary")

    def __init__(self, *args, user, instance: Case | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(instance)
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        if instance is None:
            del self.fields["version"]
        else:
            del self.fields["tips"]

    def unit_options(self) -> list[tuple[str, str]]:
        return place_options(self.user, CASE_LEVELS)

    def clean_unit(self):
        return (self.cleaned_data.get("unit") or "").strip()

    def clean_tips(self):
        found, unknown = [], []
        for typed in CODE_SEPARATORS.split(self.cleaned_data.get("tips") or ""):
            if not typed:
                continue
            tip = visible_tip_by_code(self.user, typed)
            if tip is None:
                unknown.append(typed)
            elif tip not in found:
                found.append(tip)
        if unknown:
            raise forms.ValidationError(
                _("You can see no tip with the code(s): %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return found

    def clean(self):
        data = super().clean()
        code = data.get("unit")
        if not code:
            return data
        on = data.get("opened_on") or geo_queries.today()
        unit = unit_for_code(code, on, CASE_LEVELS) or unit_for_code(
            code, geo_queries.today(), CASE_LEVELS
        )
        if unit is None:
            self.add_error(
                "unit", _("No commune or province has the code %(code)s.") % {"code": code}
            )
        elif not permissions.can_write_unit(self.user, unit):
            self.add_error("unit", _("This unit is outside your jurisdiction."))
        else:
            data["unit"] = unit
        return data

    def service_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


def initial_of(case: Case) -> dict:
    return {
        "number": case.number,
        "category": case.category,
        "unit": case.unit.code,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "solved": case.solved,
        "summary": case.summary,
        "version": case.version,
    }


class SuspectForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )
    arrested_on = _date(_("Arrested on"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "suspect")
        super().__init__(*args, **kwargs)


class ArrestForm(forms.Form):
    suspect = forms.ModelChoiceField(queryset=Suspect.objects.none(), label=_("Suspect"))
    arrested_on = _date(_("Arrested on"))

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("prefix", "arrest")
        super().__init__(*args, **kwargs)
        self.fields["suspect"].queryset = case.suspects.filter(arrested_on__isnull=True)

    @property
    def offered(self) -> bool:
        return self.fields["suspect"].queryset.exists()


class SeizedItemForm(forms.Form):
    description = forms.CharField(label=_("Item"), max_length=200)
    quantity = DotDecimalField(
        label=_("Quantity"),
        max_digits=12,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    measure = forms.CharField(label=_("Unit of measure"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "item")
        super().__init__(*args, **kwargs)


class LinkTipForm(forms.Form):
    tip = forms.CharField(
        label=_("Tip code"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_tip(self):
        tip = visible_tip_by_code(self.user, self.cleaned_data["tip"])
        if tip is None:
            raise forms.ValidationError(_("You can see no tip with that code."))
        return tip
