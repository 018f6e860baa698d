"""Writes of tips: recording, the workflow, referral, duplicates, officers, informants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhyen.accounts.choices import Role
from binhyen.accounts.jurisdiction import can_access_unit, jurisdiction_of
from binhyen.core import audit, crypto, stale
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.permissions import OFFICER_ROLES
from binhyen.schemes.services.checks import fail, require_position

from ..choices import NEXT, REFERABLE, Channel, EventKind, Status
from ..models import Informant, Tip, TipAttachment, TipEvent
from . import codes
from .files import MAX_FILES, clean_upload


@dataclass(frozen=True)
class InformantData:
    full_name: str = ""
    contact: str = ""
    id_number: str = ""
    address: str = ""

    def __bool__(self) -> bool:
        return any((self.full_name, self.contact, self.id_number, self.address))


def commune_of(unit: AdminUnit, on: dt.date) -> AdminUnit:
    """The commune a place belongs to on a date (itself for a commune)."""
    if unit.level == Level.COMMUNE:
        return unit
    version = geo_queries.version_on(unit, on) or unit.versions.order_by("-valid_from").first()
    if version is None or version.parent is None:
        fail("unit", _("%(unit)s belongs to no commune.") % {"unit": unit})
    return version.parent


def _event(tip: Tip, kind: str, by=None, reason: str = "", unit=None) -> TipEvent:
    return TipEvent.objects.create(
        tip=tip, kind=kind, status=tip.status, reason=reason.strip(), unit=unit, by=by
    )


def _check_place(unit: AdminUnit | None, on: dt.date) -> None:
    if unit is None:
        fail("unit", _("This field is required."))
    if unit.level not in (Level.COMMUNE, Level.RESIDENTIAL_AREA):
        fail("unit", _("The place is a commune or a residential area."))
    if not unit.in_force_on(on):
        fail("unit", _("%(unit)s did not exist on that date.") % {"unit": unit})


def _store_informant(tip: Tip, informant: InformantData) -> None:
    Informant.objects.create(
        tip=tip,
        full_name=crypto.encrypt(informant.full_name.strip()),
        contact=crypto.encrypt(informant.contact.strip()),
        id_number=crypto.encrypt(informant.id_number.strip()),
        address=crypto.encrypt(informant.address.strip()),
    )
    audit.record_bulk(
        Informant, f"identity of the informant of tip {tip.pk} recorded, encrypted",
        tip.handling_unit_id, tip=tip.pk,
    )  # fmt: skip


def attach(tip: Tip, uploads, allow_pdf: bool = True) -> list[TipAttachment]:
    if tip.attachments.count() + len(uploads) > MAX_FILES:
        fail("attachments", _("At most %(n)d files per tip.") % {"n": MAX_FILES})
    # every file checked before any is written: a refused one leaves no other on the disk
    cleaned = [clean_upload(upload, allow_pdf) for upload in uploads]
    made = []
    for stored, shown, ctype in cleaned:
        made.append(
            TipAttachment.objects.create(
                tip=tip, file=stored, name=shown, content_type=ctype, size=stored.size
            )
        )
    return made


@transaction.atomic
def record_tip(
    *,
    received_at: dt.datetime,
    channel: str,
    category: str,
    unit: AdminUnit,
    description: str,
    scheme=None,
    latitude=None,
    longitude=None,
    handling_unit: AdminUnit | None = None,
    informant: InformantData | None = None,
    attachments=(),
    by=None,
) -> Tip:
    """A tip recorded by an officer. Without informant data it is anonymous."""
    if received_at > timezone.now():
        fail("received_at", _("The date cannot be in the future."))
    on = timezone.localdate(received_at)
    _check_place(unit, on)
    if not description.strip():
        fail("description", _("This field is required."))
    if channel == Channel.SCHEME_POINT and scheme is None:
        fail("scheme", _("Choose the scheme point the tip came through."))
    require_position(latitude, longitude)
    handling_unit = handling_unit or commune_of(unit, on)
    tip = Tip.objects.create(
        code=codes.new_code(),
        received_at=received_at,
        channel=channel,
        category=category,
        unit=unit,
        scheme=scheme,
        latitude=latitude,
        longitude=longitude,
        description=description.strip(),
        handling_unit=handling_unit,
        is_anonymous=not informant,
    )
    if informant:
        _store_informant(tip, informant)
    if attachments:
        attach(tip, attachments)
    _event(tip, EventKind.STATUS, by)
    return tip


def _locked(tip: Tip, version: int | None = None) -> Tip:
    return stale.lock(Tip, tip.pk, version)


def _save(tip: Tip, locked: Tip, fields: list[str]) -> None:
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    tip.__dict__.update(locked.__dict__)


def _need_reason(reason: str) -> None:
    if not reason.strip():
        fail("reason", _("Give the reason."))


@transaction.atomic
def set_status(tip: Tip, status: str, reason: str, by=None, version: int | None = None) -> Tip:
    """Move a tip along its workflow, with the reason; verification's outcome sets the
    assessment, which stays through referral and closing."""
    locked = _locked(tip, version)
    current = Status(locked.status)
    if status not in NEXT[current]:
        fail(
            "status",
            _("A tip that is %(now)s cannot become %(next)s.")
            % {"now": current.label.lower(), "next": Status(status).label.lower()},
        )
    _need_reason(reason)
    locked.status = status
    if status in (Status.ACTIONABLE, Status.NOT_ACTIONABLE):
        locked.assessment = status
    elif status == Status.VERIFYING:
        locked.assessment = ""
    _save(tip, locked, ["status", "assessment"])
    _event(locked, EventKind.STATUS, by, reason)
    return tip


@transaction.atomic
def refer(tip: Tip, to_unit: AdminUnit, reason: str, by=None) -> Tip:
    """Refer a tip to another unit; it waits there until that unit acknowledges it."""
    locked = _locked(tip)
    if locked.status not in REFERABLE:
        fail("status", _("This tip cannot be referred in its present state."))
    if to_unit.pk == locked.handling_unit_id:
        fail("to_unit", _("The tip is already handled by that unit."))
    if to_unit.level not in (Level.PROVINCE, Level.COMMUNE) or to_unit.valid_to is not None:
        fail("to_unit", _("Refer to a province or commune in force."))
    _need_reason(reason)
    locked.status, locked.referred_to = Status.REFERRED, to_unit
    _save(tip, locked, ["status", "referred_to"])
    _event(locked, EventKind.REFERRED, by, reason, unit=to_unit)
    return tip


@transaction.atomic
def acknowledge_referral(tip: Tip, by=None, note: str = "") -> Tip:
    """The receiving unit takes the tip over: it now handles it."""
    locked = _locked(tip)
    if locked.status != Status.REFERRED or locked.referred_to_id is None:
        fail("status", _("This tip is not waiting for an acknowledgement."))
    unit = locked.referred_to
    locked.handling_unit, locked.referred_to = unit, None
    locked.status = locked.assessment or Status.VERIFYING
    _save(tip, locked, ["handling_unit", "referred_to", "status"])
    locked.officers.clear()
    _event(locked, EventKind.ACKNOWLEDGED, by, note, unit=unit)
    return tip


@transaction.atomic
def link_duplicate(tip: Tip, original: Tip, reason: str, by=None) -> Tip:
    if original.pk == tip.pk:
        fail("duplicate_of", _("A tip cannot duplicate itself."))
    if original.duplicate_of_id == tip.pk:
        fail("duplicate_of", _("That tip is already marked a duplicate of this one."))
    _need_reason(reason)
    locked = _locked(tip)
    locked.duplicate_of = original
    _save(tip, locked, ["duplicate_of"])
    _event(locked, EventKind.DUPLICATE, by, reason)
    return tip


def is_chief_of(user, unit: AdminUnit) -> bool:
    """Whether the user holds the unit-chief role on a unit that covers `unit`, by the
    role itself: an administrator's unrestricted reach does not make a chief."""
    chiefs = list(jurisdiction_of(user, {Role.UNIT_CHIEF}).units)  # cached per request
    if not chiefs:
        return False
    return geo_queries.placed_under(chiefs, geo_queries.today()).filter(unit=unit).exists()


@transaction.atomic
def assign_officer(tip: Tip, officer, by=None, *, recorder: bool = False) -> Tip:
    """An officer of the handling unit takes part in handling the tip — and so may see its
    informant. Only the unit's chief assigns (`recorder`: the officer who recorded the
    tip, and typed the identity, takes it on at recording)."""
    if not recorder and (by is None or not is_chief_of(by, tip.handling_unit)):
        raise PermissionDenied
    if recorder and by is not None and by.pk != officer.pk:
        raise PermissionDenied
    if not can_access_unit(officer, tip.handling_unit, roles=OFFICER_ROLES):
        fail("officer", _("The officer does not serve the handling unit."))
    tip.officers.add(officer)
    _event(tip, EventKind.ASSIGNED, by, officer.get_full_name() or officer.username)
    return tip


def can_reveal(user, tip: Tip) -> bool:
    """Only officers assigned to the tip who still serve its handling unit, and the chief
    of that unit (by an explicit role)."""
    if not user.is_authenticated:
        return False
    if tip.officers.filter(pk=user.pk).exists() and can_access_unit(
        user, tip.handling_unit, roles=OFFICER_ROLES
    ):
        return True
    return is_chief_of(user, tip.handling_unit)


@transaction.atomic
def reveal_informant(user, tip: Tip, reason: str) -> InformantData:
    """The informant's identity, for an officer allowed to see it, with the reason; every
    reveal writes an access entry in the audit log and an event on the tip."""
    if not can_reveal(user, tip):
        raise PermissionDenied
    _need_reason(reason)
    informant = Informant.objects.filter(tip=tip).first()
    if informant is None:
        fail("reason", _("This tip has no recorded informant."))
    audit.record_access(informant, reason.strip(), tip.handling_unit_id)
    _event(tip, EventKind.REVEALED, user, reason)
    return InformantData(
        full_name=crypto.decrypt(informant.full_name),
        contact=crypto.decrypt(informant.contact),
        id_number=crypto.decrypt(informant.id_number),
        address=crypto.decrypt(informant.address),
    )
