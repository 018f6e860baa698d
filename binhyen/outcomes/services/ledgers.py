"""Writes of the ledger registers (every register but managed persons): record, correct,
delete. One function for all of them, driven by the registers table; audited through
the model registry (core.audit)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.schemes.services.checks import fail

from ..choices import WEIGHED
from ..models import Ledger
from ..registers import COMMON_FIELDS, Register
from .checks import require_date, require_place, require_scheme_fits

EDITABLE = ("ref", *COMMON_FIELDS)


def _check(register: Register, record: Ledger) -> None:
    require_date("date", record.date)
    if record.unit_id is None and record.scheme is not None:
        record.unit = record.scheme.unit
    require_place("unit", record.unit if record.unit_id else None, record.date)
    if record.scheme is not None:
        require_scheme_fits("scheme", record.scheme, record.unit, record.date)
    record.notes = (record.notes or "").strip()
    record.ref = (record.ref or "").strip()
    if register.slug == "weapons" and record.quantity not in (None, ""):
        try:  # 2.000000 from a spreadsheet is 2: trailing zeros are no precision
            quantity = Decimal(str(record.quantity))
            whole = quantity == quantity.to_integral_value()
            record.quantity = quantity.to_integral_value() if whole else quantity.normalize()
        except ArithmeticError:
            fail("quantity", _("Enter a number."))
    try:
        record.full_clean(
            exclude=["unit", "scheme", "date"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    if record.ref:
        taken = register.model.objects.filter(ref=record.ref).exclude(pk=record.pk)
        if taken.exists():
            fail(
                "ref", _("Another record already has the reference %(ref)s.") % {"ref": record.ref}
            )
    if register.slug == "weapons":
        quantity = Decimal(record.quantity)
        if quantity <= 0:
            fail("quantity", _("The quantity must be more than zero."))
        if record.kind not in WEIGHED and quantity != quantity.to_integral_value():
            fail("quantity", _("Only explosives are weighed: give a whole number."))


@transaction.atomic
def save_record(
    register: Register, record: Ledger | None = None, *, version: int | None = None, **values
) -> Ledger:
    """Record a new entry of the register (record None) or correct one; with `version`, a
    correction is refused (StaleEdit) if the record was saved by someone else since."""
    allowed = set(EDITABLE) | set(register.fields)
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"not fields of {register.slug}: {sorted(unknown)}")
    if record is None:
        record = register.model(**values)
    else:
        record = stale.lock(register.model, record.pk, version)
        stale.bump(record)
        for name, value in values.items():
            setattr(record, name, value)
    _check(register, record)
    record.save()
    return record


@transaction.atomic
def delete_record(record: Ledger) -> None:
    """Remove an entry made in error (the audit log keeps what it was)."""
    record.delete()
