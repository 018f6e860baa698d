"""The certification API: certifications within your jurisdiction (list with the list
page's filters, read with steps and results), registration (create) and the next step
(`POST …/{id}/steps/`), all through the services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from binhyen.schemes.api.views.base import RegistryView, created, require
from binhyen.schemes.services.checks import fail

from .. import permissions, queries, services
from ..choices import StepKind
from ..filtersets import CertificationFilterSet
from ..models import Certification
from . import serializers as s

DECISIONS = {
    StepKind.CERTIFIED: True,
    StepKind.NOT_CERTIFIED: False,
    StepKind.APPEAL_UPHELD: True,
    StepKind.APPEAL_REJECTED: False,
}


@extend_schema_view(
    list=extend_schema(tags=["certification"]),
    retrieve=extend_schema(tags=["certification"]),
    create=extend_schema(
        tags=["certification"],
        request=s.RegisterSerializer,
        responses={201: s.CertificationSerializer},
    ),
)
class CertificationViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Certifications “Safe for security and order” within your jurisdiction. Create
    registers a subject for a window; `steps` records the next step."""

    queryset = Certification.objects.none()
    serializer_class = s.CertificationSerializer
    filterset_class = CertificationFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            queries.certifications_for_user(self.request.user)
            .select_related("unit", "organization", "criteria_set")
            .prefetch_related("steps__by", "results__criterion")
            .order_by("-year", "unit__code", "pk")
        )

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.RegisterSerializer).validated_data)
        cert = services.register(request.user, **values)
        return created(s.CertificationSerializer(self.get_queryset().get(pk=cert.pk)).data)

    @extend_schema(
        tags=["certification"],
        request=s.StepWriteSerializer,
        responses={201: s.CertificationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="steps")
    def steps(self, request, pk=None):
        cert = self.get_object()
        require(permissions.can_write_certification(request.user, cert))
        data = self.write_serializer(s.StepWriteSerializer).validated_data
        kind, day = data["kind"], data["date"]
        if kind not in services.next_steps(cert):
            fail(
                "kind",
                _("“%(step)s” cannot follow the status “%(status)s”.")
                % {"step": StepKind(kind).label, "status": cert.get_status_display()},
            )
        if kind == StepKind.SELF_ASSESSED:
            results = {
                code: (v["met"], v.get("evidence", ""))
                for code, v in (data.get("results") or {}).items()
            }
            services.self_assess(
                request.user, cert, date=day, results=results, document=data["document"]
            )
        elif kind in DECISIONS:
            require(permissions.can_decide(request.user, cert))
            services.decide(
                request.user,
                cert,
                certified=DECISIONS[kind],
                date=day,
                decision_number=data["decision_number"] or data["document"],
                decision_authority=data["decision_authority"],
                reason=data["reason"],
            )
        else:
            services.record_step(
                request.user,
                cert,
                kind=kind,
                date=day,
                document=data["document"],
                reason=data["reason"],
            )
        return created(s.CertificationSerializer(self.get_queryset().get(pk=cert.pk)).data)
