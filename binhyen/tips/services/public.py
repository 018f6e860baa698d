"""The anonymous public channel: a resident sends a tip without signing in, gets a code
and a passphrase (shown once), and comes back with them to read the status and talk to
the officers. Nothing that identifies the sender's device or address is stored; the
audit entries of these writes carry no address either (the caller runs them under
`audit_context(ip=None, source="public")`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.geo.models import AdminUnit
from binhyen.schemes.services.checks import fail, require_position

from ..choices import Author, Channel, EventKind, Status
from ..models import Tip, TipMessage
from . import codes
from .tips import InformantData, _event, _store_informant, attach, commune_of

MAX_MESSAGE = 4000


class PassphraseHasher(PBKDF2PasswordHasher):
    """The passphrase is ~100 random bits (codes.new_passphrase), not a password a person
    chose: no guessing can reach it, so a slow password hash (Argon2: ~0.2 s of CPU and
    100 MB of memory each) adds no protection and made every public submission cost that
    much (bench/web_load.py). A salted PBKDF2 with few rounds keeps Django's format."""

    iterations = 1000


_HASHER = PassphraseHasher()
_DUMMY_HASH = make_password("timing-equaliser", hasher=_HASHER)


def _matches(typed: str, encoded: str) -> bool:
    if encoded.startswith(f"{_HASHER.algorithm}$"):
        return _HASHER.verify(typed, encoded)  # the stored rounds; no slow "hardening"
    return check_password(typed, encoded)  # hashes stored before (Argon2)


@dataclass(frozen=True)
class PublicReceipt:
    tip: Tip
    code: str
    passphrase: str  # shown once, never stored in clear


@transaction.atomic
def submit_public_tip(
    *,
    category: str,
    unit: AdminUnit,
    description: str,
    latitude=None,
    longitude=None,
    contact: InformantData | None = None,
    photos=(),
) -> PublicReceipt:
    if unit is None or unit.valid_to is not None:
        fail("unit", _("Choose the commune or residential area where it happens."))
    if not description.strip():
        fail("description", _("Describe what you saw."))
    if len(description) > 20000:
        fail("description", _("The description is too long."))
    require_position(latitude, longitude)
    now = timezone.now()
    passphrase = codes.new_passphrase()
    tip = Tip.objects.create(
        code=codes.new_code(),
        received_at=now,
        channel=Channel.WEB_FORM,
        category=category,
        unit=unit,
        latitude=latitude,
        longitude=longitude,
        description=description.strip(),
        handling_unit=commune_of(unit, timezone.localdate(now)),
        is_public=True,
        is_anonymous=not contact,
        passphrase_hash=make_password(passphrase, hasher=_HASHER),
    )
    if contact:
        _store_informant(tip, contact)
    if photos:
        attach(tip, photos, allow_pdf=False)
    _event(tip, EventKind.STATUS)
    return PublicReceipt(tip, tip.code, passphrase)


def open_public_tip(code: str, passphrase: str) -> Tip | None:
    """The public tip for a code and passphrase, or None (the same work either way)."""
    tip = Tip.objects.filter(code=codes.normalize(code), is_public=True).first()
    typed = codes.normalize(passphrase).lower()
    if tip is None:
        _matches(typed, _DUMMY_HASH)
        return None
    return tip if _matches(typed, tip.passphrase_hash) else None


def _message(tip: Tip, author: str, body: str, officer=None) -> TipMessage:
    body = body.strip()
    if not body:
        fail("body", _("Write a message."))
    if len(body) > MAX_MESSAGE:
        fail("body", _("The message is too long."))
    return TipMessage.objects.create(tip=tip, author=author, body=body, officer=officer)


@transaction.atomic
def resident_message(tip: Tip, body: str) -> TipMessage:
    if tip.status == Status.CLOSED:
        fail("body", _("This tip is closed."))
    return _message(tip, Author.RESIDENT, body)


@transaction.atomic
def officer_reply(tip: Tip, officer, body: str) -> TipMessage:
    if not tip.is_public:
        fail("body", _("Only tips sent through the public channel have a resident to reply to."))
    return _message(tip, Author.OFFICER, body, officer)
