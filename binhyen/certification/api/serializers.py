"""Serializers of the certification API: a certification with its steps and
criterion-by-criterion results (read), a registration and a step (write)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.api.serializers.common import (
    EnumField,
    UnitCodeField,
    UserScopedPrimaryKeyField,
    resolve_unit,
)
from binhyen.schemes.models import Organization

from ..choices import Status, StepKind, SubjectType
from ..models import Certification, CertificationStep, CriterionResult
from ..services.workflow import (
    DECISION_AUTHORITY_MAX,
    DECISION_NUMBER_MAX,
    DOCUMENT_MAX,
    TEXT_MAX,
)


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        ref_name = "CertificationOrganizationRef"


class StepSerializer(serializers.ModelSerializer):
    kind = EnumField(StepKind.choices, "CertificationStepKind")
    by = serializers.CharField(source="by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = CertificationStep
        fields = ["id", "kind", "date", "document", "reason", "by", "created_at"]


class ResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="criterion.code")
    text = serializers.CharField(source="criterion.text")

    class Meta:
        model = CriterionResult
        fields = ["code", "text", "met", "evidence"]


class CertificationSerializer(serializers.ModelSerializer):
    subject_type = EnumField(SubjectType.choices, "CertificationSubjectType")
    status = EnumField(Status.choices, "CertificationStatus")
    unit = UnitRefSerializer()
    organization = OrganizationRefSerializer(allow_null=True)
    criteria_set = serializers.CharField(source="criteria_set.name", default=None)
    steps = StepSerializer(many=True, read_only=True)
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "subject_type",
            "unit",
            "organization",
            "year",
            "status",
            "registered_on",
            "households_total",
            "households_registered",
            "criteria_set",
            "decision_number",
            "decision_date",
            "decision_authority",
            "certificate_code",
            "certificate_issued_on",
            "steps",
            "results",
        ]


class RegisterSerializer(serializers.Serializer):
    """A registration: a residential area or commune by its code (on the registration
    date), or an organisation by its id."""

    subject_type = EnumField(SubjectType.choices, "CertificationSubjectType")
    unit = UnitCodeField(required=False, allow_blank=True)
    organization = UserScopedPrimaryKeyField(
        scheme_queries.organizations_for_user, Organization, required=False, allow_null=True
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    registered_on = serializers.DateField()
    households_total = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    households_registered = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    def validate(self, attrs):
        if attrs["subject_type"] in (SubjectType.RESIDENTIAL_AREA, SubjectType.COMMUNE):
            unit = resolve_unit(
                "unit", attrs.get("unit"), attrs["registered_on"], attrs["subject_type"]
            )
            if unit is None:
                raise serializers.ValidationError({"unit": [_("This field is required.")]})
            attrs["unit"] = unit
            attrs.pop("organization", None)
        else:
            attrs.pop("unit", None)
        return attrs


class ResultWriteSerializer(serializers.Serializer):
    """One criterion's self-assessment: met (a JSON boolean) and the evidence."""

    met = serializers.BooleanField(required=True)
    evidence = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, default="")

    class Meta:
        ref_name = "CertificationResultWrite"


class StepWriteSerializer(serializers.Serializer):
    """A step: self-assessment (with `results`: criterion code → {met, evidence}), a
    decision or an appeal's outcome (kind certified / not_certified / appeal_upheld /
    appeal_rejected, with decision_number, decision_authority, reason) or another step of
    the flow (document, reason)."""

    kind = EnumField(StepKind.choices, "CertificationStepKind")
    date = serializers.DateField()
    document = serializers.CharField(
        max_length=DOCUMENT_MAX, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    results = serializers.DictField(child=ResultWriteSerializer(), required=False)
    decision_number = serializers.CharField(
        max_length=DECISION_NUMBER_MAX, required=False, allow_blank=True, default=""
    )
    decision_authority = serializers.CharField(
        max_length=DECISION_AUTHORITY_MAX, required=False, allow_blank=True, default=""
    )
