"""Serializers of the scheme-type catalogue."""

from __future__ import annotations

from rest_framework import serializers

from binhyen.core.stale import api_version_field
from binhyen.geo import queries as geo_queries
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.geo.choices import Level
from binhyen.schemes.choices import HostKind, Origin
from binhyen.schemes.models import Label, SchemeComponent, SchemeType

from .common import EnumField, UnitCodeField, resolve_unit


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["code", "name", "name_en"]


class SchemeComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeComponent
        fields = ["code", "name", "name_en", "order"]


class SchemeTypeSerializer(serializers.ModelSerializer):
    labels = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    host_kinds = serializers.ListField(child=EnumField(HostKind.choices, "HostKind"))
    origin = EnumField(Origin.choices, "SchemeTypeOrigin")
    origin_unit = UnitRefSerializer(allow_null=True)
    components = SchemeComponentSerializer(many=True)

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
            "origin_unit",
            "has_groups",
            "is_active",
            "components",
            "version",
        ]


class ComponentWriteSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=200)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SchemeTypeWriteSerializer(serializers.Serializer):
    """`origin_unit` is the code of the province or commune the type comes from (today's);
    `components` is the full ordered list for a composite type. An edit (PATCH) may send
    the `version` it read: if someone saved the type since, the answer is 409."""

    code = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=255)
    name_en = serializers.CharField(max_length=255, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    labels = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Label.objects.all(), required=False
    )
    host_kinds = serializers.ListField(child=EnumField(HostKind.choices, "HostKind"))
    origin = EnumField(Origin.choices, "SchemeTypeOrigin")
    origin_unit = UnitCodeField(required=False, allow_blank=True, allow_null=True)
    has_groups = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)
    components = ComponentWriteSerializer(many=True, required=False)
    version = api_version_field()

    def validate(self, attrs):
        if "origin_unit" in attrs:
            origin = attrs.get("origin") or getattr(self.instance, "origin", "")
            level = {Origin.PROVINCE: Level.PROVINCE, Origin.COMMUNE: Level.COMMUNE}.get(origin)
            attrs["origin_unit"] = resolve_unit(
                "origin_unit", attrs["origin_unit"], geo_queries.today(), level
            )
        if "components" in attrs:
            attrs["components"] = [
                (c["code"], c["name"], c.get("name_en", "")) for c in attrs["components"]
            ]
        return attrs
