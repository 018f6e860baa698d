import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from . import queries


class OnDateForm(forms.Form):
    """The date whose structure a page shows (dd/mm/yyyy; today when empty)."""

    on = forms.DateField(label=_("Structure on"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def on_date(self) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return queries.today()
