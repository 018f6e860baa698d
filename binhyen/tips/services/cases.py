"""Writes of cases, their suspects and seized items, and their links to tips."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.services.checks import fail, require_order

from ..models import Case, SeizedItem, Suspect, Tip

CASE_FIELDS = ("number", "category", "unit", "opened_on", "closed_on", "solved", "summary")


def _check(case: Case) -> None:
    if not (case.number or "").strip():
        fail("number", _("This field is required."))
    unit: AdminUnit = case.unit
    if unit.level not in (Level.PROVINCE, Level.COMMUNE):
        fail("unit", _("A case is handled by a province or a commune."))
    require_order("closed_on", case.opened_on, case.closed_on, _("the date opened"))
    if case.solved and case.closed_on is None:
        fail("closed_on", _("A solved case has its closing date."))
    clash = Case.objects.filter(unit=unit, number=case.number.strip()).exclude(pk=case.pk)
    if clash.exists():
        fail("number", _("This unit already has a case with that number."))


@transaction.atomic
def save_case(case: Case | None, *, tips: list[Tip] | None = None, version=None, **values) -> Case:
    unknown = set(values) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"not case fields: {sorted(unknown)}")
    if case is not None:
        case = stale.lock(Case, case.pk, version)
        stale.bump(case)
    else:
        case = Case()
    for name, value in values.items():
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    _check(case)
    case.save()
    if tips is not None:
        case.tips.set(tips)
    return case


@transaction.atomic
def link_tip(case: Case, tip: Tip) -> None:
    case.tips.add(tip)


@transaction.atomic
def add_suspect(
    case: Case, *, full_name: str, birth_year: int | None = None, arrested_on: dt.date | None = None
) -> Suspect:
    if not full_name.strip():
        fail("full_name", _("This field is required."))
    require_order("arrested_on", case.opened_on, arrested_on, _("the date the case was opened"))
    return Suspect.objects.create(
        case=case, full_name=full_name.strip(), birth_year=birth_year, arrested_on=arrested_on
    )


@transaction.atomic
def record_arrest(suspect: Suspect, on: dt.date) -> Suspect:
    require_order("arrested_on", suspect.case.opened_on, on, _("the date the case was opened"))
    suspect.arrested_on = on
    suspect.save(update_fields=["arrested_on"])
    return suspect


@transaction.atomic
def add_seized_item(case: Case, *, description: str, quantity, measure: str = "") -> SeizedItem:
    if not description.strip():
        fail("description", _("This field is required."))
    if quantity is None or quantity <= 0:
        fail("quantity", _("Give a quantity above zero."))
    return SeizedItem.objects.create(
        case=case, description=description.strip(), quantity=quantity, measure=measure
    )
