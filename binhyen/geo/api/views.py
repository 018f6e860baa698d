"""Public, read-only API of administrative units on a date (units are public data)."""

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from binhyen.accounts.scoping import PUBLIC

from .. import queries
from ..filtersets import UnitVersionFilterSet
from .serializers import UnitDetailSerializer, UnitVersionSerializer

ON_PARAM = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    description="Date of the structure (YYYY-MM-DD); today by default.",
)


def parse_on(request) -> dt.date:
    raw = request.query_params.get("on")
    if not raw:
        return queries.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({"on": _("Enter a date as YYYY-MM-DD.")}) from exc


class UnitListView(generics.ListAPIView):
    scoping = PUBLIC
    permission_classes = [AllowAny]
    serializer_class = UnitVersionSerializer
    filterset_class = UnitVersionFilterSet

    def get_queryset(self):
        on = parse_on(self.request)
        return (
            queries.versions_on(on).select_related("parent").order_by("unit__level", "unit__code")
        )

    @extend_schema(parameters=[ON_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitDetailView(generics.GenericAPIView):
    scoping = PUBLIC
    permission_classes = [AllowAny]
    serializer_class = UnitDetailSerializer

    @extend_schema(parameters=[ON_PARAM], responses=UnitDetailSerializer)
    def get(self, request, code: str):
        on = parse_on(request)
        version = queries.unit_by_code(code, on)
        if version is None:
            raise NotFound(
                _("No unit bears code %(code)s on %(date)s.") % {"code": code, "date": on}
            )
        data = {
            "on": on,
            "unit": version,
            "ancestors": queries.ancestors(version.unit, on),
            "predecessors": queries.predecessors(version.unit),
            "successors": queries.successors(version.unit),
        }
        return Response(UnitDetailSerializer(data).data)
