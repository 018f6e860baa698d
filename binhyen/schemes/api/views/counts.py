"""Counts of points and of the self-management structure for a unit under the structure of
a date."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries
from binhyen.schemes.models import Label, SchemeType

from ..serializers import counts as s
from .base import RegistryView


def _row_keys(by: str, rows) -> dict:
    """Public keys of count rows: codes rather than internal ids."""
    ids = [r.key for r in rows if isinstance(r.key, int)]
    model = {"type": SchemeType, "label": Label, "unit": AdminUnit}.get(by)
    if model is None or not ids:
        return {}
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "code"))


MEASURE_QUERIES = {
    "established": queries.schemes_established,
    "dissolved": queries.schemes_dissolved,
}


class SchemeCountView(RegistryView, APIView):
    """Counts of scheme points within your jurisdiction, for a unit under the structure
    of a date: active on a date, or established or dissolved during a period, broken
    down by type, label (rows overlap), host kind or sub-unit (with an unallocated row
    for points that cannot be placed)."""

    @extend_schema(parameters=[s.SchemeCountsQuerySerializer], responses=s.SchemeCountsSerializer)
    def get(self, request):
        params = s.SchemeCountsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        scope = queries.Scope(p["unit"], p["structure_date"], user=request.user)
        filters = {"scheme_type": p["scheme_type"]} if p.get("scheme_type") else {}
        by = p.get("by") or None
        if p["measure"] == "active":
            counts = queries.schemes_active(scope, p["on"], by, **filters)
        else:
            counts = MEASURE_QUERIES[p["measure"]](scope, p["from"], p["to"], by, **filters)
        keys = _row_keys(counts.by, counts.rows)
        data = {
            "structure_date": p["structure_date"],
            "unit": p["unit"],
            "measure": p["measure"],
            "on": p.get("on"),
            "from": p.get("from"),
            "to": p.get("to"),
            "by": counts.by,
            "total": counts.total,
            "overlapping": counts.overlapping,
            "rows": [
                {"key": keys.get(r.key, r.key), "label": str(r.label), "count": r.count}
                for r in counts.rows
            ],
        }
        return Response(s.SchemeCountsSerializer(data).data)


class StructureCountView(RegistryView, APIView):
    """The self-management structure in force on a date within your jurisdiction:
    committees, boards, groups, households (each counted once), members, security teams."""

    @extend_schema(parameters=[s.StructureQuerySerializer], responses=s.StructureCountsSerializer)
    def get(self, request):
        params = s.StructureQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        on = p.get("on") or geo_queries.today()
        counts = queries.structure_on(
            queries.Scope(p["unit"], p["structure_date"], user=request.user), on
        )
        data = {**vars(counts), "structure_date": p["structure_date"], "unit": p["unit"]}
        return Response(s.StructureCountsSerializer(data).data)
