"""Pieces shared by the API serializers: unit codes resolved on a date, references to
records the user may see, and choice fields shown as named enums in the schema."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from binhyen.geo import queries as geo_queries


def resolve_unit(field: str, code: str | None, on: dt.date, level: str | None = None):
    """The unit bearing `code` on `on` (None for an empty code), or a 400 on `field`."""
    code = (code or "").strip()
    if not code:
        return None
    version = geo_queries.unit_by_code(code, on, level=level)
    if version is None:
        raise serializers.ValidationError(
            {
                field: _("No unit bears code %(code)s on %(date)s.")
                % {"code": code, "date": on.strftime("%d/%m/%Y")}
            }
        )
    return version.unit


def date_of(attrs: dict, instance, name: str) -> dt.date:
    """The record's date: as sent, else as stored, else today."""
    value = attrs.get(name) or (getattr(instance, name, None) if instance else None)
    return value or geo_queries.today()


class EnumField(serializers.ChoiceField):
    """A choice field that the schema shows as a named enum (`<enum_name>Enum`), so the
    many fields called `kind`, `status` or `role` across apps never clash."""

    def __init__(self, choices, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices=choices, **kwargs)


class EnumFieldSchema(OpenApiSerializerFieldExtension):
    """The named enum; a field that also takes "" or null (allow_blank, allow_null) is
    one of the enum, `BlankEnum`, `NullEnum`, as drf-spectacular shows its own choice
    fields (the enum is shared by fields that differ there)."""

    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction):
        field: EnumField = self.target
        enum = _component(
            auto_schema,
            f"{field.enum_name}Enum",
            {
                "type": "string",
                "enum": list(field.choices),
                "description": "\n".join(f"* `{k}` - {v}" for k, v in field.choices.items()),
            },
        )
        variants = [enum]
        if field.allow_blank and "" not in field.choices:
            variants.append(_component(auto_schema, "BlankEnum", {"enum": [""]}))
        if field.allow_null:
            variants.append(_component(auto_schema, "NullEnum", {"enum": [None]}))
        return enum if len(variants) == 1 else {"oneOf": variants}


def _component(auto_schema, name: str, schema: dict) -> dict:
    component = ResolvedComponent(
        name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
    )
    auto_schema.registry.register_on_missing(component)
    return component.ref


class UnitCodeField(serializers.CharField):
    """A unit code in input; resolved in the serializer's `validate` on the record's date."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class UserScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A reference by id to a record the requesting user may see (others: 'not found')."""

    def __init__(self, scoped, model, **kwargs):
        self.scoped = scoped
        super().__init__(queryset=model.objects.all(), **kwargs)  # the model, for the schema

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.scoped(user)
