"""Forms of the certification pages. Units are typed as codes and resolved on the date
they concern; the services do the checking (their refusals land on these fields)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from binhyen.accounts.jurisdiction import restrict
from binhyen.core.forms import DATE_ATTRS, date_field
from binhyen.core.stale import carry_version
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries as scheme_queries

from . import permissions
from .choices import (
    ORGANIZATION_SUBJECTS,
    StepKind,
    SubjectType,
    registration_deadline,
    window,
    window_of,
)
from .services import files
from .services.workflow import (
    DECISION_AUTHORITY_MAX,
    DECISION_NUMBER_MAX,
    DOCUMENT_MAX,
    OWN_FUNCTION,
    TEXT_MAX,
)

YES_NO = [("1", _("Met")), ("0", _("Not met"))]
TEXTAREA = {"rows": 2, "cols": 60}
ACCEPT = ",".join(f".{ext}" for ext in files.ALLOWED)


def _file_help() -> str:
    return _("PDF, JPEG, PNG, WebP, Word (.docx) or Excel (.xlsx), at most %(mb)s MB.") % {
        "mb": files.max_mb()
    }


file_help = lazy(_file_help, str)  # in the language and with the setting of the request


class CertificationFileField(forms.FileField):
    """An evidence or step file: an allowed type (by extension and content) within the
    size limit (services.files, which the services check again)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", file_help())
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                files.check_file(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return upload


def default_year(today: dt.date | None = None) -> int:
    """The window being worked on: the one whose registration is under way or the last
    whose decisions are being made (the commune window containing today)."""
    return window_of(SubjectType.COMMUNE, today or geo_queries.today())


def year_field(required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Window (year it ends)"), min_value=2000, max_value=2100, required=required
    )


def unit_code_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        widget=forms.TextInput(
            attrs={"list": "unit-options", "autocomplete": "off", "inputmode": "numeric"}
        ),
    )


def resolve(form: forms.Form, field: str, code: str, on: dt.date, level: str) -> AdminUnit | None:
    code = (code or "").strip()
    version = geo_queries.unit_by_code(code, on, level=level) if code else None
    if version is None:
        form.add_error(
            field,
            _("No %(level)s has the code %(code)s on %(date)s.")
            % {"level": Level(level).label.lower(), "code": code, "date": on.strftime("%d/%m/%Y")},
        )
        return None
    return version.unit


class OverviewForm(forms.Form):
    commune = unit_code_field(_("Commune code"))
    year = year_field()

    def clean(self):
        data = super().clean()
        year, code = data.get("year"), (data.get("commune") or "").strip()
        if year and code:
            # the commune bearing the code at the end of the window, else on the deadline
            for day in (window(SubjectType.COMMUNE, year)[1], registration_deadline(year)):
                version = geo_queries.unit_by_code(code, day, level=Level.COMMUNE)
                if version is not None:
                    data["commune_unit"] = version.unit
                    return data
            self.add_error(
                "commune", _("No commune has the code %(code)s in that window.") % {"code": code}
            )
        return data


class RegisterForm(forms.Form):
    """Registration of a residential area, a commune or an organisation (`kind`)."""

    year = year_field()
    registered_on = date_field(_("Registered on"))

    def __init__(self, *args, kind: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.user = user
        if kind in (SubjectType.RESIDENTIAL_AREA, SubjectType.COMMUNE):
            label = (
                _("Residential area code")
                if kind == SubjectType.RESIDENTIAL_AREA
                else _("Commune code")
            )
            self.fields["unit"] = unit_code_field(label)
            self.order_fields(["unit", "year", "registered_on"])
        else:
            orgs = scheme_queries.organizations_for_user(user).filter(
                kind__in=[k.value for k in ORGANIZATION_SUBJECTS]
            )
            self.fields["organization"] = forms.ModelChoiceField(
                label=_("Organisation"),
                queryset=orgs.select_related("commune").order_by("kind", "name"),
            )
            self.fields["organization"].label_from_instance = lambda o: (
                f"{o.name} — {o.get_kind_display()}, {o.commune.name}"
            )
            self.order_fields(["organization", "year", "registered_on"])
        if kind == SubjectType.RESIDENTIAL_AREA:
            self.fields["households_total"] = forms.IntegerField(
                label=_("Households of the residential area"), min_value=0
            )
            self.fields["households_registered"] = forms.IntegerField(
                label=_("Households that registered"),
                min_value=0,
                help_text=_("Must be every household (100%)."),
            )

    def clean(self):
        data = super().clean()
        on = data.get("registered_on")
        if on and "unit" in self.fields and data.get("unit"):
            data["unit_obj"] = resolve(self, "unit", data["unit"], on, self.kind)
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "year": data["year"],
            "registered_on": data["registered_on"],
        }
        if "organization" in self.fields:
            values["organization"] = data["organization"]
            values["subject_type"] = data["organization"].kind
        else:
            values["unit"] = data.get("unit_obj")
            values["subject_type"] = self.kind
        if self.kind == SubjectType.RESIDENTIAL_AREA:
            values["households_total"] = data.get("households_total")
            values["households_registered"] = data.get("households_registered")
        return values


class SelfAssessForm(forms.Form):
    """One row per criterion of the set in force: met or not, the evidence, a file."""

    date = date_field(_("Date of the self-assessment"))
    document = forms.CharField(label=_("Document"), max_length=DOCUMENT_MAX, required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"met_{c.code}"] = forms.ChoiceField(
                label=f"{c.code}", choices=YES_NO, widget=forms.RadioSelect
            )
            self.fields[f"evidence_{c.code}"] = forms.CharField(
                label=_("Evidence"), max_length=TEXT_MAX, widget=forms.Textarea(attrs=TEXTAREA)
            )
            self.fields[f"file_{c.code}"] = CertificationFileField(label=_("Evidence file"))

    def rows(self):
        return [
            (c, self[f"met_{c.code}"], self[f"evidence_{c.code}"], self[f"file_{c.code}"])
            for c in self.criteria
        ]

    def results(self) -> dict:
        data = self.cleaned_data
        return {
            c.code: (
                data[f"met_{c.code}"] == "1",
                data[f"evidence_{c.code}"],
                data.get(f"file_{c.code}"),
            )
            for c in self.criteria
        }


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"))
    date = date_field(_("Date"))
    document = forms.CharField(
        label=_("Document"),
        max_length=DOCUMENT_MAX,
        required=False,
        help_text=_("Number and date of the minutes, report or decision."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required for an appeal."),
    )
    attachment = CertificationFileField(label=_("Attachment"))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, StepKind(k).label) for k in kinds if k not in OWN_FUNCTION
        ]


class DecisionForm(forms.Form):
    certified = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Certified")), ("0", _("Not certified"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    date = date_field(_("Decision date"))
    decision_number = forms.CharField(
        label=_("Decision number"), max_length=DECISION_NUMBER_MAX, required=False
    )
    decision_authority = forms.CharField(
        label=_("Decided by"), max_length=DECISION_AUTHORITY_MAX, required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when not certified (an appeal rejected included)."),
    )


# ---- criteria sets -----------------------------------------------------------------------


def editable_provinces(user):
    on = geo_queries.today()
    provinces = AdminUnit.objects.in_force(on).filter(level=Level.PROVINCE).order_by("code")
    return restrict(provinces, user, "pk")


class ProvinceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class CriteriaSetForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("Subject type"), choices=SubjectType.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=255)
    effective_from = date_field(_("Effective from"))
    effective_to = date_field(_("Effective to"), required=False)
    province = ProvinceChoice(
        label=_("Province"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("National (every province)"),
    )

    def __init__(self, *args, user, criteria_set=None, used: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = editable_provinces(user)
        if not permissions.can_edit_criteria_for(user, None):
            self.fields["province"].required = True
        if used:  # a used set is frozen but for its end date (services.criteria)
            for name, field in self.fields.items():
                field.disabled = name != "effective_to"
        if criteria_set is not None:
            self.initial.update(
                {
                    "subject_type": criteria_set.subject_type,
                    "name": criteria_set.name,
                    "legal_basis": criteria_set.legal_basis,
                    "effective_from": criteria_set.effective_from,
                    "effective_to": criteria_set.effective_to,
                    "province": criteria_set.province_id,
                }
            )
        carry_version(self, criteria_set)  # after the freezing above: the version is sent


class CopySetForm(forms.Form):
    province = ProvinceChoice(
        label=_("Province"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("National (every province)"),
    )
    effective_from = date_field(_("Effective from"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = editable_provinces(user)
        if not permissions.can_edit_criteria_for(user, None):
            self.fields["province"].required = True


class CriterionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    text = forms.CharField(
        label=_("Criterion"), widget=forms.Textarea(attrs={"rows": 3, "cols": 70})
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, required=False)


__all__ = [
    "DATE_ATTRS",
    "CopySetForm",
    "CriteriaSetForm",
    "CriterionForm",
    "DecisionForm",
    "OverviewForm",
    "RegisterForm",
    "SelfAssessForm",
    "StepForm",
    "default_year",
]
