"""Scheme types, host organisations and scheme points: row by row through the services,
so their rules and per-record audit entries apply unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from binhyen.geo.choices import Level
from binhyen.schemes import permissions, queries
from binhyen.schemes.choices import UNIT_HOSTS, EventKind, HostKind, Status
from binhyen.schemes.models import Label, Organization, Scheme, SchemeType

from ..catalogue import save_scheme_type
from ..hosts import save_organization
from ..points import establish_scheme, record_event, update_scheme
from .base import FAILED, Refused, Row, differs, user_ref

# a service's field → the file's column, per kind
FIELD_COLUMNS = {
    "types": {"host_kinds": "hosts", "origin_unit": "origin_unit_code"},
    "hosts": {"commune": "commune_code", "residential_area": "residential_area_code"},
    "points": {
        "scheme_type": "type_code",
        "organization": "host_ref",
        "unit": "unit_code",
        "replicated_from": "replicated_from_ref",
        "kind": "status",
        "date": "status_date",
        "reason": "status_reason",
    },
}
POINT_FIELDS = ("name", "host_kind", "established_on", "decision_number", "decision_date",
                "decision_signer", "leader_name", "leader_phone", "contacts", "latitude",
                "longitude", "notes")  # fmt: skip
POINT_TEXT = {"name", "host_kind", "decision_number", "decision_signer", "leader_name",
              "leader_phone", "contacts", "notes"}  # fmt: skip
STATUS_EVENT = {
    Status.ACTIVE: EventKind.REACTIVATED,
    Status.SUSPENDED: EventKind.SUSPENDED,
    Status.DISSOLVED: EventKind.DISSOLVED,
}


class RecordRows:
    """The kinds written through the services (a mixin of the run)."""

    def service_errors(self, row: Row, exc: ValidationError, columns=None) -> None:
        """On the columns of this kind's fields (core ImportRun.service_errors)."""
        columns = {**FIELD_COLUMNS.get(self.table.kind, {}), **(columns or {})}
        super().service_errors(row, exc, columns)

    # ---- scheme types (catalogue) ---------------------------------------------------------
    def types_table(self, rows: Iterable[Row]) -> None:
        allowed = self.user is None or permissions.can_edit_catalogue(self.user)
        if self.labels is None:
            self.labels = {lb.code: lb for lb in Label.objects.all()}

        def handle(row: Row) -> SchemeType | None:
            if not allowed:
                self.error(row, "", _("You may not edit the scheme-type catalogue."))
                return None
            return self.type_row(row)

        self.rows_by_key(rows, self.types, "code", handle)

    def type_row(self, row: Row) -> SchemeType | None:
        v = row.values
        existing = (
            SchemeType.objects.filter(code=v["code"])
            .select_related("origin_unit")
            .prefetch_related("labels", "components")
            .first()
        )
        labels = None
        if "labels" in v:
            unknown = [c for c in v["labels"] or [] if c not in self.labels]
            if unknown:
                message = _("Unknown labels: %(codes)s.") % {"codes": ", ".join(unknown)}
                self.error(row, "labels", message)
                return None
            labels = [self.labels[c] for c in v["labels"] or []]
        values: dict[str, Any] = {"code": v["code"]}
        for column, name in (("name", "name"), ("name_en", "name_en"),
                             ("description", "description"), ("origin", "origin")):  # fmt: skip
            if column in v:
                values[name] = v[column] or ""
        if "has_groups" in v:
            values["has_groups"] = bool(v["has_groups"])
        if "hosts" in v:
            values["host_kinds"] = list(v["hosts"] or [])
        if "origin_unit_code" in v:
            origin = values.get("origin") or (existing.origin if existing else "")
            level = origin if origin in (Level.PROVINCE, Level.COMMUNE) else None
            current = existing.origin_unit if existing else None
            values["origin_unit"] = self.resolve(
                row, "origin_unit_code", self.today, level, current
            )
            if v["origin_unit_code"] and values["origin_unit"] is None:
                return None
        components = None
        if "components" in v:
            names_en = {c.code: c.name_en for c in existing.components.all()} if existing else {}
            components = [(c, n, names_en.get(c, "")) for c, n in v["components"] or []]
        if existing is not None and self.same_type(existing, values, labels, components):
            self.count()
            return existing
        saved = self.through_service(
            row, lambda: save_scheme_type(existing, labels=labels, components=components, **values)
        )
        if saved is not None:
            self.count(created=existing is None, updated=existing is not None)
        return saved

    @staticmethod
    def same_type(existing: SchemeType, values, labels, components) -> bool:
        if any(differs(existing, name, value) for name, value in values.items()):
            return False
        current_labels = {lb.pk for lb in existing.labels.all()}
        if labels is not None and {lb.pk for lb in labels} != current_labels:
            return False
        if components is not None:
            current = [(c.code, c.name) for c in existing.components.all()]
            if current != [(c, n) for c, n, _en in components]:
                return False
        return True

    # ---- host organisations ---------------------------------------------------------------
    def hosts_table(self, rows: Iterable[Row]) -> None:
        self.rows_by_key(rows, self.hosts, "ref", self.host_row)

    def host_row(self, row: Row) -> Organization | None:
        v = row.values
        select = ("commune", "residential_area")
        existing = self.own_record(Organization, queries.organizations_for_user, row, select)
        if existing is FAILED:
            return None
        on = v.get("established_on") or self.today
        values: dict[str, Any] = {"ref": user_ref(v["ref"])}
        for name in ("kind", "name", "address", "tax_code", "size_class", "school_level",
                     "religious_kind", "notes"):  # fmt: skip
            if name in v:
                values[name] = v[name] or ""
        for name in ("established_on", "ceased_on"):
            if name in v:
                values[name] = v[name]
        current = existing.commune if existing else None
        commune = self.resolve(row, "commune_code", on, Level.COMMUNE, current)
        if commune is None:
            return None
        values["commune"] = commune
        if "residential_area_code" in v:
            current = existing.residential_area if existing else None
            area = self.resolve(row, "residential_area_code", on, Level.RESIDENTIAL_AREA, current)
            if v["residential_area_code"] and area is None:
                return None
            values["residential_area"] = area
        unit = values.get("residential_area") or commune
        if not self.may_write(row, "commune_code", unit):
            return None
        if existing is not None:
            if not self.may_write(row, "ref", existing.residential_area or existing.commune):
                return None
            if not self.org_differs(existing, values):
                self.count()
                return existing
        saved = self.through_service(row, lambda: save_organization(existing, **values))
        if saved is not None:
            self.count(created=existing is None, updated=existing is not None)
        return saved

    @staticmethod
    def org_differs(existing: Organization, values: dict) -> bool:
        names = [f.attname for f in Organization._meta.concrete_fields if f.attname != "id"]
        probe = Organization(**{n: getattr(existing, n) for n in names})
        for name, value in values.items():
            setattr(probe, name, value)
        # the clean-up services.hosts does: kind-specific fields blank for other kinds
        for kind, name in ((HostKind.ENTERPRISE, "size_class"),
                           (HostKind.SCHOOL, "school_level"),
                           (HostKind.RELIGIOUS, "religious_kind")):  # fmt: skip
            if probe.kind != kind:
                setattr(probe, name, "")
        return any(getattr(probe, n) != getattr(existing, n) for n in names)

    # ---- scheme points ----------------------------------------------------------------------
    def points_table(self, rows: Iterable[Row]) -> None:
        self.rows_by_key(rows, self.points, "ref", self.point_row)

    def load_points(self, refs: set) -> dict:
        select = ("scheme_type", "unit")
        return self.by_refs(Scheme, queries.schemes_for_user, refs, select)

    def load_hosts(self, refs: set) -> dict:
        select = ("commune", "residential_area")
        return self.by_refs(Organization, queries.organizations_for_user, refs, select)

    def scheme_type(self, row: Row) -> SchemeType | None:
        code = row.values["type_code"]
        if code not in self.types:
            self.types[code] = SchemeType.objects.filter(code=code).first()
        found = self.types[code]
        if found is None:
            message = _("No scheme type has the code %(code)s.") % {"code": code}
            self.error(row, "type_code", message)
        return None if found is FAILED else found

    def point_row(self, row: Row) -> Scheme | None:
        v = row.values
        select = ("unit", "organization", "scheme_type")
        existing = self.own_record(Scheme, queries.schemes_for_user, row, select)
        scheme_type = self.scheme_type(row)
        if existing is FAILED or scheme_type is None:
            return None
        values: dict[str, Any] = {"scheme_type": scheme_type, "ref": user_ref(v["ref"])}
        for name in POINT_FIELDS:
            if name in v:
                empty = "" if name in POINT_TEXT else None
                values[name] = empty if v[name] is None else v[name]
        if v["host_kind"] in UNIT_HOSTS:
            if not v.get("unit_code"):
                self.error(row, "unit_code", _("Give the code of the host unit."))
                return None
            current = existing.unit if existing else None
            unit = self.resolve(row, "unit_code", v["established_on"], v["host_kind"], current)
            if unit is None:
                return None
            organization = None
            values.update(unit=unit, organization=None)
        else:
            if not v.get("host_ref"):
                self.error(row, "host_ref", _("Give the reference of the host organisation."))
                return None
            organization = self.referenced(self.hosts, row, "host_ref", self.load_hosts)
            if organization is None:
                return None
            unit = organization.residential_area or organization.commune
            values.update(organization=organization, unit=unit)
        if not self.may_write(row, "unit_code" if organization is None else "host_ref", unit):
            return None
        if existing is not None and not self.may_write(row, "ref", existing.unit):
            return None
        current_origin = existing.replicated_from if existing is not None else None
        if "replicated_from_ref" in v and self.names_current(
            row, "replicated_from_ref", current_origin
        ):
            values["replicated_from"] = current_origin
        elif "replicated_from_ref" in v:
            origin = self.referenced(self.points, row, "replicated_from_ref", self.load_points)
            if v["replicated_from_ref"] and origin is None:
                return None
            values["replicated_from"] = origin

        def write() -> Scheme:
            point, created, changed = existing, existing is None, False
            if point is None:
                point = establish_scheme(**values)
            elif any(differs(point, n, value) for n, value in values.items()):
                point = update_scheme(point, **values)
                changed = True
            changed = self.point_status(row, point) or changed
            self.count(created=created, updated=changed)
            return point

        return self.through_service(row, write)

    def point_status(self, row: Row, point: Scheme) -> bool:
        """Record the event that brings the point to the file's status, if it differs."""
        v = row.values
        if "status" not in v:
            return False
        wanted = v["status"] or Status.ACTIVE
        if wanted == point.status:
            return False
        if not v.get("status_date"):
            self.error(row, "status_date", _("Give the date of the status."))
            raise Refused
        reason = v.get("status_reason") or ""
        record_event(point, STATUS_EVENT[wanted], v["status_date"], reason=reason)
        return True
