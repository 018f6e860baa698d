"""People who may be awarded: a search by name or ID number (through the blind index,
never by decrypting the list), a person's page with their nominations, new and edit
forms. A second record of an ID number is refused with a link to the first one when
the user sees it (otherwise with a message that reveals nothing of that person)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import submitted
from binhyen.geo.choices import Level

from .. import permissions, queries, services
from ..forms import PersonForm
from ..services.people import id_number_of, masked_id
from .common import list_query, page_of, render_list, unit_options

PERSON_LEVELS = (Level.COMMUNE, Level.RESIDENTIAL_AREA)


@scoping(JURISDICTION)
@login_required
def person_list(request):
    text = request.GET.get("q", "")
    people = queries.search_people(queries.people_for_user(request.user), text)
    page = page_of(request, people.select_related("unit"))
    context = {
        "page": page,
        "rows": [(p, masked_id(p)) for p in page],
        "q": text,
        "query": list_query(request),
        "can_create": permissions.can_write_anywhere(request.user),
    }
    return render_list(request, "awards/person_list.html", "awards/_person_results.html", context)


@scoping(JURISDICTION)
@login_required
def person_detail(request, pk: int):
    person = queries.get_person_for_user(request.user, pk)
    nominations = (
        queries.nominations_for_user(request.user)
        .filter(person=person)
        .select_related("occasion", "form", "authority")
        .order_by("-occasion__held_on", "pk")
    )
    context = {
        "person": person,
        "masked_id": masked_id(person),
        "nominations": nominations,
        "can_edit": permissions.can_write_unit(request.user, person.unit),
    }
    return render(request, "awards/person_detail.html", context)


def _duplicate(request, exc: ValidationError):
    """The person already recorded with the typed ID number, if the user sees them."""
    for error in getattr(exc, "error_dict", {}).get("id_number", []):
        if error.code == "duplicate" and error.params:
            return queries.people_for_user(request.user).filter(pk=error.params["pk"]).first()
    return None


def _form_page(request, form, person=None, status=200, duplicate=None, **extra):
    context = {
        "form": form,
        "person": person,
        "duplicate": duplicate,
        "unit_options": unit_options(request.user, PERSON_LEVELS),
        **extra,
    }
    return render(request, "awards/person_form.html", context, status=status)


def _stale_person(request, form: PersonForm, person):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = queries.get_person_for_user(request.user, person.pk)
    theirs = {name: getattr(current, name) for name in services.people.FIELDS}
    theirs["id_number"] = id_number_of(current)
    shown_stale = stale.stale_context(form, theirs)
    form = PersonForm(stale.resubmitted(request.POST, current))
    stale.carry_version(form, current)
    form.is_valid()
    return _form_page(request, form, current, 409, **shown_stale)


@scoping(JURISDICTION)
@login_required
def person_edit(request, pk: int | None = None):
    person = queries.get_person_for_user(request.user, pk) if pk else None
    if person is None and not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    if person is not None and not permissions.can_write_unit(request.user, person.unit):
        raise PermissionDenied
    initial = {}
    if person is not None:
        initial = {
            "full_name": person.full_name,
            "birth_year": person.birth_year,
            "id_number": id_number_of(person),
            "unit": person.unit.code,
            "position": person.position,
            "service_since": person.service_since,
            "under_prosecution": person.under_prosecution,
        }
    form = PersonForm(request.POST or None, initial=initial)
    stale.carry_version(form, person)
    saved = {}

    def save(data):
        try:
            if person is None:
                saved["person"] = services.create_person(request.user, **data)
            else:
                saved["person"] = services.update_person(request.user, person, **data)
        except ValidationError as exc:
            saved["duplicate"] = _duplicate(request, exc)
            raise

    if request.method == "POST":
        try:
            if submitted(form, save):
                messages.success(request, _("Saved."))
                return redirect("awards:person", pk=saved["person"].pk)
        except stale.StaleEdit:
            return _stale_person(request, form, person)
        return _form_page(request, form, person, 400, saved.get("duplicate"))
    return _form_page(request, form, person)
