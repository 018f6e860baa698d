"""Groups, households and members: checked here with the rules of services/structure.py
and written with bulk_create in batches while the rows stream by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from binhyen.core import audit
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries
from binhyen.schemes.choices import GroupKind, MemberRole
from binhyen.schemes.models import Group, GroupHousehold, GroupMember, Household

from ..checks import group_point_problem
from . import staging
from .base import (
    BATCH,
    FAILED,
    INTERNAL_REF,
    OUTSIDE,
    Row,
    chunks,
    day,
    differs,
    overlaps,
    user_ref,
)


@dataclass(eq=False, slots=True)
class GroupInfo:
    """What households and members need of a group (from the file or the database)."""

    ref: str
    id: int | None
    area: AdminUnit
    kind: str
    name: str
    established_on: dt.date
    dissolved_on: dt.date | None
    members_loaded: bool = False
    leaders: list[tuple[str, dt.date, dt.date | None]] = field(default_factory=list)
    member_keys: set[tuple[str, dt.date]] = field(default_factory=set)


@dataclass(eq=False, slots=True)
class HouseholdInfo:
    """A household of the file (or one its rows name). Between batches only the id and
    area are kept; particulars and memberships are read back when it is met again."""

    ref: str
    id: int | None
    area_id: int
    particulars: tuple | None = None  # (head name, address, people)
    line: int = 0
    # (group: GroupInfo or group id, group kind, group name, joined, left, membership id)
    memberships: list[tuple] | None = None


class StructureRows:
    """The kinds written in bulk (a mixin of the run)."""

    # ---- groups (bulk) ------------------------------------------------------------------
    def groups_table(self, rows: Iterable[Row]) -> None:
        for chunk in chunks(rows, BATCH):
            ok = [r for r in chunk if not r.errors and r.values.get("ref")]
            select = ("residential_area",)
            refs = {r.values["ref"] for r in ok}
            existing = self.by_refs(Group, queries.groups_for_user, refs, select)
            point_refs = {r.values.get("scheme_ref") for r in ok}
            self.points.update(self.load_points({r for r in point_refs if r not in self.points}))
            new: list[tuple[GroupInfo, Group]] = []
            changed: list[Group] = []
            dissolved: list[Group] = []
            for row in chunk:
                ref = row.values.get("ref")
                ok = not self.reading_errors(row) and self.first_seen(ref, row, "ref")
                info = (
                    self.group_row(row, existing.get(ref), new, changed, dissolved) if ok else None
                )
                self.groups[ref] = info or FAILED
            if self.writing:
                self.write_groups(new, changed, dissolved)

    def group_row(self, row: Row, existing, new, changed, dissolved) -> GroupInfo | None:
        v = row.values
        ref, on = v["ref"], v["established_on"]
        if existing is OUTSIDE or (existing is None and INTERNAL_REF.match(ref)):
            self.bad_ref(row, "ref", existing)
            return None
        current = existing.residential_area if existing else None
        area = self.resolve(row, "residential_area_code", on, Level.RESIDENTIAL_AREA, current)
        if area is None or not self.may_write(row, "residential_area_code", area, True):
            return None
        if existing is not None and existing.residential_area_id != area.pk:
            message = _("A group cannot move to another residential area.")
            self.error(row, "residential_area_code", message)
            return None
        if not self.date_order(row, "dissolved_on", on, _("the date established")):
            return None
        current_scheme = existing.scheme if existing is not None else None
        if self.names_current(row, "scheme_ref", current_scheme):
            scheme = current_scheme
        else:
            scheme = self.referenced(self.points, row, "scheme_ref")
            if v.get("scheme_ref"):
                if scheme is None:
                    return None
                problem = group_point_problem(scheme, area)
                if problem:
                    self.error(row, "scheme_ref", problem)
                    return None
        values = {
            "ref": user_ref(ref),
            "name": v["name"],
            "established_on": on,
            "dissolved_on": v.get("dissolved_on"),
        }
        if "kind" in v or existing is None:
            values["kind"] = v.get("kind") or GroupKind.INTER_HOUSEHOLD
        if "scheme_ref" in v:
            values["scheme"] = scheme
        group = existing or Group(residential_area=area)
        changed_now = existing is not None and any(differs(group, n, x) for n, x in values.items())
        if changed_now and values["dissolved_on"] and values["dissolved_on"] != group.dissolved_on:
            dissolved.append(group)
        for name, value in values.items():
            setattr(group, name, value)
        end = group.dissolved_on
        info = GroupInfo(ref, group.pk, area, group.kind, group.name, on, end)
        if existing is None:
            new.append((info, group))
        elif changed_now:
            changed.append(group)
        self.count(created=existing is None, updated=changed_now)
        return info

    def write_groups(self, new, changed, dissolved) -> None:
        Group.objects.bulk_create([group for _info, group in new], batch_size=BATCH)
        for info, group in new:
            info.id = group.pk
        for group in changed:  # an edit form opened before the import is now stale
            group.version += 1
        fields = ["ref", "name", "kind", "established_on", "dissolved_on", "scheme", "version"]
        Group.objects.bulk_update(changed, fields, batch_size=BATCH)
        closed = {GroupHousehold: 0, GroupMember: 0}
        for group in dissolved:  # as services.dissolve_group: who is still in leaves that day
            on = group.dissolved_on
            still_in = Q(left_on__isnull=True) | Q(left_on__gt=on)
            for model in closed:
                closed[model] += model.objects.filter(still_in, group=group).update(
                    left_on=Greatest(Value(on), F("joined_on"))
                )
        for model, count in closed.items():
            if count:
                audit.record_bulk(
                    model,
                    f"{count} closed: their groups were dissolved by an import",
                    None,
                    rows=count,
                )

    def load_groups(self, refs: set) -> None:
        refs = {r for r in refs if r and r not in self.groups}
        select = ("residential_area",)
        for ref, g in self.by_refs(Group, queries.groups_for_user, refs, select).items():
            self.groups[ref] = (
                OUTSIDE
                if g is OUTSIDE
                else GroupInfo(
                    ref, g.pk, g.residential_area, g.kind, g.name, g.established_on, g.dissolved_on
                )
            )

    def membership_dates(self, row: Row, group: GroupInfo) -> tuple | None:
        """(joined, left) of a row in a group, checked against the group's life. A row
        without an end ends when the group was dissolved (as services.dissolve_group)."""
        joined = row.values.get("joined_on")
        if joined is None:
            self.error(row, "joined_on", _("This field is required."))
            return None
        if joined < group.established_on:
            message = _("The date cannot be before %(what)s (%(date)s).") % {
                "what": _("the group's establishment"),
                "date": day(group.established_on),
            }
            self.error(row, "joined_on", message)
            return None
        if group.dissolved_on and joined >= group.dissolved_on:
            message = _("The group was dissolved on %(date)s.") % {"date": day(group.dissolved_on)}
            self.error(row, "joined_on", message)
            return None
        if not self.date_order(row, "left_on", joined, _("the date joined")):
            return None
        return joined, row.values.get("left_on") or group.dissolved_on

    # ---- households (bulk) ----------------------------------------------------------------
    def households_table(self, rows: Iterable[Row]) -> None:
        """Batch by batch: what a batch needs is read in a few queries, its rows checked,
        then written. Between batches only ref → (id, area) stays in memory; a household
        met again later is read back from the database (written by then). A CSV file on
        PostgreSQL goes the set-based way instead (staging.py, ADR 0011)."""
        if staging.applies(self, self.table) and staging.import_households(self, self.table):
            return
        for chunk in chunks(rows, BATCH):
            ok = [r for r in chunk if not r.errors and r.values.get("ref")]
            self.load_groups({r.values.get("group_ref") for r in ok})
            refs = {r.values["ref"] for r in ok}
            select = ("residential_area",)
            new_refs = {r for r in refs if r not in self.households}
            existing = self.by_refs(Household, queries.households_for_user, new_refs, select)
            again = {
                info.id: info
                for r in refs
                if isinstance(info := self.households.get(r), HouseholdInfo) and info.id
            }
            for pk, *particulars in Household.objects.filter(pk__in=again).values_list(
                "pk", "head_name", "address", "people"
            ):
                again[pk].particulars = tuple(particulars)
                again[pk].memberships = []
            ids = [h.pk for h in existing.values() if h is not OUTSIDE] + list(again)
            history: dict[int, list[tuple]] = {}
            for m in GroupHousehold.objects.filter(household_id__in=ids).values_list(
                "household_id", "group_id", "group__kind", "group__name", "joined_on", "left_on",
                "pk",
            ):  # fmt: skip
                history.setdefault(m[0], []).append(m[1:])
            for pk, info in again.items():
                info.memberships = history.get(pk, [])
            batch = _HouseholdBatch()
            for row in chunk:
                self.household_row(row, existing, history, batch)
            if self.writing:
                batch.write()
                self.seen_memberships.update(m.pk for m in batch.created_memberships)
            for info in batch.touched:
                info.particulars = info.memberships = None  # read back if met again

    def household_row(self, row: Row, existing: dict, history: dict, batch) -> None:
        v = row.values
        ref = v.get("ref")
        if self.reading_errors(row):
            self.households.setdefault(ref, FAILED)
            return
        info = self.households.get(ref)
        if info is FAILED or (info is not None and info.particulars is None):
            return  # refused, or given before and not written (the import is refused)
        state = "unchanged"
        if info is None:
            info, state = self.household(row, existing.get(ref), history.get, batch)
            self.households[ref] = info or FAILED
            if info is None:
                return
            batch.touched.append(info)
        elif not self.same_household(row, info):
            return
        elif info not in batch.touched:
            batch.touched.append(info)
        joined = self.household_membership(row, info, batch)
        if joined is not None:
            self.count(created="created" in (state, joined), updated="updated" in (state, joined))

    def household(self, row: Row, existing, history, batch) -> tuple[HouseholdInfo | None, str]:
        v = row.values
        ref = v["ref"]
        if existing is OUTSIDE or (existing is None and INTERNAL_REF.match(ref)):
            self.bad_ref(row, "ref", existing)
            return None, ""
        on = v.get("joined_on") or self.today
        current = existing.residential_area if existing else None
        area = self.resolve(row, "residential_area_code", on, Level.RESIDENTIAL_AREA, current)
        if area is None or not self.may_write(row, "residential_area_code", area, True):
            return None, ""
        if existing is not None and existing.residential_area_id != area.pk:
            message = _("A household cannot move to another residential area.")
            self.error(row, "residential_area_code", message)
            return None, ""
        values = {"head_name": v["head_name"]}
        if "address" in v or existing is None:
            values["address"] = v.get("address") or ""
        if "people" in v or existing is None:
            values["people"] = v.get("people")
        if existing is None:
            obj = Household(residential_area=area, ref=user_ref(ref), **values)
            info = HouseholdInfo(ref, None, area.pk, tuple(values.values()), row.line, [])
            batch.new.append((info, obj))
            return info, "created"
        info = HouseholdInfo(ref, existing.pk, area.pk, (), row.line)
        info.memberships = list(history(existing.pk, []))
        state = "unchanged"
        if any(getattr(existing, n) != x for n, x in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            batch.changed.append(existing)
            state = "updated"
        info.particulars = (existing.head_name, existing.address, existing.people)
        return info, state

    def same_household(self, row: Row, info: HouseholdInfo) -> bool:
        """A household on several rows (one per membership) has the same particulars."""
        v = row.values
        head, address, people = info.particulars
        if (
            v["head_name"] != head
            or ("address" in v and (v["address"] or "") != address)
            or ("people" in v and v["people"] != people)
        ):
            message = _("%(ref)s is on line %(line)d with other particulars.")
            self.error(row, "ref", message % {"ref": info.ref, "line": info.line})
            return False
        return True

    def household_membership(self, row: Row, info: HouseholdInfo, batch) -> str | None:
        """The row's membership: 'created', 'updated', 'unchanged' or '' (no group given);
        None when refused. A household is in one inter-household group at a time, and
        never twice at once in the same group (services.join_group)."""
        v = row.values
        if not v.get("group_ref"):
            if v.get("joined_on") or v.get("left_on"):
                self.error(row, "group_ref", _("Give the group the household joined."))
                return None
            return ""
        group = self.referenced(self.groups, row, "group_ref")
        if group is None:
            return None
        if group.area.pk != info.area_id:
            message = _("The household lives in another residential area.")
            self.error(row, "group_ref", message)
            return None
        dates = self.membership_dates(row, group)
        if dates is None:
            return None
        joined, left = dates
        same = None
        for m in info.memberships:
            other, kind, name, start, end, pk = m
            is_group = other is group or (group.id is not None and other == group.id)
            recorded = pk is not None and pk not in self.seen_memberships
            if is_group and start == joined and recorded and same is None:
                same = m  # this row's membership, recorded before this import
                continue
            if not is_group and (group.kind, kind) != (GroupKind.INTER_HOUSEHOLD,) * 2:
                continue
            if overlaps(joined, left, start, end):
                message = _("The household is already in group %(group)s from %(date)s.")
                self.error(row, "group_ref", message % {"group": name, "date": day(start)})
                return None
        if same is not None:
            info.memberships.remove(same)  # matched once: a second such row overlaps
            self.seen_memberships.add(same[5])
        info.memberships.append((group, group.kind, group.name, joined, left, None))
        if same is None:
            batch.memberships.append((info, group, joined, left))
            return "created"
        if same[4] == left:
            return "unchanged"
        batch.changed_memberships.append(GroupHousehold(pk=same[5], left_on=left))
        return "updated"

    # ---- members (bulk) -------------------------------------------------------------------
    def members_table(self, rows: Iterable[Row]) -> None:
        for chunk in chunks(rows, BATCH):
            ok = [r for r in chunk if not r.errors]
            self.load_groups({r.values.get("group_ref") for r in ok})
            refs = {r.values.get("household_ref") for r in ok}
            refs = {r for r in refs if r and r not in self.households}
            for ref, h in self.by_refs(Household, queries.households_for_user, refs).items():
                self.households[ref] = (
                    OUTSIDE if h is OUTSIDE else HouseholdInfo(ref, h.pk, h.residential_area_id)
                )
            self.load_members(ok)
            new: list[GroupMember] = []
            changed: list[GroupMember] = []
            for row in chunk:
                if not self.reading_errors(row):
                    self.member_row(row, new, changed)
            if self.writing:
                GroupMember.objects.bulk_create(new, batch_size=BATCH)
                fields = ["role", "phone", "left_on", "household_id"]
                GroupMember.objects.bulk_update(changed, fields, batch_size=BATCH)

    def load_members(self, rows: list[Row]) -> None:
        """The recorded members of the groups these rows name, each group read once."""
        groups: dict[int, GroupInfo] = {}
        for row in rows:
            g = self.groups.get(row.values.get("group_ref"))
            if isinstance(g, GroupInfo) and g.id is not None and not g.members_loaded:
                groups[g.id] = g
                g.members_loaded = True
        for m in GroupMember.objects.filter(group_id__in=groups).values_list(
            "group_id", "full_name", "joined_on", "pk", "role", "phone", "left_on", "household_id"
        ):
            self.member_rows[m[:3]] = m
            if m[4] == MemberRole.LEADER:
                groups[m[0]].leaders.append((m[1], m[2], m[6]))

    def member_row(self, row: Row, new: list, changed: list) -> None:
        v = row.values
        group = self.referenced(self.groups, row, "group_ref")
        if group is None or not self.may_write(row, "group_ref", group.area, True):
            return
        dates = self.membership_dates(row, group)
        if dates is None:
            return
        joined, left = dates
        household = self.referenced(self.households, row, "household_ref")
        if v.get("household_ref") and household is None:
            return
        if household is not None and household.area_id != group.area.pk:
            message = _("The household lives in another residential area.")
            self.error(row, "household_ref", message)
            return
        name, role = v["full_name"], v.get("role") or MemberRole.MEMBER
        if (name, joined) in group.member_keys:
            message = _("%(name)s joined the group on %(date)s on another row too.")
            self.error(row, "full_name", message % {"name": name, "date": day(joined)})
            return
        group.member_keys.add((name, joined))
        found = self.member_rows.get((group.id, name, joined)) if group.id else None
        if found is not None:  # the row replaces what is recorded of this member
            group.leaders = [x for x in group.leaders if x[:2] != (name, joined)]
        if role == MemberRole.LEADER:  # one leader at a time (services.add_member)
            for other, start, end in group.leaders:
                if overlaps(joined, left, start, end):
                    message = _("%(name)s leads the group in that period.") % {"name": other}
                    self.error(row, "role", message)
                    return
            group.leaders.append((name, joined, left))
        household_id = household.id if household is not None else None
        phone = v.get("phone") or ""
        if found is None:
            new.append(
                GroupMember(group_id=group.id, full_name=name, joined_on=joined, role=role,
                            phone=phone, left_on=left, household_id=household_id)
            )  # fmt: skip
            self.count(created=True)
            return
        if "household_ref" not in v:
            household_id = found[7]
        if "phone" not in v:
            phone = found[5]
        if (found[4], found[5], found[6], found[7]) == (role, phone, left, household_id):
            self.count()
            return
        changed.append(
            GroupMember(pk=found[3], role=role, phone=phone, left_on=left,
                        household_id=household_id)
        )  # fmt: skip
        self.count(updated=True)


class _HouseholdBatch:
    """Households and memberships of one batch of rows, written together."""

    def __init__(self):
        self.new: list[tuple[HouseholdInfo, Household]] = []
        self.changed: list[Household] = []
        self.memberships: list[tuple[HouseholdInfo, GroupInfo, dt.date, dt.date | None]] = []
        self.changed_memberships: list[GroupHousehold] = []
        self.created_memberships: list[GroupHousehold] = []
        self.touched: list[HouseholdInfo] = []  # the households of the batch's rows

    def write(self) -> None:
        objs = [obj for _info, obj in self.new]
        for obj in objs + self.changed:
            obj.refresh_search_name()  # bulk writes bypass save()
        Household.objects.bulk_create(objs, batch_size=BATCH)
        for info, obj in self.new:
            info.id = obj.pk
        fields = ["head_name", "address", "people", "search_name"]
        Household.objects.bulk_update(self.changed, fields, batch_size=BATCH)
        self.created_memberships = GroupHousehold.objects.bulk_create(
            [
                GroupHousehold(group_id=g.id, household_id=h.id, joined_on=j, left_on=end)
                for h, g, j, end in self.memberships
            ],
            batch_size=BATCH,
        )
        GroupHousehold.objects.bulk_update(self.changed_memberships, ["left_on"], BATCH)
