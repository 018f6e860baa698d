"""Forms of the scheme-point pages. They only shape input: the services validate the
records (their field-keyed ValidationErrors are put back on these forms with
`apply_service_errors`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binhyen.accounts.jurisdiction import covered_unit_ids
from binhyen.core.forms import DATE_ATTRS
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from .. import permissions, queries
from ..choices import (
    ALLOWED_EVENTS,
    ORGANIZATION_KINDS,
    UNIT_HOSTS,
    EventKind,
    Grade,
    HostKind,
    RecognitionKind,
    Status,
)
from ..models import Organization, Scheme, SchemeType

POINT_LEVELS = (Level.COMMUNE, Level.RESIDENTIAL_AREA)
OUTSIDE_LABEL = _("a point outside your jurisdiction")
UNIT_OPTIONS_LIMIT = 1000
REPLICA_OPTIONS_LIMIT = 500
ORGANIZATION_HOSTS = {value for value, _label in ORGANIZATION_KINDS}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_ATTRS)


class PointChoiceSelect(forms.Select):
    """A select of points whose options carry their type (`data-type`), so the page can
    offer only points of the type chosen."""

    def __init__(self, *args, types: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = types or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        key = getattr(value, "value", value)
        if key in self.types:
            option["attrs"]["data-type"] = self.types[key]
        return option


class OrganizationSelect(forms.Select):
    """A select of organisations whose options carry their kind (`data-kind`), so the
    page can offer only organisations of the host kind chosen."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
        return option


class SchemeForm(forms.Form):
    """A point's particulars. `unit` is the code of the residential area or commune that
    hosts it (for unit hosts); organisation hosts give the organisation instead."""

    scheme_type = forms.ModelChoiceField(queryset=SchemeType.objects.none(), label=_("Scheme type"))
    name = forms.CharField(label=_("Name"), max_length=255)
    host_kind = forms.ChoiceField(label=_("Host kind"), choices=HostKind.choices)
    unit = forms.CharField(
        label=_("Unit (code of the residential area or commune)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"list": "unit-options", "autocomplete": "off"}),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=_("Host organisation"),
        required=False,
        widget=OrganizationSelect,
    )
    established_on = forms.DateField(label=_("Established on"), widget=_date_input())
    decision_number = forms.CharField(
        label=_("Founding decision number"), max_length=60, required=False
    )
    decision_date = forms.DateField(
        label=_("Founding decision date"), required=False, widget=_date_input()
    )
    decision_signer = forms.CharField(label=_("Signed by"), max_length=120, required=False)
    leader_name = forms.CharField(
        label=pgettext_lazy("scheme point", "Leader"), max_length=120, required=False
    )
    leader_phone = forms.CharField(
        label=_("Leader's phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    contacts = forms.CharField(label=_("Other contacts"), max_length=255, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "placeholder": "21.0285"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "placeholder": "105.8542"}),
    )
    replicated_from = forms.ModelChoiceField(
        queryset=Scheme.objects.none(), label=_("Replicated from"), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance: Scheme | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(instance)
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        types = SchemeType.objects.filter(is_active=True)
        if instance is not None:
            types = SchemeType.objects.filter(pk=instance.scheme_type_id) | types
        self.fields["scheme_type"].queryset = types.order_by("name")
        self.fields["organization"].queryset = (
            queries.organizations_for_user(user).select_related("commune").order_by("name")
        )
        self.fields["organization"].label_from_instance = _organization_label
        if instance is None:
            del self.fields["version"]
        self._limit_replicas()

    def _limit_replicas(self) -> None:
        """Validate against every point the user sees; offer at most a few hundred, of the
        type chosen when it is known."""
        field = self.fields["replicated_from"]
        seen = queries.schemes_for_user(self.user)
        if self.instance is not None:
            seen = seen.exclude(pk=self.instance.pk)
        field.queryset = seen
        type_id = self.data.get(self.add_prefix("scheme_type")) if self.is_bound else None
        if not type_id and self.instance is not None:
            type_id = self.instance.scheme_type_id
        offered = seen.order_by("name", "pk")
        if type_id and str(type_id).isdigit():
            offered = offered.filter(scheme_type_id=type_id)
        rows = list(offered.values_list("pk", "name", "scheme_type_id")[:REPLICA_OPTIONS_LIMIT])
        current = self.initial.get("replicated_from")
        if current and current not in {pk for pk, _n, _t in rows}:
            # keep the recorded origin, but name it only if the user may see it
            origin = Scheme.objects.filter(pk=current).values_list("pk", "name", "scheme_type_id")
            visible = seen.filter(pk=current).exists()
            rows += [(pk, name if visible else str(OUTSIDE_LABEL), t) for pk, name, t in origin]
            field.queryset = seen | Scheme.objects.filter(pk=current)
        field.widget = PointChoiceSelect(types={pk: t for pk, _n, t in rows})
        field.widget.choices = [("", "---------")] + [(pk, name) for pk, name, _t in rows]

    def host_kinds_by_type(self) -> dict[int, list[str]]:
        return {t.pk: list(t.host_kinds) for t in self.fields["scheme_type"].queryset}

    def unit_options(self) -> list[tuple[str, str]]:
        """Communes and residential areas in force today in the user's jurisdiction, for
        the unit input's suggestions (code, label)."""
        today = geo_queries.today()
        versions = (
            geo_queries.versions_on(today)
            .filter(unit__level__in=POINT_LEVELS, unit__in=covered_unit_ids(self.user))
            .select_related("parent")
            .order_by("unit__code")[:UNIT_OPTIONS_LIMIT]
        )
        return [
            (v.unit.code, f"{v.name}, {v.parent.name}" if v.parent else v.name) for v in versions
        ]

    def clean(self):
        data = super().clean()
        host_kind = data.get("host_kind")
        when = data.get("established_on") or geo_queries.today()
        if host_kind in UNIT_HOSTS:
            data["organization"] = None
            code = (data.get("unit") or "").strip()
            if not code:
                self.add_error("unit", _("Give the code of the unit."))
                return data
            version = geo_queries.unit_by_code(code, when, level=host_kind)
            if version is None:
                self.add_error(
                    "unit",
                    _("No %(level)s with code %(code)s existed on %(date)s.")
                    % {
                        "level": Level(host_kind).label.lower(),
                        "code": code,
                        "date": when.strftime("%d/%m/%Y"),
                    },
                )
                return data
            data["unit"] = version.unit
            if not permissions.can_write_unit(self.user, version.unit):
                self.add_error("unit", _("This unit is outside your jurisdiction."))
        elif host_kind in ORGANIZATION_HOSTS:
            data["unit"] = None
            org = data.get("organization")
            if org is None:
                self.add_error("organization", _("Choose the host organisation."))
            elif not permissions.can_write_unit(self.user, org.commune):
                self.add_error("organization", _("This organisation is outside your jurisdiction."))
        return data

    def service_values(self) -> dict:
        """The values the services take, from the cleaned data."""
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "scheme_type",
                "name",
                "host_kind",
                "organization",
                "established_on",
                "decision_number",
                "decision_date",
                "decision_signer",
                "leader_name",
                "leader_phone",
                "contacts",
                "latitude",
                "longitude",
                "replicated_from",
                "notes",
            )
        }
        if data.get("host_kind") in UNIT_HOSTS:
            values["unit"] = data["unit"]
        return values

    def error_aliases(self) -> dict[str, str]:
        """Where a service's error on a field this form does not show belongs."""
        if self.data.get(self.add_prefix("host_kind")) in ORGANIZATION_HOSTS:
            return {"unit": "organization"}
        return {}


def _organization_label(org: Organization) -> str:
    return f"{org.name} ({org.get_kind_display()}, {org.commune.name})"


def initial_of(point: Scheme) -> dict:
    return {
        "scheme_type": point.scheme_type_id,
        "name": point.name,
        "host_kind": point.host_kind,
        "unit": point.unit.code if point.host_kind in UNIT_HOSTS else "",
        "organization": point.organization_id,
        "established_on": point.established_on,
        "decision_number": point.decision_number,
        "decision_date": point.decision_date,
        "decision_signer": point.decision_signer,
        "leader_name": point.leader_name,
        "leader_phone": point.leader_phone,
        "contacts": point.contacts,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "replicated_from": point.replicated_from_id,
        "notes": point.notes,
        "version": point.version,
    }


class EventForm(forms.Form):
    """Suspend, reactivate or dissolve: only the events the point's status allows."""

    kind = forms.ChoiceField(label=_("Event"))
    date = forms.DateField(label=_("Date"), widget=_date_input())
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision = forms.CharField(label=_("Decision"), max_length=120, required=False)

    def __init__(self, *args, point: Scheme, **kwargs):
        kwargs.setdefault("prefix", "event")
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_EVENTS[Status(point.status)]
        self.fields["kind"].choices = [(k.value, k.label) for k in EventKind if k in allowed]
        self.fields["date"].initial = geo_queries.today()

    @property
    def offered(self) -> bool:
        return bool(self.fields["kind"].choices)


class GradeForm(forms.Form):
    """The grading of a year: one grade, or one per component for a composite type."""

    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, point: Scheme, components=None, **kwargs):
        kwargs.setdefault("prefix", "grade")
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = geo_queries.today().year
        self.components = list(
            components if components is not None else point.scheme_type.components.all()
        )
        if self.components:
            del self.fields["grade"]
            fields = {}
            for part in self.components:
                fields[f"component_{part.code}"] = forms.ChoiceField(
                    label=part.label, choices=Grade.choices
                )
            # components come before the note
            note = self.fields.pop("note")
            self.fields.update(fields)
            self.fields["note"] = note

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {"year": data["year"], "note": data.get("note", "")}
        if self.components:
            values["components"] = {p.code: data[f"component_{p.code}"] for p in self.components}
        else:
            values["grade"] = data["grade"]
        return values


class RecognitionForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    kind = forms.ChoiceField(label=_("Recognition"), choices=RecognitionKind.choices)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=_date_input())
    issued_by = forms.CharField(label=_("Issued by"), max_length=160, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "recognition")
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = geo_queries.today().year
