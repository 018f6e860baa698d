"""Serializers of the officers' tips and cases API.

No serializer here carries the informant's identity in a response: the write serializer
of a tip takes it (write-only) and hands it to the service, which encrypts it; only
`InformantSerializer`, used by the reveal endpoint alone, shows it back.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from binhyen.accounts.models import User
from binhyen.geo import queries as geo_queries
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.geo.choices import Level
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.api.serializers.common import (
    EnumField,
    UnitCodeField,
    UserScopedPrimaryKeyField,
    date_of,
    resolve_unit,
)
from binhyen.schemes.api.serializers.counts import (
    CountRowSerializer,
    UnitCountRefSerializer,
    _PeriodFields,
)
from binhyen.schemes.api.serializers.structure import SchemeRefSerializer
from binhyen.schemes.models import Scheme

from ... import queries
from ...choices import Assessment, Author, Category, Channel, EventKind, Status
from ...models import Case, SeizedItem, Suspect, Tip, TipAttachment, TipEvent, TipMessage

ASSESSMENTS = [("", gettext_lazy("Not assessed")), *Assessment.choices]


def _category() -> EnumField:
    return EnumField(Category.choices, "TipCategory")


# ---- tips ------------------------------------------------------------------------------------


class TipListSerializer(serializers.ModelSerializer):
    """A tip as lists show it: what, where, where it stands. Never who told it."""

    channel = EnumField(Channel.choices, "TipChannel")
    category = _category()
    unit = UnitRefSerializer()
    handling_unit = UnitRefSerializer()
    referred_to = UnitRefSerializer(allow_null=True)
    status = EnumField(Status.choices, "TipStatus")
    assessment = EnumField(ASSESSMENTS, "TipAssessment")
    scheme = SchemeRefSerializer(allow_null=True)

    class Meta:
        model = Tip
        fields = [
            "id",
            "code",
            "received_at",
            "channel",
            "category",
            "unit",
            "handling_unit",
            "status",
            "assessment",
            "referred_to",
            "scheme",
            "duplicate_of",
            "is_public",
            "updated_at",
            "version",
        ]


class TipEventSerializer(serializers.ModelSerializer):
    kind = EnumField(EventKind.choices, "TipEventKind")
    status = EnumField([("", "-"), *Status.choices], "TipEventStatus")
    unit = serializers.CharField(source="unit.code", default=None, allow_null=True)
    by = serializers.CharField(source="by.username", default=None, allow_null=True)

    class Meta:
        model = TipEvent
        fields = ["at", "kind", "status", "reason", "unit", "by"]


class TipAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipAttachment
        fields = ["id", "name", "content_type", "size", "uploaded_at"]


class TipMessageSerializer(serializers.ModelSerializer):
    """A message of a public tip. The resident's messages carry no author beyond
    'resident'; the officer's carry the officer's username."""

    author = EnumField(Author.choices, "TipMessageAuthor")
    officer = serializers.CharField(source="officer.username", default=None, allow_null=True)

    class Meta:
        model = TipMessage
        fields = ["id", "author", "officer", "body", "sent_at"]


class CaseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "number", "solved"]


class TipDetailSerializer(TipListSerializer):
    """A tip with its timeline, attachments, messages and links. `is_anonymous` is false
    when an informant was recorded (never who); `can_reveal` tells whether the requesting
    user may reveal the informant (POST …/reveal/)."""

    officers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    duplicates = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    cases = serializers.SerializerMethodField()
    events = TipEventSerializer(many=True)
    attachments = TipAttachmentSerializer(many=True)
    messages = TipMessageSerializer(many=True)
    can_reveal = serializers.SerializerMethodField()

    class Meta(TipListSerializer.Meta):
        fields = [
            *TipListSerializer.Meta.fields,
            "description",
            "latitude",
            "longitude",
            "is_anonymous",
            "officers",
            "duplicates",
            "cases",
            "events",
            "attachments",
            "messages",
            "can_reveal",
        ]

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, tip: Tip) -> list[dict]:
        user = self.context["request"].user
        visible = queries.cases_for_user(user).filter(tips=tip).order_by("opened_on", "pk")
        return CaseRefSerializer(visible, many=True).data

    def get_can_reveal(self, tip: Tip) -> bool:
        from ... import services

        return services.can_reveal(self.context["request"].user, tip)


class TipWriteSerializer(serializers.Serializer):
    """A tip recorded by an officer. `unit` is the code of the commune or residential area
    concerned, in force on the date received; the commune of that place handles it. The
    informant fields are optional (none: anonymous); they are encrypted at once and no
    answer ever carries them back."""

    received_at = serializers.DateTimeField()
    channel = EnumField(Channel.choices, "TipChannel")
    category = _category()
    unit = UnitCodeField()
    description = serializers.CharField(max_length=20000)
    scheme = UserScopedPrimaryKeyField(
        scheme_queries.schemes_for_user,
        Scheme,
        required=False,
        allow_null=True,
        help_text="Id of the scheme point the tip came through.",
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    informant_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", write_only=True
    )
    informant_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", write_only=True
    )
    informant_id_number = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", write_only=True
    )
    informant_address = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", write_only=True
    )

    def validate(self, attrs):
        on = timezone.localdate(attrs["received_at"])
        attrs["unit"] = resolve_unit("unit", attrs["unit"], on)
        if attrs["unit"] is None:
            raise serializers.ValidationError({"unit": _("This field is required.")})
        return attrs


class StatusWriteSerializer(serializers.Serializer):
    """Move the tip along its workflow: received → verifying → actionable or not
    actionable → closed (a tip judged not actionable may be verified again). The reason
    is required. `version`, if sent, must be the version read (else 409)."""

    status = EnumField(
        [(s.value, s.label) for s in Status if s != Status.REFERRED], "TipStatusChange"
    )
    reason = serializers.CharField(max_length=4000)
    version = serializers.IntegerField(required=False, min_value=1)


class ReferWriteSerializer(serializers.Serializer):
    """Refer the tip to another province or commune (code in force today), with the
    reason; it waits there until that unit acknowledges it."""

    to_unit = UnitCodeField()
    reason = serializers.CharField(max_length=4000)

    def validate(self, attrs):
        attrs["to_unit"] = resolve_unit("to_unit", attrs["to_unit"], geo_queries.today())
        if attrs["to_unit"] is None:
            raise serializers.ValidationError({"to_unit": _("This field is required.")})
        return attrs


class AcknowledgeWriteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class DuplicateWriteSerializer(serializers.Serializer):
    original = UserScopedPrimaryKeyField(
        queries.tips_for_user, Tip, help_text="Id of the tip this one repeats."
    )
    reason = serializers.CharField(max_length=4000)


class OfficerWriteSerializer(serializers.Serializer):
    officer = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text="Username of an officer serving the handling unit.",
    )


class RevealWriteSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why you need the identity (kept in the access log)."
    )


class InformantSerializer(serializers.Serializer):
    """The informant's identity: the answer of the reveal endpoint only."""

    tip = serializers.IntegerField()
    full_name = serializers.CharField(allow_blank=True)
    contact = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)


class ReplyWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


# ---- cases -----------------------------------------------------------------------------------


class CaseListSerializer(serializers.ModelSerializer):
    category = _category()
    unit = UnitRefSerializer()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "category",
            "unit",
            "opened_on",
            "closed_on",
            "solved",
            "version",
        ]


class TipRefSerializer(serializers.ModelSerializer):
    category = _category()
    status = EnumField(Status.choices, "TipStatus")

    class Meta:
        model = Tip
        fields = ["id", "code", "received_at", "category", "status"]


class SuspectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suspect
        fields = ["id", "full_name", "birth_year", "arrested_on"]


class SeizedItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SeizedItem
        fields = ["id", "description", "quantity", "measure"]


class CaseDetailSerializer(CaseListSerializer):
    """A case with the tips that led to it (those you may see), suspects and seized items."""

    tips = serializers.SerializerMethodField()
    suspects = SuspectSerializer(many=True)
    seized_items = SeizedItemSerializer(many=True)

    class Meta(CaseListSerializer.Meta):
        fields = [*CaseListSerializer.Meta.fields, "summary", "tips", "suspects", "seized_items"]

    @extend_schema_field(TipRefSerializer(many=True))
    def get_tips(self, case: Case) -> list[dict]:
        user = self.context["request"].user
        visible = queries.tips_for_user(user).filter(cases=case).order_by("received_at", "pk")
        return TipRefSerializer(visible, many=True).data


class CaseWriteSerializer(serializers.Serializer):
    """A case's particulars. `unit` is the code of the province or commune handling it,
    in force on `opened_on`; `tips` the ids of the tips that led to it (the whole list).
    An edit (PATCH) sends the `version` it read: if someone saved the case since, the
    answer is 409 and nothing changes."""

    number = serializers.CharField(max_length=60)
    category = _category()
    unit = UnitCodeField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(required=False, allow_null=True)
    solved = serializers.BooleanField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    tips = UserScopedPrimaryKeyField(queries.tips_for_user, Tip, many=True, required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Required on edit: the version read."
    )

    def validate(self, attrs):
        instance: Case | None = self.instance
        if instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("This field is required.")})
        if "unit" in attrs:
            on = date_of(attrs, instance, "opened_on")
            unit = resolve_unit("unit", attrs["unit"], on)
            if unit is None:
                raise serializers.ValidationError({"unit": _("This field is required.")})
            if unit.level not in (Level.PROVINCE, Level.COMMUNE):
                raise serializers.ValidationError(
                    {"unit": _("A case is handled by a province or a commune.")}
                )
            attrs["unit"] = unit
        return attrs


class SuspectWriteSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=120)
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1900, max_value=2100
    )
    arrested_on = serializers.DateField(required=False, allow_null=True)


class SeizedItemWriteSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3)
    measure = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


# ---- figures ---------------------------------------------------------------------------------

TIP_BREAKDOWNS = [
    ("channel", gettext_lazy("by channel")),
    ("category", gettext_lazy("by category")),
    ("unit", gettext_lazy("by unit")),
]


class TipFiguresQuerySerializer(_PeriodFields, serializers.Serializer):
    """Tips received from `from` to `to` (both days included) in a unit under the
    structure of `structure_date`, within your jurisdiction, broken down by channel,
    category or sub-unit; with the case figures of the same period."""

    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Code of the unit under the structure of `structure_date`; "
        "absent: everything you may see.",
    )
    structure_date = serializers.DateField(
        required=False, help_text="Date of the administrative structure; today by default."
    )
    by = EnumField(TIP_BREAKDOWNS, "TipFiguresBreakdown", required=False)

    def validate(self, attrs):
        attrs["structure_date"] = attrs.get("structure_date") or geo_queries.today()
        attrs["unit"] = resolve_unit("unit", attrs.get("unit"), attrs["structure_date"])
        for name in ("from", "to"):
            if not attrs.get(name):
                raise serializers.ValidationError({name: _("This field is required.")})
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": _("The period ends before it starts.")})
        return attrs


class TipCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    rows = CountRowSerializer(many=True)


class TipFiguresSerializer(_PeriodFields, serializers.Serializer):
    structure_date = serializers.DateField()
    unit = UnitCountRefSerializer(allow_null=True)
    by = serializers.CharField(allow_blank=True)
    tips_received = TipCountsSerializer()
    actionable_tips = TipCountsSerializer(
        help_text="Tips received in the period and judged actionable: a subset of "
        "tips_received, row by row."
    )
    cases_solved = serializers.IntegerField(help_text="Cases closed solved in the period.")
    suspects_arrested = serializers.IntegerField(help_text="Suspects arrested in the period.")
    tips_leading_to_solved_cases = serializers.IntegerField(
        help_text="Tips received in the period that led to a case solved (by now)."
    )
