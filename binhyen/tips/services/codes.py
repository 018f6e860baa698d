"""Public tip codes and passphrases: unguessable, easy to read aloud and to type."""

import secrets

# Crockford's base32: no I, L, O, U (no confusion with 1, 0, V)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _grouped(chars: str, size: int = 4) -> str:
    return "-".join(chars[i : i + size] for i in range(0, len(chars), size))


def new_code() -> str:
    """130 random bits as 26 base32 characters in groups of four (TIP-…)."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(26)))


def new_passphrase() -> str:
    """About 100 random bits as 20 lowercase characters in groups of four."""
    return _grouped("".join(secrets.choice(ALPHABET.lower()) for _ in range(20)))


def normalize(text: str) -> str:
    """What a resident typed, as stored: spaces and dashes dropped, confusable letters
    mapped (O→0, I/L→1), regrouped."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1").replace("L", "1")
    return _grouped(raw)
