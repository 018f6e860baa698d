"""The public tip API (Open311 GeoReport v2 where it fits), open to anyone: no account,
no session, no CSRF. A resident's app sends a tip, gets the tip code
(`service_request_id`) and its passphrase (`token`, returned once), and with both reads
the status and the messages and writes to the police. Secrets travel in POST bodies
only, never in an address. Writes keep no address or account in the audit log; tries
are rate-limited with the same counters as the pages (cache only)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from binhyen.accounts.scoping import PUBLIC
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.schemes.api.views.base import api_exception

from ... import services
from ...choices import Category, Status
from ...models import Tip
from ...services.tips import InformantData
from ...views import public as channel
from . import serializers as s

TAGS = ["public tips (Open311)"]
# service keys → the names of this API's fields
FIELD_NAMES = {
    "unit": "unit_code",
    "latitude": "lat",
    "longitude": "long",
    "attachments": "media",
    "category": "service_code",
}

DESCRIPTIONS = {
    Category.DRUGS: gettext_lazy("Using, dealing in or keeping illegal drugs."),
    Category.THEFT: gettext_lazy("Theft, burglary, robbery, snatching."),
    Category.GAMBLING: gettext_lazy("Gambling, betting, illegal lotteries."),
    Category.HUMAN_TRAFFICKING: gettext_lazy(
        "Trafficking in people, forced labour, selling children."
    ),
    Category.ILLEGAL_RESIDENCE: gettext_lazy(
        "People living somewhere without declaring their residence."
    ),
    Category.ILLEGAL_BORDER_CROSSING: gettext_lazy(
        "Leaving or entering the country illegally, or helping others to."
    ),
    Category.WEAPONS: gettext_lazy("Weapons, explosives or firecrackers held illegally."),
    Category.FRAUD: gettext_lazy("Swindling and fraud, including by phone and online."),
    Category.PUBLIC_DISORDER: gettext_lazy("Fights, disturbances, street racing."),
    Category.SOCIAL_EVILS: gettext_lazy("Prostitution and other social evils."),
    Category.OTHER: gettext_lazy("Anything else the police should know about."),
}
GROUP = gettext_lazy("Security and order")
NOTICE = gettext_lazy(
    "Keep the tip code (service_request_id) and the passphrase (token): they are shown "
    "only this once and cannot be recovered. With both you can follow the tip and talk "
    "with the police."
)


def _key_errors(exc: DjangoValidationError) -> DRFValidationError:
    """A service's refusal keyed by this API's field names."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return DRFValidationError({FIELD_NAMES.get(k, k): v for k, v in errors.items()})


def _six_places(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


class PublicAPIView(APIView):
    """Anyone may call these endpoints: no authentication (hence no session, no CSRF),
    responses never cached."""

    scoping = PUBLIC
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def handle_exception(self, exc):
        return super().handle_exception(api_exception(exc))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def refuse_when_exhausted(self, limit: channel.Limit, value: str, message) -> None:
        if channel.exhausted(self.request, limit, value):
            raise Throttled(detail=str(message))

    def open_tip(self, data: dict) -> Tip:
        """The tip of a code and token, rate-limited like the check page."""
        address = channel.address_of(self.request)
        self.refuse_when_exhausted(channel.TRY_ADDRESS, address, channel.TOO_MANY_TRIES)
        code = channel.code_key(data["service_request_id"])
        self.refuse_when_exhausted(channel.TRY_CODE, code, channel.TOO_MANY_TRIES)
        tip = services.open_public_tip(code, data["token"])
        if tip is None:
            channel.spend(self.request, channel.TRY_ADDRESS, address)
            channel.spend(self.request, channel.TRY_CODE, code)
            raise NotFound(str(channel.WRONG_CODE))
        return tip


def status_of(tip: Tip) -> dict:
    shown = channel.public_status(tip)
    return {
        "service_request_id": tip.code,
        "status": "closed" if tip.status == Status.CLOSED else "open",
        "status_detail": shown.value,
        "status_notes": str(shown.label),
        "service_code": tip.category,
        "service_name": tip.get_category_display(),
        "description": tip.description,
        "requested_datetime": tip.received_at,
        "updated_datetime": channel.last_update(tip),
        "messages": list(tip.messages.order_by("sent_at", "pk")),
    }


REFUSED = {
    400: OpenApiResponse(description="Invalid input, keyed by field."),
    429: OpenApiResponse(description="Too many requests from this address (or for this tip)."),
}
WRONG = {
    404: OpenApiResponse(description="No tip with this code and token (which is not said)."),
}


class ServiceListView(PublicAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="open311_services_list",
        summary="Kinds of tips (Open311 services)",
        responses=s.Open311ServiceSerializer(many=True),
    )
    def get(self, request):
        rows = [
            {
                "service_code": code,
                "service_name": str(label),
                "description": str(DESCRIPTIONS[code]),
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": str(GROUP),
            }
            for code, label in Category.choices
        ]
        return Response(s.Open311ServiceSerializer(rows, many=True).data)


class RequestCreateView(PublicAPIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="open311_requests_create",
        summary="Send a tip (Open311 service request)",
        description=(
            "No account needed. Give the place as `unit_code` (a commune or residential "
            "area in force today), optionally `lat`/`long`. Contact fields are optional: "
            "without them the tip is anonymous; with them they are stored encrypted. "
            "Photos go as multipart `media` files (`media_url` is not accepted). The "
            "response carries the tip code (`service_request_id`) and its passphrase "
            "(`token`): the passphrase is returned this once only."
        ),
        request=s.Open311RequestCreateSerializer,
        responses={201: s.Open311RequestCreatedSerializer(many=True), **REFUSED},
    )
    def post(self, request):
        address = channel.address_of(request)
        self.refuse_when_exhausted(channel.SUBMIT, address, channel.TOO_MANY_TIPS)
        serializer = s.Open311RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        description = data["description"].strip()
        if data.get("address_string", "").strip():
            description += "\n\n" + _("Place described: %(place)s") % {
                "place": data["address_string"].strip()
            }
        name = " ".join(x.strip() for x in (data.get("first_name", ""), data.get("last_name", "")))
        contact = "; ".join(x.strip() for x in (data.get("phone", ""), data.get("email", "")) if x)
        informant = InformantData(full_name=name.strip(), contact=contact)
        try:
            with channel.public_audit():
                receipt = services.submit_public_tip(
                    category=data["service_code"],
                    unit=self._unit(data["unit_code"]),
                    description=description,
                    latitude=_six_places(data.get("lat")),
                    longitude=_six_places(data.get("long")),
                    contact=informant or None,
                    photos=data.get("media", []),
                )
        except DjangoValidationError as exc:
            raise _key_errors(exc) from exc
        channel.spend(request, channel.SUBMIT, address)
        body = {
            "service_request_id": receipt.code,
            "token": receipt.passphrase,
            "service_notice": str(NOTICE),
        }
        return Response(
            s.Open311RequestCreatedSerializer([body], many=True).data,
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _unit(code: str):
        on = geo_queries.today()
        for level in (Level.COMMUNE, Level.RESIDENTIAL_AREA):
            version = geo_queries.unit_by_code(code.strip(), on, level)
            if version is not None:
                return version.unit
        raise DRFValidationError(
            {"unit_code": [_("No commune or residential area bears this code today.")]}
        )


class RequestStatusView(PublicAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="open311_requests_status",
        summary="Status and messages of a tip",
        description=(
            "The code and token go in the body (POST), never in the address: this replaces "
            "Open311's GET /requests/{id}, which would put the secret in logs."
        ),
        request=s.Open311RequestKeySerializer,
        responses={200: s.Open311RequestStatusSerializer, **REFUSED, **WRONG},
    )
    def post(self, request):
        serializer = s.Open311RequestKeySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = self.open_tip(serializer.validated_data)
        return Response(s.Open311RequestStatusSerializer(status_of(tip)).data)


class RequestMessageView(PublicAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="open311_requests_message",
        summary="Write to the police about a tip",
        description="Adds the resident's message; returns the status with the messages.",
        request=s.Open311MessageCreateSerializer,
        responses={201: s.Open311RequestStatusSerializer, **REFUSED, **WRONG},
    )
    def post(self, request):
        address = channel.address_of(request)
        self.refuse_when_exhausted(channel.MESSAGE, address, channel.TOO_MANY_MESSAGES)
        serializer = s.Open311MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = self.open_tip(serializer.validated_data)
        try:
            with channel.public_audit():
                services.resident_message(tip, serializer.validated_data["body"])
        except DjangoValidationError as exc:
            raise _key_errors(exc) from exc
        channel.spend(request, channel.MESSAGE, address)
        return Response(
            s.Open311RequestStatusSerializer(status_of(tip)).data, status=status.HTTP_201_CREATED
        )
