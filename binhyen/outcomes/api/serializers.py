"""Serializers of the outcome registers, made from the registers table: one read and one
write serializer per ledger register, the intakes of managed persons (never an
identity in a response: a person is their code), and the figures."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from binhyen.geo import queries as geo_queries
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.schemes import queries as scheme_queries
from binhyen.schemes.api.serializers.common import (
    EnumField,
    UnitCodeField,
    UserScopedPrimaryKeyField,
    resolve_unit,
)
from binhyen.schemes.models import Group, Scheme

from .. import queries
from ..choices import ExitReason, SupervisionKind
from ..models import SupervisionPeriod
from ..registers import LEDGERS, SLUGS, Register


class SchemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scheme
        fields = ["id", "name"]
        ref_name = "OutcomeSchemeRef"


class GroupRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]
        ref_name = "OutcomeGroupRef"


def _enum(register_model, name: str, **kwargs) -> EnumField:
    f = register_model._meta.get_field(name)
    enum = f"{register_model.__name__}{name.title().replace('_', '')}"
    return EnumField(f.choices, enum, allow_blank=f.blank, **kwargs)


def _choice_fields(register: Register, **kwargs) -> dict:
    return {name: _enum(register.model, name, **kwargs) for name in register.choice_fields}


def _unit_on(attrs: dict, date_field: str) -> None:
    """Resolve the unit code on the record's date (400 on `unit` when unknown)."""
    on = attrs.get(date_field) or geo_queries.today()
    attrs["unit"] = resolve_unit("unit", attrs.get("unit"), on)
    if attrs["unit"] is None:
        raise serializers.ValidationError({"unit": [_("This field is required.")]})


class _LedgerRead(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    scheme = SchemeRefSerializer(allow_null=True)


class _LedgerWrite(serializers.ModelSerializer):
    unit = UnitCodeField(help_text="Code of the commune or residential area on the record's date.")
    scheme = UserScopedPrimaryKeyField(
        scheme_queries.schemes_for_user, Scheme, required=False, allow_null=True
    )

    def validate(self, attrs):
        _unit_on(attrs, "date")
        return attrs


def _serializers(register: Register) -> tuple[type, type]:
    base = register.model.__name__
    fields = ["date", "unit", *register.fields, "scheme", "notes"]
    read_meta = type("Meta", (), {"model": register.model, "fields": ["id", "ref", *fields]})
    write_meta = type(
        "Meta",
        (),
        {
            "model": register.model,
            "fields": ["ref", *fields],
            "extra_kwargs": {"ref": {"required": False}, "notes": {"required": False}},
        },
    )
    read = type(
        f"{base}Serializer", (_LedgerRead,), {**_choice_fields(register), "Meta": read_meta}
    )
    write = type(
        f"{base}WriteSerializer",
        (_LedgerWrite,),
        {**_choice_fields(register), "Meta": write_meta},
    )
    return read, write


SERIALIZERS: dict[str, tuple[type, type]] = {slug: _serializers(r) for slug, r in LEDGERS.items()}


class PeriodSerializer(serializers.ModelSerializer):
    """An intake. The person is their code; their identity is never in the API."""

    person = serializers.CharField(source="person.code", read_only=True)
    kind = EnumField(SupervisionKind.choices, "SupervisionKind")
    unit = UnitRefSerializer()
    group = GroupRefSerializer(allow_null=True)
    scheme = SchemeRefSerializer(allow_null=True)
    exit_reason = EnumField(ExitReason.choices, "ExitReason", allow_blank=True)

    class Meta:
        model = SupervisionPeriod
        fields = ["id", "ref", "person", "kind", "intake_on", "unit", "group", "scheme",
                  "exit_on", "exit_reason", "exemplary"]  # fmt: skip


class IntakeWriteSerializer(serializers.Serializer):
    """A new intake: of a person already recorded (`person`, their code), or of the
    person with this identity (found again if already recorded). The identity is
    write-only: it is encrypted and never returned."""

    ref = serializers.CharField(max_length=40, required=False, allow_blank=True)
    person = serializers.CharField(max_length=16, required=False, allow_blank=True)
    full_name = serializers.CharField(max_length=120, required=False, write_only=True)
    birth_year = serializers.IntegerField(
        min_value=1900, max_value=2100, required=False, write_only=True
    )
    id_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, write_only=True
    )
    address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, write_only=True
    )
    kind = EnumField(SupervisionKind.choices, "SupervisionKind")
    intake_on = serializers.DateField()
    unit = UnitCodeField(help_text="Code of the commune or residential area on the intake date.")
    group = UserScopedPrimaryKeyField(
        scheme_queries.groups_for_user, Group, required=False, allow_null=True
    )
    scheme = UserScopedPrimaryKeyField(
        scheme_queries.schemes_for_user, Scheme, required=False, allow_null=True
    )

    def validate(self, attrs):
        _unit_on(attrs, "intake_on")
        code = attrs.pop("person", "")
        if code:
            user = self.context["request"].user
            person = queries.people_for_user(user).filter(code=code).first()
            if person is None:
                raise serializers.ValidationError(
                    {"person": [_("No person you may see has the code %(code)s.") % {"code": code}]}
                )
            attrs["person"] = person
        elif not attrs.get("full_name") or attrs.get("birth_year") is None:
            raise serializers.ValidationError(
                {"full_name": [_("Give the person's code, or their full name and year of birth.")]}
            )
        return attrs


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=3, coerce_to_string=False)
    measure = serializers.CharField()


class TallyRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="Sub-unit code, choice value, or null.")
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=3, coerce_to_string=False)
    records = serializers.IntegerField()
    measure = serializers.CharField()


class TallySerializer(serializers.Serializer):
    register = serializers.CharField()
    label = serializers.CharField()
    total = serializers.DecimalField(max_digits=16, decimal_places=3, coerce_to_string=False)
    total_label = serializers.CharField()
    records = serializers.IntegerField()
    figures = serializers.DictField(child=FigureSerializer())
    by = serializers.CharField()
    additive = serializers.BooleanField()
    rows = TallyRowSerializer(many=True)


BREAKDOWNS = list(queries.BREAKDOWNS.items())


class TotalsQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Code of the unit under the structure of `structure_date`; "
        "absent: everything you may see.",
    )
    structure_date = serializers.DateField(
        required=False, help_text="Date of the administrative structure; today by default."
    )
    by = EnumField(BREAKDOWNS, "OutcomeBreakdown", required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="First day of the period; 1 January of this year by default."
        )
        fields["to"] = serializers.DateField(
            required=False, help_text="Last day of the period; today by default."
        )
        return fields

    def validate(self, attrs):
        today = geo_queries.today()
        attrs["structure_date"] = attrs.get("structure_date") or today
        attrs["unit"] = resolve_unit("unit", attrs.get("unit"), attrs["structure_date"])
        attrs["from"] = attrs.get("from") or today.replace(month=1, day=1)
        attrs["to"] = attrs.get("to") or today
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError(
                {"to": [_("The end of the period is before its start.")]}
            )
        return attrs


class TotalsSerializer(serializers.Serializer):
    structure_date = serializers.DateField()
    unit = UnitRefSerializer(allow_null=True)
    start = serializers.DateField(source="from")
    end = serializers.DateField(source="to")
    registers = serializers.DictField(child=TallySerializer(), help_text=", ".join(SLUGS))
