import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from ..queries import BREAKDOWNS, breakdowns_of
from ..registers import LABELS, SLUGS
from .common import DATE_ATTRS


def _date(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs=DATE_ATTRS))


class FiguresForm(forms.Form):
    """A unit under the structure of a date, a period, and one register to break down."""

    unit = forms.CharField(label=_("Unit code"), required=False, max_length=20)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("any")), *Level.choices]
    )
    structure_on = _date(_("Structure on"))
    start = _date(_("From"))
    end = _date(_("To"))
    register = forms.ChoiceField(
        label=_("Register to break down"),
        required=False,
        choices=[("", "---------"), *[(s, LABELS[s]) for s in SLUGS]],
    )
    by = forms.ChoiceField(
        label=_("Breakdown"), required=False, choices=list(BREAKDOWNS.items()), initial="unit"
    )

    def clean(self):
        data = super().clean()
        today = geo_queries.today()
        data["structure_on"] = data.get("structure_on") or today
        data["start"] = data.get("start") or dt.date(today.year, 1, 1)
        data["end"] = data.get("end") or today
        if data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        register, by = data.get("register"), data.get("by") or "unit"
        data["by"] = by
        if register and by not in breakdowns_of(register):
            self.add_error("by", _("This register has no such breakdown."))
        code = (data.get("unit") or "").strip()
        data["unit_version"] = None
        if code:
            version = geo_queries.unit_by_code(
                code, data["structure_on"], data.get("level") or None
            )
            if version is None:
                self.add_error(
                    "unit",
                    _("No unit bears code %(code)s under the structure of %(date)s.")
                    % {"code": code, "date": data["structure_on"].strftime("%d/%m/%Y")},
                )
            data["unit_version"] = version
        return data
