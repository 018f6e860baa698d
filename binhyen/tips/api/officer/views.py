"""The officers' API of tips and cases: lists and details scoped by jurisdiction, every
write through the services, and one endpoint that reveals an informant.

Reads: anyone whose jurisdiction covers the tip (queries.tips_for_user). Writes: the
officers who may write records of the handling unit (schemes.permissions.can_write_unit);
acknowledging a referral: those of the unit it was referred to. The informant's identity
appears in no answer except `POST tips/{id}/reveal/`, which the service allows to the
officers assigned to the tip and the chief of its handling unit, requires a reason for,
and logs; its answer is never cached.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from binhyen.geo.models import AdminUnit
from binhyen.schemes.api.views.base import RegistryView, created, require
from binhyen.schemes.permissions import can_write_anywhere, can_write_unit
from binhyen.schemes.queries import Scope

from ... import queries, services
from ...models import Case, Tip, TipEvent, TipMessage
from . import serializers as s
from .filters import CaseFilterSet, TipFilterSet

STALE = OpenApiResponse(description="Saved by someone else since it was read (version).")
REFUSED = OpenApiResponse(description="You may not change tips or cases of this unit.")


@extend_schema_view(
    list=extend_schema(
        description="Tips within your jurisdiction (handled by, concerning, or referred to "
        "a unit you serve), newest first. Never the informant."
    ),
    retrieve=extend_schema(description="A tip with its timeline. Never the informant."),
    create=extend_schema(
        request=s.TipWriteSerializer, responses={201: s.TipDetailSerializer, 403: REFUSED}
    ),
)
class TipViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    filterset_class = TipFilterSet
    queryset = Tip.objects.none()
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.TipListSerializer if self.action == "list" else s.TipDetailSerializer

    def get_queryset(self):
        return queries.tips_for_user(self.request.user).select_related(
            "unit", "handling_unit", "referred_to", "scheme"
        )

    def get_object(self) -> Tip:
        tip = queries.get_tip_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, tip)
        return tip

    def _detail(self, pk: int) -> dict:
        tip = (
            self.get_queryset()
            .prefetch_related(
                "officers",
                "duplicates",
                "attachments",
                Prefetch("events", TipEvent.objects.select_related("unit", "by")),
                Prefetch("messages", TipMessage.objects.select_related("officer")),
            )
            .get(pk=pk)
        )
        return s.TipDetailSerializer(tip, context=self.get_serializer_context()).data

    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object().pk))

    def create(self, request):
        require(can_write_anywhere(request.user))
        data = dict(self.write_serializer(s.TipWriteSerializer).validated_data)
        require(can_write_unit(request.user, data["unit"]))
        informant = services.InformantData(
            full_name=data.pop("informant_name"),
            contact=data.pop("informant_contact"),
            id_number=data.pop("informant_id_number"),
            address=data.pop("informant_address"),
        )
        tip = services.record_tip(**data, informant=informant or None, by=request.user)
        return created(self._detail(tip.pk))

    def _handled(self) -> Tip:
        """The tip, for an officer who may write records of its handling unit."""
        tip = self.get_object()
        require(can_write_unit(self.request.user, tip.handling_unit))
        return tip

    @extend_schema(
        request=s.StatusWriteSerializer,
        responses={200: s.TipDetailSerializer, 403: REFUSED, 409: STALE},
    )
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Move the tip along its workflow, with the reason."""
        tip = self._handled()
        data = self.write_serializer(s.StatusWriteSerializer).validated_data
        services.set_status(
            tip, data["status"], data["reason"], by=request.user, version=data.get("version")
        )
        return Response(self._detail(tip.pk))

    @extend_schema(
        request=s.ReferWriteSerializer, responses={200: s.TipDetailSerializer, 403: REFUSED}
    )
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        """Refer the tip to another unit, with the reason."""
        tip = self._handled()
        data = self.write_serializer(s.ReferWriteSerializer).validated_data
        services.refer(tip, data["to_unit"], data["reason"], by=request.user)
        return Response(self._detail(tip.pk))

    @extend_schema(
        request=s.AcknowledgeWriteSerializer,
        responses={200: s.TipDetailSerializer, 403: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The unit a tip was referred to takes it over (its officers only)."""
        tip = self.get_object()
        target: AdminUnit | None = tip.referred_to
        require(target is not None and can_write_unit(request.user, target))
        data = self.write_serializer(s.AcknowledgeWriteSerializer).validated_data
        services.acknowledge_referral(tip, by=request.user, note=data["note"])
        return Response(self._detail(tip.pk))

    @extend_schema(
        request=s.DuplicateWriteSerializer,
        responses={200: s.TipDetailSerializer, 403: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        """Link the tip as a duplicate of another tip you may see, with the reason."""
        tip = self._handled()
        data = self.write_serializer(s.DuplicateWriteSerializer).validated_data
        services.link_duplicate(tip, data["original"], data["reason"], by=request.user)
        return Response(self._detail(tip.pk))

    @extend_schema(
        request=s.OfficerWriteSerializer,
        responses={200: s.TipDetailSerializer, 403: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def officers(self, request, pk=None):
        """Assign an officer serving the handling unit to the tip."""
        tip = self._handled()
        data = self.write_serializer(s.OfficerWriteSerializer).validated_data
        services.assign_officer(tip, data["officer"], by=request.user)
        return Response(self._detail(tip.pk))

    @extend_schema(
        request=s.RevealWriteSerializer,
        responses={
            200: s.InformantSerializer,
            403: OpenApiResponse(
                description="Only the officers assigned to the tip and the chief of its "
                "handling unit may reveal the informant."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The informant's identity, for an officer allowed to see it, with the reason.
        Every reveal writes an access entry in the audit log and an event on the tip's
        timeline; the answer is never cached."""
        tip = self.get_object()
        if not services.can_reveal(request.user, tip):
            raise PermissionDenied(
                _("Only the officers assigned to the tip and the chief of its unit may see this.")
            )
        data = self.write_serializer(s.RevealWriteSerializer).validated_data
        identity = services.reveal_informant(request.user, tip, data["reason"])
        body = s.InformantSerializer({"tip": tip.pk, **vars(identity)}).data
        response = Response(body)
        add_never_cache_headers(response)
        return response

    @extend_schema(
        request=s.ReplyWriteSerializer,
        responses={201: s.TipMessageSerializer, 403: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def replies(self, request, pk=None):
        """Reply to the resident of a public tip (they read it with their code and
        passphrase)."""
        tip = self._handled()
        data = self.write_serializer(s.ReplyWriteSerializer).validated_data
        message = services.officer_reply(tip, request.user, data["body"])
        return created(s.TipMessageSerializer(message).data)


@extend_schema_view(
    create=extend_schema(
        request=s.CaseWriteSerializer, responses={201: s.CaseDetailSerializer, 403: REFUSED}
    ),
    partial_update=extend_schema(
        request=s.CaseWriteSerializer,
        responses={200: s.CaseDetailSerializer, 403: REFUSED, 409: STALE},
    ),
)
class CaseViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cases of the units within your jurisdiction, with the tips that led to them."""

    filterset_class = CaseFilterSet
    queryset = Case.objects.none()
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.CaseListSerializer if self.action == "list" else s.CaseDetailSerializer

    def get_queryset(self):
        return queries.cases_for_user(self.request.user).select_related("unit")

    def get_object(self) -> Case:
        case = queries.get_case_for_user(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, case)
        return case

    def _detail(self, pk: int) -> dict:
        case = self.get_queryset().prefetch_related("suspects", "seized_items").get(pk=pk)
        return s.CaseDetailSerializer(case, context=self.get_serializer_context()).data

    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object().pk))

    def create(self, request):
        require(can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.CaseWriteSerializer).validated_data)
        values.pop("version", None)
        require(can_write_unit(request.user, values["unit"]))
        tips = values.pop("tips", None)
        case = services.save_case(None, tips=tips, **values)
        return created(self._detail(case.pk))

    def partial_update(self, request, pk=None):
        case = self._writable()
        serializer = self.write_serializer(s.CaseWriteSerializer, case, partial=True)
        values = dict(serializer.validated_data)
        version = values.pop("version")
        if "unit" in values:
            require(can_write_unit(request.user, values["unit"]))
        tips = values.pop("tips", None)
        services.save_case(case, tips=tips, version=version, **values)
        return Response(self._detail(case.pk))

    def _writable(self) -> Case:
        case = self.get_object()
        require(can_write_unit(self.request.user, case.unit))
        return case

    @extend_schema(
        request=s.SuspectWriteSerializer, responses={201: s.SuspectSerializer, 403: REFUSED}
    )
    @action(detail=True, methods=["post"])
    def suspects(self, request, pk=None):
        """Add a suspect to the case, with the arrest date if arrested."""
        case = self._writable()
        data = self.write_serializer(s.SuspectWriteSerializer).validated_data
        suspect = services.add_suspect(case, **data)
        return created(s.SuspectSerializer(suspect).data)

    @extend_schema(
        request=s.SeizedItemWriteSerializer,
        responses={201: s.SeizedItemSerializer, 403: REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="seized-items")
    def seized_items(self, request, pk=None):
        """Record an item seized in the case."""
        case = self._writable()
        data = self.write_serializer(s.SeizedItemWriteSerializer).validated_data
        item = services.add_seized_item(case, **data)
        return created(s.SeizedItemSerializer(item).data)


def _row_keys(by: str, rows) -> dict:
    """Public keys of count rows: unit codes rather than internal ids."""
    ids = [r.key for r in rows if isinstance(r.key, int)]
    if by != "unit" or not ids:
        return {}
    return dict(AdminUnit.objects.filter(pk__in=ids).values_list("pk", "code"))


def _counts(counts) -> dict:
    keys = _row_keys(counts.by, counts.rows)
    return {
        "total": counts.total,
        "rows": [
            {"key": keys.get(r.key, r.key), "label": str(r.label), "count": r.count}
            for r in counts.rows
        ],
    }


class TipFiguresView(RegistryView, APIView):
    """The figures reports need, within your jurisdiction, for a unit under the structure
    of a date and a period: tips received and actionable tips (by channel, category or
    sub-unit), cases solved, suspects arrested, tips that led to solved cases."""

    @extend_schema(parameters=[s.TipFiguresQuerySerializer], responses=s.TipFiguresSerializer)
    def get(self, request):
        params = s.TipFiguresQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        scope = Scope(p["unit"], p["structure_date"], user=request.user)
        by = p.get("by") or None
        received = queries.tips_received(scope, p["from"], p["to"], by)
        actionable = queries.tips_received(scope, p["from"], p["to"], by, actionable=True)
        cases = queries.case_figures(scope, p["from"], p["to"])
        data = {
            "structure_date": p["structure_date"],
            "unit": p["unit"],
            "from": p["from"],
            "to": p["to"],
            "by": received.by or "",
            "tips_received": _counts(received),
            "actionable_tips": _counts(actionable),
            **vars(cases),
        }
        return Response(s.TipFiguresSerializer(data).data)
