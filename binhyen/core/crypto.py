"""Encryption at rest of protected personal data (informants, managed persons).

Keys come from the environment: FIELD_ENCRYPTION_KEYS is a comma-separated list of
Fernet keys, the first one encrypting, all of them decrypting (MultiFernet), so a key is
rotated by putting a new key first, running `binhyen rotate_keys`, then removing the
old one. Ciphertext carries its own timestamp and MAC: a value altered in the database
does not decrypt. Plaintext never reaches the audit log, exports, lists or the API; only
the services that reveal it (and log the access) call `decrypt`.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _keys() -> list[str]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or []
    keys = [k.strip() for k in raw if k.strip()]
    if not keys and settings.DEBUG:
        # development only: a key derived from the development SECRET_KEY
        digest = hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be set (generate one with `binhyen rotate_keys --new-key`)"
        )
    return keys


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a malformed key") from exc


def check_keys(app_configs=None, **kwargs):
    """Deployment check (`binhyen check --deploy`): with DEBUG off the keys must be set and
    well formed, caught before the first tip that needs them rather than by it."""
    from django.core.checks import Error

    try:
        fernet()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="binhyen.E001")]
    return []


def fernet() -> MultiFernet:
    return _fernet(tuple(_keys()))


def encrypt(text: str) -> str:
    """The ciphertext of `text` ("" stays "", so empty fields stay empty)."""
    if not text:
        return ""
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("a protected value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt with the current (first) key."""
    if not token:
        return ""
    return fernet().rotate(token.encode()).decode()


def blind_index(text: str) -> str:
    """A keyed hash to find equal values (the same managed person) without decrypting.
    Its key (BLIND_INDEX_KEY, else derived from SECRET_KEY) must never change: unlike
    the encryption keys it is not rotated, or stored indexes would stop matching."""
    secret = getattr(settings, "BLIND_INDEX_KEY", "") or f"blind-index:{settings.SECRET_KEY}"
    key = hashlib.sha256(secret.encode()).digest()
    value = text.strip().casefold().encode()
    return hashlib.blake2b(value, key=key, digest_size=16).hexdigest()


# model → names of its encrypted text fields; `binhyen rotate_keys` re-encrypts them all
ENCRYPTED_FIELDS: dict[type, tuple[str, ...]] = {}


def encrypted_fields(*names: str):
    """Class decorator: declare a model's encrypted fields (for key rotation)."""

    def mark(model):
        ENCRYPTED_FIELDS[model] = names
        return model

    return mark
