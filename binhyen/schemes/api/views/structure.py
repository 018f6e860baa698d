"""The self-management structure: groups with their households and members, households,
grassroots security teams, steering committees and boards."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from binhyen.geo import queries as geo_queries
from binhyen.geo.api.views import ON_PARAM, parse_on
from binhyen.geo.choices import Level
from binhyen.schemes import permissions, queries, services
from binhyen.schemes.filtersets.structure import (
    GroupFilterSet,
    HouseholdFilterSet,
    SecurityTeamFilterSet,
    SelfManagementBoardFilterSet,
    SteeringCommitteeFilterSet,
)
from binhyen.schemes.models import (
    Group,
    GroupHousehold,
    GroupMember,
    Household,
    SecurityTeam,
    SelfManagementBoard,
    SteeringCommittee,
)

from ..serializers import structure as s
from .base import STALE, RegistryView, created, require


@extend_schema_view(
    retrieve=extend_schema(parameters=[ON_PARAM]),
    create=extend_schema(request=s.GroupWriteSerializer, responses={201: s.GroupDetailSerializer}),
    partial_update=extend_schema(
        request=s.GroupDissolveSerializer, responses={200: s.GroupDetailSerializer, 409: STALE}
    ),
)
class GroupViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Self-management groups. The detail lists the households and members in the group
    on `on` (today by default)."""

    filterset_class = GroupFilterSet
    queryset = Group.objects.none()
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.GroupSerializer if self.action == "list" else s.GroupDetailSerializer

    def get_queryset(self):
        return queries.groups_for_user(self.request.user).select_related(
            "residential_area", "scheme"
        )

    def get_object(self) -> Group:
        return queries.get_group_for_user(self.request.user, self.kwargs["pk"])

    def _detail(self, group: Group, on=None) -> dict:
        on = on or geo_queries.today()
        group.shown_on = on
        group.current_households = list(
            GroupHousehold.objects.filter(
                queries.in_force("joined_on", "left_on", on), group=group
            ).select_related("household")
        )
        group.current_members = list(
            GroupMember.objects.filter(queries.in_force("joined_on", "left_on", on), group=group)
        )
        return s.GroupDetailSerializer(group).data

    def _writable(self) -> Group:
        group = self.get_object()
        require(permissions.can_write_structure(self.request.user, group.residential_area))
        return group

    def retrieve(self, request, pk=None):
        return Response(self._detail(self.get_object(), parse_on(request)))

    def create(self, request):
        data = self.write_serializer(s.GroupWriteSerializer).validated_data
        require(permissions.can_write_structure(request.user, data["residential_area"]))
        return created(self._detail(services.create_group(**data)))

    def partial_update(self, request, pk=None):
        group = self._writable()
        data = self.write_serializer(s.GroupDissolveSerializer).validated_data
        services.dissolve_group(group, data["dissolved_on"], version=data.get("version"))
        return Response(self._detail(group))

    @extend_schema(request=s.GroupJoinSerializer, responses={201: s.GroupHouseholdSerializer})
    @action(detail=True, methods=["post"])
    def households(self, request, pk=None):
        """A household joins the group, an existing one or a new one created with it."""
        group = self._writable()
        data = self.write_serializer(s.GroupJoinSerializer).validated_data
        with transaction.atomic():
            household = data.get("household")
            if household is None:
                household = services.create_household(
                    residential_area=group.residential_area, **data["new_household"]
                )
            membership = services.join_group(group, household, data["joined_on"], data["left_on"])
        return created(s.GroupHouseholdSerializer(membership).data)

    @extend_schema(request=s.GroupMemberWriteSerializer, responses={201: s.GroupMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """A member of the group (one leader at a time)."""
        group = self._writable()
        data = self.write_serializer(s.GroupMemberWriteSerializer).validated_data
        return created(s.GroupMemberSerializer(services.add_member(group, **data)).data)


class HouseholdViewSet(RegistryView, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.HouseholdSerializer
    filterset_class = HouseholdFilterSet
    queryset = Household.objects.none()

    def get_queryset(self):
        return queries.households_for_user(self.request.user).select_related("residential_area")


@extend_schema_view(
    create=extend_schema(
        request=s.SecurityTeamWriteSerializer, responses={201: s.SecurityTeamDetailSerializer}
    )
)
class SecurityTeamViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Grassroots security teams formed by the commune chairman's decision."""

    filterset_class = SecurityTeamFilterSet
    queryset = SecurityTeam.objects.none()
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return s.SecurityTeamSerializer if self.action == "list" else s.SecurityTeamDetailSerializer

    def get_queryset(self):
        qs = queries.security_teams_for_user(self.request.user).select_related("commune")
        return qs.prefetch_related("areas", *(["members"] if self.action != "list" else []))

    def get_object(self) -> SecurityTeam:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        data = self.write_serializer(s.SecurityTeamWriteSerializer).validated_data
        require(permissions.can_write_unit(request.user, data["commune"]))
        team = services.form_security_team(**data)
        return created(s.SecurityTeamDetailSerializer(self.get_queryset().get(pk=team.pk)).data)

    @extend_schema(
        request=s.SecurityTeamMemberWriteSerializer,
        responses={201: s.SecurityTeamMemberSerializer},
    )
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Appoint a member of the team."""
        team = self.get_object()
        require(permissions.can_write_unit(request.user, team.commune))
        data = self.write_serializer(s.SecurityTeamMemberWriteSerializer).validated_data
        member = services.appoint_team_member(team, **data)
        return created(s.SecurityTeamMemberSerializer(member).data)


class BodyViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A steering committee (commune) or self-management board (residential area); at
    most one in force per unit."""

    model: type = SteeringCommittee
    level: str = Level.COMMUNE
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.bodies_for_user(self.request.user, self.model).select_related("unit")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        data = dict(self.write_serializer(s.BodyWriteSerializer, level=self.level).validated_data)
        require(permissions.can_write_unit(request.user, data["unit"]))
        body = services.create_body(self.model, **data)
        return created(self.get_serializer_class()(body).data)


@extend_schema_view(
    create=extend_schema(
        request=s.BodyWriteSerializer, responses={201: s.SteeringCommitteeSerializer}
    )
)
class SteeringCommitteeViewSet(BodyViewSet):
    model = SteeringCommittee
    level = Level.COMMUNE
    queryset = SteeringCommittee.objects.none()
    serializer_class = s.SteeringCommitteeSerializer
    filterset_class = SteeringCommitteeFilterSet


@extend_schema_view(
    create=extend_schema(
        request=s.BodyWriteSerializer, responses={201: s.SelfManagementBoardSerializer}
    )
)
class SelfManagementBoardViewSet(BodyViewSet):
    model = SelfManagementBoard
    level = Level.RESIDENTIAL_AREA
    queryset = SelfManagementBoard.objects.none()
    serializer_class = s.SelfManagementBoardSerializer
    filterset_class = SelfManagementBoardFilterSet
