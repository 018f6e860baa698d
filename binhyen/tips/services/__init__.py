"""All writes of tips and cases, each in one transaction, audited. Informants' identities
are encrypted here and revealed only through `reveal_informant` (access logged)."""

from .cases import add_seized_item, add_suspect, link_tip, record_arrest, save_case
from .public import (
    PublicReceipt,
    officer_reply,
    open_public_tip,
    resident_message,
    submit_public_tip,
)
from .tips import (
    InformantData,
    acknowledge_referral,
    assign_officer,
    attach,
    can_reveal,
    commune_of,
    is_chief_of,
    link_duplicate,
    record_tip,
    refer,
    reveal_informant,
    set_status,
)

__all__ = [
    "InformantData",
    "PublicReceipt",
    "acknowledge_referral",
    "add_seized_item",
    "add_suspect",
    "assign_officer",
    "attach",
    "can_reveal",
    "commune_of",
    "is_chief_of",
    "link_duplicate",
    "link_tip",
    "officer_reply",
    "open_public_tip",
    "record_arrest",
    "record_tip",
    "refer",
    "resident_message",
    "reveal_informant",
    "save_case",
    "set_status",
    "submit_public_tip",
]
