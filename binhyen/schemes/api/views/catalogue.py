"""The scheme-type catalogue and its labels: read by everyone signed in, edited by
provincial officers and administrators."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from binhyen.schemes import permissions, services
from binhyen.schemes.models import Label, SchemeType

from ..serializers import catalogue as s
from .base import STALE, RegistryView, created, require


@extend_schema_view(
    create=extend_schema(
        request=s.SchemeTypeWriteSerializer, responses={201: s.SchemeTypeSerializer}
    ),
    partial_update=extend_schema(
        request=s.SchemeTypeWriteSerializer, responses={200: s.SchemeTypeSerializer, 409: STALE}
    ),
)
class SchemeTypeViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The scheme-type catalogue: read by everyone signed in, edited by provincial officers
    and administrators."""

    serializer_class = s.SchemeTypeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_fields = ["origin", "is_active", "has_groups"]

    def get_queryset(self):
        return SchemeType.objects.select_related("origin_unit").prefetch_related(
            "labels", "components"
        )

    def _saved(self, scheme_type: SchemeType) -> dict:
        return s.SchemeTypeSerializer(self.get_queryset().get(pk=scheme_type.pk)).data

    def create(self, request):
        require(permissions.can_edit_catalogue(request.user))
        values = dict(self.write_serializer(s.SchemeTypeWriteSerializer).validated_data)
        values.pop("version", None)
        return created(self._saved(services.save_scheme_type(None, **values)))

    def partial_update(self, request, code: str):
        require(permissions.can_edit_catalogue(request.user))
        scheme_type = self.get_object()
        serializer = self.write_serializer(s.SchemeTypeWriteSerializer, scheme_type, partial=True)
        return Response(
            self._saved(services.save_scheme_type(scheme_type, **serializer.validated_data))
        )


@extend_schema_view(
    create=extend_schema(request=s.LabelSerializer, responses={201: s.LabelSerializer})
)
class LabelViewSet(RegistryView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.LabelSerializer
    queryset = Label.objects.order_by("code")

    def create(self, request):
        require(permissions.can_edit_catalogue(request.user))
        data = self.write_serializer(s.LabelSerializer).validated_data
        return created(s.LabelSerializer(services.save_label(None, **data)).data)
