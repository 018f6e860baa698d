"""Reads of the outcome registers: what a user may see, and the figures reviews need.

Figures are taken for a unit (or everything) under the structure of any date, through
the Placement table (schemes.queries.Scope), so a record of a commune merged in 2025
counts under its successor when the structure asked for is 2025's and under the old
commune when it is 2024's; records that cannot be placed at the level asked (a split
commune) are shown as unallocated, never guessed.

The function API the reporting engine calls:

    register_totals(scope, start, end, by=None) -> {register slug: Tally}
    register_tally(slug, scope, start, end, by=None, **filters) -> Tally

Each Tally has the register's headline `total` (a sum of quantities, counts or records,
see registers.py), `records`, named `figures` (e.g. women among returned emigrants,
distinct people and exemplary cases among managed persons, the quantity of each kind of
weapon) and, with `by`, breakdown `rows` (sub-unit or a choice field).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binhyen.accounts.jurisdiction import restrict
from binhyen.geo.choices import LEVEL_RANK, Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.queries import AT_UNIT_ITSELF, UNALLOCATED, Scope, in_force

from .choices import GUNS, WEAPON_MEASURES
from .models import ManagedPerson, SupervisionPeriod
from .registers import LABELS, LEDGERS, MANAGED, MANAGED_BREAKDOWNS, SLUGS, Register

__all__ = [
    "AT_UNIT_ITSELF",
    "Figure",
    "Scope",
    "Tally",
    "TallyRow",
    "register_tally",
    "register_totals",
]

# ---- what a user may see -----------------------------------------------------------------


def records_for_user(register: Register, user) -> QuerySet:
    return restrict(register.model.objects.all(), user, "unit")


def get_record_for_user(register: Register, user, pk: int):
    qs = records_for_user(register, user).select_related("unit", "scheme")
    return get_object_or_404(qs, pk=pk)


def periods_for_user(user) -> QuerySet[SupervisionPeriod]:
    return restrict(SupervisionPeriod.objects.all(), user, "unit")


def get_period_for_user(user, pk: int) -> SupervisionPeriod:
    qs = periods_for_user(user).select_related("person", "unit", "group", "scheme")
    return get_object_or_404(qs, pk=pk)


def people_for_user(user) -> QuerySet[ManagedPerson]:
    """People with at least one intake in the user's jurisdiction."""
    return ManagedPerson.objects.filter(pk__in=periods_for_user(user).values("person_id"))


def get_person_for_user(user, code: str) -> ManagedPerson:
    return get_object_or_404(people_for_user(user), code=code)


# ---- figures ---------------------------------------------------------------------------

Number = int | Decimal


def tidy(value) -> Number:
    """A sum as shown: 0 for nothing, whole decimals (12.000 kg) as integers."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


@dataclass
class Figure:
    label: str
    value: Number
    measure: str = ""  # the unit of a quantity (kg, rounds), when not a plain count


@dataclass
class TallyRow:
    key: object
    label: str
    value: Number
    records: int
    measure: str = ""


@dataclass
class Tally:
    """The figures of one register for a scope and period. `total` is the headline
    figure (what `total_label` says); `additive`: the rows add up to the total."""

    register: str
    label: str
    total: Number
    total_label: str
    records: int
    figures: dict[str, Figure] = field(default_factory=dict)
    rows: list[TallyRow] = field(default_factory=list)
    by: str = ""
    additive: bool = True

    @property
    def row_sum(self) -> Number:
        return sum((r.value for r in self.rows), 0)


BREAKDOWNS = {
    "unit": _("by unit"),
    "kind": _("by kind"),
    "sex": _("by sex"),
    "returned_from": _("by country returned from"),
    "nationality": _("by nationality"),
    "result": _("by result"),
    "exit_reason": _("by exit reason"),
}


def breakdowns_of(slug: str) -> tuple[str, ...]:
    own = MANAGED_BREAKDOWNS if slug == MANAGED else LEDGERS[slug].breakdowns
    return ("unit", *own)


def _choice_labels(model, name: str) -> dict:
    return {k: str(v) for k, v in model._meta.get_field(name).choices}


def _unit_rows(qs: QuerySet, level: str, value) -> list[TallyRow]:
    """Rows by the sub-unit at `level` (read through the scope's own placement join);
    records of the broken-down unit itself apart from the truly unallocated."""
    key = f"unit__placements__{level}"
    grouped = qs.order_by().values_list(key, "unit__level").annotate(n=Count("pk"), v=value)
    coarser = {lv for lv in Level.values if LEVEL_RANK[lv] < LEVEL_RANK[level]}
    totals: dict[object, list] = {}
    for sub, unit_level, n, v in grouped:
        k = sub if sub is not None else (AT_UNIT_ITSELF if unit_level in coarser else None)
        acc = totals.setdefault(k, [0, 0])
        acc[0] += n
        acc[1] += v or 0
    names = dict(
        AdminUnit.objects.filter(pk__in=[k for k in totals if isinstance(k, int)]).values_list(
            "pk", "name"
        )
    )
    rows = []
    for k, (n, v) in totals.items():
        if k is None:
            label = str(UNALLOCATED)
        elif k == AT_UNIT_ITSELF:
            label = str(_("At the unit itself (not in a sub-unit)"))
        else:
            label = names.get(k, str(k))
        rows.append(TallyRow(k, label, tidy(v), n))
    return rows


def _choice_rows(qs: QuerySet, model, name: str, value, measures=None) -> list[TallyRow]:
    labels = _choice_labels(model, name)
    grouped = qs.order_by().values_list(name).annotate(n=Count("pk"), v=value)
    rows = []
    for key, n, v in grouped:
        label = labels.get(key, key) if key else str(_("Not given"))
        measure = str(measures.get(key, "")) if measures else ""
        rows.append(TallyRow(key, label, tidy(v), n, measure))
    return rows


def _sort(rows: list[TallyRow]) -> list[TallyRow]:
    rows.sort(key=lambda r: (r.key is None or r.key == AT_UNIT_ITSELF, -r.value, r.label))
    return rows


def _value(name: str | None):
    return Sum(name) if name else Count("pk")


def ledger_tally(
    register: Register,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    by: str | None = None,
    **filters,
) -> Tally:
    qs = scope.apply(
        register.model.objects.filter(date__gte=start, date__lte=end, **filters), "unit"
    )
    sums = {name: Sum(name) for name in register.sums}
    agg = qs.aggregate(records=Count("pk"), total=_value(register.total), **sums)
    tally = Tally(
        register.slug,
        str(register.label),
        tidy(agg["total"]),
        str(register.total_label),
        agg["records"],
        by=by or "",
    )
    for name in register.sums:
        tally.figures[name] = Figure(capfirst(register.field_label(name)), tidy(agg[name]))
    for name in register.breakdowns[:1]:  # the main breakdown, value by value
        row_sum = register.row_sums.get(name, register.total)
        measures = WEAPON_MEASURES if register.slug == "weapons" else None
        found = {
            r.key: r for r in _choice_rows(qs, register.model, name, _value(row_sum), measures)
        }
        for key, label in register.model._meta.get_field(name).choices:
            row = found.get(key)
            measure = str(measures[key]) if measures else ""
            tally.figures[key] = Figure(str(label), row.value if row else 0, measure)
        if register.slug == "weapons":
            guns = sum((found[k].value for k in GUNS if k in found), 0)
            tally.figures["guns"] = Figure(
                str(_("Guns of every kind")), guns, str(WEAPON_MEASURES[GUNS[0]])
            )
    if by:
        row_sum = register.row_sums.get(by, register.total)
        if by == "unit":
            level = scope.sublevel()
            tally.rows = _unit_rows(qs, level, _value(register.total)) if level else []
        elif by in register.breakdowns:
            measures = WEAPON_MEASURES if by in register.row_sums else None
            tally.rows = _choice_rows(qs, register.model, by, _value(row_sum), measures)
            tally.additive = by not in register.row_sums
        else:
            raise ValueError(f"{register.slug} has no breakdown {by!r}")
        _sort(tally.rows)
    return tally


def managed_tally(
    scope: Scope, start: dt.date, end: dt.date, by: str | None = None, **filters
) -> Tally:
    """Intakes (the headline: each supervision period started in the period counts once,
    a person taken in twice counts twice), distinct people among them, people managed at
    some time of the period, exemplary cases among those, exits, and people under
    management at the end of the period."""
    periods = scope.apply(SupervisionPeriod.objects.filter(**filters), "unit")
    intakes = periods.filter(intake_on__gte=start, intake_on__lte=end)
    during = periods.filter(
        Q(intake_on__lte=end) & (Q(exit_on__isnull=True) | Q(exit_on__gte=start))
    )
    total = intakes.count()
    tally = Tally(
        MANAGED,
        str(LABELS[MANAGED]),
        total,
        str(pgettext_lazy("outcome figure", "intakes")),
        total,
        by=by or "",
    )
    figures = {
        "people": (_("Distinct people taken in"), intakes.values("person_id").distinct().count()),
        "managed_people": (
            _("People managed during the period"),
            during.values("person_id").distinct().count(),
        ),
        "exemplary": (_("Exemplary cases"), during.filter(exemplary=True).count()),
        "exits": (_("Exits"), periods.filter(exit_on__gte=start, exit_on__lte=end).count()),
        "under_management": (
            _("Under management at the end of the period"),
            periods.filter(in_force("intake_on", "exit_on", end)).count(),
        ),
    }
    for key, (label, value) in figures.items():
        tally.figures[key] = Figure(str(label), value)
    by_kind = dict(intakes.order_by().values_list("kind").annotate(n=Count("pk")))
    for key, label in SupervisionPeriod._meta.get_field("kind").choices:
        tally.figures[key] = Figure(str(label), by_kind.get(key, 0))
    if by == "unit":
        level = scope.sublevel()
        tally.rows = _unit_rows(intakes, level, Count("pk")) if level else []
    elif by == "kind":
        tally.rows = _choice_rows(intakes, SupervisionPeriod, "kind", Count("pk"))
    elif by == "exit_reason":
        exits = periods.filter(exit_on__gte=start, exit_on__lte=end)
        tally.rows = _choice_rows(exits, SupervisionPeriod, "exit_reason", Count("pk"))
        tally.additive = False  # exits, not intakes
    elif by:
        raise ValueError(f"managed persons have no breakdown {by!r}")
    _sort(tally.rows)
    return tally


def register_tally(
    slug: str, scope: Scope, start: dt.date, end: dt.date, by: str | None = None, **filters
) -> Tally:
    if slug == MANAGED:
        return managed_tally(scope, start, end, by, **filters)
    return ledger_tally(LEDGERS[slug], scope, start, end, by, **filters)


def register_totals(
    scope: Scope, start: dt.date, end: dt.date, by: str | None = None
) -> dict[str, Tally]:
    """Every register's figures for a scope (a unit under the structure of a date,
    optionally within a user's jurisdiction) and the period [start, end]. `by` breaks
    down the registers that have that breakdown ("unit" breaks down all)."""
    return {
        slug: register_tally(slug, scope, start, end, by if by in breakdowns_of(slug) else None)
        for slug in SLUGS
    }
