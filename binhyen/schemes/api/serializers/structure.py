"""Serializers of the self-management structure: groups, households, members, security
teams, steering committees and boards."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from binhyen.core.stale import api_version_field
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.geo.choices import Level
from binhyen.schemes import queries
from binhyen.schemes.choices import GroupKind, MemberRole
from binhyen.schemes.models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    Scheme,
    SecurityTeam,
    SecurityTeamMember,
    SelfManagementBoard,
    SteeringCommittee,
)

from .common import EnumField, UnitCodeField, UserScopedPrimaryKeyField, resolve_unit


class HouseholdSerializer(serializers.ModelSerializer):
    residential_area = UnitRefSerializer()

    class Meta:
        model = Household
        fields = ["id", "residential_area", "head_name", "address", "people"]


class HouseholdRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "head_name", "address", "people"]


class GroupHouseholdSerializer(serializers.ModelSerializer):
    household = HouseholdRefSerializer()

    class Meta:
        model = GroupHousehold
        fields = ["id", "household", "joined_on", "left_on"]


class GroupMemberSerializer(serializers.ModelSerializer):
    role = EnumField(MemberRole.choices, "MemberRole")

    class Meta:
        model = GroupMember
        fields = ["id", "full_name", "role", "phone", "household", "joined_on", "left_on"]


class SchemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scheme
        fields = ["id", "name"]


class GroupSerializer(serializers.ModelSerializer):
    kind = EnumField(GroupKind.choices, "GroupKind")
    residential_area = UnitRefSerializer()
    scheme = SchemeRefSerializer(allow_null=True)

    class Meta:
        model = Group
        fields = [
            "id",
            "kind",
            "name",
            "residential_area",
            "scheme",
            "established_on",
            "dissolved_on",
            "notes",
            "version",
        ]


class GroupDetailSerializer(GroupSerializer):
    """A group with the households and members in it on `on`."""

    on = serializers.DateField(source="shown_on")
    households = GroupHouseholdSerializer(many=True, source="current_households")
    members = GroupMemberSerializer(many=True, source="current_members")

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "on", "households", "members"]


class GroupWriteSerializer(serializers.Serializer):
    """`residential_area` is a code in force on `established_on`; `scheme` the id of the
    point the group belongs to, if any."""

    kind = EnumField(GroupKind.choices, "GroupKind", default=GroupKind.INTER_HOUSEHOLD)
    name = serializers.CharField(max_length=255)
    residential_area = UnitCodeField()
    scheme = UserScopedPrimaryKeyField(
        queries.schemes_for_user, Scheme, required=False, allow_null=True
    )
    established_on = serializers.DateField()
    notes = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs["residential_area"] = resolve_unit(
            "residential_area",
            attrs["residential_area"],
            attrs["established_on"],
            Level.RESIDENTIAL_AREA,
        )
        return attrs


class GroupDissolveSerializer(serializers.Serializer):
    """Dissolving is the only change of a group: its households and members leave it.
    `version`, if sent, must be the group's version read (else 409)."""

    dissolved_on = serializers.DateField()
    version = api_version_field()


class NewHouseholdSerializer(serializers.Serializer):
    head_name = serializers.CharField(max_length=120)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    people = serializers.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True)


class GroupJoinSerializer(serializers.Serializer):
    """A household joins the group: an existing one (`household`, its id) or a new one
    of the group's residential area (`new_household`)."""

    household = UserScopedPrimaryKeyField(
        queries.households_for_user, Household, required=False, allow_null=True
    )
    new_household = NewHouseholdSerializer(required=False)
    joined_on = serializers.DateField()
    left_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if bool(attrs.get("household")) == bool(attrs.get("new_household")):
            raise serializers.ValidationError(
                {"household": _("Choose a household or describe a new one, not both.")}
            )
        return attrs


class GroupMemberWriteSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=120)
    role = EnumField(MemberRole.choices, "MemberRole", default=MemberRole.MEMBER)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    household = UserScopedPrimaryKeyField(
        queries.households_for_user, Household, required=False, allow_null=True, default=None
    )
    joined_on = serializers.DateField()
    left_on = serializers.DateField(required=False, allow_null=True, default=None)


class SecurityTeamMemberSerializer(serializers.ModelSerializer):
    role = EnumField(MemberRole.choices, "MemberRole")

    class Meta:
        model = SecurityTeamMember
        fields = ["id", "full_name", "role", "phone", "appointed_on", "terminated_on"]


class SecurityTeamSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer()
    areas = UnitRefSerializer(many=True)

    class Meta:
        model = SecurityTeam
        fields = [
            "id",
            "commune",
            "name",
            "decision_number",
            "decision_date",
            "signer",
            "formed_on",
            "dissolved_on",
            "areas",
        ]


class SecurityTeamDetailSerializer(SecurityTeamSerializer):
    members = SecurityTeamMemberSerializer(many=True)

    class Meta(SecurityTeamSerializer.Meta):
        fields = [*SecurityTeamSerializer.Meta.fields, "members"]


class SecurityTeamWriteSerializer(serializers.Serializer):
    """`commune` and `areas` are codes in force on `formed_on`."""

    commune = UnitCodeField()
    name = serializers.CharField(max_length=255)
    decision_number = serializers.CharField(max_length=60, allow_blank=True)
    decision_date = serializers.DateField()
    signer = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    formed_on = serializers.DateField()
    areas = serializers.ListField(child=UnitCodeField(), required=False, default=list)

    def validate(self, attrs):
        on = attrs["formed_on"]
        attrs["commune"] = resolve_unit("commune", attrs["commune"], on, Level.COMMUNE)
        attrs["areas"] = [
            resolve_unit("areas", code, on, Level.RESIDENTIAL_AREA) for code in attrs["areas"]
        ]
        return attrs


class SecurityTeamMemberWriteSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=120)
    role = EnumField(MemberRole.choices, "MemberRole", default=MemberRole.MEMBER)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    appointed_on = serializers.DateField()


BODY_FIELDS = ["id", "unit", "name", "head_name", "decision", "established_on", "dissolved_on"]


class SteeringCommitteeSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()

    class Meta:
        model = SteeringCommittee
        fields = BODY_FIELDS


class SelfManagementBoardSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()

    class Meta:
        model = SelfManagementBoard
        fields = BODY_FIELDS


class BodyWriteSerializer(serializers.Serializer):
    """`unit` is the code of the commune (steering committee) or residential area (board),
    in force on `established_on`."""

    unit = UnitCodeField()
    name = serializers.CharField(max_length=255)
    head_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    decision = serializers.CharField(max_length=120, required=False, allow_blank=True)
    established_on = serializers.DateField()

    def validate(self, attrs):
        attrs["unit"] = resolve_unit(
            "unit", attrs["unit"], attrs["established_on"], self.context.get("level")
        )
        return attrs
