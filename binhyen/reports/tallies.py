"""Counting from the tally (ADR 0012): for whole months, tips received and actionable,
cases solved and suspects arrested are summed from `reports_tally` (one row per leaf
unit, month and choice values, kept by triggers) instead of counting the records. The
scope, the jurisdiction and the breakdowns are applied exactly as on the records (the
same Placement join), so both give the same figures; a period that does not start on
the 1st or end on the last day of a month is counted from the records."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import Coalesce

from binhyen.tips.queries import TIP_BREAKDOWNS

from .models import Tally

SOURCES = {"tips.received", "tips.actionable", "cases.solved", "cases.suspects_arrested"}
CHOICES = {  # breakdown → the tally column holding it, per source
    "tips.received": {"channel": "a", "category": "b"},
    "tips.actionable": {"channel": "a", "category": "b"},
}


def covers(start: dt.date, end: dt.date) -> bool:
    """Whole months only: the tally has no days."""
    return start.day == 1 and (end + dt.timedelta(days=1)).day == 1 and start <= end


def cells(code: str, scope, start: dt.date, end: dt.date):
    return scope.apply(Tally.objects.filter(source=code, month__gte=start, month__lte=end), "unit")


def _sum(**kwargs):
    return Coalesce(Sum("records", **kwargs), 0)


def counted(code: str, scope, start: dt.date, end: dt.date, by: str | None):
    """The figure from the tally, or None when it cannot answer (not a tallied source,
    not whole months, or a breakdown it does not hold)."""
    from . import records

    if code not in SOURCES or not covers(start, end):
        return None
    choices = CHOICES.get(code, {})
    if by not in (None, "unit", records.AREA_KIND, *choices):
        return None
    qs = cells(code, scope, start, end)
    if by == records.AREA_KIND:
        return records._area_kinds(qs, "unit", "pk", measure=_sum)
    total = qs.order_by().aggregate(n=_sum())["n"]
    if by == "unit":
        parts = records.unit_parts(qs, "unit", scope.sublevel(), measure=_sum())
        parts.sort(key=lambda p: (p.key is None or p.key == records.SELF, -p.value, p.label))
        return records.Counted(total, parts)
    if by in choices:
        labels = TIP_BREAKDOWNS[by]
        grouped = qs.order_by().values_list(choices[by]).annotate(n=_sum())
        parts = [records.Part(k, str(labels.get(k, k)), n) for k, n in grouped if n]
        parts.sort(key=lambda p: (-p.value, p.label))
        return records.Counted(total, parts)
    return records.Counted(total, [])


def monthly(code: str, scope, start: dt.date, end: dt.date) -> dict[str, int] | None:
    """{"YYYY-MM": n} from the tally, or None when it cannot answer."""
    if code not in SOURCES or not covers(start, end):
        return None
    grouped = cells(code, scope, start, end).order_by().values_list("month").annotate(n=_sum())
    return {f"{m.year:04d}-{m.month:02d}": n for m, n in grouped if n}
