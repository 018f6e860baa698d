"""Forms of host organisations, and the small helpers the registry's forms share:
choosing a unit in force today within the user's jurisdiction, and showing a service's
refusal next to the field it concerns."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import restrict
from binhyen.core.forms import date_field
from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.geo.models.units import in_force_q

from ..choices import ORGANIZATION_KINDS, ReligiousKind, SchoolLevel, SizeClass
from ..models import Organization
from ..permissions import OFFICER_ROLES

# above this many choices a select becomes a text box where the code is typed
SELECT_LIMIT = 300


def units_in_force(level: str, user, roles=OFFICER_ROLES, on=None) -> QuerySet[AdminUnit]:
    """Units of a level in force today that the user may write records of."""
    on = on or geo_queries.today()
    qs = AdminUnit.objects.in_force(on).filter(level=level).order_by("code")
    return restrict(qs, user, "pk", roles=roles)


def areas_of(commune: AdminUnit | None, on=None) -> QuerySet[AdminUnit]:
    """Residential areas of a commune in force on a date (today by default)."""
    if commune is None:
        return AdminUnit.objects.none()
    on = on or geo_queries.today()
    return (
        AdminUnit.objects.filter(level=Level.RESIDENTIAL_AREA)
        .filter(in_force_q(on, "versions__"), versions__parent=commune)
        .order_by("code")
    )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit chosen by its code among units in force (codes are unique on a date)."""

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: AdminUnit) -> str:
        return f"{obj.name} ({obj.code})"


def compact(field: forms.ModelChoiceField, placeholder: str = "") -> None:
    """A select of a few hundred options, otherwise a text box for the code or number."""
    if field.queryset.count() > SELECT_LIMIT:
        field.widget = forms.TextInput(attrs={"placeholder": placeholder, "size": 12})


def area_options(commune: forms.Field, areas: forms.Field, add_prefix, multiple=False) -> None:
    """When both are selects, choosing a commune reloads its areas (HTMX)."""
    if isinstance(commune.widget, forms.TextInput):
        return
    if not multiple and isinstance(areas.widget, forms.TextInput):
        return
    target = add_prefix("areas" if multiple else "residential_area")
    source = add_prefix("commune")
    query = f"?name={target}&from={source}" + ("&multiple=1" if multiple else "")
    commune.widget.attrs.update(
        {
            "hx-get": reverse("schemes:area-options") + query,
            "hx-trigger": "change",
            "hx-target": f"#w-{target}",
            "hx-swap": "innerHTML",
        }
    )


class OrganizationForm(forms.ModelForm):
    """The commune is one in force today in the user's jurisdiction (or the
    organisation's own); the residential area, optional, one of that commune's."""

    commune = UnitChoiceField(AdminUnit.objects.none(), label=_("commune"))
    residential_area = UnitChoiceField(
        AdminUnit.objects.none(), label=_("residential area"), required=False
    )
    established_on = date_field(_("established on"), required=False)

    class Meta:
        model = Organization
        fields = [
            "kind",
            "name",
            "commune",
            "residential_area",
            "address",
            "tax_code",
            "size_class",
            "school_level",
            "religious_kind",
            "armed_forces",
            "established_on",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        carry_version(self, self.instance)
        if self.instance.pk:  # the choices are codes: the recorded units by their codes
            self.initial["commune"] = self.instance.commune.code
            area = self.instance.residential_area
            self.initial["residential_area"] = area.code if area is not None else None
        self.fields["kind"].choices = [("", "---------"), *ORGANIZATION_KINDS]
        self.fields["kind"].label = _("organisation kind")
        self.fields["size_class"].choices = [("", "---------"), *SizeClass.choices]
        self.fields["school_level"].choices = [("", "---------"), *SchoolLevel.choices]
        self.fields["religious_kind"].choices = [("", "---------"), *ReligiousKind.choices]
        communes = units_in_force(Level.COMMUNE, user)
        if self.instance.pk:
            communes = communes | AdminUnit.objects.filter(pk=self.instance.commune_id)
        self.fields["commune"].queryset = communes.order_by("code")
        compact(self.fields["commune"], _("commune code"))
        commune = self._chosen_commune()
        if commune is None and not self.is_bound and communes.count() == 1:
            commune = communes.get()
            self.initial["commune"] = commune.code
        areas = areas_of(commune)
        if self.instance.residential_area_id:
            areas = areas | AdminUnit.objects.filter(pk=self.instance.residential_area_id)
        self.fields["residential_area"].queryset = areas.order_by("code")
        compact(self.fields["residential_area"], _("residential area code"))
        area_options(self.fields["commune"], self.fields["residential_area"], self.add_prefix)

    def _chosen_commune(self) -> AdminUnit | None:
        if self.is_bound:
            code = self.data.get(self.add_prefix("commune"))
            if not code:
                return None
            return self.fields["commune"].queryset.filter(code=code).first()
        return self.instance.commune if self.instance.commune_id else None

    def _post_clean(self):
        # the service validates and saves; the model's own checks would only repeat them
        pass


class CeaseForm(forms.Form):
    ceased_on = date_field(_("ceased on"))
