"""Compute the Placement table: every unit ever, placed under every structure date.

Everything is loaded once into memory (national size: ~14,000 units, ~100,000 with
villages) and written with bulk_create, so the cost is a few queries whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from ..choices import LEVEL_RANK, LEVELS, Unallocated
from ..models import AdminUnit, Placement, Transition, UnitVersion

_FAR_FUTURE = dt.date.max


@dataclass(frozen=True)
class _Unit:
    id: int
    level: str
    code: str
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class _Version:
    parent_id: int | None
    valid_from: dt.date
    valid_to: dt.date


class _World:
    """The whole geography in memory, for placing units under one structure date."""

    def __init__(self) -> None:
        self.units: dict[int, _Unit] = {
            u[0]: _Unit(u[0], u[1], u[2], u[3], u[4] or _FAR_FUTURE)
            for u in AdminUnit.objects.values_list("id", "level", "code", "valid_from", "valid_to")
        }
        self.versions: dict[int, list[_Version]] = defaultdict(list)
        for unit_id, parent_id, start, end in UnitVersion.objects.order_by(
            "unit_id", "valid_from"
        ).values_list("unit_id", "parent_id", "valid_from", "valid_to"):
            self.versions[unit_id].append(_Version(parent_id, start, end or _FAR_FUTURE))
        self.successors: dict[int, set[int]] = defaultdict(set)
        self.predecessors: dict[int, set[int]] = defaultdict(set)
        for pred, succ in Transition.objects.values_list("predecessor_id", "successor_id"):
            if pred != succ:
                self.successors[pred].add(succ)
                self.predecessors[succ].add(pred)

    def structure_dates(self) -> list[dt.date]:
        dates = {u.valid_from for u in self.units.values()}
        dates |= {
            u.valid_to + dt.timedelta(days=1)
            for u in self.units.values()
            if u.valid_to < _FAR_FUTURE
        }
        for versions in self.versions.values():
            dates |= {v.valid_from for v in versions}
        return sorted(dates)


class _Placer:
    """Places units under the structure of one date, memoised."""

    def __init__(self, world: _World, on: dt.date) -> None:
        self.w = world
        self.on = on
        self.memo: dict[tuple[int, str], tuple[int | None, str, list[str]]] = {}

    def valid(self, unit_id: int) -> bool:
        u = self.w.units[unit_id]
        return u.valid_from <= self.on <= u.valid_to

    def version_on(self, unit_id: int, on: dt.date) -> _Version | None:
        for v in self.w.versions.get(unit_id, ()):
            if v.valid_from <= on <= v.valid_to:
                return v
        return None

    def edge_version(self, unit_id: int, forward: bool) -> _Version | None:
        versions = self.w.versions.get(unit_id, ())
        if not versions:
            return None
        return versions[-1] if forward else versions[0]

    def carriers(self, unit_id: int, forward: bool, seen: frozenset[int]) -> set[int] | None:
        """Units in force on the date that carry this one, or None if the trail ends."""
        if self.valid(unit_id):
            return {unit_id}
        nxt = self.w.successors[unit_id] if forward else self.w.predecessors[unit_id]
        nxt = nxt - seen
        if not nxt:
            return None
        result: set[int] = set()
        for other in nxt:
            found = self.carriers(other, forward, seen | {unit_id})
            if found is None:
                return None
            result |= found
        return result

    def place(self, unit_id: int, level: str) -> tuple[int | None, str, list[str]]:
        key = (unit_id, level)
        if key not in self.memo:
            self.memo[key] = self._place(unit_id, level)
        return self.memo[key]

    def _place(self, unit_id: int, level: str) -> tuple[int | None, str, list[str]]:
        unit = self.w.units[unit_id]
        if LEVEL_RANK[unit.level] < LEVEL_RANK[level]:
            return None, Unallocated.COARSER, []
        if self.valid(unit_id):
            return self._ancestor(unit_id, level)
        forward = self.on > unit.valid_to
        carriers = self.carriers(unit_id, forward, frozenset())
        if carriers is None:
            edge = self.edge_version(unit_id, forward)
            parent = edge.parent_id if edge else None
            if parent is not None and LEVEL_RANK[self.w.units[parent].level] >= LEVEL_RANK[level]:
                return self.place(parent, level)
            return None, (Unallocated.NO_SUCCESSOR if forward else Unallocated.NOT_YET), []
        targets: set[int] = set()
        for carrier in carriers:
            target, reason, detail = self._ancestor(carrier, level)
            if target is None:
                return None, reason, detail
            targets.add(target)
        if len(targets) == 1:
            return targets.pop(), "", []
        reason = Unallocated.SPLIT if forward else Unallocated.FORMED_FROM_SEVERAL
        return None, reason, sorted(self.w.units[t].code for t in targets)

    def _ancestor(self, unit_id: int, level: str) -> tuple[int | None, str, list[str]]:
        """The unit at `level` above a unit in force on the date."""
        current = unit_id
        while self.w.units[current].level != level:
            version = self.version_on(current, self.on)
            parent = version.parent_id if version else None
            if parent is None or LEVEL_RANK[self.w.units[parent].level] < LEVEL_RANK[level]:
                return None, Unallocated.NO_SUCH_LEVEL, []
            if not self.valid(parent):
                return self.place(parent, level)
            current = parent
        return current, "", []


_LEVEL_FIELDS = {level: str(level) for level in LEVELS}


def compute_placements(world: _World, on: dt.date) -> list[Placement]:
    placer = _Placer(world, on)
    rows = []
    for unit_id, unit in world.units.items():
        targets: dict[str, int | None] = {}
        unallocated: dict[str, str | list[str]] = {}
        for level in LEVELS:
            if LEVEL_RANK[level] > LEVEL_RANK[unit.level]:
                targets[level] = None
                continue
            target, reason, detail = placer.place(unit_id, level)
            targets[level] = target
            if target is None:
                unallocated[level] = reason
                if detail:
                    unallocated[f"detail:{level}"] = detail
        rows.append(
            Placement(
                structure_date=on,
                unit_id=unit_id,
                province_id=targets["province"],
                district_id=targets["district"],
                commune_id=targets["commune"],
                residential_area_id=targets["residential_area"],
                unallocated=unallocated,
            )
        )
    return rows


@transaction.atomic
def rebuild_placements() -> int:
    """Recompute the whole Placement table; returns the number of rows written."""
    world = _World()
    Placement.objects.all().delete()
    total = 0
    for on in world.structure_dates():
        rows = compute_placements(world, on)
        Placement.objects.bulk_create(rows, batch_size=2000)
        total += len(rows)
    return total
