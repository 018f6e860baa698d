"""The catalogue page: award forms × issuing authorities, edited by system administrators
and provincial officers (everyone signed in reads it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from binhyen.accounts.scoping import PUBLIC, scoping
from binhyen.core import stale
from binhyen.core.forms import submitted

from .. import permissions, queries, services
from ..forms import AuthorityForm, AwardFormForm
from ..models import Authority, AwardForm


@scoping(PUBLIC)  # the catalogue is national: no data of any unit
@login_required
def catalogue(request):
    forms, authorities, pairs = queries.catalogue()
    rows = [(f, [(a, (f.pk, a.pk) in pairs) for a in authorities]) for f in forms]
    context = {
        "rows": rows,
        "authorities": authorities,
        "can_edit": permissions.can_edit_catalogue(request.user),
    }
    return render(request, "awards/catalogue.html", context)


def _editor(request) -> None:
    if not permissions.can_edit_catalogue(request.user):
        raise PermissionDenied


def _edit_page(request, form, title, status=200, **extra):
    context = {"form": form, "title": title, **extra}
    return render(request, "awards/catalogue_form.html", context, status=status)


def _stale_page(request, form, current, theirs: dict, title):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    shown_stale = stale.stale_context(form, theirs)
    form = type(form)(stale.resubmitted(request.POST, current))
    stale.carry_version(form, current)
    form.is_valid()
    return _edit_page(request, form, title, 409, **shown_stale)


@scoping(PUBLIC)
@login_required
def form_edit(request, pk: int | None = None):
    _editor(request)
    award = get_object_or_404(AwardForm, pk=pk) if pk else None
    initial = {}
    if award is not None:
        initial = {
            "code": award.code,
            "name": award.name,
            "name_en": award.name_en,
            "kind": award.kind,
            "once_per_life": award.once_per_life,
            "min_service_years": award.min_service_years,
            "authorities": list(award.authorities.all()),
        }
    form = AwardFormForm(request.POST or None, initial=initial)
    stale.carry_version(form, award)

    def save(data):
        values = dict(data)
        if award is None:
            services.create_form(request.user, **values)
        else:
            services.update_form(request.user, award, **values)

    title = _("Edit the award form") if award else _("New award form")
    if request.method == "POST":
        try:
            if submitted(form, save):
                messages.success(request, _("Saved."))
                return redirect("awards:catalogue")
        except stale.StaleEdit:
            current = AwardForm.objects.get(pk=award.pk)
            theirs = {name: getattr(current, name) for name in services.catalogue.FORM_FIELDS}
            theirs["authorities"] = list(current.authorities.all())
            return _stale_page(request, form, current, theirs, title)
        return _edit_page(request, form, title, status=400)
    return _edit_page(request, form, title)


@scoping(PUBLIC)
@login_required
def authority_edit(request, pk: int | None = None):
    _editor(request)
    authority = get_object_or_404(Authority, pk=pk) if pk else None
    initial = {}
    if authority is not None:
        initial = {n: getattr(authority, n) for n in ("code", "name", "name_en", "level")}
    form = AuthorityForm(request.POST or None, initial=initial)
    stale.carry_version(form, authority)

    def save(data):
        if authority is None:
            services.create_authority(request.user, **data)
        else:
            services.update_authority(request.user, authority, **data)

    title = _("Edit the issuing authority") if authority else _("New issuing authority")
    if request.method == "POST":
        try:
            if submitted(form, save):
                messages.success(request, _("Saved."))
                return redirect("awards:catalogue")
        except stale.StaleEdit:
            current = Authority.objects.get(pk=authority.pk)
            theirs = {name: getattr(current, name) for name in services.catalogue.AUTHORITY_FIELDS}
            return _stale_page(request, form, current, theirs, title)
        return _edit_page(request, form, title, status=400)
    return _edit_page(request, form, title)
