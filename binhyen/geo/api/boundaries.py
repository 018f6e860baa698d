"""Public, read-only API of unit boundaries as GeoJSON, for the maps.

Boundaries are public geography, like the units API (PUBLIC, open to anyone): they come
from published sources and reveal nothing about records. What a map shades comes with
the page that shows it, scoped there. Responses carry an ETag and Cache-Control, so a
map reloaded by htmx or a second visit costs a 304.
"""

from __future__ import annotations

from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from binhyen.accounts.scoping import PUBLIC

from .. import queries
from ..boundaries import select_units
from ..choices import LEVELS
from .views import ON_PARAM, parse_on

CACHE_SECONDS = 600


class BoundaryView(APIView):
    """GeoJSON FeatureCollection of the boundaries of units in force on a date (units
    without a boundary are left out). Properties: code, name (on the date), level."""

    scoping = PUBLIC
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["geo"],
        parameters=[
            ON_PARAM,
            OpenApiParameter(
                "within",
                OpenApiTypes.STR,
                description="Code of a unit on the date; without it, the provinces.",
            ),
            OpenApiParameter(
                "level",
                OpenApiTypes.STR,
                enum=[str(level) for level in LEVELS],
                description="Level of the units under `within` (all levels below it); "
                "without it, the children of `within`.",
            ),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            404: OpenApiResponse(description="No unit bears the code `within` on the date."),
        },
    )
    def get(self, request):
        on = parse_on(request)
        level = request.query_params.get("level") or None
        if level is not None and level not in LEVELS:
            raise ValidationError(
                {"level": _("Choose one of: %(levels)s.") % {"levels": ", ".join(LEVELS)}}
            )
        code = request.query_params.get("within") or None
        if code is None and level not in (None, "province"):
            # the whole country's communes is hundreds of megabytes: ask within a unit
            raise ValidationError(
                {"within": _("Give a unit code to get boundaries below the provinces.")}
            )
        within = None
        if code:
            version = queries.unit_by_code(code, on)
            if version is None:
                raise NotFound(
                    _("No unit bears code %(code)s on %(date)s.") % {"code": code, "date": on}
                )
            within = version.unit
        selection = select_units(within, level, on)
        etag = '"' + selection.fingerprint(f"{on}|{code}|{level}") + '"'
        if etag in _etags(request.headers.get("If-None-Match", "")):
            response = Response(status=304)
        else:
            response = Response(selection.feature_collection())
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


# Included by binhyen/api/urls.py: path("v1/", include("binhyen.geo.api.boundaries"))
urlpatterns = [path("boundaries/", BoundaryView.as_view(), name="api-boundaries")]
