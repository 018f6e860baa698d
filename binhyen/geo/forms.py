import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.stale import carry_version

from . import queries
from .choices import Level, NewRuralStatus


class OnDateForm(forms.Form):
    """The date whose structure a page shows (dd/mm/yyyy; today when empty)."""

    on = forms.DateField(label=_("Structure on"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def on_date(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return queries.today()


class UnitAttributesForm(forms.Form):
    """The attributes the movement counts by, and a year's new-rural status."""

    is_urban = forms.BooleanField(label=_("urban"), required=False)
    ethnic_minority_area = forms.BooleanField(label=_("ethnic-minority area"), required=False)
    religious_area = forms.BooleanField(label=_("religious area"), required=False)
    border_area = forms.BooleanField(label=_("border area"), required=False)
    island = forms.BooleanField(label=_("island"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    new_rural_status = forms.ChoiceField(
        label=_("New-rural status"),
        required=False,
        choices=[("", _("(none)")), *NewRuralStatus.choices],
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        if unit is not None and unit.level not in (Level.COMMUNE, Level.RESIDENTIAL_AREA):
            del self.fields["year"]
            del self.fields["new_rural_status"]
        carry_version(self, unit)

    def clean(self):
        data = super().clean()
        if data.get("new_rural_status") and not data.get("year"):
            self.add_error("year", _("Give the year of the new-rural status."))
        return data
