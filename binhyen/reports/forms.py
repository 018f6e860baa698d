"""Forms of the reports pages: a reported figure (the unit typed as a code and resolved
on the period's end; the value typed as documents write it, "38.578")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.forms import apply_service_errors, date_field
from binhyen.core.spreadsheets.cells import CellError
from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries

from . import indicators
from .choices import Qualifier
from .importers import parse_number
from .models import ReportedFigure
from .services.figures import FIELDS

__all__ = ["FigureForm", "apply_service_errors", "indicator_choices"]


def indicator_choices(blank: bool = True) -> list:
    """The catalogue grouped by section: (section title, [(code, "code — label")])."""
    groups = [
        (s.title, [(i.code, f"{i.code} — {i.label}") for i in indicators.in_section(s.code)])
        for s in indicators.SECTIONS
    ]
    return ([("", "---------")] if blank else []) + groups


class FigureForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=())
    unit = forms.CharField(
        label=_("Unit (code on the period's end)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("A province, district, commune or residential area, e.g. 40 for Nghệ An."),
    )
    period_start = date_field(_("Period from"))
    period_end = date_field(_("Period to"))
    value = forms.CharField(
        label=_("Value"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_(
            "As the document writes it: 38.578 (a dot groups thousands), 12,5 (decimal comma). "
            "For a figure counted on a date (groups, points active…), the figure on the "
            "period's end."
        ),
    )
    qualifier = forms.ChoiceField(
        label=_("Qualifier"), choices=Qualifier.choices, initial=Qualifier.EXACT
    )
    breakdown = forms.CharField(
        label=_("Breakdown"),
        max_length=120,
        required=False,
        help_text=_(
            "Empty for the total; dimension=value for one part, e.g. area=rural or "
            "type=<scheme type code>."
        ),
    )
    source_document = forms.CharField(
        label=_("Source document"),
        max_length=255,
        help_text=_("e.g. Báo cáo số 123/BC-CAT ngày 15/6/2023 của Công an tỉnh."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, instance: ReportedFigure | None = None, **kw):
        if instance is not None and "initial" not in kw:
            value = instance.value
            value = int(value) if value == value.to_integral_value() else value.normalize()
            kw["initial"] = {
                "indicator": instance.indicator,
                "unit": instance.unit.code,
                "period_start": instance.period_start,
                "period_end": instance.period_end,
                "value": str(value).replace(".", ","),
                "qualifier": instance.qualifier,
                "breakdown": instance.breakdown,
                "source_document": instance.source_document,
                "note": instance.note,
            }
        super().__init__(*args, **kw)
        self.user = user
        self.instance = instance
        self.fields["indicator"].choices = indicator_choices()
        carry_version(self, instance)

    def clean_value(self):
        try:
            return parse_number(self.cleaned_data["value"])
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        code = (data.get("unit") or "").strip()
        end = data.get("period_end")
        if code and end:
            version = geo_queries.unit_by_code(code, end)
            if version is None:
                self.add_error(
                    "unit",
                    _("No unit has the code %(code)s on %(date)s, the end of the period.")
                    % {"code": code, "date": end.strftime("%d/%m/%Y")},
                )
            else:
                data["unit"] = version.unit
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in FIELDS} | {
            "breakdown": data.get("breakdown") or "",
            "note": data.get("note") or "",
        }
