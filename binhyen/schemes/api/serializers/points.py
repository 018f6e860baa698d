"""Serializers of scheme points, their lifecycle events, gradings and recognitions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.schemes import queries
from binhyen.schemes.choices import UNIT_HOSTS, EventKind, Grade, HostKind, RecognitionKind, Status
from binhyen.schemes.models import (
    Grading,
    Organization,
    Recognition,
    Scheme,
    SchemeEvent,
    SchemeType,
)

from .common import EnumField, UnitCodeField, UserScopedPrimaryKeyField, date_of, resolve_unit
from .hosts import OrganizationRefSerializer


class SchemeTypeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeType
        fields = ["code", "name", "name_en"]


class SchemeListSerializer(serializers.ModelSerializer):
    scheme_type = SchemeTypeRefSerializer()
    host_kind = EnumField(HostKind.choices, "HostKind")
    organization = OrganizationRefSerializer(allow_null=True)
    unit = UnitRefSerializer()
    status = EnumField(Status.choices, "SchemeStatus")

    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "scheme_type",
            "host_kind",
            "organization",
            "unit",
            "established_on",
            "status",
            "dissolved_on",
            "leader_name",
            "latitude",
            "longitude",
            "version",
        ]


class SchemeEventSerializer(serializers.ModelSerializer):
    kind = EnumField(EventKind.choices, "SchemeEventKind")

    class Meta:
        model = SchemeEvent
        fields = ["id", "kind", "date", "reason", "decision"]


class ComponentGradeSerializer(serializers.Serializer):
    component = serializers.CharField(source="component.code")
    grade = EnumField(Grade.choices, "Grade")


class GradingSerializer(serializers.ModelSerializer):
    grade = EnumField(Grade.choices, "Grade")
    components = ComponentGradeSerializer(many=True)

    class Meta:
        model = Grading
        fields = ["year", "grade", "note", "components"]


class RecognitionSerializer(serializers.ModelSerializer):
    kind = EnumField(RecognitionKind.choices, "RecognitionKind")

    class Meta:
        model = Recognition
        fields = ["id", "year", "kind", "decision_number", "decision_date", "issued_by"]


class SchemeDetailSerializer(SchemeListSerializer):
    events = SchemeEventSerializer(many=True)
    gradings = GradingSerializer(many=True)
    recognitions = RecognitionSerializer(many=True)

    class Meta(SchemeListSerializer.Meta):
        fields = [
            *SchemeListSerializer.Meta.fields,
            "decision_number",
            "decision_date",
            "decision_signer",
            "leader_phone",
            "contacts",
            "replicated_from",
            "notes",
            "events",
            "gradings",
            "recognitions",
        ]


class SchemeWriteSerializer(serializers.Serializer):
    """A point's particulars. `unit` is the code of the residential area or commune that
    hosts it, in force on `established_on`; for an organisation host give `organization`
    (the point then sits where the organisation is). An edit (PATCH) sends the `version`
    it read: if someone saved the point since, the answer is 409 and nothing changes."""

    scheme_type = serializers.SlugRelatedField(slug_field="code", queryset=SchemeType.objects.all())
    name = serializers.CharField(max_length=255)
    host_kind = EnumField(HostKind.choices, "HostKind")
    organization = UserScopedPrimaryKeyField(
        queries.organizations_for_user, Organization, required=False, allow_null=True
    )
    unit = UnitCodeField(required=False, allow_blank=True, allow_null=True)
    established_on = serializers.DateField()
    decision_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    decision_date = serializers.DateField(required=False, allow_null=True)
    decision_signer = serializers.CharField(max_length=120, required=False, allow_blank=True)
    leader_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    leader_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contacts = serializers.CharField(max_length=255, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    replicated_from = UserScopedPrimaryKeyField(
        queries.schemes_for_user, Scheme, required=False, allow_null=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Required on edit: the version read."
    )

    def validate(self, attrs):
        instance: Scheme | None = self.instance
        if instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("This field is required.")})
        host_kind = attrs.get("host_kind") or getattr(instance, "host_kind", "")
        if "unit" in attrs:
            level = host_kind if host_kind in UNIT_HOSTS else None
            on = date_of(attrs, instance, "established_on")
            attrs["unit"] = resolve_unit("unit", attrs["unit"], on, level)
            if attrs["unit"] is None:
                del attrs["unit"]
        if instance is None and host_kind in UNIT_HOSTS and "unit" not in attrs:
            raise serializers.ValidationError({"unit": _("This field is required.")})
        return attrs


class SchemeEventWriteSerializer(serializers.Serializer):
    kind = EnumField(
        [(k.value, k.label) for k in EventKind if k != EventKind.ESTABLISHED], "SchemeChange"
    )
    date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    decision = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class GradingWriteSerializer(serializers.Serializer):
    """A plain type takes `grade`; a composite type takes `components`, a grade for every
    component code, and its overall grade is the worst of them."""

    year = serializers.IntegerField(min_value=1945, max_value=2100)
    grade = EnumField(Grade.choices, "Grade", required=False)
    components = serializers.DictField(
        child=serializers.ChoiceField(choices=Grade.choices), required=False
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RecognitionWriteSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1945, max_value=2100)
    kind = EnumField(RecognitionKind.choices, "RecognitionKind")
    decision_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    issued_by = serializers.CharField(max_length=160, required=False, allow_blank=True, default="")
