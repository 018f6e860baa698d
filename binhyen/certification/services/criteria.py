"""Criteria sets: which one applies, and their edits (national sets by system
administrators; a province's own sets by its provincial officers). A set already used by
a certification is frozen: never deleted, its criteria never added, removed or
reworded, its particulars (name, legal basis, dates, province) unchanged — only its end
date (effective_to) may be set to close it; a new version is made by copying it into a
set with a later effective date."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.geo import queries as geo_queries
from binhyen.geo.choices import Level
from binhyen.geo.models import AdminUnit
from binhyen.schemes.services.checks import fail

from .. import permissions
from ..choices import StepKind, SubjectType
from ..models import Certification, CertificationStep, CriteriaSet, Criterion

SET_FIELDS = ("subject_type", "name", "legal_basis", "effective_from", "effective_to", "province")


def province_of(unit: AdminUnit, on: dt.date) -> AdminUnit | None:
    """The province a unit lies in on a date (through the Placement table, else its
    chain of parents)."""
    if unit.level == Level.PROVINCE:
        return unit
    answer = geo_queries.place(unit, on, Level.PROVINCE)
    if answer.target is not None:
        return answer.target
    chain = geo_queries.ancestors(unit, on)
    return chain[0].unit if chain and chain[0].unit.level == Level.PROVINCE else None


def sets_in_force(subject_type: str, on: dt.date):
    return CriteriaSet.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        subject_type=subject_type,
        effective_from__lte=on,
    )


def criteria_set_for(subject_type: str, unit: AdminUnit, on: dt.date) -> CriteriaSet | None:
    """The set in force for the subject type on `on`: the province's own (the latest in
    force) wins over the national one."""
    candidates = sets_in_force(subject_type, on).order_by("-effective_from", "-pk")
    province = province_of(unit, on)
    if province is not None:
        own = candidates.filter(province=province).first()
        if own is not None:
            return own
    return candidates.filter(province__isnull=True).first()


def is_used(criteria_set: CriteriaSet) -> bool:
    return Certification.objects.filter(criteria_set=criteria_set).exists()


def _frozen() -> str:
    return _(
        "The set is used by certifications: its criteria and legal basis do not change "
        "(only its end date may be set). Copy it into a new version to change them."
    )


def _same(name: str, old, new) -> bool:
    if isinstance(old, str) or isinstance(new, str):
        return (old or "").strip() == (new or "").strip()
    return old == new


def _last_assessed(cs: CriteriaSet) -> dt.date | None:
    return CertificationStep.objects.filter(
        certification__criteria_set=cs, kind=StepKind.SELF_ASSESSED
    ).aggregate(last=Max("date"))["last"]


def _require_editor(user, province: AdminUnit | None) -> None:
    if user is not None and not permissions.can_edit_criteria_for(user, province):
        raise PermissionDenied(_("You may not edit these criteria."))


def _check_set(cs: CriteriaSet) -> None:
    if cs.subject_type not in SubjectType.values:
        fail("subject_type", _("Choose the subject type."))
    cs.name = (cs.name or "").strip()
    cs.legal_basis = (cs.legal_basis or "").strip()
    if not cs.name:
        fail("name", _("This field is required."))
    if not cs.legal_basis:
        fail("legal_basis", _("Give the legal basis."))
    if cs.effective_from is None:
        fail("effective_from", _("This field is required."))
    if cs.effective_to is not None and cs.effective_to < cs.effective_from:
        fail("effective_to", _("The end cannot be before the start."))
    if cs.province_id and cs.province.level != Level.PROVINCE:
        fail("province", _("Choose a province."))
    clash = CriteriaSet.objects.filter(
        subject_type=cs.subject_type, province=cs.province, effective_from=cs.effective_from
    ).exclude(pk=cs.pk)
    if clash.exists():
        fail(
            "effective_from",
            _("Another set of these criteria already starts on that date."),
        )


@transaction.atomic
def save_criteria_set(
    user, criteria_set: CriteriaSet | None = None, *, version: int | None = None, **values
) -> CriteriaSet:
    """Create a set (criteria_set None) or edit its particulars. Of a used set only the
    end date may be set (not before its last self-assessment). With `version`, an edit is
    refused (StaleEdit) if the set was saved by someone else since."""
    unknown = set(values) - set(SET_FIELDS)
    if unknown:
        raise TypeError(f"not criteria set fields: {sorted(unknown)}")
    if criteria_set is not None:
        _require_editor(user, criteria_set.province)
        cs = stale.lock(CriteriaSet, criteria_set.pk, version)
        stale.bump(cs)
        if is_used(cs):
            for name in SET_FIELDS:
                if name == "effective_to" or name not in values:
                    continue
                if not _same(name, getattr(cs, name), values[name]):
                    fail(name, _frozen())
            end, last = values.get("effective_to", cs.effective_to), _last_assessed(cs)
            if end is not None and last is not None and end < last:
                fail(
                    "effective_to",
                    _(
                        "Certifications were assessed against this set up to %(date)s: "
                        "it cannot end before."
                    )
                    % {"date": last.strftime("%d/%m/%Y")},
                )
    else:
        cs = CriteriaSet()
    for name, value in values.items():
        setattr(cs, name, value)
    _require_editor(user, cs.province if cs.province_id else None)
    _check_set(cs)
    cs.save()
    if criteria_set is not None:
        criteria_set.__dict__.update(cs.__dict__)
    return cs


@transaction.atomic
def copy_criteria_set(
    user,
    source: CriteriaSet,
    *,
    province: AdminUnit | None,
    effective_from: dt.date,
    name: str = "",
    legal_basis: str = "",
) -> CriteriaSet:
    """A new version: the source's criteria copied into a set for `province` (None:
    national) from `effective_from`."""
    copy = save_criteria_set(
        user,
        subject_type=source.subject_type,
        name=name or source.name,
        legal_basis=legal_basis or source.legal_basis,
        effective_from=effective_from,
        effective_to=None,
        province=province,
    )
    Criterion.objects.bulk_create(
        [
            Criterion(criteria_set=copy, code=c.code, text=c.text, order=c.order)
            for c in source.criteria.all()
        ]
    )
    for criterion in copy.criteria.all():  # bulk_create skips the audit signals
        criterion.save()
    return copy


@transaction.atomic
def save_criterion(
    user,
    criteria_set: CriteriaSet,
    criterion: Criterion | None = None,
    *,
    code: str = "",
    text: str,
    order: int | None = None,
    version: int | None = None,
) -> Criterion:
    """Add a criterion to an unused set, or edit a criterion's text and order (of an
    unused set: a used set's criteria do not change; codes never change). With `version`,
    an edit is refused (StaleEdit) if the criterion was saved by someone else since."""
    _require_editor(user, criteria_set.province)
    used = is_used(criteria_set)
    text = (text or "").strip()
    if not text:
        fail("text", _("This field is required."))
    if criterion is None:
        if used:
            fail("code", _("The set is used by certifications: make a new version to add."))
        code = slugify(code or "")[:40]
        if not code:
            fail("code", _("Give a short code (letters, digits, dashes)."))
        if criteria_set.criteria.filter(code=code).exists():
            fail("code", _("The set already has a criterion %(code)s.") % {"code": code})
        if order is None:
            order = criteria_set.criteria.count() + 1
        try:
            with transaction.atomic():
                return Criterion.objects.create(
                    criteria_set=criteria_set, code=code, text=text, order=order
                )
        except IntegrityError:
            fail("code", _("The set already has a criterion %(code)s.") % {"code": code})
    if criterion.criteria_set_id != criteria_set.pk:
        raise ValueError("criterion of another set")
    given, criterion = criterion, stale.lock(Criterion, criterion.pk, version)
    if code and slugify(code) != criterion.code:
        fail("code", _("The code of a criterion does not change."))
    if used:
        if text != criterion.text:
            fail("text", _frozen())
        if order is not None and order != criterion.order:
            fail("order", _frozen())
        return criterion
    criterion.text = text
    if order is not None:
        criterion.order = order
    stale.bump(criterion)
    criterion.save()
    given.__dict__.update(criterion.__dict__)
    return criterion


@transaction.atomic
def remove_criterion(user, criterion: Criterion) -> None:
    criteria_set = criterion.criteria_set
    _require_editor(user, criteria_set.province)
    if is_used(criteria_set):
        fail("criterion", _("The set is used by certifications: make a new version."))
    criterion.delete()


@transaction.atomic
def delete_criteria_set(user, criteria_set: CriteriaSet) -> None:
    _require_editor(user, criteria_set.province)
    if is_used(criteria_set):
        fail("criteria_set", _("The set is used by certifications and cannot be deleted."))
    criteria_set.delete()
