"""Serializers of the awards API. Recipients and linked records are referenced by id
among what the requesting user sees; a person is never sent with their ID number."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from binhyen.accounts.jurisdiction import restrict
from binhyen.core.stale import api_version_field
from binhyen.geo import queries as geo_queries
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.api.serializers.common import (
    EnumField,
    UnitCodeField,
    UserScopedPrimaryKeyField,
    resolve_unit,
)
from binhyen.schemes.models import Group, Household, Organization, Scheme
from binhyen.tips import queries as tip_queries

from .. import queries
from ..choices import (
    AuthorityLevel,
    CollectiveKind,
    FormKind,
    NominationStatus,
    OccasionKind,
    RecipientKind,
)
from ..models import Achievement, Authority, AwardForm, Nomination, Occasion, Person
from ..services.nominations import recipient_field


def max_length(model, field: str) -> int:
    """The column's length, so that the API refuses (400) what the database would."""
    return model._meta.get_field(field).max_length


# linked records the API accepts as achievements: "app_label.model" → what the user sees
RECORD_TYPES = {
    "schemes.scheme": scheme_queries.schemes_for_user,
    "tips.case": tip_queries.cases_for_user,
    "tips.tip": tip_queries.tips_for_user,
}


class AuthoritySerializer(serializers.ModelSerializer):
    level = EnumField(AuthorityLevel.choices, "AwardAuthorityLevel")

    class Meta:
        model = Authority
        fields = ["id", "code", "name", "name_en", "level"]


class AwardFormSerializer(serializers.ModelSerializer):
    kind = EnumField(FormKind.choices, "AwardFormKind")
    authorities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = AwardForm
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "kind",
            "once_per_life",
            "min_service_years",
            "authorities",
        ]


class OccasionSerializer(serializers.ModelSerializer):
    kind = EnumField(OccasionKind.choices, "AwardOccasionKind")
    unit = UnitRefSerializer()

    class Meta:
        model = Occasion
        fields = ["id", "name", "kind", "held_on", "unit", "period_start", "period_end", "version"]


class OccasionWriteSerializer(serializers.Serializer):
    """An edit (PATCH) may send the `version` it read: if someone saved the occasion
    since, the answer is 409 and nothing changes."""

    name = serializers.CharField(max_length=max_length(Occasion, "name"))
    kind = EnumField(OccasionKind.choices, "AwardOccasionKind")
    held_on = serializers.DateField()
    unit = UnitCodeField(help_text="Code of the organising unit on the day it is held.")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    version = api_version_field()

    def validate(self, attrs):
        on = attrs.get("held_on") or (self.instance.held_on if self.instance else None)
        if "unit" in attrs:
            attrs["unit"] = resolve_unit("unit", attrs["unit"], on or geo_queries.today())
            if attrs["unit"] is None:
                raise serializers.ValidationError({"unit": [_("This field is required.")]})
        return attrs


class AchievementSerializer(serializers.Serializer):
    description = serializers.CharField(read_only=True)
    record_type = serializers.SerializerMethodField()
    record_id = serializers.IntegerField(source="object_id", read_only=True, allow_null=True)

    def get_record_type(self, obj) -> str | None:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}" if ct else None


class NominationSerializer(serializers.ModelSerializer):
    occasion = serializers.PrimaryKeyRelatedField(read_only=True)
    form = serializers.SlugRelatedField(slug_field="code", read_only=True)
    authority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recipient_kind = EnumField(RecipientKind.choices, "AwardRecipientKind")
    collective_kind = EnumField(CollectiveKind.choices, "AwardCollectiveKind", allow_blank=True)
    status = EnumField(NominationStatus.choices, "AwardNominationStatus")
    recipient = serializers.SerializerMethodField()
    unit = UnitRefSerializer()
    achievements = AchievementSerializer(many=True, read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "occasion",
            "form",
            "authority",
            "recipient_kind",
            "collective_kind",
            "recipient",
            "unit",
            "period_start",
            "period_end",
            "summary",
            "achievements",
            "status",
            "reason",
            "decision_number",
            "decision_date",
            "signer",
        ]

    def get_recipient(self, obj) -> dict:
        field = recipient_field(obj)
        recipient = getattr(obj, field, None)
        key = (
            recipient.code
            if field == "recipient_unit" and recipient
            else getattr(recipient, "pk", None)
        )
        return {"type": field, "id": key, "name": obj.recipient_name}


class AchievementInputSerializer(serializers.Serializer):
    record_type = serializers.ChoiceField(choices=sorted(RECORD_TYPES), required=False)
    record_id = serializers.IntegerField(required=False)
    description = serializers.CharField(
        max_length=max_length(Achievement, "description"), required=False, allow_blank=True
    )

    def validate(self, attrs):
        kind, pk = attrs.get("record_type"), attrs.get("record_id")
        if (kind is None) != (pk is None):
            raise serializers.ValidationError(_("Give both the record type and its id."))
        if kind is None and not attrs.get("description"):
            raise serializers.ValidationError(_("Give a record or a description."))
        if kind is not None:
            user = getattr(self.context.get("request"), "user", None)
            record = RECORD_TYPES[kind](user).filter(pk=pk).first()
            if record is None:
                raise serializers.ValidationError({"record_id": _("No such record.")})
            attrs["record"] = record
        return attrs


def _scoped(fn, model):
    return UserScopedPrimaryKeyField(fn, model, required=False, allow_null=True)


class ProposeSerializer(serializers.Serializer):
    occasion = UserScopedPrimaryKeyField(queries.occasions_for_user, Occasion)
    form = serializers.SlugRelatedField(slug_field="code", queryset=AwardForm.objects.all())
    authority = serializers.SlugRelatedField(slug_field="code", queryset=Authority.objects.all())
    recipient_kind = EnumField(RecipientKind.choices, "AwardRecipientKind")
    collective_kind = EnumField(
        CollectiveKind.choices, "AwardCollectiveKind", required=False, allow_blank=True
    )
    scheme = _scoped(scheme_queries.schemes_for_user, Scheme)
    organization = _scoped(scheme_queries.organizations_for_user, Organization)
    recipient_unit = UnitCodeField(
        required=False,
        allow_blank=True,
        help_text="Code of the unit (a collective of kind 'unit').",
    )
    group = _scoped(scheme_queries.groups_for_user, Group)
    person = _scoped(queries.people_for_user, Person)
    household = _scoped(scheme_queries.households_for_user, Household)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    achievements = AchievementInputSerializer(many=True, required=False)

    def validate(self, attrs):
        code = attrs.pop("recipient_unit", "")
        if code:
            user = getattr(self.context.get("request"), "user", None)
            unit = resolve_unit("recipient_unit", code, geo_queries.today())
            if not restrict(AdminUnit.objects.filter(pk=unit.pk), user, "pk").exists():
                raise serializers.ValidationError(
                    {"recipient_unit": [_("No such unit in your jurisdiction.")]}
                )
            attrs["recipient_unit"] = unit
        return attrs


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecideSerializer(serializers.Serializer):
    awarded = serializers.BooleanField()
    decision_number = serializers.CharField(
        max_length=max_length(Nomination, "decision_number"),
        required=False,
        allow_blank=True,
        default="",
    )
    decision_date = serializers.DateField(required=False, allow_null=True, default=None)
    signer = serializers.CharField(
        max_length=max_length(Nomination, "signer"), required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConferenceRowSerializer(serializers.Serializer):
    nomination = serializers.IntegerField()
    recipient_kind = serializers.CharField()
    recipient = serializers.CharField()
    unit = serializers.CharField()
    achievements = serializers.CharField()
    decision_number = serializers.CharField()
    decision_date = serializers.DateField()


class ConferenceGroupSerializer(serializers.Serializer):
    form = serializers.CharField()
    authority = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    sentence = serializers.CharField()
    rows = ConferenceRowSerializer(many=True)
