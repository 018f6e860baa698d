"""The only write path of emulation and awards: every write is atomic, checked (a
ValidationError keyed by field, in the user's language) and audited through the models'
registration (core.audit)."""

from .catalogue import create_authority, create_form, update_authority, update_form
from .nominations import decide, propose, review
from .occasions import create_occasion, update_occasion
from .people import create_person, find_by_id_number, id_key, update_person

__all__ = [
    "create_authority",
    "create_form",
    "create_occasion",
    "create_person",
    "decide",
    "find_by_id_number",
    "id_key",
    "propose",
    "review",
    "update_authority",
    "update_form",
    "update_occasion",
    "update_person",
]
