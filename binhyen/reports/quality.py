"""The data-quality checks of a jurisdiction: reported parts that do not add up to their
total and reported figures that disagree with the records, over every reported figure
the user may see (the review adds its own rules for one unit and period)."""

from __future__ import annotations

from django.db.models import QuerySet

from binhyen.accounts.jurisdiction import restrict
from binhyen.schemes.queries import Scope

from . import records, validation
from .indicators import CATALOGUE, STOCK
from .models import ReportedFigure

AGREEMENT_LIMIT = 200


def figures_for_user(user) -> QuerySet[ReportedFigure]:
    return restrict(ReportedFigure.objects.select_related("unit"), user, "unit")


def checks(user) -> tuple[list[validation.Broken], int]:
    """Broken rules among the user's reported figures, and how many totals were compared
    with records (the most recent AGREEMENT_LIMIT)."""
    figures = list(figures_for_user(user))
    broken = validation.reported_partitions(figures)
    totals = [f for f in figures if not f.breakdown and f.indicator in CATALOGUE]
    totals.sort(key=lambda f: f.period_end, reverse=True)
    compared = totals[:AGREEMENT_LIMIT]
    for f in compared:
        start = f.period_end if CATALOGUE[f.indicator].kind == STOCK else f.period_start
        value = records.count(f.indicator, Scope(f.unit, user=user), start, f.period_end).value
        broken += validation.agreement(f, value)
    return broken, len(compared)
