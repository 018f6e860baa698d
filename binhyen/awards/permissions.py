"""Who may write what in emulation and awards (reads are scoped in queries.py).

- The catalogue (award forms, issuing authorities) is national: system administrators
  and provincial officers edit it; every signed-in user reads it.
- Occasions: officers whose jurisdiction covers the organising unit.
- People and nominations: officers whose jurisdiction covers the recipient's unit.
- Review and decision: officers whose jurisdiction covers the occasion's organising
  unit (the province decides the nominations of its round).
"""

from __future__ import annotations

from binhyen.schemes.permissions import can_edit_catalogue, can_write_anywhere, can_write_unit

__all__ = [
    "can_decide",
    "can_edit_catalogue",
    "can_write_anywhere",
    "can_write_unit",
]


def can_decide(user, occasion) -> bool:
    """Reviews and decisions of the nominations of an occasion."""
    return can_write_unit(user, occasion.unit)
