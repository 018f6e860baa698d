"""The API of reported figures: `ReportedFigureViewSet` (list filtered and scoped to your
jurisdiction, read, record — an upsert on indicator, unit, period and breakdown —,
correct, delete; every write through the services, refusals as 400 keyed by field) and
`IndicatorViewSet`, the catalogue. `register(router)` adds both to the API router."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from binhyen.core.stale import api_version_field
from binhyen.geo.api.serializers import UnitRefSerializer
from binhyen.schemes.api.serializers.common import (
    EnumField,
    UnitCodeField,
    date_of,
    resolve_unit,
)
from binhyen.schemes.api.views.base import STALE, RegistryView, created, require
from binhyen.schemes.permissions import can_write_anywhere, can_write_unit

from .. import indicators, services
from ..choices import Qualifier
from ..filtersets import FigureFilterSet
from ..models import ReportedFigure
from ..services.figures import FIELDS

TAGS = ["reports"]

# ---- serializers -------------------------------------------------------------------------


class ReportedFigureSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()
    indicator_label = serializers.SerializerMethodField()
    qualifier = EnumField(Qualifier.choices, "FigureQualifier")
    value = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = ReportedFigure
        fields = ["id", "indicator_label", *FIELDS, "created_at", "updated_at", "version"]

    def get_indicator_label(self, figure) -> str:
        indicator = indicators.get(figure.indicator)
        return str(indicator.label) if indicator else ""


class ReportedFigureWriteSerializer(serializers.ModelSerializer):
    """The unit is its code, resolved on the period's end. Everything else is checked by
    the service (indicator of the catalogue, breakdown, value, period, jurisdiction). A
    correction (PUT, PATCH) may send the `version` it read: if someone saved the figure
    since, the answer is 409 and nothing changes."""

    indicator = serializers.CharField(max_length=60)
    unit = UnitCodeField(help_text="Code of the unit on the period's end (e.g. 40: Nghệ An).")
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, coerce_to_string=False
    )
    qualifier = EnumField(Qualifier.choices, "FigureQualifier", required=False)
    breakdown = serializers.CharField(max_length=120, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    version = api_version_field()

    class Meta:
        model = ReportedFigure
        fields = [*FIELDS, "version"]
        validators = []  # the natural key is an upsert, not a refusal

    def validate(self, attrs):
        if "unit" in attrs:
            on = date_of(attrs, self.instance, "period_end")
            attrs["unit"] = resolve_unit("unit", attrs["unit"], on)
            if attrs["unit"] is None:
                raise serializers.ValidationError({"unit": ["This field is required."]})
        return attrs


class DimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    partition = serializers.BooleanField(help_text="The parts add up to the total.")
    recorded = serializers.BooleanField(
        help_text="Records carry it; false: only reported figures do (e.g. area)."
    )


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    section = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=[(indicators.STOCK, "stock"), (indicators.FLOW, "flow")],
        help_text="stock: counted on the period's end; flow: over the period.",
    )
    counts = serializers.CharField(help_text="What one unit of the figure is.")
    measure = serializers.CharField()
    dimensions = DimensionSerializer(many=True)
    subset_of = serializers.CharField(allow_null=True)
    bounded_by = serializers.CharField(allow_null=True)


def _indicator_data(i: indicators.Indicator) -> dict:
    return {
        "code": i.code,
        "label": str(i.label),
        "section": i.section,
        "kind": i.kind,
        "counts": str(i.counts),
        "measure": i.measure,
        "dimensions": [
            {
                "code": d.code,
                "label": str(d.label),
                "partition": d.partition,
                "recorded": d.recorded,
            }
            for d in i.dimensions
        ],
        "subset_of": i.subset_of,
        "bounded_by": i.bounded_by,
    }


# ---- views -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(tags=TAGS),
    retrieve=extend_schema(tags=TAGS),
    create=extend_schema(
        tags=TAGS,
        request=ReportedFigureWriteSerializer,
        responses={201: ReportedFigureSerializer, 200: ReportedFigureSerializer},
        description="Record a figure (201), or correct the figure of the same indicator, "
        "unit, period and breakdown (200).",
    ),
    update=extend_schema(
        tags=TAGS,
        request=ReportedFigureWriteSerializer,
        responses={200: ReportedFigureSerializer, 409: STALE},
    ),
    partial_update=extend_schema(
        tags=TAGS,
        request=ReportedFigureWriteSerializer,
        responses={200: ReportedFigureSerializer, 409: STALE},
    ),
    destroy=extend_schema(tags=TAGS),
)
class ReportedFigureViewSet(RegistryView, viewsets.ModelViewSet):
    """Figures published in past reports (before records existed), in your jurisdiction.
    The list filters by indicator, unit code (rolled up under today's structure), year,
    period, qualifier and text of the source document."""

    queryset = ReportedFigure.objects.none()
    serializer_class = ReportedFigureSerializer
    filterset_class = FigureFilterSet
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return services.figures_for_user(self.request.user).order_by(
            "indicator", "unit__code", "period_start", "breakdown", "pk"
        )

    def get_object(self) -> ReportedFigure:
        figure = services.get_figure_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, figure)
        return figure

    def _read(self, figure: ReportedFigure) -> dict:
        return ReportedFigureSerializer(self.get_queryset().get(pk=figure.pk)).data

    def create(self, request, *args, **kwargs):
        require(can_write_anywhere(request.user))
        values = dict(self.write_serializer(ReportedFigureWriteSerializer).validated_data)
        values.pop("version", None)
        require(can_write_unit(request.user, values["unit"]))
        figure, change = services.save_figure(request.user, **values)
        if change == services.Change.CREATED:
            return created(self._read(figure))
        return Response(self._read(figure), status=status.HTTP_200_OK)

    def _update(self, request, partial: bool):
        figure = self.get_object()
        require(can_write_unit(request.user, figure.unit))
        serializer = self.write_serializer(ReportedFigureWriteSerializer, figure, partial=partial)
        values = dict(serializer.validated_data)
        if "unit" in values:
            require(can_write_unit(request.user, values["unit"]))
        figure = services.update_figure(request.user, figure, **values)
        return Response(self._read(figure))

    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    def destroy(self, request, *args, **kwargs):
        figure = self.get_object()
        require(can_write_unit(request.user, figure.unit))
        services.delete_figure(request.user, figure)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(tags=TAGS, responses=IndicatorSerializer(many=True)),
    retrieve=extend_schema(tags=TAGS, responses=IndicatorSerializer),
)
class IndicatorViewSet(RegistryView, viewsets.ViewSet):
    """The indicator catalogue (docs/indicators.md): code, label, section, stock or flow,
    what it counts, its dimensions (partition or overlapping, recorded or reported only)
    and the rules it enters (subset of, bounded by)."""

    serializer_class = IndicatorSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z_.\-]+"

    def list(self, request):
        section = request.query_params.get("section")
        rows = [
            _indicator_data(i) for i in indicators.INDICATORS if not section or i.section == section
        ]
        return Response(IndicatorSerializer(rows, many=True).data)

    def retrieve(self, request, code: str | None = None):
        indicator = indicators.get(code or "")
        if indicator is None:
            raise NotFound()
        return Response(IndicatorSerializer(_indicator_data(indicator)).data)


def register(router) -> None:
    """Add the reports endpoints to an API router (/api/v1/reported-figures/, …)."""
    router.register("reported-figures", ReportedFigureViewSet, basename="api-reported-figure")
    router.register("indicators", IndicatorViewSet, basename="api-indicator")


__all__ = ["IndicatorViewSet", "ReportedFigureViewSet", "register"]
