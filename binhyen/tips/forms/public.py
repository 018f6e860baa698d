"""Forms of the anonymous public channel. The place is chosen among the units in force
today: a province, then one of its communes, then optionally a residential area (the
page chains the selects with HTMX; without JavaScript a button reloads the choices).
The services check everything again; these forms only shape the input."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit, UnitVersion

from ..choices import Category
from ..services.files import MAX_FILES
from ..services.public import MAX_MESSAGE

SIX_PLACES = Decimal("0.000001")
BIG = {"class": "big-input"}


# ---- places in force today -------------------------------------------------------------


def provinces(on: dt.date) -> list[UnitVersion]:
    return list(geo_queries.roots_on(on).filter(unit__level=Level.PROVINCE).order_by("search_name"))


def communes(province_code: str, on: dt.date) -> list[UnitVersion]:
    """Communes of a province on a date, by name (through districts where they exist)."""
    province = (
        geo_queries.unit_by_code(province_code, on, Level.PROVINCE) if province_code else None
    )
    if province is None:
        return []
    below = geo_queries.versions_on(on).filter(parent=province.unit)
    districts = [v.unit_id for v in below if v.unit.level == Level.DISTRICT]
    found = [v for v in below if v.unit.level == Level.COMMUNE]
    if districts:
        found += list(
            geo_queries.versions_on(on).filter(parent_id__in=districts, unit__level=Level.COMMUNE)
        )
    return sorted(found, key=lambda v: v.search_name)


def areas(commune_code: str, on: dt.date) -> list[UnitVersion]:
    commune = geo_queries.unit_by_code(commune_code, on, Level.COMMUNE) if commune_code else None
    if commune is None:
        return []
    return list(
        geo_queries.children_on(commune.unit, on)
        .filter(unit__level=Level.RESIDENTIAL_AREA)
        .order_by("search_name")
    )


def _choices(versions: list[UnitVersion], empty) -> list[tuple[str, str]]:
    return [("", empty), *((v.unit.code, v.name) for v in versions)]


def _six_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


# ---- widgets -------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_FILES photos (their content is checked, and their metadata removed, by
    the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(n)d photos.") % {"n": MAX_FILES}, code="max_files"
            )
        return [super(PhotosField, self).clean(f, initial) for f in files]


def _coordinate(label, placeholder: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        widget=forms.NumberInput(
            attrs={"step": "any", "placeholder": placeholder, "inputmode": "decimal"}
        ),
    )


# ---- the tip form ----------------------------------------------------------------------


class PublicTipForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose…")), *Category.choices],
        widget=forms.Select(attrs=BIG),
    )
    province = forms.ChoiceField(
        label=_("Province or city"),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("tips:public-communes"),
                "hx-target": "#field-commune",
                "hx-swap": "outerHTML",
                **BIG,
            }
        ),
    )
    commune = forms.ChoiceField(
        label=_("Commune or ward"),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("tips:public-areas"),
                "hx-target": "#field-area",
                "hx-swap": "outerHTML",
                **BIG,
            }
        ),
    )
    residential_area = forms.ChoiceField(
        label=_("Village or residential group (optional)"),
        required=False,
        widget=forms.Select(attrs=BIG),
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Where, when, who or what you saw. Do not write your name here, nor details "
            "that would show who you are."
        ),
    )
    latitude = _coordinate(_("Latitude"), "21.028511")
    longitude = _coordinate(_("Longitude"), "105.804817")
    full_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Your phone number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    photos = PhotosField(label=_("Photos (optional, at most 5)"), required=False)

    def __init__(self, *args, on: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on = on or geo_queries.today()
        source = self.data if self.is_bound else self.initial
        province = (source.get("province") or "").strip()
        commune = (source.get("commune") or "").strip()
        self.fields["province"].choices = _choices(provinces(self.on), _("Choose…"))
        self.fields["commune"].choices = _choices(
            communes(province, self.on),
            _("Choose…") if province else _("Choose the province first"),
        )
        area_choices = areas(commune, self.on) if commune else []
        self.fields["residential_area"].choices = _choices(
            area_choices, _("Not sure / the whole commune")
        )

    def clean_latitude(self):
        return _six_places(self.cleaned_data.get("latitude"))

    def clean_longitude(self):
        return _six_places(self.cleaned_data.get("longitude"))

    def place(self) -> AdminUnit:
        """The residential area if one was chosen, else the commune (valid form only)."""
        data = self.cleaned_data
        if data.get("residential_area"):
            level, code = Level.RESIDENTIAL_AREA, data["residential_area"]
        else:
            level, code = Level.COMMUNE, data["commune"]
        return geo_queries.unit_by_code(code, self.on, level).unit


class CheckForm(forms.Form):
    """The tip code and passphrase, sent by POST only (never in an address)."""

    code = forms.CharField(
        label=_("Tip code"),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                **BIG,
            }
        ),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                **BIG,
            }
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
