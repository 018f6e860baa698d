"""Import a structure of administrative units valid from a date, with its lineage.

All-or-nothing: every row is checked first and the import is refused with the list of
bad rows (line, column, message) before anything is written. Re-running the same files
changes nothing. See docs/adr/0001-administrative-units-over-time.md for the rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import audit
from binhyen.core.text import fold

from ..choices import LEVEL_RANK, URBAN_TYPE_WORDS, Level, TransitionKind
from ..models import AdminUnit, Transition, UnitVersion
from ..models.units import in_force_q
from .placement import rebuild_placements


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    type_word: str
    level: str
    parent_code: str = ""
    parent_column: str = "parent_code"  # the file's name for it, for error messages


@dataclass(frozen=True)
class LineageRow:
    line: int
    old_code: str
    new_code: str


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where} [{self.column}] {self.message}" if self.column else f"{where} {self.message}"
        )


class ImportRejected(Exception):
    """Nothing was written; `errors` lists every bad row."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:50]))


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    changed: int = 0
    closed: int = 0
    transitions: int = 0
    placements: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.changed or self.closed or self.transitions)


_URBAN = {fold(w) for w in URBAN_TYPE_WORDS}


def _is_urban(type_word: str) -> bool:
    return fold(type_word) in _URBAN


def base_name(name: str, type_word: str) -> str:
    """The name without its type word, folded: 'Huyện Côn Đảo' → 'con dao'."""
    folded, word = fold(name), fold(type_word)
    return folded[len(word) :].strip() if word and folded.startswith(word + " ") else folded


class _StructureImport:
    def __init__(self, rows, valid_from, lineage, files, decision):
        self.rows: list[UnitRow] = sorted(rows, key=lambda r: (LEVEL_RANK[r.level], r.line))
        self.on = valid_from
        self.prev = valid_from - dt.timedelta(days=1)
        self.lineage: list[LineageRow] = list(lineage)
        self.unit_file, self.lineage_file = files
        self.decision = decision
        self.errors: list[RowError] = []
        self.result = ImportResult()
        self.closed_units: list[AdminUnit] = []
        self.pairs: dict[tuple[int, tuple[str, str]], int] = {}
        levels = [LEVEL_RANK[r.level] for r in self.rows]
        self.covered_levels = {
            lvl for lvl, rank in LEVEL_RANK.items() if levels and min(levels) <= rank <= max(levels)
        }

    # ---- loading what is in force around the date ----------------------------------
    def load(self) -> None:
        around = AdminUnit.objects.filter(in_force_q(self.prev) | in_force_q(self.on))
        self.units = {u.pk: u for u in around}
        self.by_key_prev: dict[tuple[str, str], AdminUnit] = {}
        self.by_key_on: dict[tuple[str, str], AdminUnit] = {}
        for u in self.units.values():
            if u.in_force_on(self.prev):
                self.by_key_prev[(u.level, u.code)] = u
            if u.in_force_on(self.on):
                self.by_key_on[(u.level, u.code)] = u
        self.versions: dict[int, list[UnitVersion]] = defaultdict(list)
        for v in UnitVersion.objects.filter(unit_id__in=self.units).order_by("valid_from"):
            self.versions[v.unit_id].append(v)

    def version_on(self, unit: AdminUnit, on: dt.date) -> UnitVersion | None:
        return next((v for v in self.versions[unit.pk] if v.in_force_on(on)), None)

    def ancestors_prev(self, unit: AdminUnit) -> list[AdminUnit]:
        chain, current = [], unit
        while current is not None:
            chain.append(current)
            version = self.version_on(current, self.prev)
            current = self.units.get(version.parent_id) if version and version.parent_id else None
        return chain

    # ---- checks ---------------------------------------------------------------------
    def error(self, file: str, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(file, line, column, message))

    def check_rows(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        self.row_by_key: dict[tuple[str, str], UnitRow] = {}
        for row in self.rows:
            key = (row.level, row.code)
            if key in seen:
                msg = _("code %(code)s appears twice at this level (first on line %(first)d)")
                self.error(
                    self.unit_file, row.line, "code", msg % {"code": row.code, "first": seen[key]}
                )
                continue
            seen[key] = row.line
            self.row_by_key[key] = row
        self.parent_of: dict[tuple[str, str], tuple[str, object]] = {}
        for row in self.rows:
            if not row.parent_code:
                if row.level != Level.PROVINCE:
                    msg = _("a %(level)s needs a parent code") % {"level": Level(row.level).label}
                    self.error(self.unit_file, row.line, row.parent_column, msg)
                continue
            parent = self.find_parent(row)
            if parent is None:
                msg = _("no unit coarser than this one has code %(code)s on %(date)s")
                self.error(
                    self.unit_file,
                    row.line,
                    row.parent_column,
                    msg % {"code": row.parent_code, "date": self.on.strftime("%d/%m/%Y")},
                )
            else:
                self.parent_of[(row.level, row.code)] = parent

    def find_parent(self, row: UnitRow):
        """('row', key) for a parent in the same file, ('unit', AdminUnit) for one in force."""
        coarser = [lvl for lvl in LEVEL_RANK if LEVEL_RANK[lvl] < LEVEL_RANK[row.level]]
        for lvl in reversed(coarser):
            if (lvl, row.parent_code) in self.row_by_key:
                return ("row", (lvl, row.parent_code))
        for lvl in reversed(coarser):
            unit = self.by_key_on.get((lvl, row.parent_code))
            if unit is not None and (lvl not in self.covered_levels):
                return ("unit", unit)
        return None

    def check_lineage(self) -> None:
        self.links: list[tuple[AdminUnit, tuple[str, str], int]] = []
        row_levels = {key[1]: key for key in self.row_by_key}
        for link in self.lineage:
            old = self.find_old(link.old_code)
            if old is None:
                msg = _("no unit had code %(code)s on %(date)s")
                self.error(
                    self.lineage_file,
                    link.line,
                    "old_commune_code",
                    msg % {"code": link.old_code, "date": self.prev.strftime("%d/%m/%Y")},
                )
            new_key = row_levels.get(link.new_code)
            if new_key is None:
                msg = _("code %(code)s is not in the unit file") % {"code": link.new_code}
                self.error(self.lineage_file, link.line, "new_commune_code", msg)
            if old is not None and new_key is not None:
                self.links.append((old, new_key, link.line))

    def find_old(self, code: str) -> AdminUnit | None:
        for lvl in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE, Level.RESIDENTIAL_AREA):
            unit = self.by_key_prev.get((lvl, code))
            if unit is not None and unit.valid_from < self.on:
                return unit
        return None

    # ---- lineage at every level -----------------------------------------------------
    def row_ancestor_key(self, key: tuple[str, str], level: str) -> tuple[str, str] | None:
        while key is not None and key[0] != level:
            parent = self.parent_of.get(key)
            if parent is None or parent[0] != "row":
                return None
            key = parent[1]
        return key

    def derive_links(self) -> dict[tuple[int, tuple[str, str]], int]:
        """(old unit id, new row key) → line; coarser levels derived from finer ones."""
        pairs: dict[tuple[int, tuple[str, str]], int] = {}
        for old, new_key, line in self.links:
            pairs[(old.pk, new_key)] = line
            for anc in self.ancestors_prev(old)[1:]:
                new_anc = self.row_ancestor_key(new_key, anc.level)
                if new_anc is not None:
                    pairs.setdefault((anc.pk, new_anc), 0)
        return pairs

    # ---- writing (bulk, level by level so parents exist before children) ------------
    def run(self) -> ImportResult:
        self.load()
        self.check_rows()
        self.check_lineage()
        if self.errors:
            raise ImportRejected(self.errors)
        self.pairs = pairs = self.derive_links()
        preds: dict[tuple[str, str], set[int]] = defaultdict(set)
        succs: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for old_id, new_key in pairs:
            preds[new_key].add(old_id)
            succs[old_id].add(new_key)
        self.unit_of_key: dict[tuple[str, str], AdminUnit] = {}
        self.new_versions: list[UnitVersion] = []
        self.touched_versions: list[UnitVersion] = []
        self.renamed_units: list[AdminUnit] = []
        self.identity_links: list[tuple[AdminUnit, AdminUnit, str, bool]] = []
        continued: set[int] = set()
        for level in sorted({r.level for r in self.rows}, key=LEVEL_RANK.get):
            level_rows = [r for r in self.rows if r.level == level]
            fresh: list[tuple[UnitRow, AdminUnit]] = []
            for row in level_rows:
                key = (row.level, row.code)
                current = self.by_key_on.get(key)
                old = self.by_key_prev.get(key)
                if current is not None and current.valid_from >= self.on:
                    self.unit_of_key[key] = current  # made by an earlier run of this import
                elif old is not None and preds[key] <= {old.pk} and succs[old.pk] <= {key}:
                    continued.add(old.pk)
                    self.unit_of_key[key] = old
                else:
                    unit = self.new_unit(row)
                    self.unit_of_key[key] = unit
                    fresh.append((row, unit))
            AdminUnit.objects.bulk_create([unit for _row, unit in fresh], batch_size=1000)
            self.result.created += len(fresh)
            fresh_ids = {id(unit) for _row, unit in fresh}
            for row in level_rows:
                unit = self.unit_of_key[(row.level, row.code)]
                self.units[unit.pk] = unit
                self.sync_version(unit, row, is_new=id(unit) in fresh_ids)
            UnitVersion.objects.bulk_create(self.new_versions, batch_size=1000)
            self.new_versions = []
        UnitVersion.objects.bulk_update(
            self.touched_versions, ["name", "type_word", "parent", "valid_to", "search_name"], 1000
        )
        AdminUnit.objects.bulk_update(self.renamed_units, ["name", "is_urban"], batch_size=1000)
        self.close_ceased(pairs)
        self.write_transitions(pairs, succs, continued, preds)
        self.result.placements = rebuild_placements()
        return self.result

    def parent_unit(self, row: UnitRow) -> AdminUnit | None:
        parent = self.parent_of.get((row.level, row.code))
        if parent is None:
            return None
        return self.unit_of_key[parent[1]] if parent[0] == "row" else parent[1]

    def new_unit(self, row: UnitRow) -> AdminUnit:
        return AdminUnit(
            level=row.level,
            code=row.code,
            name=row.name,
            valid_from=self.on,
            is_urban=_is_urban(row.type_word),
        )

    def sync_version(self, unit: AdminUnit, row: UnitRow, is_new: bool) -> None:
        parent = self.parent_unit(row)
        parent_id = parent.pk if parent else None
        current = self.version_on(unit, self.on)
        if current and (current.name, current.type_word, current.parent_id) == (
            row.name,
            row.type_word,
            parent_id,
        ):
            self.result.unchanged += 1
            return
        if current is not None and current.valid_from >= self.on:
            self.apply(current, row, parent_id)  # same day: correct the version in place
            self.touched_versions.append(current)
        else:
            if current is not None:
                current.valid_to = self.prev
                self.touched_versions.append(current)
                self.identity_links += [
                    (unit, unit, kind, False)
                    for kind in self.identity_kinds(current, row, parent_id)
                ]
            version = UnitVersion(unit=unit, valid_from=self.on)
            self.apply(version, row, parent_id)
            self.new_versions.append(version)
            self.versions[unit.pk].append(version)
        urban = _is_urban(row.type_word)
        if unit.name != row.name or (current and current.type_word != row.type_word):
            unit.name = row.name
            unit.is_urban = urban
            self.renamed_units.append(unit)
        if not is_new:
            self.result.changed += 1

    @staticmethod
    def apply(version: UnitVersion, row: UnitRow, parent_id: int | None) -> None:
        version.name = row.name
        version.type_word = row.type_word
        version.parent_id = parent_id
        version.search_name = fold(row.name)

    @staticmethod
    def identity_kinds(old_version: UnitVersion, row: UnitRow, parent_id: int | None) -> list:
        kinds = []
        if (old_version.name, old_version.type_word) != (row.name, row.type_word):
            kinds.append(TransitionKind.RENAME)
        if old_version.parent_id != parent_id:
            kinds.append(TransitionKind.REPARENT)
        return kinds

    def close_ceased(self, pairs) -> None:
        """Close units of the covered levels, in the file's scope, that did not continue."""
        kept = {u.pk for u in self.unit_of_key.values()}
        roots = {self.by_key_prev[k].pk for k in self.row_by_key if k in self.by_key_prev}
        roots |= {old_id for old_id, _new in pairs}
        roots |= {p[1].pk for p in self.parent_of.values() if p[0] == "unit"}
        closing: list[AdminUnit] = []
        for unit in list(self.units.values()):
            if (
                unit.pk in kept
                or unit.level not in self.covered_levels
                or not unit.in_force_on(self.prev)
                or not unit.in_force_on(self.on)
            ):
                continue
            if any(a.pk in roots for a in self.ancestors_prev(unit)):
                unit.valid_to = self.prev
                closing.append(unit)
        ids = [u.pk for u in closing]
        AdminUnit.objects.filter(pk__in=ids).update(valid_to=self.prev)
        UnitVersion.objects.filter(unit_id__in=ids, valid_to__isnull=True).update(
            valid_to=self.prev
        )
        for unit in closing:
            for version in self.versions[unit.pk]:
                version.valid_to = version.valid_to or self.prev
        self.closed_units = closing
        self.result.closed = len(closing)

    def write_transitions(self, pairs, succs, continued, preds) -> None:
        links = list(self.identity_links)
        for old_id, new_key in pairs:
            new_unit = self.unit_of_key[new_key]
            if old_id == new_unit.pk:
                continue
            old_unit = self.units[old_id]
            partial = len(succs[old_id]) > 1
            if old_unit.level != new_unit.level:
                kind = TransitionKind.LEVEL_CHANGE
            else:
                kind = TransitionKind.SPLIT if partial else TransitionKind.MERGE
            links.append((old_unit, new_unit, kind, partial))
        links += self.level_changes(preds, continued)
        existing = set(
            Transition.objects.filter(date=self.on).values_list(
                "kind", "predecessor_id", "successor_id"
            )
        )
        new = [
            Transition(
                date=self.on,
                kind=kind,
                predecessor=old,
                successor=succ,
                partial=partial,
                decision=self.decision,
            )
            for old, succ, kind, partial in links
            if (kind, old.pk, succ.pk) not in existing
        ]
        Transition.objects.bulk_create(new, batch_size=1000)
        self.result.transitions = len(new)

    def level_changes(self, preds, continued):
        """New units with no predecessor that carry on a closed childless unit of the same
        name in a predecessor of their parent (island districts → special zones, 2025)."""
        if not self.lineage:
            return []
        closed = [u for u in self.closed_units if u.pk not in continued]
        has_children = {
            v.parent_id
            for versions in self.versions.values()
            for v in versions
            if v.parent_id and v.in_force_on(self.prev)
        }
        found = []
        for key, unit in self.unit_of_key.items():
            if preds[key] or unit.valid_from != self.on:
                continue
            row = self.row_by_key[key]
            matches = [
                old
                for old in closed
                if old.pk not in has_children
                and old.level != unit.level
                and base_name(old.name, self.version_on(old, self.prev).type_word)
                == base_name(row.name, row.type_word)
                and self.same_province(old, key)
            ]
            if len(matches) == 1:
                found.append((matches[0], unit, TransitionKind.LEVEL_CHANGE, False))
                self.result.notes.append(
                    _("%(old)s became %(new)s (level change, matched by name)")
                    % {"old": matches[0], "new": unit}
                )
        return found

    def same_province(self, old: AdminUnit, new_key) -> bool:
        old_province = self.ancestors_prev(old)[-1]
        new_province = self.row_ancestor_key(new_key, Level.PROVINCE)
        if new_province is None:
            return False
        new_unit = self.unit_of_key[new_province]
        return old_province.pk == new_unit.pk or any(
            old_id == old_province.pk and nk == new_province for old_id, nk in self.pairs
        )


def import_structure(
    rows: list[UnitRow],
    valid_from: dt.date,
    lineage: list[LineageRow] = (),
    files: tuple[str, str] = ("units", "lineage"),
    decision: str = "",
) -> ImportResult:
    """Import units valid from `valid_from` (see module doc). Raises ImportRejected."""
    with transaction.atomic():
        result = _StructureImport(rows, valid_from, lineage, files, decision).run()
        audit.record_bulk(
            AdminUnit,
            _("Imported %(file)s valid from %(date)s") % {"file": files[0], "date": valid_from},
            created=result.created,
            changed=result.changed,
            closed=result.closed,
            transitions=result.transitions,
        )
    return result
