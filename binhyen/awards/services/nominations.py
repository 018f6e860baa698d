"""Nominations: proposal → review → decision (choices.NEXT), with the rules of awards.

- the authority must be one of the form's issuing authorities;
- one recipient, consistent with the kind of recipient; the nomination's unit is the
  recipient's and must be in the proposer's jurisdiction and under the occasion's
  organising unit;
- one achievement (a linked record) is not rewarded twice by the same form (among the
  form's nominations not rejected), and a recipient is not nominated twice for the same
  form on the same occasion;
- a once-in-a-life form (the commemorative medal) goes to individuals only, once
  (an earlier pending or awarded nomination counts), after its years of service;
- people under prosecution are not eligible (checked at proposal and at decision);
- an award needs its decision number, date and signer; a rejection its reason;
- the authority fits the level of the occasion's organising unit (choices.
  authority_levels_for): a commune's occasion carries commune authorities only; a
  province's carries the province, its police, the ministry and its departments (the
  proposals it sends up);
- the form fits the kind of recipient (choices.recipients_of, derived from the form's
  kind): the emulation flag goes to collectives, the commemorative medal (and any
  once-in-a-life form) to individuals, certificates to anyone;
- four eyes: the officer who proposed a nomination neither reviews nor decides it
  (another officer of the organising unit does). The reviewer may decide: a province
  often has one awards officer, and the decision itself is signed outside the system
  by the authority. Proposals made by the system (no proposer) are reviewed by anyone
  allowed to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from binhyen.accounts.jurisdiction import can_access_unit
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.schemes.services.checks import fail

from ..choices import (
    NEXT,
    CollectiveKind,
    NominationStatus,
    RecipientKind,
    authority_levels_for,
    recipients_of,
)
from ..models import Achievement, AwardForm, Nomination, Occasion, Person
from ..permissions import can_decide, can_write_unit, is_proposer

RECIPIENT_FIELDS = ("scheme", "organization", "recipient_unit", "group", "person", "household")
COLLECTIVE_FIELDS = {
    CollectiveKind.SCHEME: "scheme",
    CollectiveKind.ORGANIZATION: "organization",
    CollectiveKind.UNIT: "recipient_unit",
    CollectiveKind.GROUP: "group",
}
KIND_FIELDS = {RecipientKind.INDIVIDUAL: "person", RecipientKind.HOUSEHOLD: "household"}
PENDING_OR_AWARDED = (
    NominationStatus.PROPOSED,
    NominationStatus.REVIEWED,
    NominationStatus.AWARDED,
)
DESCRIPTION_MAX = 255


@dataclass(frozen=True)
class AchievementInput:
    """An achievement as given to `propose`: a linked record, a description, or both."""

    record: models.Model | None = None
    description: str = ""


def recipient_field(nomination: Nomination) -> str:
    """The field naming the recipient for the nomination's kind ("" when unknown)."""
    if nomination.recipient_kind == RecipientKind.COLLECTIVE:
        return COLLECTIVE_FIELDS.get(nomination.collective_kind, "collective_kind")
    return KIND_FIELDS.get(nomination.recipient_kind, "recipient_kind")


def unit_of_recipient(nomination: Nomination) -> AdminUnit:
    """Where the recipient is: the point's unit, the organisation's commune, the group's
    or household's residential area, where the person lives, or the unit itself."""
    field = recipient_field(nomination)
    recipient = getattr(nomination, field)
    return {
        "scheme": lambda r: r.unit,
        "organization": lambda r: r.commune,
        "recipient_unit": lambda r: r,
        "group": lambda r: r.residential_area,
        "person": lambda r: r.unit,
        "household": lambda r: r.residential_area,
    }[field](recipient)


def _check_recipient(user, nomination: Nomination) -> None:
    kind = nomination.recipient_kind
    if kind not in RecipientKind.values:
        fail("recipient_kind", _("Choose who receives the award."))
    if kind == RecipientKind.COLLECTIVE:
        if nomination.collective_kind not in CollectiveKind.values:
            fail("collective_kind", _("Choose the kind of collective."))
    elif nomination.collective_kind:
        fail("collective_kind", _("Only a collective has a kind of collective."))
    field = recipient_field(nomination)
    if getattr(nomination, f"{field}_id") is None:
        fail(field, _("Choose the recipient."))
    for other in RECIPIENT_FIELDS:
        if other != field and getattr(nomination, f"{other}_id") is not None:
            fail(other, _("A nomination has one recipient, of the kind chosen."))
    unit = unit_of_recipient(nomination)
    if not can_write_unit(user, unit):
        fail(field, _("The recipient is outside your jurisdiction."))
    organiser = nomination.occasion.unit
    if unit.pk != organiser.pk:
        under = geo_queries.placed_under([organiser], geo_queries.today())
        if not under.filter(unit_id=unit.pk).exists():
            fail(
                field,
                _("The recipient is not in %(unit)s, which organises this occasion.")
                % {"unit": organiser},
            )
    nomination.unit = unit


def _check_form(nomination: Nomination) -> None:
    form, authority = nomination.form, nomination.authority
    if not form.authorities.filter(pk=authority.pk).exists():
        fail(
            "authority",
            _("%(authority)s does not award %(form)s.") % {"authority": authority, "form": form},
        )
    organiser = nomination.occasion.unit
    if authority.level not in authority_levels_for(organiser.level):
        fail(
            "authority",
            _("%(authority)s does not award in an occasion organised by %(unit)s.")
            % {"authority": authority, "unit": organiser},
        )
    allowed = recipients_of(form.kind)
    if form.once_per_life:
        allowed = allowed & {RecipientKind.INDIVIDUAL}
    if nomination.recipient_kind not in allowed:
        if allowed == {RecipientKind.INDIVIDUAL}:
            message = _("%(form)s is awarded to individuals only.")
        elif allowed == {RecipientKind.COLLECTIVE}:
            message = _("%(form)s is awarded to collectives only.")
        else:
            message = _("%(form)s cannot be awarded to this kind of recipient.")
        fail("form", message % {"form": form})
    if form.once_per_life:
        return  # once in a life: _check_person refuses any second nomination
    field = recipient_field(nomination)
    same = Nomination.objects.filter(
        occasion_id=nomination.occasion_id,
        form_id=form.pk,
        **{f"{field}_id": getattr(nomination, f"{field}_id")},
    ).exclude(status=NominationStatus.REJECTED)
    if nomination.pk:
        same = same.exclude(pk=nomination.pk)
    if same.exists():
        fail(
            "form",
            _("%(recipient)s is already nominated for %(form)s on this occasion.")
            % {"recipient": nomination.recipient_name, "form": form},
        )


def _check_person(nomination: Nomination, on: dt.date) -> None:
    """A person's eligibility on a date: not under prosecution, once in a life, years of
    service."""
    person: Person | None = nomination.person
    if person is None:
        return
    form = nomination.form
    if person.under_prosecution:
        fail(
            "person",
            _("%(name)s is under prosecution and cannot be awarded.") % {"name": person},
        )
    if form.once_per_life:
        earlier = Nomination.objects.filter(
            form_id=form.pk, person_id=person.pk, status__in=PENDING_OR_AWARDED
        )
        if nomination.pk:
            earlier = earlier.exclude(pk=nomination.pk)
        if earlier.exists():
            fail(
                "person",
                _(
                    "%(name)s has already received or been proposed for %(form)s, "
                    "which is awarded once in a life."
                )
                % {"name": person, "form": form},
            )
    if form.min_service_years:
        if person.service_since is None:
            fail(
                "person",
                _(
                    "The year %(name)s joined the movement is not recorded; %(form)s "
                    "needs %(n)d years of service."
                )
                % {"name": person, "form": form, "n": form.min_service_years},
            )
        years = on.year - person.service_since
        if years < form.min_service_years:
            fail(
                "person",
                _("%(name)s has %(years)d years of service; %(form)s needs %(n)d.")
                % {"name": person, "years": years, "form": form, "n": form.min_service_years},
            )


def _achievement_inputs(achievements) -> list[AchievementInput]:
    items = []
    for item in achievements or ():
        if isinstance(item, AchievementInput):
            items.append(item)
        elif isinstance(item, str):
            if item.strip():
                items.append(AchievementInput(description=item))
        elif isinstance(item, models.Model):
            items.append(AchievementInput(record=item))
        elif isinstance(item, dict):
            items.append(AchievementInput(item.get("record"), item.get("description") or ""))
        else:
            raise TypeError(f"not an achievement: {item!r}")
    return items


def _unit_of_record(record) -> AdminUnit | None:
    for name in ("unit", "commune", "residential_area"):
        value = getattr(record, name, None)
        if isinstance(value, AdminUnit):
            return value
    return None


def _achievements(user, nomination: Nomination, inputs) -> list[Achievement]:
    rows: list[Achievement] = []
    seen: set[tuple[int, int]] = set()
    for item in _achievement_inputs(inputs):
        description = " ".join((item.description or "").split())
        ct = object_id = None
        if item.record is not None:
            record = item.record
            unit = _unit_of_record(record)
            if unit is not None and not can_access_unit(user, unit):
                fail("achievements", _("A record outside your jurisdiction cannot be linked."))
            ct = ContentType.objects.get_for_model(record)
            object_id = record.pk
            if (ct.pk, object_id) in seen:
                continue
            seen.add((ct.pk, object_id))
            description = description or str(record)
            used = (
                Achievement.objects.filter(
                    content_type=ct, object_id=object_id, nomination__form_id=nomination.form_id
                )
                .exclude(nomination__status=NominationStatus.REJECTED)
                .select_related("nomination")
                .first()
            )
            if used is not None:
                fail(
                    "achievements",
                    _(
                        "“%(record)s” already justifies a nomination for %(form)s "
                        "(no. %(pk)d); one achievement is not rewarded twice by the same form."
                    )
                    % {"record": description, "form": nomination.form, "pk": used.nomination_id},
                )
        if not description:
            continue
        rows.append(
            Achievement(
                content_type=ct, object_id=object_id, description=description[:DESCRIPTION_MAX]
            )
        )
    return rows


@transaction.atomic
def propose(
    user,
    occasion: Occasion,
    *,
    form: AwardForm,
    authority,
    recipient_kind: str,
    collective_kind: str = "",
    scheme=None,
    organization=None,
    recipient_unit=None,
    group=None,
    person=None,
    household=None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    summary: str = "",
    achievements=(),
) -> Nomination:
    """Propose an award for an occasion; the achievements are records (any model, linked
    through the generic relation), descriptions, or AchievementInput pairs."""
    if form is None:
        fail("form", _("This field is required."))
    if authority is None:
        fail("authority", _("This field is required."))
    AwardForm.objects.select_for_update().filter(pk=form.pk).first()  # one proposal at a time
    if person is not None:
        person = Person.objects.select_for_update().get(pk=person.pk)
    nomination = Nomination(
        occasion=occasion,
        form=form,
        authority=authority,
        recipient_kind=recipient_kind or "",
        collective_kind=collective_kind or "",
        scheme=scheme,
        organization=organization,
        recipient_unit=recipient_unit,
        group=group,
        person=person,
        household=household,
        period_start=period_start or occasion.period_start,
        period_end=period_end or occasion.period_end,
        summary=(summary or "").strip(),
        proposed_by=user if getattr(user, "pk", None) else None,
    )
    if nomination.period_end < nomination.period_start:
        fail("period_end", _("The end of the period cannot be before its start."))
    _check_recipient(user, nomination)
    _check_form(nomination)
    _check_person(nomination, occasion.held_on)
    rows = _achievements(user, nomination, achievements)
    if not rows and not nomination.summary:
        fail("achievements", _("Give at least one achievement."))
    nomination.save()
    for row in rows:
        row.nomination = nomination
        row.save()
    return nomination


def _move(nomination: Nomination, target: str) -> None:
    current = NominationStatus(nomination.status)
    if target not in NEXT[current]:
        fail(
            "status",
            _("A nomination “%(current)s” cannot become “%(target)s”.")
            % {"current": current.label, "target": NominationStatus(target).label},
        )


def _locked(user, nomination: Nomination) -> Nomination:
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("occasion__unit", "form", "authority", "person")
        .get(pk=nomination.pk)
    )
    if not can_decide(user, locked.occasion):
        raise PermissionDenied(_("Only officers of the organising unit review and decide."))
    if is_proposer(user, locked):
        fail(
            "proposed_by",
            _(
                "You proposed this nomination; another officer of the organising unit "
                "reviews and decides it."
            ),
        )
    return locked


def _no_longer(field: str, value: str) -> str:
    limit = Nomination._meta.get_field(field).max_length
    if len(value) > limit:
        fail(field, _("Longer than %(n)d characters.") % {"n": limit})
    return value


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        fail("reason", _("Give the reason of the rejection."))
    return reason


@transaction.atomic
def review(user, nomination: Nomination, *, approve: bool = True, reason: str = "") -> Nomination:
    """The review of a proposal: passed on to the decision, or rejected with a reason."""
    locked = _locked(user, nomination)
    target = NominationStatus.REVIEWED if approve else NominationStatus.REJECTED
    _move(locked, target)
    if approve:
        locked.reason = " ".join((reason or "").split())
    else:
        locked.reason = _reason(reason)
    locked.status = target
    locked.save()
    nomination.__dict__.update(locked.__dict__)
    return nomination


@transaction.atomic
def decide(
    user,
    nomination: Nomination,
    *,
    awarded: bool,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    signer: str = "",
    reason: str = "",
) -> Nomination:
    """The decision: awarded (number, date, signer) or rejected (a reason)."""
    locked = _locked(user, nomination)
    target = NominationStatus.AWARDED if awarded else NominationStatus.REJECTED
    _move(locked, target)
    decision_number = _no_longer("decision_number", " ".join((decision_number or "").split()))
    signer = _no_longer("signer", " ".join((signer or "").split()))
    if decision_date is not None and decision_date > geo_queries.today():
        fail("decision_date", _("The date cannot be in the future."))
    if awarded:
        if not decision_number:
            fail("decision_number", _("This field is required."))
        if decision_date is None:
            fail("decision_date", _("This field is required."))
        if not signer:
            fail("signer", _("This field is required."))
        if locked.person_id:
            Person.objects.select_for_update().filter(pk=locked.person_id).first()
            locked.person.refresh_from_db()
        _check_person(locked, decision_date)
        locked.reason = " ".join((reason or "").split()) or locked.reason
    else:
        locked.reason = _reason(reason)
    locked.decision_number = decision_number
    locked.decision_date = decision_date
    locked.signer = signer
    locked.status = target
    locked.save()
    nomination.__dict__.update(locked.__dict__)
    return nomination
