"""Edits of a unit's attributes and its yearly new-rural status."""

from __future__ import annotations

from django.db import transaction

from binhyen.core import stale

from ..choices import Level
from ..models import AdminUnit, NewRuralRecord

ATTRIBUTE_FIELDS = ("is_urban", "ethnic_minority_area", "religious_area", "border_area", "island")


@transaction.atomic
def update_unit_attributes(
    unit: AdminUnit, *, version: int | None = None, **values: bool
) -> AdminUnit:
    """Set a unit's attributes; with `version`, refused (StaleEdit) if they were saved by
    someone else since that version was read."""
    unknown = set(values) - set(ATTRIBUTE_FIELDS)
    if unknown:
        raise ValueError(f"not unit attributes: {sorted(unknown)}")
    locked = stale.lock(AdminUnit, unit.pk, version)
    for name, value in values.items():
        setattr(locked, name, bool(value))
    locked.save(update_fields=[*values, *stale.bump(locked)])
    for name in (*values, stale.VERSION):
        setattr(unit, name, getattr(locked, name))
    return unit


@transaction.atomic
def set_new_rural_status(unit: AdminUnit, year: int, status: str | None) -> NewRuralRecord | None:
    """Record (or with status None, remove) a commune's or village's status for a year."""
    if unit.level not in (Level.COMMUNE, Level.RESIDENTIAL_AREA):
        raise ValueError("new-rural status applies to communes and residential areas")
    record = NewRuralRecord.objects.filter(unit=unit, year=year).first()
    if status is None:
        if record is not None:
            record.delete()
        return None
    if record is None:
        return NewRuralRecord.objects.create(unit=unit, year=year, status=status)
    if record.status != status:
        record.status = status
        record.save()
    return record
