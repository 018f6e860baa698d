"""Serializers of host organisations."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from binhyen.core.stale import api_version_field
from binhyen.geo import queries as geo_queries
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.geo.choices import Level
from binhyen.schemes.choices import ORGANIZATION_KINDS, ReligiousKind, SchoolLevel, SizeClass
from binhyen.schemes.models import Organization

from .common import EnumField, UnitCodeField, resolve_unit


class OrganizationSerializer(serializers.ModelSerializer):
    kind = EnumField(ORGANIZATION_KINDS, "OrganizationKind")
    commune = UnitRefSerializer()
    residential_area = UnitRefSerializer(allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "kind",
            "name",
            "commune",
            "residential_area",
            "address",
            "tax_code",
            "size_class",
            "school_level",
            "religious_kind",
            "established_on",
            "ceased_on",
            "notes",
            "version",
        ]


class OrganizationWriteSerializer(serializers.Serializer):
    """`commune` and `residential_area` are the codes of where the organisation is: in
    force today, or on the day before it ceased for one that no longer exists. An edit
    (PATCH) may send the `version` it read: if someone saved the organisation since, the
    answer is 409 and nothing changes."""

    kind = EnumField(ORGANIZATION_KINDS, "OrganizationKind")
    name = serializers.CharField(max_length=255)
    commune = UnitCodeField()
    residential_area = UnitCodeField(required=False, allow_blank=True, allow_null=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    tax_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    size_class = serializers.ChoiceField(
        choices=SizeClass.choices, required=False, allow_blank=True
    )
    school_level = serializers.ChoiceField(
        choices=SchoolLevel.choices, required=False, allow_blank=True
    )
    religious_kind = serializers.ChoiceField(
        choices=ReligiousKind.choices, required=False, allow_blank=True
    )
    established_on = serializers.DateField(required=False, allow_null=True)
    ceased_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    version = api_version_field()

    def validate(self, attrs):
        ceased = attrs.get("ceased_on", getattr(self.instance, "ceased_on", None))
        on = ceased - dt.timedelta(days=1) if ceased else geo_queries.today()
        if "commune" in attrs:
            attrs["commune"] = resolve_unit("commune", attrs["commune"], on, Level.COMMUNE)
        if "residential_area" in attrs:
            attrs["residential_area"] = resolve_unit(
                "residential_area", attrs["residential_area"], on, Level.RESIDENTIAL_AREA
            )
        return attrs


class OrganizationRefSerializer(serializers.ModelSerializer):
    kind = EnumField(ORGANIZATION_KINDS, "OrganizationKind")

    class Meta:
        model = Organization
        fields = ["id", "kind", "name"]
