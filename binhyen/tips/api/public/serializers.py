"""Serializers of the public tip API, named after Open311 GeoReport v2 where it fits
(service_code, service_request_id, token, status, requested/updated_datetime)."""

from __future__ import annotations

from rest_framework import serializers

from binhyen.schemes.api.serializers.common import EnumField

from ...choices import Author, Category
from ...services.files import MAX_FILES
from ...services.public import MAX_MESSAGE
from ...views.public import PublicStatus

OPEN311_STATUS = {"open": "open", "closed": "closed"}


class Open311ServiceSerializer(serializers.Serializer):
    service_code = EnumField(Category.choices, "ServiceCode")
    service_name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.BooleanField(help_text="Always false: no extra attributes.")
    type = EnumField({"realtime": "realtime"}, "Open311ServiceType")
    keywords = serializers.CharField(help_text="Comma-separated keywords.")
    group = serializers.CharField()


class Open311RequestCreateSerializer(serializers.Serializer):
    service_code = EnumField(Category.choices, "ServiceCode")
    description = serializers.CharField(max_length=20000)
    unit_code = serializers.CharField(
        max_length=20,
        help_text=(
            "Extension: the code of the commune (or of its residential area) where it "
            "happens, among the units in force today (see /api/v1/units/)."
        ),
    )
    # bounded: a huge value (1e84) made rounding to six places fail (500)
    lat = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=-90,
        max_value=90,
        help_text="Latitude (WGS84), with `long`.",
    )
    long = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=-180,
        max_value=180,
        help_text="Longitude (WGS84), with `lat`.",
    )
    address_string = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="The place in words; added to the description for the officers.",
    )
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=200)
    media = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_FILES,
        help_text=(
            f"Up to {MAX_FILES} photos (JPEG, PNG, WebP), multipart only. Their metadata "
            "(location, device) is removed before storage."
        ),
    )


class Open311RequestCreatedSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(help_text="The tip code.")
    token = serializers.CharField(
        help_text=(
            "The passphrase of the tip, returned this once only (only a hash is kept). "
            "With service_request_id it opens the tip's status and messages."
        )
    )
    service_notice = serializers.CharField()


class Open311RequestKeySerializer(serializers.Serializer):
    service_request_id = serializers.CharField(max_length=60, help_text="The tip code.")
    token = serializers.CharField(max_length=60, help_text="The tip's passphrase.")


class Open311MessageCreateSerializer(Open311RequestKeySerializer):
    body = serializers.CharField(max_length=MAX_MESSAGE)


class Open311MessageSerializer(serializers.Serializer):
    """A message about the tip, from the resident or from the police (officers are never
    named)."""

    # `from` is a Python keyword: the field gets that name in get_fields

    body = serializers.CharField()
    sent_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        author = EnumField(Author.choices, "MessageAuthor", source="author")
        return {"from": author, **fields}


class Open311RequestStatusSerializer(serializers.Serializer):
    service_request_id = serializers.CharField(help_text="The tip code.")
    status = EnumField(OPEN311_STATUS, "Open311Status", help_text="Open311: open or closed.")
    status_detail = EnumField(
        dict(PublicStatus.choices),
        "PublicTipStatus",
        help_text="Extension: the status as residents are told it.",
    )
    status_notes = serializers.CharField(help_text="The status in plain words.")
    service_code = EnumField(Category.choices, "ServiceCode")
    service_name = serializers.CharField()
    description = serializers.CharField()
    requested_datetime = serializers.DateTimeField()
    updated_datetime = serializers.DateTimeField()
    messages = Open311MessageSerializer(
        many=True, help_text="Extension: the conversation with the police, oldest first."
    )
