"""Counting from the tally (ADR 0012): tips received and actionable, cases solved and
suspects arrested are summed from `reports_tally` (one row per leaf unit, month and
choice values, kept by triggers) for the whole months of a period, and counted from the
records only for the days of a month cut at either end. The scope, the jurisdiction and
the breakdowns go through the same Placement join as on the records, so both give the
same figures."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import Coalesce

from binhyen.tips.queries import TIP_BREAKDOWNS

from .models import Tally
from .tally_sql import CELLS

SOURCES = {cell.source for cells in CELLS.values() for cell in cells}
CHOICES = {  # breakdown → the tally column holding it, per source
    "tips.received": {"channel": "a", "category": "b"},
    "tips.actionable": {"channel": "a", "category": "b"},
}
DAY = dt.timedelta(days=1)


def whole_months(start: dt.date, end: dt.date):
    """(first, last) day of the whole months inside [start, end], and the cut days at
    either end as (start, end) pairs; None when no month is whole."""
    first = start if start.day == 1 else (start.replace(day=28) + 4 * DAY).replace(day=1)
    last = end if (end + DAY).day == 1 else end.replace(day=1) - DAY
    if first > last:
        return None
    edges = [(s, e) for s, e in ((start, first - DAY), (last + DAY, end)) if s <= e]
    return first, last, edges


def tallied(code: str, from_records):
    """A counter (scope, start, end, by) → Counted that sums the tally over the whole
    months and asks `from_records` for the rest."""

    def counter(scope, start, end, by):
        months = whole_months(start, end)
        if months is None or by not in (None, "unit", "area_kind", *CHOICES.get(code, {})):
            return from_records(scope, start, end, by)
        first, last, edges = months
        counted = from_cells(code, scope, first, last, by)
        for s, e in edges:
            counted = merge(counted, from_records(scope, s, e, by))
        return counted

    return counter


def merge(a, b):
    """Two counts of disjoint periods, added part by part."""
    from . import records

    parts = {p.key: p for p in a.parts}
    for p in b.parts:
        if p.key in parts:
            mine = parts[p.key]
            parts[p.key] = records.Part(p.key, mine.label, mine.value + p.value, mine.code)
        else:
            parts[p.key] = p
    merged = sorted(
        parts.values(),
        key=lambda p: (p.key is None or p.key == records.SELF, -p.value, p.label),
    )
    return records.Counted((a.value or 0) + (b.value or 0), merged)


def cells(code: str, scope, start: dt.date, end: dt.date):
    return scope.apply(Tally.objects.filter(source=code, month__gte=start, month__lte=end), "unit")


def _sum(**kwargs):
    return Coalesce(Sum("records", **kwargs), 0)


def from_cells(code: str, scope, start: dt.date, end: dt.date, by: str | None):
    """The figure for whole months [start, end] from the tally."""
    from . import records

    qs = cells(code, scope, start, end)
    if by == records.AREA_KIND:
        return records._area_kinds(qs, "unit", "pk", measure=_sum)
    total = qs.order_by().aggregate(n=_sum())["n"]
    if by == "unit":
        parts = records.unit_parts(qs, "unit", scope.sublevel(), measure=_sum())
        parts.sort(key=lambda p: (p.key is None or p.key == records.SELF, -p.value, p.label))
        return records.Counted(total, parts)
    choices = CHOICES.get(code, {})
    if by in choices:
        labels = TIP_BREAKDOWNS[by]
        grouped = qs.order_by().values_list(choices[by]).annotate(n=_sum())
        parts = [records.Part(k, str(labels.get(k, k)), n) for k, n in grouped if n]
        parts.sort(key=lambda p: (-p.value, p.label))
        return records.Counted(total, parts)
    return records.Counted(total, [])


def monthly(code: str, scope, start: dt.date, end: dt.date, from_records) -> dict[str, int]:
    """{"YYYY-MM": n}: whole months from the tally, cut months from `from_records`."""
    months = whole_months(start, end) if code in SOURCES else None
    if months is None:
        return from_records(code, scope, start, end)
    first, last, edges = months
    grouped = cells(code, scope, first, last).order_by().values_list("month").annotate(n=_sum())
    counts = {f"{m.year:04d}-{m.month:02d}": n for m, n in grouped if n}
    for s, e in edges:
        for month, n in from_records(code, scope, s, e).items():
            counts[month] = counts.get(month, 0) + n
    return counts
