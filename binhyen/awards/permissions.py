"""Who may write what in emulation and awards (reads are scoped in queries.py).

- The catalogue (award forms, issuing authorities) is national: system administrators
  and provincial officers edit it; every signed-in user reads it.
- Occasions: officers whose jurisdiction covers the organising unit.
- People and nominations: officers whose jurisdiction covers the recipient's unit.
- Review and decision: officers whose jurisdiction covers the occasion's organising
  unit (the province decides the nominations of its round), except the officer who
  proposed the nomination (four eyes: `is_proposer`). The reviewer may also decide.
"""

from __future__ import annotations

from binhyen.schemes.permissions import can_edit_catalogue, can_write_anywhere, can_write_unit

__all__ = [
    "can_decide",
    "can_decide_nomination",
    "can_edit_catalogue",
    "can_write_anywhere",
    "can_write_unit",
    "is_proposer",
]


def can_decide(user, occasion) -> bool:
    """Reviews and decisions of the nominations of an occasion."""
    return can_write_unit(user, occasion.unit)


def is_proposer(user, nomination) -> bool:
    """Whether the user proposed the nomination (then another officer reviews and
    decides it)."""
    pk = getattr(user, "pk", None)
    return pk is not None and nomination.proposed_by_id == pk


def can_decide_nomination(user, nomination) -> bool:
    """Review and decision of this nomination: the organising unit's officers, but not
    its proposer."""
    return can_decide(user, nomination.occasion) and not is_proposer(user, nomination)
