"""Reads of tips and cases: what a user may see, and the figures reports need.

A tip is seen by the police of the unit handling it (and of the units above), and by
those of the place it concerns; a referred tip also by the unit it was referred to.
Figures are taken under the structure of any date through the tip's place (`unit`),
like every other record (schemes.queries.Scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from binhyen.accounts.jurisdiction import covered_unit_ids, jurisdiction_of
from binhyen.schemes.queries import Counts, Row, Scope, breakdown

from .choices import Assessment, Category, Channel, Status
from .models import Case, Suspect, Tip


def _covered(user, *fields: str) -> Q | None:
    """Q of records whose unit fields fall in the user's jurisdiction (None: all)."""
    scope = jurisdiction_of(user)
    if scope.unrestricted:
        return None
    if not scope.units:
        return Q(pk__in=[])
    ids = covered_unit_ids(user)
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__in": ids})
    return q


def tips_for_user(user) -> QuerySet[Tip]:
    q = _covered(user, "handling_unit", "unit", "referred_to")
    qs = Tip.objects.all()
    return qs if q is None else qs.filter(q)


def get_tip_for_user(user, pk: int) -> Tip:
    qs = tips_for_user(user).select_related("unit", "handling_unit", "referred_to", "scheme")
    return get_object_or_404(qs, pk=pk)


def public_waiting(user) -> QuerySet[Tip]:
    """Public tips waiting for a first look."""
    return tips_for_user(user).filter(is_public=True, status=Status.RECEIVED)


def referrals_waiting(user) -> QuerySet[Tip]:
    """Tips referred to the user's units, waiting for their acknowledgement (not those the
    user's own unit referred away)."""
    from binhyen.schemes.permissions import OFFICER_ROLES

    units = covered_unit_ids(user, roles=OFFICER_ROLES)
    return tips_for_user(user).filter(status=Status.REFERRED, referred_to__in=units)


def cases_for_user(user) -> QuerySet[Case]:
    q = _covered(user, "unit")
    qs = Case.objects.all()
    return qs if q is None else qs.filter(q)


def get_case_for_user(user, pk: int) -> Case:
    return get_object_or_404(cases_for_user(user).select_related("unit"), pk=pk)


# ---- figures -------------------------------------------------------------------------------


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return first, last


def _by_choice(qs: QuerySet, field: str, labels: dict, total: int) -> Counts:
    grouped = qs.order_by().values(field).annotate(n=Count("pk", distinct=True))
    rows = [Row(r[field], str(labels.get(r[field], r[field])), r["n"]) for r in grouped]
    rows.sort(key=lambda r: (-r.count, r.label))
    return Counts(total, rows, by=field)


TIP_BREAKDOWNS = {"channel": dict(Channel.choices), "category": dict(Category.choices)}


def tips_received_records(scope: Scope, start: dt.date, end: dt.date, actionable=False):
    """Tips received in the period (actionable ones only with `actionable`), scoped."""
    first, last = _day_bounds(start, end)
    qs = scope.apply(Tip.objects.filter(received_at__gte=first, received_at__lt=last), "unit")
    return qs.filter(assessment=Assessment.ACTIONABLE) if actionable else qs


def tips_received(
    scope: Scope, start: dt.date, end: dt.date, by: str | None = None, actionable=False
) -> Counts:
    """Tips received in a period (actionable ones only with `actionable`), by channel,
    category or sub-unit. Actionable tips are a filter on tips: never more than tips."""
    qs = tips_received_records(scope, start, end, actionable)
    if by in TIP_BREAKDOWNS:
        return _by_choice(qs, by, TIP_BREAKDOWNS[by], qs.values("pk").distinct().count())
    return breakdown(qs, by, "unit", scope.sublevel())


@dataclass
class CaseFigures:
    cases_solved: int
    suspects_arrested: int
    tips_leading_to_solved_cases: int


def case_figure_records(name: str, scope: Scope, start: dt.date, end: dt.date):
    """The records one case figure counts, scoped, and the field placing them:
    "solved" cases (closed solved in the period), suspects "arrested" in the period, and
    tips received in the period that led to a case solved by now ("tips_leading")."""
    if name == "solved":
        qs = Case.objects.filter(solved=True, closed_on__gte=start, closed_on__lte=end)
        return scope.apply(qs, "unit"), "unit"
    if name == "arrested":
        qs = Suspect.objects.filter(arrested_on__gte=start, arrested_on__lte=end)
        return scope.apply(qs, "case__unit"), "case__unit"
    first, last = _day_bounds(start, end)
    qs = Tip.objects.filter(received_at__gte=first, received_at__lt=last, cases__solved=True)
    return scope.apply(qs, "unit"), "unit"


def case_figures(scope: Scope, start: dt.date, end: dt.date) -> CaseFigures:
    def distinct(name):
        qs, _field = case_figure_records(name, scope, start, end)
        return qs.values("pk").distinct().count()

    return CaseFigures(
        cases_solved=distinct("solved"),
        suspects_arrested=distinct("arrested"),
        tips_leading_to_solved_cases=distinct("tips_leading"),
    )
