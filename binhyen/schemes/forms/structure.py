"""Forms of the self-management structure: groups, households, members, committees and
boards, grassroots security teams."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.forms import date_field
from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit

from ..choices import GroupKind, MemberRole
from ..models import Group, Household, SelfManagementBoard, SteeringCommittee
from ..permissions import OFFICER_ROLES, STRUCTURE_ROLES
from .hosts import UnitChoiceField, area_options, areas_of, compact, units_in_force

BODY_KINDS = {"committee": SteeringCommittee, "board": SelfManagementBoard}
BODY_LEVELS = {"committee": Level.COMMUNE, "board": Level.RESIDENTIAL_AREA}


class OnDateForm(forms.Form):
    on = date_field(_("On"), required=False)

    def on_date(self):
        if self.is_valid() and self.cleaned_data.get("on"):
            return self.cleaned_data["on"]
        return geo_queries.today()


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Household) -> str:
        return f"{obj.head_name} — {obj.address}" if obj.address else obj.head_name


class GroupForm(forms.Form):
    residential_area = UnitChoiceField(AdminUnit.objects.none(), label=_("residential area"))
    name = forms.CharField(label=_("name"), max_length=255)
    kind = forms.ChoiceField(label=_("group kind"), choices=GroupKind.choices)
    established_on = date_field(_("established on"))
    scheme = forms.ModelChoiceField(
        queryset=None, label=_("scheme point"), required=False, empty_label=_("(none)")
    )
    notes = forms.CharField(label=_("notes"), max_length=255, required=False)

    def __init__(self, *args, user, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residential_area"].queryset = units_in_force(
            Level.RESIDENTIAL_AREA, user, roles=STRUCTURE_ROLES
        )
        compact(self.fields["residential_area"], _("residential area code"))
        areas = self.fields["residential_area"].queryset
        if not self.is_bound and "residential_area" not in self.initial and areas.count() == 1:
            self.initial["residential_area"] = areas.get().code
        self.fields["scheme"].queryset = schemes.filter(
            scheme_type__has_groups=True, dissolved_on__isnull=True
        ).order_by("name")
        compact(self.fields["scheme"], _("point number"))


class JoinForm(forms.Form):
    """A household joins the group: one of the area's households, or a new one."""

    household = HouseholdChoiceField(
        queryset=None, label=_("household of the area"), required=False
    )
    head_name = forms.CharField(label=_("head of a new household"), required=False, max_length=120)
    address = forms.CharField(label=_("address"), required=False, max_length=255)
    people = forms.IntegerField(label=_("people"), required=False, min_value=1, max_value=500)
    joined_on = date_field(_("joined on"))

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(
            residential_area_id=group.residential_area_id
        ).order_by("head_name", "pk")
        compact(self.fields["household"], _("household number"))

    def clean(self):
        data = super().clean()
        if data.get("household") is None and not (data.get("head_name") or "").strip():
            if "household" not in self.errors:
                self.add_error("household", _("Choose a household, or give the head of a new one."))
        elif data.get("household") is not None and (data.get("head_name") or "").strip():
            self.add_error("head_name", _("Choose a household or add a new one, not both."))
        return data


class LeaveForm(forms.Form):
    left_on = date_field(_("left on"))


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=120)
    role = forms.ChoiceField(label=_("role"), choices=MemberRole.choices, initial="member")
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    household = HouseholdChoiceField(queryset=None, label=_("household"), required=False)
    joined_on = date_field(_("joined on"))

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(
            residential_area_id=group.residential_area_id
        ).order_by("head_name", "pk")
        compact(self.fields["household"], _("household number"))


class DissolveForm(forms.Form):
    dissolved_on = date_field(_("dissolved on"))

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        carry_version(self, group)  # a group's (bodies and teams have no version)


class BodyForm(forms.Form):
    """A steering committee (of a commune) or a self-management board (of a residential
    area), its unit given by code."""

    kind = forms.ChoiceField(
        label=_("body"),
        choices=[("committee", _("steering committee")), ("board", _("self-management board"))],
    )
    unit_code = forms.CharField(label=_("unit code"), max_length=20)
    name = forms.CharField(label=_("name"), max_length=255)
    head_name = forms.CharField(label=_("head"), max_length=120, required=False)
    decision = forms.CharField(label=_("decision"), max_length=120, required=False)
    established_on = date_field(_("established on"))

    def clean(self):
        data = super().clean()
        kind, code, on = data.get("kind"), (data.get("unit_code") or "").strip(), None
        on = data.get("established_on") or geo_queries.today()
        if kind and code:
            version = geo_queries.unit_by_code(code, on, level=BODY_LEVELS[kind])
            if version is None:
                self.add_error(
                    "unit_code", _("No unit of that level bears this code on that date.")
                )
            else:
                data["unit"] = version.unit
        return data


class TeamForm(forms.Form):
    commune = UnitChoiceField(AdminUnit.objects.none(), label=_("commune"))
    name = forms.CharField(label=_("name"), max_length=255)
    decision_number = forms.CharField(label=_("formation decision number"), max_length=60)
    decision_date = date_field(_("formation decision date"))
    signer = forms.CharField(label=_("signed by"), max_length=120, required=False)
    formed_on = date_field(_("formed on"))
    areas = forms.ModelMultipleChoiceField(
        queryset=AdminUnit.objects.none(),
        to_field_name="code",
        label=_("residential areas covered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = units_in_force(Level.COMMUNE, user, roles=OFFICER_ROLES)
        compact(self.fields["commune"], _("commune code"))
        commune = None
        if self.is_bound and self.data.get(self.add_prefix("commune")):
            commune = (
                self.fields["commune"]
                .queryset.filter(code=self.data.get(self.add_prefix("commune")))
                .first()
            )
        elif self.fields["commune"].queryset.count() == 1:
            commune = self.fields["commune"].queryset.first()
            self.initial.setdefault("commune", commune.code)
        self.fields["areas"].queryset = areas_of(commune)
        self.fields["areas"].label_from_instance = lambda u: f"{u.name} ({u.code})"
        area_options(self.fields["commune"], self.fields["areas"], self.add_prefix, multiple=True)


class TeamMemberForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=120)
    role = forms.ChoiceField(label=_("role"), choices=MemberRole.choices, initial="member")
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    appointed_on = date_field(_("appointed on"))


class TerminateForm(forms.Form):
    terminated_on = date_field(_("terminated on"))
