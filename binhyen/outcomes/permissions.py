"""Who may write and reveal what in the outcome registers (reads are scoped by
accounts.jurisdiction in queries.py).

- Records of every register: provincial and commune officers (and unit chiefs) whose
  jurisdiction covers the record's unit (schemes.permissions.can_write_unit); viewers,
  auditors and group leaders read only.
- A managed person's identity: revealed only to an officer who may write records of a
  unit where one of the person's intakes sits, with a reason, every time logged.
"""

from __future__ import annotations

from binhyen.geo.models import AdminUnit
from binhyen.schemes.permissions import can_write_anywhere, can_write_unit

__all__ = ["can_write_anywhere", "can_write_record", "can_write_unit", "reveal_unit"]


def can_write_record(user, record) -> bool:
    return can_write_unit(user, record.unit)


def reveal_unit(user, person) -> AdminUnit | None:
    """A unit of one of the person's intakes that the user may write records of (the
    unit the access is logged under), or None when the user may not see the identity."""
    unit_ids = person.periods.order_by("-intake_on").values_list("unit_id", flat=True)
    seen: set[int] = set()
    for unit_id in unit_ids:
        if unit_id in seen:
            continue
        seen.add(unit_id)
        unit = AdminUnit.objects.get(pk=unit_id)
        if can_write_unit(user, unit):
            return unit
    return None
