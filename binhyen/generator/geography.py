"""The country the records live in: the official 2024 and 2025 unit lists with the
lineage when given (through the same import as real data), or a synthetic country of
the same shape (63 provinces, about 700 districts and 10,000 communes merged on 1 Jul
2025 into 34 provinces and about 3,300 communes); then residential areas written in bulk
under the communes of the scope, re-parented to their successor commune at the merger."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from binhyen.geo.choices import Level, TransitionKind
from binhyen.geo.importers import read_lineage, read_units
from binhyen.geo.models import AdminUnit, Placement, Transition, UnitVersion
from binhyen.geo.services import LineageRow, UnitRow, import_structure
from binhyen.geo.services.placement import rebuild_placements

from .bulk import Writer
from .names import folded, place
from .sizes import BEFORE, REFORM, Size

PROVINCES_2024, DISTRICTS_PER_PROVINCE, COMMUNES_2024 = 63, 11, 10_000
PROVINCES_2025 = 34


@dataclass
class Country:
    """Leaves records are written against, by structure."""

    old_communes: list[int] = field(default_factory=list)  # in force until 30 Jun 2025
    new_communes: list[int] = field(default_factory=list)  # in force from 1 Jul 2025
    areas: list[int] = field(default_factory=list)  # residential areas (both structures)
    area_commune: dict[int, tuple[int, int]] = field(default_factory=dict)  # old, new
    provinces: list[int] = field(default_factory=list)  # 2025 provinces of the scope
    description: str = ""

    def commune_on(self, rng: random.Random, on: dt.date) -> int:
        return rng.choice(self.new_communes if on >= REFORM else self.old_communes)

    def commune_of_area(self, area: int, on: dt.date) -> int:
        old, new = self.area_commune[area]
        return new if on >= REFORM else old


def synthetic_structure(rng: random.Random) -> tuple[list, list, list]:
    """Unit rows of 2024 and 2025 and the commune lineage of a made-up country."""
    old, new, lineage = [], [], []
    communes_of = defaultdict(list)  # new province code → old commune codes
    per_district = COMMUNES_2024 / (PROVINCES_2024 * DISTRICTS_PER_PROVINCE)
    commune_no, district_no = 0, 0
    for p in range(1, PROVINCES_2024 + 1):
        code = f"{p:02d}"
        old.append(UnitRow(len(old) + 2, code, f"Tỉnh {place(p)}", "Tỉnh", Level.PROVINCE))
        target = f"{p if p <= PROVINCES_2025 else p - PROVINCES_2025:02d}"
        for _d in range(DISTRICTS_PER_PROVINCE):
            district_no += 1
            dcode = f"{district_no:03d}"
            name = f"Huyện {place(district_no)}"
            old.append(UnitRow(len(old) + 2, dcode, name, "Huyện", Level.DISTRICT, code))
            for _c in range(int(per_district) + (rng.random() < per_district % 1)):
                commune_no += 1
                ccode = f"{commune_no:05d}"
                name = f"Xã {place(commune_no)}"
                old.append(UnitRow(len(old) + 2, ccode, name, "Xã", Level.COMMUNE, dcode))
                communes_of[target].append(ccode)
    for p in range(1, PROVINCES_2025 + 1):
        code = f"{p:02d}"
        new.append(UnitRow(len(new) + 2, code, f"Tỉnh {place(p)}", "Tỉnh", Level.PROVINCE))
        olds = communes_of[code]
        for i in range(0, len(olds), 3):
            ncode = olds[i]
            name = f"Xã {place(int(ncode))} mới"
            new.append(UnitRow(len(new) + 2, ncode, name, "Xã", Level.COMMUNE, code))
            for ocode in olds[i : i + 3]:
                lineage.append(LineageRow(len(lineage) + 2, ocode, ncode))
    return old, new, lineage


def load_structure(rng: random.Random, units: Path | None, lineage: Path | None) -> str:
    """Import the 2024 structure from 2020 and the 2025 one from 1 Jul 2025."""
    if units is not None:
        old, new = read_units(units), read_units(units.with_name("units-2025.csv"))
        links = read_lineage(lineage) if lineage else []
        described = f"official units ({units.name}, lineage {lineage.name if lineage else '-'})"
    else:
        old, new, links = synthetic_structure(rng)
        described = "a synthetic country of the same shape"
    import_structure(old, BEFORE, files=("units-2024", ""), decision="generated")
    import_structure(new, REFORM, links, files=("units-2025", "lineage"), decision="generated")
    return described


def _successors() -> dict[int, int]:
    """Old commune → the commune carrying it under the 2025 structure."""
    placed = dict(
        Placement.objects.filter(
            structure_date=REFORM, unit__level=Level.COMMUNE, commune__isnull=False
        ).values_list("unit_id", "commune_id")
    )
    for pred, succ in (
        Transition.objects.filter(date=REFORM, successor__level=Level.COMMUNE)
        .order_by("partial", "pk")
        .values_list("predecessor_id", "successor_id")
    ):
        placed.setdefault(pred, succ)
    return placed


def _province_of_old(olds: list[int], successor: dict[int, int]) -> dict[int, int | None]:
    """Old commune → the 2025 province of its successor."""
    province_of = dict(
        Placement.objects.filter(structure_date=REFORM, unit__level=Level.COMMUNE).values_list(
            "unit_id", "province_id"
        )
    )
    return {old: province_of.get(successor.get(old)) for old in olds}


def _scope_province(province_of_old: dict[int, int | None]) -> int:
    """The 2025 province with the most predecessor communes (province scale)."""
    counts = defaultdict(int)
    for province in province_of_old.values():
        if province is not None:
            counts[province] += 1
    return max(counts, key=lambda p: (counts[p], -p))


def build_areas(rng: random.Random, size: Size, progress) -> Country:
    """Residential areas under the old communes of the scope, each re-parented to the
    successor commune on 1 Jul 2025 (one reparent transition each)."""
    successor = _successors()
    last_old = REFORM - dt.timedelta(days=1)
    olds = list(
        AdminUnit.objects.in_force(last_old)
        .filter(level=Level.COMMUNE)
        .order_by("code")
        .values_list("pk", "code", "is_urban")
    )
    olds = [o for o in olds if o[0] in successor]
    if size.scale == "province":
        province_of_old = _province_of_old([o[0] for o in olds], successor)
        province = _scope_province(province_of_old)
        olds = [o for o in olds if province_of_old[o[0]] == province]
    country = Country(old_communes=[o[0] for o in olds])
    country.new_communes = sorted({successor[o[0]] for o in olds})
    units = Writer(AdminUnit, ["level", "code", "name", "valid_from", "valid_to", "is_urban"])
    versions = Writer(
        UnitVersion,
        ["unit", "name", "type_word", "parent", "valid_from", "valid_to", "search_name"],
        after=[units],
    )
    transitions = Writer(
        Transition, ["date", "kind", "predecessor", "successor", "partial"], after=[units]
    )
    per = size.residential_areas / max(1, len(olds))
    for n, (commune, code, urban) in enumerate(olds):
        count = max(1, int(per) + (rng.random() < per % 1))
        for j in range(1, count + 1):
            word = "Tổ dân phố" if urban else "Thôn"
            name = f"{word} {j}" if urban else f"{word} {place(n * 7 + j)}"
            area = units.add(Level.RESIDENTIAL_AREA, f"{code}{j:03d}", name, BEFORE, None, urban)
            search = folded(name)
            versions.add(area, name, word, commune, BEFORE, last_old, search)
            versions.add(area, name, word, successor[commune], REFORM, None, search)
            transitions.add(REFORM, TransitionKind.REPARENT, area, area, False)
            country.areas.append(area)
            country.area_commune[area] = (commune, successor[commune])
        progress("residential areas", len(country.areas), size.residential_areas)
    for writer in (units, versions, transitions):
        writer.close()
    _flag_communes(rng, country.new_communes)
    rebuild_placements()
    country.provinces = sorted(
        set(
            Placement.objects.filter(
                structure_date=REFORM, unit_id__in=country.new_communes
            ).values_list("province_id", flat=True)
        )
    )
    return country


def _flag_communes(rng: random.Random, communes: list[int]) -> None:
    """Ethnic-minority, religious and border areas, for the breakdowns by kind of area."""
    for flag, share in (
        ("ethnic_minority_area", 0.15),
        ("religious_area", 0.1),
        ("border_area", 0.05),
    ):
        chosen = [c for c in communes if rng.random() < share]
        for i in range(0, len(chosen), 900):
            AdminUnit.objects.filter(pk__in=chosen[i : i + 900]).update(**{flag: True})
