"""Reported figures combined with records, without counting anything twice (ADR 0007).

A reported figure stands for everything its unit had in its window: a flow figure for
its period [s, e], a stock figure for its date e. A review of unit U over [a, b] uses:

- flow: the figures of units under U whose period lies within [a, b];
- stock: for each unit, its latest figure dated on or before b;

dropping a figure whose unit lies within (or is) the unit of one already taken with an
overlapping window (coarser units and longer periods are taken first). Then

    value = records(U, [a, b] or b) + Σ (reported value − records the figure covers)

where "records the figure covers" are those of its unit in its window: a figure of 480
committees on 15/06/2023 and records entered since (committees founded after, dissolved
after) give 480 plus the change the records show; the same committees entered as
records with their 2010 founding dates are not counted again. The qualifier is the
weakest of those used ("over 2,000" stays "over"). Every figure considered is listed
with whether it was used and why not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from binhyen.accounts.jurisdiction import restrict
from binhyen.geo.choices import LEVEL_RANK
from binhyen.geo.models import AdminUnit, Placement
from binhyen.schemes.queries import Scope, under

from . import records
from .choices import Qualifier, weakest
from .indicators import CATALOGUE, STOCK
from .models import ReportedFigure

REPORTED = "reported"


@dataclass
class Verdict:
    figure: ReportedFigure
    used: bool
    reason: str = ""
    covered: object = 0  # records of its unit in its window (when used)


@dataclass
class Combined:
    code: str
    value: object
    qualifier: str
    records: object
    used: list[ReportedFigure] = field(default_factory=list)
    parts: dict[str, list[records.Part]] = field(default_factory=dict)


class ReportedBook:
    """The reported figures under a scope, loaded once (two queries) for every
    indicator and period of a review."""

    def __init__(self, scope: Scope):
        self.scope = scope
        qs = ReportedFigure.objects.select_related("unit")
        if scope.user is not None:
            qs = restrict(qs, scope.user, "unit")
        qs = under(qs, "unit", scope.unit, scope.structure, scope.structure_date)
        self.figures = list(qs.distinct().order_by("indicator", "period_end", "pk"))
        units = {f.unit_id for f in self.figures}
        self.placements = {
            p.unit_id: p
            for p in Placement.objects.filter(
                structure_date=scope.structure_date, unit_id__in=units
            )
        }

    def totals(self, code: str) -> list[ReportedFigure]:
        return [f for f in self.figures if f.indicator == code and not f.breakdown]

    def parts(self) -> list[ReportedFigure]:
        return [f for f in self.figures if f.breakdown]

    def overlapping(self, start: dt.date, end: dt.date) -> list[ReportedFigure]:
        """Figures whose window meets [start, end] (what a review of it shows and checks)."""
        return [f for f in self.figures if f.period_start <= end and f.period_end >= start]

    def within(self, inner: AdminUnit, outer: AdminUnit) -> bool:
        """`inner` rolls up to `outer` (or is it) under the scope's structure."""
        if inner.pk == outer.pk:
            return True
        placement = self.placements.get(inner.pk)
        return placement is not None and getattr(placement, f"{outer.level}_id") == outer.pk

    def sub_unit(self, unit: AdminUnit, level: str | None):
        """The key of the unit-breakdown row a figure of `unit` falls in."""
        if level is None or LEVEL_RANK[unit.level] < LEVEL_RANK[level]:
            return REPORTED
        if self.scope.unit is not None and unit.pk == self.scope.unit.pk:
            return REPORTED
        placement = self.placements.get(unit.pk)
        return getattr(placement, f"{level}_id", None) if placement else None

    def choose(self, code: str, start: dt.date, end: dt.date) -> list[Verdict]:
        stock = CATALOGUE[code].kind == STOCK
        verdicts: list[Verdict] = []
        taken: list[ReportedFigure] = []
        candidates = []
        for f in self.totals(code):
            if stock and f.period_end > end:
                verdicts.append(Verdict(f, False, _("dated after the end of the period")))
            elif not stock and not (start <= f.period_start and f.period_end <= end):
                verdicts.append(Verdict(f, False, _("its period is not within the review's")))
            else:
                candidates.append(f)
        candidates.sort(
            key=lambda f: (
                LEVEL_RANK[f.unit.level],
                -(f.period_end.toordinal() if stock else (f.period_end - f.period_start).days),
                f.pk,
            )
        )
        for f in candidates:
            clash = next((g for g in taken if self._clash(f, g, stock)), None)
            if clash is None:
                taken.append(f)
                verdicts.append(Verdict(f, True))
            elif clash.unit_id == f.unit_id and stock:
                verdicts.append(Verdict(f, False, _("a later figure of the same unit is used")))
            else:
                reason = _("covered by the figure for %(unit)s of %(start)s–%(end)s") % {
                    "unit": clash.unit.name,
                    "start": clash.period_start.strftime("%d/%m/%Y"),
                    "end": clash.period_end.strftime("%d/%m/%Y"),
                }
                verdicts.append(Verdict(f, False, reason))
        return verdicts

    def _clash(self, f: ReportedFigure, g: ReportedFigure, stock: bool) -> bool:
        if not (self.within(f.unit, g.unit) or self.within(g.unit, f.unit)):
            return False
        if stock:
            return True  # one stock figure per area: the coarser, then the latest
        return f.period_start <= g.period_end and g.period_start <= f.period_end


def combine(
    code: str,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    book: ReportedBook,
    dimensions: tuple[str, ...] = (),
) -> tuple[Combined, list[Verdict]]:
    """The indicator for the scope and period: records and reported figures together,
    with the breakdowns asked for."""
    indicator = CATALOGUE[code]
    recorded = [d for d in dimensions if indicator.dimension(d) and indicator.dimension(d).recorded]
    # the first breakdown's count carries the total: one scan fewer per indicator
    counted = records.count(code, scope, start, end, by=recorded[0] if recorded else None)
    verdicts = book.choose(code, start, end)
    used = [v for v in verdicts if v.used]
    for v in used:
        unit_scope = Scope(v.figure.unit, scope.structure_on, scope.user)
        window_start = v.figure.period_end if indicator.kind == STOCK else v.figure.period_start
        v.covered = records.count(code, unit_scope, window_start, v.figure.period_end).value
    delta = sum((_standing(v) - v.covered for v in used), 0)
    qualifier = weakest(Qualifier.EXACT, *(v.figure.qualifier for v in used))
    result = Combined(
        code,
        records.tidy(counted.value + delta),
        qualifier,
        counted.value,
        [v.figure for v in used],
    )
    for dim in recorded:
        if dim == recorded[0]:
            parts = counted.parts
        else:
            parts = records.count(code, scope, start, end, by=dim).parts
        if used:
            parts = _add_reported(parts, used, dim, book, scope)
        result.parts[dim] = parts
    return result, verdicts


def _add_reported(parts, used, dim, book, scope):
    by_key = {p.key: p for p in parts}
    level = scope.sublevel() if dim == "unit" else None
    keys = {
        v.figure.pk: book.sub_unit(v.figure.unit, level) if dim == "unit" else REPORTED
        for v in used
    }
    missing = [k for k in keys.values() if isinstance(k, int) and k not in by_key]
    units = AdminUnit.objects.in_bulk(missing) if missing else {}
    for v in used:
        key = keys[v.figure.pk]
        part = by_key.get(key)
        if part is None:
            part = records.Part(key, _part_label(key), 0)
            if key in units:
                part.label, part.code = units[key].name, units[key].code
            parts.append(part)
            by_key[key] = part
        part.value = records.tidy(part.value + _standing(v) - v.covered)
    return parts


def _standing(v: Verdict):
    """What a used figure stands for: its value, or, for "over N" when the records it
    covers count more than N, those records (they prove more than N)."""
    if v.figure.qualifier == Qualifier.AT_LEAST:
        return max(v.figure.value, v.covered)
    return v.figure.value


def _part_label(key) -> str:
    if key == REPORTED:
        return _("Reported figures not broken down (less the records they cover)")
    return str(records.sq.UNALLOCATED) if key is None else ""
