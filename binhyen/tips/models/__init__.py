from .cases import Case, SeizedItem, Suspect
from .tips import Informant, Tip, TipAttachment, TipEvent, TipMessage

__all__ = [
    "Case",
    "Informant",
    "SeizedItem",
    "Suspect",
    "Tip",
    "TipAttachment",
    "TipEvent",
    "TipMessage",
]
