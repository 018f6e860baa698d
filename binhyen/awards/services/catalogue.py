"""The catalogue of award forms and issuing authorities: system administrators and
provincial officers edit it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from binhyen.core import stale
from binhyen.schemes.services.checks import fail

from ..choices import AuthorityLevel, FormKind
from ..models import Authority, AwardForm
from ..permissions import can_edit_catalogue

FORM_FIELDS = ("code", "name", "name_en", "kind", "once_per_life", "min_service_years")
AUTHORITY_FIELDS = ("code", "name", "name_en", "level")


def _require_editor(user) -> None:
    if not can_edit_catalogue(user):
        raise PermissionDenied(_("Only administrators and provincial officers edit the catalogue."))


def _unknown(values: dict, allowed) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _clean_common(obj, model) -> None:
    obj.code = slugify((obj.code or "").strip())
    obj.name = " ".join((obj.name or "").split())
    obj.name_en = " ".join((obj.name_en or "").split())
    if not obj.code:
        fail("code", _("This field is required."))
    if not obj.name:
        fail("name", _("This field is required."))
    if model.objects.filter(code=obj.code).exclude(pk=obj.pk).exists():
        fail("code", _("Another entry already has the code %(code)s.") % {"code": obj.code})


def _check_form(form: AwardForm, authorities) -> None:
    _clean_common(form, AwardForm)
    if form.kind not in FormKind.values:
        fail("kind", _("Choose the kind of award."))
    if form.min_service_years is not None and not 0 < form.min_service_years <= 60:
        fail("min_service_years", _("Give a number of years between 1 and 60."))
    if authorities is not None and not authorities:
        fail("authorities", _("Choose at least one issuing authority."))


def _save_form(form: AwardForm, authorities) -> AwardForm:
    _check_form(form, authorities)
    form.save()
    if authorities is not None:
        form.authorities.set(authorities)
    return form


@transaction.atomic
def create_form(user, *, authorities=(), **values) -> AwardForm:
    _require_editor(user)
    _unknown(values, FORM_FIELDS)
    return _save_form(AwardForm(**values), list(authorities))


@transaction.atomic
def update_form(
    user, form: AwardForm, *, authorities=None, version: int | None = None, **values
) -> AwardForm:
    """Change a form; `authorities` None leaves them as they are. With `version`,
    refused (StaleEdit) if the form was saved by someone else since."""
    _require_editor(user)
    _unknown(values, FORM_FIELDS)
    locked = stale.lock(AwardForm, form.pk, version)
    stale.bump(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    _save_form(locked, None if authorities is None else list(authorities))
    form.__dict__.update(locked.__dict__)
    return form


def _check_authority(authority: Authority) -> None:
    _clean_common(authority, Authority)
    if authority.level not in AuthorityLevel.values:
        fail("level", _("Choose the level of the authority."))


@transaction.atomic
def create_authority(user, **values) -> Authority:
    _require_editor(user)
    _unknown(values, AUTHORITY_FIELDS)
    authority = Authority(**values)
    _check_authority(authority)
    authority.save()
    return authority


@transaction.atomic
def update_authority(
    user, authority: Authority, *, version: int | None = None, **values
) -> Authority:
    """Change an authority; with `version`, refused (StaleEdit) if it was saved since."""
    _require_editor(user)
    _unknown(values, AUTHORITY_FIELDS)
    locked = stale.lock(Authority, authority.pk, version)
    stale.bump(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    _check_authority(locked)
    locked.save()
    authority.__dict__.update(locked.__dict__)
    return authority
