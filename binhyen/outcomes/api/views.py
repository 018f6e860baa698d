"""The outcome registers' API: list, read and create records of every register (scoped to
your jurisdiction), intakes of managed persons without any identity, and the figures."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from binhyen.geo.models import AdminUnit
from binhyen.schemes.api.views.base import RegistryView, created, require

from .. import permissions, queries, services
from ..filtersets import PeriodFilterSet, ledger_filterset
from ..models import SupervisionPeriod
from ..queries import Scope
from ..registers import LEDGERS, Register
from . import serializers as s


class _LedgerViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    register: Register
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.records_for_user(self.register, self.request.user).select_related(
            "unit", "scheme"
        )

    def get_serializer_class(self):
        return s.SERIALIZERS[self.register.slug][0]

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        read, write = s.SERIALIZERS[self.register.slug]
        values = dict(self.write_serializer(write).validated_data)
        require(permissions.can_write_unit(request.user, values["unit"]))
        record = services.save_record(self.register, **values)
        return created(read(self.get_queryset().get(pk=record.pk)).data)


def _viewset(register: Register) -> type:
    read, write = s.SERIALIZERS[register.slug]
    doc = (
        f"{register.label}: list (filter by unit rolled up under today's structure, dates, "
        "scheme point and the register's choices), read, and create records."
    )
    cls = type(
        f"{register.model.__name__}ViewSet",
        (_LedgerViewSet,),
        {
            "register": register,
            "queryset": register.model.objects.none(),
            "filterset_class": ledger_filterset(register),
            "__doc__": doc,
        },
    )
    return extend_schema_view(
        list=extend_schema(tags=["outcomes"]),
        retrieve=extend_schema(tags=["outcomes"]),
        create=extend_schema(tags=["outcomes"], request=write, responses={201: read}),
    )(cls)


VIEWSETS = {slug: _viewset(r) for slug, r in LEDGERS.items()}


@extend_schema_view(
    list=extend_schema(tags=["outcomes"]),
    retrieve=extend_schema(tags=["outcomes"]),
    create=extend_schema(
        tags=["outcomes"], request=s.IntakeWriteSerializer, responses={201: s.PeriodSerializer}
    ),
)
class PeriodViewSet(
    RegistryView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Intakes of managed persons (post-rehabilitation aftercare, community education).
    A person is their code: names, ID numbers and addresses are never returned."""

    queryset = SupervisionPeriod.objects.none()
    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return queries.periods_for_user(self.request.user).select_related(
            "person", "unit", "group", "scheme"
        )

    def create(self, request):
        require(permissions.can_write_anywhere(request.user))
        values = dict(self.write_serializer(s.IntakeWriteSerializer).validated_data)
        require(permissions.can_write_unit(request.user, values["unit"]))
        person = values.pop("person", None)
        identity = None
        if person is None:
            identity = services.Identity(
                values.pop("full_name"),
                values.pop("birth_year"),
                values.pop("id_number", ""),
                values.pop("address", ""),
            )
        else:
            for name in ("full_name", "birth_year", "id_number", "address"):
                values.pop(name, None)
        among = queries.people_for_user(request.user)
        period = services.take_in(identity=identity, person=person, among=among, **values)
        return created(s.PeriodSerializer(self.get_queryset().get(pk=period.pk)).data)


class TotalsView(RegistryView, APIView):
    """Figures of every outcome register within your jurisdiction, for a unit under the
    structure of a date and a period: the headline total, the records, named figures
    (women among returned emigrants, distinct people and exemplary cases among managed
    persons, quantities of each kind of weapon…) and, with `by`, breakdown rows."""

    @extend_schema(
        tags=["outcomes"], parameters=[s.TotalsQuerySerializer], responses=s.TotalsSerializer
    )
    def get(self, request):
        params = s.TotalsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        scope = Scope(p["unit"], p["structure_date"], user=request.user)
        totals = queries.register_totals(scope, p["from"], p["to"], p.get("by") or None)
        unit_codes = {}
        for tally in totals.values():
            if tally.by == "unit":
                ids = [r.key for r in tally.rows if isinstance(r.key, int)]
                unit_codes.update(AdminUnit.objects.filter(pk__in=ids).values_list("pk", "code"))
        registers = {}
        for slug, t in totals.items():
            registers[slug] = {
                **vars(t),
                "figures": {k: vars(f) for k, f in t.figures.items()},
                "rows": [
                    {**vars(r), "key": unit_codes.get(r.key, r.key) if t.by == "unit" else r.key}
                    for r in t.rows
                ],
            }
        data = {
            "structure_date": p["structure_date"],
            "unit": p["unit"],
            "from": p["from"],
            "to": p["to"],
            "registers": registers,
        }
        return Response(s.TotalsSerializer(data).data)
