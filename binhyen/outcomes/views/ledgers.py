"""Pages of the ledger registers (all but managed persons), generic over the registers
table: the overview, a register's filtered list (and its XLSX export), the new and edit
forms, and deletion of an entry made in error.

Every read goes through `queries.records_for_user` (the user's jurisdiction); every write
through the services, after `permissions.can_write_unit` on the record's unit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale

from .. import exports, permissions, queries, services
from ..filtersets import ledger_filterset
from ..forms.common import apply_service_errors, unit_options
from ..forms.ledgers import LedgerForm
from ..registers import LABELS, LEDGERS, MANAGED, SLUGS, Register
from .common import list_query, page_of, render_list, results, shown


def _register(slug: str) -> Register:
    register = LEDGERS.get(slug)
    if register is None:
        raise Http404
    return register


@scoping(JURISDICTION)
@login_required
def index(request):
    """Every register with the number of records the user sees."""
    user = request.user
    rows = []
    for slug in SLUGS:
        if slug == MANAGED:
            qs = queries.periods_for_user(user)
        else:
            qs = queries.records_for_user(LEDGERS[slug], user)
        rows.append((slug, LABELS[slug], qs.count()))
    context = {"rows": rows, "can_create": permissions.can_write_anywhere(user)}
    return render(request, "outcomes/index.html", context)


def _filtered(request, register: Register):
    records = queries.records_for_user(register, request.user).select_related("unit", "scheme")
    return ledger_filterset(register)(request.GET or None, queryset=records, request=request)


@scoping(JURISDICTION)
@login_required
def record_list(request, slug: str):
    register = _register(slug)
    filterset = _filtered(request, register)
    if request.GET.get("export") == "xlsx":
        return exports.xlsx_response(slug, results(filterset))
    page = page_of(request, results(filterset))
    context = {
        "register": register,
        "filter": filterset,
        "page": page,
        "rows": [(r, [shown(r, name) for name in register.fields]) for r in page],
        "headers": [register.field_label(name) for name in register.fields],
        "query": list_query(request),
        "can_create": permissions.can_write_anywhere(request.user),
    }
    return render_list(
        request, "outcomes/record_list.html", "outcomes/_record_results.html", context
    )


def _form_page(request, register, form, record=None, status=200, **extra):
    context = {
        "register": register,
        "form": form,
        "record": record,
        "unit_options": unit_options(request.user),
        **extra,
    }
    return render(request, "outcomes/record_form.html", context, status=status)


def _stale_page(request, register: Register, form: LedgerForm, record):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = queries.get_record_for_user(register, request.user, record.pk)
    theirs = {name: getattr(current, name) for name in form.service_values()}
    shown_stale = stale.stale_context(form, theirs)
    data = stale.resubmitted(request.POST, current)
    form = LedgerForm(data, register=register, user=request.user, instance=current)
    form.is_valid()
    return _form_page(request, register, form, current, 409, **shown_stale)


@scoping(JURISDICTION)
@login_required
def record_new(request, slug: str):
    register = _register(slug)
    if not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    form = LedgerForm(request.POST or None, register=register, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_record(register, **form.service_values())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                if "another" in request.POST:
                    return redirect("outcomes:new", slug=slug)
                return redirect("outcomes:list", slug=slug)
        return _form_page(request, register, form, status=400)
    return _form_page(request, register, form)


def _writable(request, register: Register, pk: int):
    """The record if the user sees it (404 otherwise) and may write it (403 otherwise)."""
    record = queries.get_record_for_user(register, request.user, pk)
    if not permissions.can_write_record(request.user, record):
        raise PermissionDenied
    return record


@scoping(JURISDICTION)
@login_required
def record_edit(request, slug: str, pk: int):
    register = _register(slug)
    record = _writable(request, register, pk)
    form = LedgerForm(request.POST or None, register=register, user=request.user, instance=record)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_record(
                    register, record, version=stale.version_of(form), **form.service_values()
                )
            except stale.StaleEdit:
                return _stale_page(request, register, form, record)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("outcomes:list", slug=slug)
        return _form_page(request, register, form, record, status=400)
    return _form_page(request, register, form, record)


@scoping(JURISDICTION)
@login_required
@require_POST
def record_delete(request, slug: str, pk: int):
    register = _register(slug)
    record = _writable(request, register, pk)
    services.delete_record(record)
    messages.success(request, _("Deleted."))
    return redirect("outcomes:list", slug=slug)


__all__ = ["index", "record_delete", "record_edit", "record_list", "record_new"]
