"""The record form of every ledger register, made from the registers table: the common
fields (date, unit, scheme point, notes) and the register's own (from its model)."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries

from ..models import Ledger
from ..registers import Register
from .common import date_field, point_choices, point_field, resolve_unit, unit_field


class LedgerForm(forms.Form):
    date = date_field(_("Date"))
    unit = unit_field()
    scheme = point_field()
    notes = forms.CharField(
        label=_("Notes"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, register: Register, user, instance: Ledger | None = None, **kw):
        if instance is not None and "initial" not in kw:
            kw["initial"] = {
                "date": instance.date,
                "unit": instance.unit.code,
                "scheme": instance.scheme_id,
                "notes": instance.notes,
                **{name: getattr(instance, name) for name in register.fields},
            }
        super().__init__(*args, **kw)
        self.register = register
        self.user = user
        self.instance = instance
        common = dict(self.fields)
        own = {}
        for name in register.fields:
            model_field = register.model._meta.get_field(name)
            f = model_field.formfield()
            f.label = capfirst(model_field.verbose_name)
            if isinstance(f, forms.TypedChoiceField):
                f.choices = [("", "---------"), *model_field.choices]
            own[name] = f
        self.fields = {
            "date": common["date"],
            "unit": common["unit"],
            **own,
            "scheme": common["scheme"],
            "notes": common["notes"],
        }
        point_choices(self.fields["scheme"], user, instance.scheme_id if instance else None)
        if instance is None:
            self.fields["date"].initial = geo_queries.today()
        carry_version(self, instance)

    def clean(self):
        data = super().clean()
        if "unit" in data:
            data["unit"] = resolve_unit(self, "unit", data["unit"], data.get("date"), self.user)
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in ("date", "unit", "scheme", "notes")}
        values["notes"] = values["notes"] or ""
        values.update({name: data.get(name) for name in self.register.fields})
        return values
