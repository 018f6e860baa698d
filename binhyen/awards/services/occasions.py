"""Occasions of an award round: a review conference, the movement day of 19 August,
organised by a unit of the officer's jurisdiction, for the achievements of a period."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.schemes.services.checks import fail

from ..choices import OccasionKind
from ..models import Occasion
from ..permissions import can_write_unit

FIELDS = ("name", "kind", "held_on", "unit", "period_start", "period_end")


def _check(user, occasion: Occasion) -> None:
    occasion.name = " ".join((occasion.name or "").split())
    if not occasion.name:
        fail("name", _("This field is required."))
    if occasion.kind not in OccasionKind.values:
        fail("kind", _("Choose the kind of occasion."))
    if occasion.held_on is None:
        fail("held_on", _("This field is required."))
    unit = occasion.unit if occasion.unit_id else None
    if unit is None:
        fail("unit", _("This field is required."))
    if not can_write_unit(user, unit):
        fail("unit", _("This unit is outside your jurisdiction."))
    if occasion.period_start is None:
        fail("period_start", _("This field is required."))
    if occasion.period_end is None:
        fail("period_end", _("This field is required."))
    if occasion.period_end < occasion.period_start:
        fail("period_end", _("The end of the period cannot be before its start."))
    if occasion.period_start > occasion.held_on:
        fail("period_start", _("The achievements cannot start after the occasion."))


@transaction.atomic
def create_occasion(user, **values) -> Occasion:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not occasion fields: {sorted(unknown)}")
    occasion = Occasion(**values)
    _check(user, occasion)
    occasion.save()
    return occasion


@transaction.atomic
def update_occasion(user, occasion: Occasion, *, version: int | None = None, **values) -> Occasion:
    """Change an occasion; with `version`, refused (StaleEdit) if it was saved since."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not occasion fields: {sorted(unknown)}")
    locked = stale.lock(Occasion, occasion.pk, version)
    if not can_write_unit(user, locked.unit):
        fail("unit", _("This unit is outside your jurisdiction."))
    for name, value in values.items():
        setattr(locked, name, value)
    _check(user, locked)
    stale.bump(locked)
    locked.save()
    occasion.__dict__.update(locked.__dict__)
    return occasion
