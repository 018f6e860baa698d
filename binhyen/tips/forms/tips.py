"""Forms of the officers' tip pages. They shape input; the services validate the records
(their field-keyed ValidationErrors are put back with schemes' `apply_service_errors`).

The informant's fields are plain inputs: a form shown again after an error gives back what
the officer typed (the view sends it with Cache-Control: no-store); nothing is stored
until the service encrypts it."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import covered_unit_ids
from binhyen.accounts.models import User
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import Placement
from binhyen.schemes import permissions
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.models import Scheme

from .. import queries
from ..choices import NEXT, Category, Channel, Status
from ..models import Tip
from ..services import InformantData, codes
from ..services.files import MAX_FILES

PLACE_LEVELS = (Level.COMMUNE, Level.RESIDENTIAL_AREA)
REFER_LEVELS = (Level.PROVINCE, Level.COMMUNE)
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]
OPTIONS_LIMIT = 1000
SCHEME_OPTIONS_LIMIT = 500
OFFICER_ROLES = permissions.OFFICER_ROLES
NO_AUTOFILL = {"autocomplete": "off", "spellcheck": "false"}


def reason_field(required: bool = True) -> forms.CharField:
    # required by the services too: the form asks first so the field keeps its message
    return forms.CharField(
        label=_("Reason"), required=required, widget=forms.Textarea(attrs={"rows": 2})
    )


class DotDecimalField(forms.DecimalField):
    """A decimal typed with a dot or a comma (12.5 or 12,5), never with thousands
    separators: "1.234" is one point two three four, whatever the language."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check each one's content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(n)d files per tip.") % {"n": MAX_FILES}, code="too_many"
            )
        return files


def place_options(user, levels=PLACE_LEVELS) -> list[tuple[str, str]]:
    """Units in force today in the user's jurisdiction, for a code input's suggestions."""
    versions = (
        geo_queries.versions_on(geo_queries.today())
        .filter(unit__level__in=levels, unit__in=covered_unit_ids(user, roles=OFFICER_ROLES))
        .select_related("parent")
        .order_by("unit__code")[:OPTIONS_LIMIT]
    )
    return [(v.unit.code, f"{v.name}, {v.parent.name}" if v.parent else v.name) for v in versions]


def unit_for_code(code: str, on, levels):
    """The unit bearing `code` on a date at one of `levels` (coarsest first), or None."""
    versions = list(
        geo_queries.versions_on(on).filter(unit__code=code.strip(), unit__level__in=levels)
    )
    order = {level: i for i, level in enumerate(levels)}
    versions.sort(key=lambda v: order[v.unit.level])
    return versions[0].unit if versions else None


class TipForm(forms.Form):
    """A tip recorded by an officer. `unit` is the code of the commune or residential area
    the tip concerns; the tip is handled by that place's commune."""

    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "dd/mm/yyyy hh:mm", "size": 16, "autocomplete": "off"},
        ),
    )
    channel = forms.ChoiceField(label=_("Channel"))
    scheme = forms.ModelChoiceField(
        queryset=Scheme.objects.none(), label=_("Through scheme point"), required=False
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    unit = forms.CharField(
        label=_("Place (code of the commune or residential area)"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"list": "unit-options", "autocomplete": "off", "inputmode": "numeric"}
        ),
    )
    latitude = DotDecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "21.0285"}),
    )
    longitude = DotDecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "105.8542"}),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    informant_name = forms.CharField(
        label=_("Informant's full name"), max_length=200, required=False
    )
    informant_contact = forms.CharField(
        label=_("Informant's phone or other contact"), max_length=200, required=False
    )
    informant_id_number = forms.CharField(
        label=_("Informant's identity card number"), max_length=40, required=False
    )
    informant_address = forms.CharField(
        label=_("Informant's address"), max_length=300, required=False
    )
    attachments = MultipleFileField(label=_("Attachments (photos, PDF)"), required=False)
    assign_me = forms.BooleanField(label=_("I handle this tip"), required=False, initial=True)

    INFORMANT_FIELDS = (
        "informant_name",
        "informant_contact",
        "informant_id_number",
        "informant_address",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # the public web form records its own tips (services.submit_public_tip)
        self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.WEB_FORM]
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        for name in self.INFORMANT_FIELDS:
            self.fields[name].widget.attrs.update(NO_AUTOFILL)
        seen = scheme_queries.schemes_for_user(user)
        field = self.fields["scheme"]
        field.queryset = seen
        rows = list(
            seen.select_related("unit")
            .order_by("name", "pk")
            .values_list("pk", "name", "unit__name")[:SCHEME_OPTIONS_LIMIT]
        )
        field.choices = [("", "---------")] + [(pk, f"{name} ({unit})") for pk, name, unit in rows]

    def unit_options(self) -> list[tuple[str, str]]:
        return place_options(self.user)

    def clean(self):
        data = super().clean()
        code = (data.get("unit") or "").strip()
        received = data.get("received_at")
        if not code:
            return data
        on = timezone.localdate(received) if received else geo_queries.today()
        unit = unit_for_code(code, on, PLACE_LEVELS)
        if unit is None:
            self.add_error(
                "unit",
                _("No commune or residential area with code %(code)s existed on %(date)s.")
                % {"code": code, "date": on.strftime("%d/%m/%Y")},
            )
            return data
        if not permissions.can_write_unit(self.user, unit):
            self.add_error("unit", _("This unit is outside your jurisdiction."))
            return data
        data["unit"] = unit
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        informant = InformantData(
            full_name=data.get("informant_name", ""),
            contact=data.get("informant_contact", ""),
            id_number=data.get("informant_id_number", ""),
            address=data.get("informant_address", ""),
        )
        return {
            "received_at": data["received_at"],
            "channel": data["channel"],
            "category": data["category"],
            "unit": data["unit"],
            "description": data["description"],
            "scheme": data.get("scheme"),
            "latitude": data.get("latitude"),
            "longitude": data.get("longitude"),
            "informant": informant if informant else None,
            "attachments": data.get("attachments") or [],
        }


class StatusForm(forms.Form):
    """Move the tip along its workflow: only the next steps its status allows."""

    status = forms.ChoiceField(label=_("New status"))
    reason = reason_field()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, tip: Tip, **kwargs):
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        allowed = NEXT[Status(tip.status)]
        self.fields["status"].choices = [(s.value, s.label) for s in Status if s in allowed]
        self.fields["version"].initial = tip.version

    @property
    def offered(self) -> bool:
        return bool(self.fields["status"].choices)


class ReferForm(forms.Form):
    to_unit = forms.CharField(
        label=_("Refer to (code of the province or commune)"),
        max_length=20,
        widget=forms.TextInput(attrs={"list": "refer-options", "autocomplete": "off"}),
    )
    reason = reason_field()

    def __init__(self, *args, tip: Tip, **kwargs):
        kwargs.setdefault("prefix", "refer")
        super().__init__(*args, **kwargs)
        self.tip = tip

    def clean_to_unit(self):
        code = self.cleaned_data["to_unit"].strip()
        unit = unit_for_code(code, geo_queries.today(), REFER_LEVELS)
        if unit is None:
            raise forms.ValidationError(
                _("No province or commune in force has the code %(code)s.") % {"code": code}
            )
        return unit

    def options(self) -> list[tuple[str, str]]:
        """Provinces, and communes of the handling unit's province, in force today."""
        today = geo_queries.today()
        placement = (
            Placement.objects.filter(
                structure_date=geo_queries.structure_date(today), unit=self.tip.handling_unit_id
            )
            .values_list("province_id", flat=True)
            .first()
        )
        versions = geo_queries.versions_on(today).filter(
            Q(unit__level=Level.PROVINCE)
            | Q(unit__level=Level.COMMUNE, parent_id=placement or self.tip.handling_unit_id)
        )
        return [
            (v.unit.code, v.name)
            for v in versions.order_by("unit__level", "unit__code")[:OPTIONS_LIMIT]
        ]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "ack")
        super().__init__(*args, **kwargs)


class DuplicateForm(forms.Form):
    """The tip this one repeats, by its code (a tip the user can see)."""

    original = forms.CharField(
        label=_("Code of the original tip"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = reason_field()

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("prefix", "duplicate")
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_original(self):
        typed = self.cleaned_data["original"]
        tip = visible_tip_by_code(self.user, typed)
        if tip is None:
            raise forms.ValidationError(_("You can see no tip with that code."))
        return tip


def visible_tip_by_code(user, typed: str) -> Tip | None:
    code = codes.normalize(typed or "")
    if not code:
        return None
    return queries.tips_for_user(user).filter(code=code).first()


def assignable_officers(tip: Tip):
    """Officers (commune, provincial, unit chiefs) holding their role on a unit that
    covers the tip's handling unit under today's structure."""
    structure = geo_queries.structure_date(geo_queries.today())
    row = (
        Placement.objects.filter(structure_date=structure, unit=tip.handling_unit_id)
        .values("province_id", "district_id", "commune_id", "residential_area_id")
        .first()
    )
    covering = {tip.handling_unit_id, *(v for v in (row or {}).values() if v)}
    return (
        User.objects.filter(
            is_active=True, roles__role__in=OFFICER_ROLES, roles__unit_id__in=covering
        )
        .distinct()
        .order_by("full_name", "username")
    )


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Officer"))

    def __init__(self, *args, tip: Tip, **kwargs):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        already = tip.officers.values("pk")
        self.fields["officer"].queryset = assignable_officers(tip).exclude(pk__in=already)
        self.fields["officer"].label_from_instance = _officer_label

    @property
    def offered(self) -> bool:
        return self.fields["officer"].queryset.exists()


def _officer_label(user) -> str:
    name = user.full_name or user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class RevealForm(forms.Form):
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reveal")
        super().__init__(*args, **kwargs)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the resident"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reply")
        super().__init__(*args, **kwargs)


class AttachForm(forms.Form):
    attachments = MultipleFileField(label=_("Files (photos, PDF)"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "attach")
        super().__init__(*args, **kwargs)
