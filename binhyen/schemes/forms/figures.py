import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from ..models import Label, SchemeType
from ..queries import BREAKDOWNS

MEASURES = [
    ("active", _("Active on a date")),
    ("established", _("Established during a period")),
    ("dissolved", _("Dissolved during a period")),
]


class FiguresForm(forms.Form):
    """What to count: a unit under the structure of a date, a measure and a breakdown."""

    unit = forms.CharField(label=_("Unit code"), required=False, max_length=20)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("any")), *Level.choices]
    )
    structure_on = forms.DateField(label=_("Structure on"), required=False)
    measure = forms.ChoiceField(label=_("Count"), choices=MEASURES, initial="active")
    on = forms.DateField(label=_("On"), required=False)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    by = forms.ChoiceField(
        label=_("Breakdown"), choices=list(BREAKDOWNS.items()), initial="unit", required=False
    )
    scheme_type = forms.ModelChoiceField(
        label=_("Scheme type"),
        queryset=SchemeType.objects.all(),
        to_field_name="code",
        required=False,
    )
    label = forms.ModelChoiceField(
        label=_("Label"), queryset=Label.objects.all(), to_field_name="code", required=False
    )

    def clean(self):
        data = super().clean()
        today = geo_queries.today()
        data["structure_on"] = data.get("structure_on") or today
        data["on"] = data.get("on") or today
        if data.get("measure") in ("established", "dissolved"):
            data["start"] = data.get("start") or dt.date(today.year, 1, 1)
            data["end"] = data.get("end") or today
            if data["end"] < data["start"]:
                self.add_error("end", _("The end of the period is before its start."))
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
