"""Host organisations, scoped to the communes of the user's jurisdiction."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from binhyen.schemes import permissions, queries, services
from binhyen.schemes.filtersets.hosts import OrganizationFilterSet
from binhyen.schemes.models import Organization

from ..serializers import hosts as s
from .base import STALE, RegistryView, created, require


@extend_schema_view(
    create=extend_schema(
        request=s.OrganizationWriteSerializer, responses={201: s.OrganizationSerializer}
    ),
    partial_update=extend_schema(
        request=s.OrganizationWriteSerializer,
        responses={200: s.OrganizationSerializer, 409: STALE},
    ),
)
class OrganizationViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.OrganizationSerializer
    filterset_class = OrganizationFilterSet
    queryset = Organization.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.organizations_for_user(self.request.user).select_related(
            "commune", "residential_area"
        )

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _check(self, org: Organization | None, values: dict) -> None:
        for unit in (
            org and org.commune,
            values.get("commune"),
            values.get("residential_area"),
        ):
            if unit is not None:
                require(permissions.can_write_unit(self.request.user, unit))

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.OrganizationWriteSerializer).validated_data)
        values.pop("version", None)
        self._check(None, values)
        org = services.save_organization(None, **values)
        return created(s.OrganizationSerializer(org).data)

    def partial_update(self, request, pk=None):
        org = self.get_object()
        serializer = self.write_serializer(s.OrganizationWriteSerializer, org, partial=True)
        values = dict(serializer.validated_data)
        self._check(org, values)
        saved = services.save_organization(org, **values)
        return Response(s.OrganizationSerializer(saved).data)
