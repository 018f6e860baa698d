from rest_framework import serializers

from ..models import AdminUnit, Transition, UnitVersion


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdminUnit
        fields = ["code", "name", "level", "valid_from", "valid_to"]


class UnitVersionSerializer(serializers.ModelSerializer):
    """A unit as it was on the requested date."""

    code = serializers.CharField(source="unit.code")
    level = serializers.CharField(source="unit.level")
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True)
    unit_valid_from = serializers.DateField(source="unit.valid_from")
    unit_valid_to = serializers.DateField(source="unit.valid_to", allow_null=True)
    is_urban = serializers.BooleanField(source="unit.is_urban")
    ethnic_minority_area = serializers.BooleanField(source="unit.ethnic_minority_area")
    religious_area = serializers.BooleanField(source="unit.religious_area")
    border_area = serializers.BooleanField(source="unit.border_area")
    island = serializers.BooleanField(source="unit.island")

    class Meta:
        model = UnitVersion
        fields = [
            "code",
            "name",
            "type_word",
            "level",
            "parent_code",
            "valid_from",
            "valid_to",
            "unit_valid_from",
            "unit_valid_to",
            "is_urban",
            "ethnic_minority_area",
            "religious_area",
            "border_area",
            "island",
        ]


class TransitionSerializer(serializers.ModelSerializer):
    predecessor = UnitRefSerializer()
    successor = UnitRefSerializer()

    class Meta:
        model = Transition
        fields = ["date", "kind", "partial", "predecessor", "successor", "decision"]


class UnitDetailSerializer(serializers.Serializer):
    on = serializers.DateField()
    unit = UnitVersionSerializer()
    ancestors = UnitVersionSerializer(many=True)
    predecessors = TransitionSerializer(many=True)
    successors = TransitionSerializer(many=True)
