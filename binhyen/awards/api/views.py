"""The awards API views: the catalogue (read), occasions (create, update), nominations
(list with filters, read, create = propose, review and decide actions), the conference
list of an occasion. Every query passes through the user's jurisdiction."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from binhyen.schemes.api.views.base import STALE, RegistryView, created, require

from .. import permissions, queries, services
from ..filtersets import NominationFilterSet
from ..models import Authority, AwardForm, Nomination, Occasion
from . import serializers as s

TAGS = ["awards"]


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class AwardFormViewSet(RegistryView, viewsets.ReadOnlyModelViewSet):
    """Award forms of the catalogue, with the codes of the authorities that award them."""

    queryset = AwardForm.objects.prefetch_related("authorities")
    serializer_class = s.AwardFormSerializer
    lookup_field = "code"


@extend_schema_view(list=extend_schema(tags=TAGS), retrieve=extend_schema(tags=TAGS))
class AuthorityViewSet(RegistryView, viewsets.ReadOnlyModelViewSet):
    """Issuing authorities of the catalogue."""

    queryset = Authority.objects.all()
    serializer_class = s.AuthoritySerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(tags=TAGS),
    retrieve=extend_schema(tags=TAGS),
    create=extend_schema(
        tags=TAGS, request=s.OccasionWriteSerializer, responses={201: s.OccasionSerializer}
    ),
    partial_update=extend_schema(
        tags=TAGS,
        request=s.OccasionWriteSerializer,
        responses={200: s.OccasionSerializer, 409: STALE},
    ),
)
class OccasionViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Occasions organised in or above your jurisdiction; create and change those of your
    units; `conference/`: the awards of an occasion grouped by form and authority."""

    queryset = Occasion.objects.none()
    serializer_class = s.OccasionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.occasions_for_user(self.request.user).select_related("unit")

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.OccasionWriteSerializer).validated_data)
        values.pop("version", None)
        occasion = services.create_occasion(request.user, **values)
        return created(s.OccasionSerializer(occasion).data)

    def partial_update(self, request, pk=None):
        occasion = self.get_object()
        require(permissions.can_write_unit(request.user, occasion.unit))
        values = dict(
            self.write_serializer(s.OccasionWriteSerializer, occasion, partial=True).validated_data
        )
        services.update_occasion(request.user, occasion, **values)
        return Response(s.OccasionSerializer(self.get_queryset().get(pk=occasion.pk)).data)

    @extend_schema(tags=TAGS, responses=s.ConferenceGroupSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole list, unpaged
    def conference(self, request, pk=None):
        occasion = self.get_object()
        data = []
        for group in queries.conference_list(occasion, request.user):
            rows = [
                {
                    "nomination": n.pk,
                    "recipient_kind": n.recipient_kind,
                    "recipient": n.recipient_name,
                    "unit": n.unit.code,
                    "achievements": queries.achievements_text(n),
                    "decision_number": n.decision_number,
                    "decision_date": n.decision_date,
                }
                for n in group.nominations
            ]
            data.append(
                {
                    "form": group.form.code,
                    "authority": group.authority.code,
                    "counts": group.counts,
                    "sentence": group.sentence,
                    "rows": rows,
                }
            )
        return Response(s.ConferenceGroupSerializer(data, many=True).data)


@extend_schema_view(
    list=extend_schema(tags=TAGS),
    retrieve=extend_schema(tags=TAGS),
    create=extend_schema(
        tags=TAGS, request=s.ProposeSerializer, responses={201: s.NominationSerializer}
    ),
)
class NominationViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Nominations whose recipient is in your jurisdiction (filter by occasion, form,
    authority, status, recipient kind, unit code, search). Create = propose; `review/`
    and `decide/` move them on (officers of the occasion's organising unit)."""

    queryset = Nomination.objects.none()
    serializer_class = s.NominationSerializer
    filterset_class = NominationFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            queries.nominations_for_user(self.request.user)
            .select_related(*queries.NOMINATION_RELATED)
            .prefetch_related("achievements__content_type")
        )

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.ProposeSerializer).validated_data)
        occasion = values.pop("occasion")
        achievements = [
            services.nominations.AchievementInput(a.get("record"), a.get("description") or "")
            for a in values.pop("achievements", [])
        ]
        nomination = services.propose(request.user, occasion, achievements=achievements, **values)
        return created(s.NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)

    @extend_schema(tags=TAGS, request=s.ReviewSerializer, responses=s.NominationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        nomination = self.get_object()
        require(permissions.can_decide(request.user, nomination.occasion))
        values = self.write_serializer(s.ReviewSerializer).validated_data
        services.review(request.user, nomination, **values)
        return Response(s.NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)

    @extend_schema(tags=TAGS, request=s.DecideSerializer, responses=s.NominationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        nomination = self.get_object()
        require(permissions.can_decide(request.user, nomination.occasion))
        values = self.write_serializer(s.DecideSerializer).validated_data
        services.decide(request.user, nomination, **values)
        return Response(s.NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)


def register(router) -> None:
    """Add the awards endpoints to an API router (/api/v1/award-forms/, …)."""
    router.register("award-forms", AwardFormViewSet, basename="api-award-form")
    router.register("award-authorities", AuthorityViewSet, basename="api-award-authority")
    router.register("award-occasions", OccasionViewSet, basename="api-award-occasion")
    router.register("award-nominations", NominationViewSet, basename="api-award-nomination")
