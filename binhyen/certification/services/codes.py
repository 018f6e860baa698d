"""Certificate verification codes: the tip codes' unambiguous alphabet (Crockford's
base32, binhyen.tips.services.codes), 12 random characters (60 bits) in groups of four,
e.g. "7KQ2-M9XD-4H0T"."""

from __future__ import annotations

import secrets

from binhyen.tips.services.codes import ALPHABET, _grouped
from binhyen.tips.services.codes import normalize as normalize_code

LENGTH = 12

__all__ = ["ALPHABET", "LENGTH", "new_certificate_code", "normalize_code"]


def new_certificate_code() -> str:
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))
