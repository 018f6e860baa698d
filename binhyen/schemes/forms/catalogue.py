"""Forms of the scheme-type catalogue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level

from ..choices import HostKind, Origin
from ..models import Label, SchemeType

COMPONENT_HELP = _(
    "One component per line, in order: code | name | English name. Leave empty for a type "
    "that is not composite."
)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    label = forms.ModelChoiceField(
        Label.objects.all(), label=_("label"), required=False, to_field_name="code"
    )
    host_kind = forms.ChoiceField(
        label=_("host kind"), required=False, choices=[("", "---------"), *HostKind.choices]
    )
    origin = forms.ChoiceField(
        label=_("origin"), required=False, choices=[("", "---------"), *Origin.choices]
    )
    in_use = forms.ChoiceField(
        label=_("in use"),
        required=False,
        choices=[("", _("in use")), ("all", _("all, with those no longer in use"))],
    )


def parse_components(text: str) -> list[tuple[str, str, str]]:
    """Lines "code | name | English name" into tuples; raises ValidationError on a line
    without a code or a name."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (3 - len(parts))
        code, name, name_en = parts[:3]
        if not code or not name or len(parts) > 3:
            raise forms.ValidationError(
                _("Line %(n)d: write code | name | English name."), params={"n": number}
            )
        if not _is_slug(code):
            raise forms.ValidationError(
                _("Line %(n)d: the code may have only letters, digits, - and _."),
                params={"n": number},
            )
        rows.append((code, name, name_en))
    return rows


def _is_slug(value: str) -> bool:
    try:
        forms.SlugField().clean(value)
    except forms.ValidationError:
        return False
    return True


def components_text(scheme_type: SchemeType) -> str:
    return "\n".join(
        " | ".join([c.code, c.name] + ([c.name_en] if c.name_en else []))
        for c in scheme_type.components.all()
    )


class SchemeTypeForm(forms.ModelForm):
    labels = forms.ModelMultipleChoiceField(
        Label.objects.all(),
        label=_("labels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    host_kinds = forms.MultipleChoiceField(
        label=_("hosts"),
        choices=HostKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kinds of host its points may have"),
    )
    origin_unit_code = forms.CharField(
        label=_("originating unit (code)"),
        required=False,
        max_length=20,
        help_text=_("The code of the province or commune the type comes from."),
    )
    components = forms.CharField(
        label=_("components"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "premises | An toàn về trụ sở"}),
        help_text=COMPONENT_HELP,
    )

    class Meta:
        model = SchemeType
        fields = [
            "code",
            "name",
            "name_en",
            "description",
            "labels",
            "host_kinds",
            "origin",
            "origin_unit_code",
            "has_groups",
            "is_active",
            "components",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and not self.is_bound:
            self.initial["labels"] = list(instance.labels.all())
            self.initial["host_kinds"] = list(instance.host_kinds)
            self.initial["components"] = components_text(instance)
            if instance.origin_unit_id:
                self.initial["origin_unit_code"] = instance.origin_unit.code
        if not instance.pk:
            del self.fields["is_active"]
        carry_version(self, instance)

    def clean_components(self) -> list[tuple[str, str, str]]:
        return parse_components(self.cleaned_data.get("components") or "")

    def clean(self):
        data = super().clean()
        code = (data.get("origin_unit_code") or "").strip()
        data["origin_unit"] = None
        if code:
            origin = data.get("origin")
            level = Level.COMMUNE if origin == Origin.COMMUNE else Level.PROVINCE
            version = geo_queries.unit_by_code(code, geo_queries.today(), level=level)
            if version is None and self.instance.origin_unit_id:
                kept = self.instance.origin_unit
                version = kept.versions.first() if kept.code == code else None
            if version is None:
                self.add_error("origin_unit_code", _("No unit of that level has this code today."))
            else:
                data["origin_unit"] = version.unit
        return data

    def _post_clean(self):
        # the service validates and saves
        pass

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("code", "name", "name_en", "description", "origin", "has_groups")
        }
        values["host_kinds"] = list(data["host_kinds"])
        values["origin_unit"] = data.get("origin_unit")
        if "is_active" in self.fields:
            values["is_active"] = data["is_active"]
        return values


class LabelForm(forms.ModelForm):
    class Meta:
        model = Label
        fields = ["code", "name", "name_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        carry_version(self, self.instance)

    def _post_clean(self):
        pass
