"""Scheme points with their lifecycle events, gradings and recognitions."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from binhyen.schemes import permissions, queries, services
from binhyen.schemes.choices import UNIT_HOSTS
from binhyen.schemes.filtersets.points import SchemeFilterSet
from binhyen.schemes.models import Grading, Recognition, Scheme, SchemeEvent

from ..serializers import points as s
from .base import RegistryView, created, require


@extend_schema_view(
    create=extend_schema(
        request=s.SchemeWriteSerializer, responses={201: s.SchemeDetailSerializer}
    ),
    partial_update=extend_schema(
        request=s.SchemeWriteSerializer,
        responses={
            200: s.SchemeDetailSerializer,
            409: OpenApiResponse(description="The point was saved by someone else since."),
        },
    ),
)
class SchemeViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Scheme points. The list filters by type, label, status, host kind, unit (rolled
    up under today's structure), active on a date, establishment dates and text."""

    filterset_class = SchemeFilterSet
    queryset = Scheme.objects.none()
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.SchemeListSerializer if self.action == "list" else s.SchemeDetailSerializer

    def get_queryset(self):
        return queries.schemes_for_user(self.request.user).select_related(
            "scheme_type", "unit", "organization"
        )

    def get_object(self) -> Scheme:
        scheme = queries.get_scheme_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, scheme)
        return scheme

    def _detail(self, pk: int) -> dict:
        scheme = (
            self.get_queryset()
            .prefetch_related(
                "events",
                "recognitions",
                Prefetch(
                    "gradings",
                    queryset=Grading.objects.prefetch_related("components__component"),
                ),
            )
            .get(pk=pk)
        )
        return s.SchemeDetailSerializer(scheme).data

    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object().pk))

    def _unit_of(self, values: dict, scheme: Scheme | None = None):
        org = values.get("organization")
        host_kind = values.get("host_kind") or (scheme.host_kind if scheme else "")
        if org is not None and host_kind not in UNIT_HOSTS:
            return org.residential_area or org.commune
        return values.get("unit") or (scheme.unit if scheme else None)

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.SchemeWriteSerializer).validated_data)
        values.pop("version", None)
        unit = self._unit_of(values)
        if unit is not None:
            require(permissions.can_write_unit(request.user, unit))
        scheme = services.establish_scheme(**values)
        return created(self._detail(scheme.pk))

    def partial_update(self, request, pk=None):
        scheme = self.get_object()
        serializer = self.write_serializer(s.SchemeWriteSerializer, scheme, partial=True)
        values = dict(serializer.validated_data)
        version = values.pop("version")
        require(permissions.can_write_unit(request.user, scheme.unit))
        require(permissions.can_write_unit(request.user, self._unit_of(values, scheme)))
        services.update_scheme(scheme, version=version, **values)
        return Response(self._detail(scheme.pk))

    def _writable(self) -> Scheme:
        scheme = self.get_object()
        require(permissions.can_write_unit(self.request.user, scheme.unit))
        return scheme

    @extend_schema(request=s.SchemeEventWriteSerializer, responses={201: s.SchemeEventSerializer})
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        """Suspend, reactivate or dissolve the point on a date (suspending and dissolving
        need a reason)."""
        scheme = self._writable()
        data = self.write_serializer(s.SchemeEventWriteSerializer).validated_data
        event: SchemeEvent = services.record_event(scheme, **data)
        return created(s.SchemeEventSerializer(event).data)

    @extend_schema(
        request=s.GradingWriteSerializer,
        responses={201: s.GradingSerializer, 200: s.GradingSerializer},
    )
    @action(detail=True, methods=["post"])
    def gradings(self, request, pk=None):
        """Record the grading of a year (201), or correct it (200)."""
        scheme = self._writable()
        data = self.write_serializer(s.GradingWriteSerializer).validated_data
        existed = scheme.gradings.filter(year=data["year"]).exists()
        grading = services.grade_scheme(scheme, **data)
        grading = Grading.objects.prefetch_related("components__component").get(pk=grading.pk)
        body = s.GradingSerializer(grading).data
        return Response(body) if existed else created(body)

    @extend_schema(request=s.RecognitionWriteSerializer, responses={201: s.RecognitionSerializer})
    @action(detail=True, methods=["post"])
    def recognitions(self, request, pk=None):
        """Mark the point exemplar of a year, or record a commendation."""
        scheme = self._writable()
        data = self.write_serializer(s.RecognitionWriteSerializer).validated_data
        recognition: Recognition = services.recognize_scheme(scheme, **data)
        return created(s.RecognitionSerializer(recognition).data)
