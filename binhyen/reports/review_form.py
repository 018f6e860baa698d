"""What a review covers: a unit (by code, under the structure date), a period, the
structure of a date, the kind of review; checked against the user's jurisdiction."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import can_access_unit, jurisdiction_of
from binhyen.core.forms import DATE_ATTRS
from binhyen.geo import queries as geo_queries

from .choices import ReviewKind

FIRST_YEAR, LAST_YEAR = 1945, 2100
MAX_YEARS = 30


class ReviewForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=20)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(DATE_ATTRS))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(DATE_ATTRS))
    structure_on = forms.DateField(
        label=_("Structure on"), required=False, widget=forms.DateInput(DATE_ATTRS)
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices, required=False)

    def __init__(self, data=None, *, user, **kwargs):
        """`user` None: the command line, no jurisdiction."""
        self.user = user
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        today = geo_queries.today()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or dt.date(data["end"].year, 1, 1)
        data["kind"] = data.get("kind") or ReviewKind.REVIEW
        for name in ("start", "end", "structure_on"):
            day = data.get(name)
            if day and not (FIRST_YEAR <= day.year <= LAST_YEAR):
                self.add_error(
                    name,
                    _("Give a date between %(a)d and %(b)d.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
                )
                return data
        if data["start"] > data["end"]:
            self.add_error("end", _("The end of the period is before its start."))
        elif data["end"].year - data["start"].year > MAX_YEARS:
            self.add_error("start", _("A review covers at most %(n)d years.") % {"n": MAX_YEARS})
        structure = data.get("structure_on") or today
        code = (data.get("unit") or "").strip()
        data["unit_obj"] = None
        scope = jurisdiction_of(self.user) if self.user is not None else None
        if scope is not None and not code and not scope.unrestricted:
            data["unit_obj"] = scope.units[0] if scope.units else None
            if data["unit_obj"] is None:
                self.add_error("unit", _("Your account covers no unit."))
            return data
        if code:
            version = geo_queries.unit_by_code(code, structure)
            if version is None:
                self.add_error(
                    "unit",
                    _("No unit bears code %(code)s under the structure of %(date)s.")
                    % {"code": code, "date": structure.strftime("%d/%m/%Y")},
                )
            elif self.user is not None and not can_access_unit(self.user, version.unit):
                self.add_error("unit", _("This unit is outside your jurisdiction."))
            else:
                data["unit_obj"] = version.unit
        return data

    def query(self) -> dict:
        """The review's parameters as a query string dict (links, downloads, drill-down)."""
        data = self.cleaned_data
        unit = data.get("unit_obj")
        params = {
            "start": data["start"].strftime("%d/%m/%Y"),
            "end": data["end"].strftime("%d/%m/%Y"),
            "kind": data["kind"],
        }
        if unit is not None:
            params["unit"] = unit.code
        if data.get("structure_on"):
            params["structure_on"] = data["structure_on"].strftime("%d/%m/%Y")
        return params


class IssueForm(forms.Form):
    issuer_code = forms.RegexField(
        label=_("Issuer's abbreviation"),
        regex=r"^[A-ZĐ0-9-]{1,20}$",
        max_length=20,
        help_text=_("As in the number: 12/BC-CAT gives CAT."),
        error_messages={"invalid": _("Capital letters, digits and hyphens only.")},
    )


class SignatureForm(forms.Form):
    """What the document needs beyond the figures: who signs, how, and who receives it.
    Blank fields take the defaults of the unit's level (documents.Letterhead)."""

    authority = forms.ChoiceField(
        label=_("Signing"),
        required=False,
        choices=[("", _("in one's own name")), ("TM.", "TM."), ("KT.", "KT."), ("TL.", "TL.")],
    )
    on_behalf_of = forms.CharField(
        label=_("On behalf of"), required=False, max_length=120, help_text=_("e.g. GIÁM ĐỐC")
    )
    title = forms.CharField(label=_("Signer's title"), required=False, max_length=120)
    signer = forms.CharField(label=_("Signer's name"), required=False, max_length=120)
    recipients = forms.CharField(
        label=_("Recipients (one per line)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def letterhead(self):
        """A Letterhead with what was typed, or None (the defaults) when nothing was."""
        from .documents import Letterhead

        if not self.is_valid():
            return None
        data = self.cleaned_data
        recipients = [line.strip() for line in data["recipients"].splitlines() if line.strip()]
        values = {
            "authority": data["authority"],
            "on_behalf_of": data["on_behalf_of"].strip(),
            "title": data["title"].strip(),
            "signer": data["signer"].strip(),
            "recipients": recipients,
        }
        if not any(values.values()):
            return None
        return Letterhead(**values)

    def query(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
