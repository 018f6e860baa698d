"""Reads of the administrative geography on a date. Every function does a bounded number
of queries (the tree is at most four levels deep), never one per node."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from binhyen.core.text import fold

from .choices import LEVEL_RANK, Level, Unallocated
from .models import AdminUnit, Placement, Transition, UnitVersion
from .models.units import in_force_q


def today() -> dt.date:
    return timezone.localdate()


def versions_on(on: dt.date) -> QuerySet[UnitVersion]:
    """Versions in force on a date, with their unit (one row per unit in force)."""
    return UnitVersion.objects.filter(in_force_q(on)).select_related("unit")


def roots_on(on: dt.date) -> QuerySet[UnitVersion]:
    return versions_on(on).filter(parent__isnull=True).order_by("unit__code")


def children_on(unit: AdminUnit, on: dt.date) -> QuerySet[UnitVersion]:
    return versions_on(on).filter(parent=unit).order_by("unit__code")


def child_counts(units: list[AdminUnit], on: dt.date) -> dict[int, int]:
    """Number of children in force on a date, for several units in one query."""
    rows = (
        UnitVersion.objects.filter(in_force_q(on), parent__in=units)
        .values("parent_id")
        .annotate(n=Count("id"))
    )
    return {row["parent_id"]: row["n"] for row in rows}


def unit_by_code(code: str, on: dt.date, level: str | None = None) -> UnitVersion | None:
    """The version of the unit bearing `code` on a date (coarsest level first if ambiguous)."""
    qs = versions_on(on).filter(unit__code=code)
    if level:
        qs = qs.filter(unit__level=level)
    found = list(qs)
    found.sort(key=lambda v: LEVEL_RANK[v.unit.level])
    return found[0] if found else None


def units_with_code(code: str) -> QuerySet[AdminUnit]:
    """Every unit that ever bore the code, latest first."""
    return AdminUnit.objects.filter(code=code).order_by("-valid_from")


def version_on(unit: AdminUnit, on: dt.date) -> UnitVersion | None:
    return unit.versions.filter(in_force_q(on)).select_related("parent").first()


def ancestors(unit: AdminUnit, on: dt.date) -> list[UnitVersion]:
    """The chain above a unit on a date, province first (at most three queries)."""
    chain: list[UnitVersion] = []
    version = version_on(unit, on)
    while version is not None and version.parent_id is not None:
        version = versions_on(on).filter(unit_id=version.parent_id).first()
        if version is None:
            break
        chain.append(version)
    return list(reversed(chain))


def descendants(unit: AdminUnit, on: dt.date) -> list[UnitVersion]:
    """Every unit below one on a date, level by level (one query per level)."""
    found: list[UnitVersion] = []
    frontier = [unit.pk]
    while frontier:
        level = list(versions_on(on).filter(parent_id__in=frontier))
        found += level
        frontier = [v.unit_id for v in level]
    return found


def _walk(unit: AdminUnit, forward: bool) -> list[Transition]:
    """Transitions reachable from a unit, forward (successors) or back, one query a step."""
    seen: set[int] = {unit.pk}
    frontier = [unit.pk]
    found: list[Transition] = []
    while frontier:
        field_name = "predecessor_id__in" if forward else "successor_id__in"
        step = list(
            Transition.objects.filter(**{field_name: frontier})
            .exclude(predecessor_id=F("successor_id"))
            .select_related("predecessor", "successor")
        )
        found += step
        nxt = {t.successor_id if forward else t.predecessor_id for t in step} - seen
        seen |= nxt
        frontier = list(nxt)
    return found


def successors(unit: AdminUnit) -> list[Transition]:
    return _walk(unit, forward=True)


def predecessors(unit: AdminUnit) -> list[Transition]:
    return _walk(unit, forward=False)


def history(unit: AdminUnit) -> list[Transition]:
    """Every transition touching a unit, its own renames and re-parentings included."""
    return list(
        Transition.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related("predecessor", "successor")
        .order_by("date", "kind")
    )


def search(text: str, on: dt.date | None = None, limit: int = 50) -> QuerySet[UnitVersion]:
    """Units by name ignoring diacritics ("vinh phuc" finds "Vĩnh Phúc") or by code."""
    folded = fold(text)
    qs = UnitVersion.objects.select_related("unit", "parent")
    if on is not None:
        qs = qs.filter(in_force_q(on))
    words = folded.split()
    name_q = Q()
    for word in words:
        name_q &= Q(search_name__contains=word)
    qs = qs.filter(Q(unit__code=text.strip()) | name_q) if words else qs.none()
    return qs.order_by("unit__level", "search_name", "-valid_from")[:limit]


# ---- placement: "place this unit under the structure of date D at level L" -------------


def structure_date(on: dt.date) -> dt.date | None:
    """The structure date that answers for `on` (the last change on or before it)."""
    latest = Placement.objects.filter(structure_date__lte=on).aggregate(d=Max("structure_date"))
    if latest["d"] is not None:
        return latest["d"]
    # before the first structure known: nothing existed, place under the first one
    return Placement.objects.aggregate(d=Min("structure_date"))["d"]


@dataclass
class PlacementAnswer:
    unit: AdminUnit
    level: str
    structure_date: dt.date | None
    target: AdminUnit | None
    reason: str = ""
    detail: list[str] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    @property
    def reason_label(self) -> str:
        return str(Unallocated(self.reason).label) if self.reason else ""


def place(unit: AdminUnit, on: dt.date, level: str) -> PlacementAnswer:
    """Where a unit's records roll up under the structure of `on` at `level`."""
    sdate = structure_date(on)
    row = (
        Placement.objects.filter(structure_date=sdate, unit=unit)
        .select_related(Level(level).value)
        .first()
    )
    if row is None:
        return PlacementAnswer(unit, level, sdate, None, Unallocated.NOT_YET)
    target = getattr(row, level)
    return PlacementAnswer(
        unit,
        level,
        sdate,
        target,
        row.unallocated.get(level, "") if target is None else "",
        row.unallocated.get(f"detail:{level}", []),
    )


def placed_under(units: list[AdminUnit], on: dt.date) -> QuerySet[Placement]:
    """Placement rows of every unit (of any time) that rolls up to one of `units` on `on`."""
    sdate = structure_date(on)
    q = Q(unit__in=units)
    for level in LEVEL_RANK:
        ids = [u.pk for u in units if u.level == level]
        if ids:
            q |= Q(**{f"{level}_id__in": ids})
    return Placement.objects.filter(q, structure_date=sdate)
