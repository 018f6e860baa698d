"""Query parameters and results of the counting endpoints."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries
from binhyen.schemes.models import SchemeType

from .common import EnumField, resolve_unit


class _PeriodFields:
    """Adds `from` and `to` (Python keywords, so not declarable as attributes)."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, allow_null=True, help_text="First day of the period (YYYY-MM-DD)."
        )
        fields["to"] = serializers.DateField(
            required=False, allow_null=True, help_text="Last day of the period (YYYY-MM-DD)."
        )
        return fields


MEASURES = [
    ("active", gettext_lazy("active on a date")),
    ("established", gettext_lazy("established during a period")),
    ("dissolved", gettext_lazy("dissolved during a period")),
]
BREAKDOWNS = list(queries.BREAKDOWNS.items())


class StructureQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Code of the unit under the structure of `structure_date`; "
        "absent: everything you may see.",
    )
    structure_date = serializers.DateField(
        required=False, help_text="Date of the administrative structure; today by default."
    )
    on = serializers.DateField(required=False, help_text="Date counted; today by default.")

    def validate(self, attrs):
        attrs["structure_date"] = attrs.get("structure_date") or geo_queries.today()
        attrs["unit"] = resolve_unit("unit", attrs.get("unit"), attrs["structure_date"])
        return attrs


class SchemeCountsQuerySerializer(_PeriodFields, StructureQuerySerializer):
    """`measure=active` counts points active `on` a date; `established` and `dissolved`
    count points established or dissolved from `from` to `to` (both days included)."""

    measure = EnumField(MEASURES, "SchemeCountMeasure", default="active")
    by = EnumField(BREAKDOWNS, "SchemeCountBreakdown", required=False)
    scheme_type = serializers.SlugRelatedField(
        slug_field="code", queryset=SchemeType.objects.all(), required=False
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start, end = attrs.get("from"), attrs.get("to")
        if attrs["measure"] == "active":
            if start or end:
                raise serializers.ValidationError(
                    {"on": _("Points active are counted on a date (on), not over a period.")}
                )
            attrs["on"] = attrs.get("on") or geo_queries.today()
            return attrs
        if attrs.get("on"):
            raise serializers.ValidationError(
                {"on": _("Points established or dissolved are counted over a period.")}
            )
        for name in ("from", "to"):
            if not attrs.get(name):
                raise serializers.ValidationError({name: _("This field is required.")})
        if end < start:
            raise serializers.ValidationError({"to": _("The period ends before it starts.")})
        return attrs


class CountRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text="Code of the type, label or unit, or the host kind; null for the row "
        "of points without label or that cannot be placed (unallocated).",
    )
    label = serializers.CharField()
    count = serializers.IntegerField()


class UnitCountRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdminUnit
        fields = ["code", "name", "level"]


class SchemeCountsSerializer(_PeriodFields, serializers.Serializer):
    structure_date = serializers.DateField()
    unit = UnitCountRefSerializer(allow_null=True)
    measure = serializers.CharField()
    on = serializers.DateField(allow_null=True)
    by = serializers.CharField(allow_blank=True)
    total = serializers.IntegerField()
    overlapping = serializers.BooleanField(
        help_text="True when a point may count in several rows (labels): rows then add up "
        "to more than the total."
    )
    rows = CountRowSerializer(many=True)


class StructureCountsSerializer(serializers.Serializer):
    structure_date = serializers.DateField()
    unit = UnitCountRefSerializer(allow_null=True)
    on = serializers.DateField()
    steering_committees = serializers.IntegerField()
    boards = serializers.IntegerField()
    groups = serializers.IntegerField()
    households = serializers.IntegerField()
    members = serializers.IntegerField()
    security_teams = serializers.IntegerField()
    security_team_members = serializers.IntegerField()
