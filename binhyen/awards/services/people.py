"""People who may be awarded. The ID number is encrypted at rest (core.crypto) and
found again through its blind index (`id_key`, the same normalisation as the managed
persons of binhyen.outcomes): one ID number is one person, so a once-in-a-life award is
given once, whoever typed the name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from binhyen.core import crypto, stale
from binhyen.geo import queries as geo_queries
from binhyen.outcomes.services.managed import _clean
from binhyen.outcomes.services.managed import id_key as _outcomes_id_key
from binhyen.schemes.services.checks import fail

from ..models import Person
from ..permissions import can_write_unit

FIELDS = (
    "full_name",
    "birth_year",
    "id_number",
    "unit",
    "position",
    "service_since",
    "under_prosecution",
)
NAME_MAX = 160
ID_DIGITS = (9, 12)  # the old identity card and the citizen identity card


def normalise_id(id_number: str | None) -> str:
    return "".join(_clean(id_number).split())


def id_key(id_number: str | None) -> str:
    """The blind index of an ID number ("" for none)."""
    return _outcomes_id_key(normalise_id(id_number))


def find_by_id_number(id_number: str, among=None) -> Person | None:
    key = id_key(id_number)
    if not key:
        return None
    people = among if among is not None else Person.objects.all()
    return people.filter(id_key=key).first()


def duplicate_error(existing: Person, visible: bool = True) -> ValidationError:
    """The refusal of a second record of one ID number. When the user sees the person
    already recorded (`visible`), the message gives their number and `params` carry it,
    so that pages can link to them; otherwise nothing of that person is revealed (code
    "duplicate_elsewhere", no params)."""
    if visible:
        error = ValidationError(
            _("A person with this ID number is already recorded (no. %(pk)d)."),
            code="duplicate",
            params={"pk": existing.pk},
        )
    else:
        error = ValidationError(
            _(
                "A person with this ID number is already recorded in another unit; "
                "ask the officers of that unit."
            ),
            code="duplicate_elsewhere",
        )
    return ValidationError({"id_number": [error]})


def _sees(user, person: Person) -> bool:
    """Whether `user` sees `person` (queries.people_for_user: the user's jurisdiction)."""
    from .. import queries  # queries imports this module

    return queries.people_for_user(user).filter(pk=person.pk).exists()


def _check(user, person: Person, id_number: str) -> None:
    person.full_name = _clean(person.full_name)
    person.position = _clean(person.position)
    if not person.full_name:
        fail("full_name", _("This field is required."))
    if len(person.full_name) > NAME_MAX:
        fail("full_name", _("Longer than %(n)d characters.") % {"n": NAME_MAX})
    this_year = geo_queries.today().year
    if person.birth_year is not None and not 1900 <= person.birth_year <= this_year:
        fail("birth_year", _("Give a year of birth between 1900 and this year."))
    if person.service_since is not None:
        if not 1945 <= person.service_since <= this_year:
            fail("service_since", _("Give a year between 1945 and this year."))
        if person.birth_year is not None and person.service_since < person.birth_year + 10:
            fail("service_since", _("The service cannot start before the age of ten."))
    unit = person.unit if person.unit_id else None
    if unit is None:
        fail("unit", _("This field is required."))
    if not can_write_unit(user, unit):
        fail("unit", _("This unit is outside your jurisdiction."))
    if id_number:
        if not id_number.isdigit() or len(id_number) not in ID_DIGITS:
            fail("id_number", _("An ID number has 9 or 12 digits."))
        existing = Person.objects.filter(id_key=id_key(id_number)).exclude(pk=person.pk).first()
        if existing is not None:
            raise duplicate_error(existing, visible=_sees(user, existing))


@transaction.atomic
def create_person(user, **values) -> Person:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not person fields: {sorted(unknown)}")
    number = normalise_id(values.pop("id_number", ""))
    person = Person(**values)
    _check(user, person, number)
    person.id_number = crypto.encrypt(number)
    person.id_key = id_key(number)
    person.save()
    return person


@transaction.atomic
def update_person(user, person: Person, *, version: int | None = None, **values) -> Person:
    """Correct a person; `id_number` absent leaves it, "" clears it. With `version`,
    refused (StaleEdit) if the person was saved by someone else since."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not person fields: {sorted(unknown)}")
    locked = stale.lock(Person, person.pk, version)
    if not can_write_unit(user, locked.unit):
        fail("unit", _("This unit is outside your jurisdiction."))
    number = (
        normalise_id(values.pop("id_number"))
        if "id_number" in values
        else crypto.decrypt(locked.id_number)
    )
    for name, value in values.items():
        setattr(locked, name, value)
    _check(user, locked, number)
    if id_key(number) != locked.id_key:
        locked.id_number = crypto.encrypt(number)
        locked.id_key = id_key(number)
    stale.bump(locked)
    locked.save()
    person.__dict__.update(locked.__dict__)
    return person


def id_number_of(person: Person) -> str:
    """The ID number in clear (for the person's own form)."""
    return crypto.decrypt(person.id_number)


def masked_id(person: Person) -> str:
    """The ID number as lists show it: its last four digits only."""
    number = crypto.decrypt(person.id_number)
    return f"…{number[-4:]}" if number else ""
