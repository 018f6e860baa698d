"""Writes of the managed-persons register: intakes (supervision periods) of people whose
identity is encrypted at rest, found again by blind index, and revealed only through
`reveal_identity`, which checks the permission, takes a reason and logs the access.

The identity never reaches the audit log: person writes are logged as content-free
summaries (which fields were given, never their values); periods hold no identity and
are audited by snapshot like every record.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import audit, crypto, stale
from binhyen.geo import queries as geo_queries
from binhyen.schemes.services.checks import fail

from ..choices import ExitReason, SupervisionKind
from ..models import ManagedPerson, SupervisionPeriod
from ..permissions import reveal_unit
from .checks import require_date, require_group_fits, require_place, require_scheme_fits

PERIOD_FIELDS = (
    "ref",
    "kind",
    "intake_on",
    "unit",
    "group",
    "scheme",
    "exit_on",
    "exit_reason",
    "exemplary",
)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MIN_REASON = 5
NAME_MAX = 120


@dataclass(frozen=True)
class Identity:
    """A person's identity in clear: only in memory, never stored or logged as such."""

    full_name: str
    birth_year: int | None
    id_number: str = ""
    address: str = ""


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def match_key(full_name: str, birth_year: int) -> str:
    return crypto.blind_index(f"{_clean(full_name)}|{birth_year}")


def id_key(id_number: str) -> str:
    number = "".join(_clean(id_number).split())
    return crypto.blind_index(number) if number else ""


def _check_identity(identity: Identity) -> Identity:
    name = _clean(identity.full_name)
    if not name:
        fail("full_name", _("This field is required."))
    if len(name) > NAME_MAX:
        fail("full_name", _("Longer than %(n)d characters.") % {"n": NAME_MAX})
    year = identity.birth_year
    if year is None:
        fail("birth_year", _("This field is required."))
    if not 1900 <= year <= geo_queries.today().year:
        fail("birth_year", _("Give a year of birth between 1900 and this year."))
    return Identity(name, year, _clean(identity.id_number), _clean(identity.address))


def find_person(identity: Identity, among=None) -> ManagedPerson | None:
    """The person already recorded with this identity, among those given (the people the
    user may see; None: everyone, for system imports): by ID number when one is given,
    else by name and year of birth (a person with another ID number is someone else).
    Never across jurisdictions: an identity typed elsewhere must not open a record."""
    identity = _check_identity(identity)
    people = among if among is not None else ManagedPerson.objects.all()
    if identity.id_number:
        found = people.filter(id_key=id_key(identity.id_number)).first()
        if found is not None:
            return found
    candidates = people.filter(
        match_key=match_key(identity.full_name, identity.birth_year)
    ).order_by("pk")
    wanted = id_key(identity.id_number)
    for person in candidates:
        if not wanted or not person.id_key or person.id_key == wanted:
            return person
    return None


def _new_code() -> str:
    while True:
        code = "P" + "".join(secrets.choice(CODE_ALPHABET) for _i in range(9))
        if not ManagedPerson.objects.filter(code=code).exists():
            return code


def _log_person(person: ManagedPerson, summary: str, unit_id: int | None, fields) -> None:
    """A content-free audit entry: which fields, never their values."""
    audit.record_bulk(ManagedPerson, summary, unit_id, person=person.code, fields=sorted(fields))


def _create_person(identity: Identity, unit_id: int | None) -> ManagedPerson:
    person = ManagedPerson.objects.create(
        code=_new_code(),
        full_name=crypto.encrypt(identity.full_name),
        birth_year=identity.birth_year,
        id_number=crypto.encrypt(identity.id_number),
        address=crypto.encrypt(identity.address),
        match_key=match_key(identity.full_name, identity.birth_year),
        id_key=id_key(identity.id_number),
    )
    given = ["full_name", "birth_year"] + [
        name for name in ("id_number", "address") if getattr(identity, name)
    ]
    _log_person(
        person, _("Managed person %(code)s recorded") % {"code": person.code}, unit_id, given
    )
    return person


def _fill_gaps(person: ManagedPerson, identity: Identity, unit_id: int | None) -> None:
    """A known person's missing ID number or address, from a later intake."""
    filled = []
    if identity.id_number and not person.id_key:
        person.id_number = crypto.encrypt(identity.id_number)
        person.id_key = id_key(identity.id_number)
        filled.append("id_number")
    if identity.address and not person.address:
        person.address = crypto.encrypt(identity.address)
        filled.append("address")
    if filled:
        keys = ["id_key"] if "id_number" in filled else []
        person.save(update_fields=[*filled, *keys, *stale.bump(person)])
        message = _("Managed person %(code)s completed") % {"code": person.code}
        _log_person(person, message, unit_id, filled)


def _check_period(period: SupervisionPeriod) -> None:
    if period.kind not in SupervisionKind.values:
        fail("kind", _("Choose the kind of supervision."))
    require_date("intake_on", period.intake_on)
    unit = require_place("unit", period.unit if period.unit_id else None, period.intake_on)
    if period.group is not None:
        require_group_fits("group", period.group, unit, period.intake_on)
    if period.scheme is not None:
        require_scheme_fits("scheme", period.scheme, unit, period.intake_on)
    period.exit_reason = period.exit_reason or ""
    period.ref = (period.ref or "").strip()
    if period.exit_on is not None:
        if period.exit_on < period.intake_on:
            fail("exit_on", _("The exit cannot be before the intake."))
        if period.exit_on > geo_queries.today():
            fail("exit_on", _("The date cannot be in the future."))
        if period.exit_reason not in ExitReason.values:
            fail("exit_reason", _("Give the reason of the exit."))
    elif period.exit_reason:
        fail("exit_on", _("Give the date of the exit."))
    if period.ref:
        taken = SupervisionPeriod.objects.filter(ref=period.ref).exclude(pk=period.pk)
        if taken.exists():
            fail(
                "ref", _("Another record already has the reference %(ref)s.") % {"ref": period.ref}
            )
    others = SupervisionPeriod.objects.filter(person_id=period.person_id, kind=period.kind)
    for other in others.exclude(pk=period.pk):
        if (other.exit_on is None or period.intake_on < other.exit_on) and (
            period.exit_on is None or other.intake_on < period.exit_on
        ):
            fail("intake_on", _("The person is already under this supervision then."))


@transaction.atomic
def take_in(
    identity: Identity | None = None, person: ManagedPerson | None = None, among=None, **values
) -> SupervisionPeriod:
    """A new intake: of a known person, or of the person with this identity (found again
    if already recorded, else recorded now)."""
    unknown = set(values) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"not supervision fields: {sorted(unknown)}")
    period = SupervisionPeriod(**values)
    if person is None:
        if identity is None:
            fail("full_name", _("This field is required."))
        identity = _check_identity(identity)
    _check_period_place(period)
    unit_id = period.unit_id
    if person is None:
        person = find_person(identity, among)
        if person is None:
            person = _create_person(identity, unit_id)
        else:
            ManagedPerson.objects.select_for_update().filter(pk=person.pk).first()
            _fill_gaps(person, identity, unit_id)
    else:
        ManagedPerson.objects.select_for_update().filter(pk=person.pk).first()
    period.person = person
    _check_period(period)
    period.save()
    return period


def _check_period_place(period: SupervisionPeriod) -> None:
    """The intake's date and unit, checked before anyone is recorded."""
    require_date("intake_on", period.intake_on)
    require_place("unit", period.unit if period.unit_id else None, period.intake_on)


@transaction.atomic
def update_period(
    period: SupervisionPeriod, *, version: int | None = None, **values
) -> SupervisionPeriod:
    """Correct an intake, or record its exit (date and reason) and the exemplary flag.
    With `version`, refused (StaleEdit) if the intake was saved by someone else since."""
    unknown = set(values) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"not supervision fields: {sorted(unknown)}")
    ManagedPerson.objects.select_for_update().filter(pk=period.person_id).first()
    locked = stale.lock(SupervisionPeriod, period.pk, version)
    stale.bump(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    _check_period(locked)
    locked.save()
    period.__dict__.update(locked.__dict__)
    return period


@transaction.atomic
def end_period(
    period: SupervisionPeriod, exit_on: dt.date, exit_reason: str, exemplary: bool | None = None
) -> SupervisionPeriod:
    values = {"exit_on": exit_on, "exit_reason": exit_reason}
    if exemplary is not None:
        values["exemplary"] = exemplary
    return update_period(period, **values)


@transaction.atomic
def delete_period(period: SupervisionPeriod) -> None:
    """Remove an intake made in error; a person left without any intake is removed too."""
    person = period.person
    unit_id = period.unit_id
    period.delete()
    if not person.periods.exists():
        code = person.code
        person.delete()
        message = _("Managed person %(code)s removed (no intake left)") % {"code": code}
        _log_person(person, message, unit_id, [])


@transaction.atomic
def update_identity(
    person: ManagedPerson,
    *,
    unit_id: int | None = None,
    full_name: str | None = None,
    birth_year: int | None = None,
    id_number: str | None = None,
    address: str | None = None,
    version: int | None = None,
) -> ManagedPerson:
    """Correct a person's identity; None leaves a part unchanged ("" clears the ID number
    or the address). Logged without content. With `version`, refused (StaleEdit) if the
    person was saved by someone else since."""
    locked = stale.lock(ManagedPerson, person.pk, version)
    current = Identity(
        crypto.decrypt(locked.full_name),
        locked.birth_year,
        crypto.decrypt(locked.id_number),
        crypto.decrypt(locked.address),
    )
    wanted = _check_identity(
        Identity(
            current.full_name if full_name is None else full_name,
            current.birth_year if birth_year is None else birth_year,
            current.id_number if id_number is None else id_number,
            current.address if address is None else address,
        )
    )
    changed = [n for n in ("full_name", "birth_year", "id_number", "address")
               if getattr(wanted, n) != getattr(current, n)]  # fmt: skip
    if not changed:
        return person
    if wanted.id_number and "id_number" in changed:
        clash = ManagedPerson.objects.filter(id_key=id_key(wanted.id_number)).exclude(pk=locked.pk)
        if clash.exists():
            fail("id_number", _("Another person is recorded with this ID number."))
    locked.full_name = crypto.encrypt(wanted.full_name)
    locked.birth_year = wanted.birth_year
    locked.id_number = crypto.encrypt(wanted.id_number)
    locked.address = crypto.encrypt(wanted.address)
    locked.match_key = match_key(wanted.full_name, wanted.birth_year)
    locked.id_key = id_key(wanted.id_number)
    stale.bump(locked)
    locked.save()
    message = _("Managed person %(code)s corrected") % {"code": locked.code}
    _log_person(locked, message, unit_id, changed)
    person.__dict__.update(locked.__dict__)
    return person


def reveal_identity(user, person: ManagedPerson, reason: str) -> Identity:
    """The identity in clear, for an officer who may write records of a unit where the
    person is (or was) managed, with the reason of the access, which is logged."""
    unit = reveal_unit(user, person)
    if unit is None:
        raise PermissionDenied
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "reason": [
                    _("Give the reason of this access (at least %(n)d characters).")
                    % {"n": MIN_REASON}
                ]
            }  # fmt: skip
        )
    person = ManagedPerson.objects.get(pk=person.pk)  # what is stored now
    audit.record_access(person, reason, unit.pk)
    return Identity(
        crypto.decrypt(person.full_name),
        person.birth_year,
        crypto.decrypt(person.id_number),
        crypto.decrypt(person.address),
    )


@transaction.atomic
def reindex_people() -> int:
    """Recompute every person's blind indexes with the current key. Run after a key
    rotation (`binhyen rotate_keys`), when the first key changed."""
    people = list(ManagedPerson.objects.select_for_update().order_by("pk"))
    for person in people:
        person.match_key = match_key(crypto.decrypt(person.full_name), person.birth_year)
        person.id_key = id_key(crypto.decrypt(person.id_number))
    ManagedPerson.objects.bulk_update(people, ["match_key", "id_key"], batch_size=500)
    summary = _("%(n)d blind indexes recomputed") % {"n": len(people)}
    audit.record_bulk(ManagedPerson, summary, None)
    return len(people)
