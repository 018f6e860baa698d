"""The officers' case pages: the filtered list (and its XLSX export), a case's page with
its tips, suspects and seized items and the forms to add them, the new and edit forms
(an edit carries the version it started from: a stale one is refused with 409).

Reads go through `queries.cases_for_user` / `get_case_for_user` (404 outside the
jurisdiction); writes through the services, after `can_write_unit` on the case's unit."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import apply_service_errors
from binhyen.core.stale import StaleEdit
from binhyen.schemes import permissions

from .. import exports, queries, services
from ..filtersets import CaseFilterSet
from ..forms.cases import ArrestForm, CaseForm, LinkTipForm, SeizedItemForm, SuspectForm
from ..models import Case
from .tips import list_query, partial_request

PAGE_SIZE = 50


@scoping(JURISDICTION)
@login_required
def case_list(request):
    cases = queries.cases_for_user(request.user).select_related("unit")
    filterset = CaseFilterSet(request.GET or None, queryset=cases, request=request)
    results = cases.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    if request.GET.get("export") == "xlsx":
        return exports.cases_xlsx(results)
    results = results.annotate(
        n_suspects=Count("suspects", distinct=True), n_tips=Count("tips", distinct=True)
    ).order_by("-opened_on", "-pk")
    context = {
        "filter": filterset,
        "page": Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": list_query(request),
        "can_create": permissions.can_write_anywhere(request.user),
    }
    template = "tips/_case_results.html" if partial_request(request) else "tips/case_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _plain(quantity: Decimal) -> Decimal:
    """12.500 → 12.5, 100.000 → 100 (never 1E+2)."""
    value = quantity.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def _case_page(request, case: Case, status: int = 200, **forms):
    user = request.user
    can_write = permissions.can_write_unit(user, case.unit)
    linked = case.tips.all()
    tips = list(
        queries.tips_for_user(user)
        .filter(pk__in=linked.values("pk"))
        .select_related("unit")
        .order_by("received_at", "pk")
    )
    context = {
        "case": case,
        "can_write": can_write,
        "tips": tips,
        "tips_hidden": linked.count() - len(tips),
        "suspects": list(case.suspects.all()),
        "items": [(item, _plain(item.quantity)) for item in case.seized_items.all()],
    }
    if can_write:
        arrest_form = forms.get("arrest_form") or ArrestForm(case=case)
        context.update(
            suspect_form=forms.get("suspect_form") or SuspectForm(),
            arrest_form=arrest_form if arrest_form.offered else None,
            item_form=forms.get("item_form") or SeizedItemForm(),
            link_form=forms.get("link_form") or LinkTipForm(user=user),
        )
    return render(request, "tips/case_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def case_detail(request, pk: int):
    return _case_page(request, queries.get_case_for_user(request.user, pk))


def _writable_case(request, pk: int) -> Case:
    case = queries.get_case_for_user(request.user, pk)
    if not permissions.can_write_unit(request.user, case.unit):
        raise PermissionDenied
    return case


def _saved(request, case: Case):
    messages.success(request, _("Saved."))
    return redirect("tips:case", pk=case.pk)


def _act(request, case: Case, form, name: str, action):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _saved(request, case)
    return _case_page(request, case, status=400, **{name: form})


@scoping(JURISDICTION)
@login_required
@require_POST
def case_suspect(request, pk: int):
    case = _writable_case(request, pk)
    return _act(
        request,
        case,
        SuspectForm(request.POST),
        "suspect_form",
        lambda d: services.add_suspect(case, **d),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def case_arrest(request, pk: int):
    case = _writable_case(request, pk)
    return _act(
        request,
        case,
        ArrestForm(request.POST, case=case),
        "arrest_form",
        lambda d: services.record_arrest(d["suspect"], d["arrested_on"]),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def case_item(request, pk: int):
    case = _writable_case(request, pk)
    return _act(
        request,
        case,
        SeizedItemForm(request.POST),
        "item_form",
        lambda d: services.add_seized_item(case, **d),
    )


@scoping(JURISDICTION)
@login_required
@require_POST
def case_link(request, pk: int):
    case = _writable_case(request, pk)
    return _act(
        request,
        case,
        LinkTipForm(request.POST, user=request.user),
        "link_form",
        lambda d: services.link_tip(case, d["tip"]),
    )


# ---- new and edit --------------------------------------------------------------------------


def _form_page(request, form: CaseForm, case: Case | None = None, status: int = 200, **extra):
    context = {"form": form, "case": case, **extra}
    return render(request, "tips/case_form.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def case_new(request):
    user = request.user
    if not permissions.can_write_anywhere(user):
        raise PermissionDenied
    initial = {}
    # the tip comes by id: a public tip's code is half of the resident's key, kept out of URLs
    tip_id = request.GET.get("tip", "")
    from_tip = (
        queries.tips_for_user(user).filter(pk=int(tip_id)).first() if tip_id.isdigit() else None
    )
    if from_tip is not None:
        initial = {
            "tips": from_tip.code,
            "category": from_tip.category,
            "unit": from_tip.handling_unit.code,
        }
    form = CaseForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.save_case(
                    None, tips=form.cleaned_data["tips"], **form.service_values()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return _saved(request, case)
        return _form_page(request, form, status=400)
    return _form_page(request, form)


def _stale_page(request, form: CaseForm, case: Case):
    """Nothing was written. Show what the other person saved where it differs from what
    was typed, keep the typed values, and take the current version (core.stale)."""
    current = queries.get_case_for_user(request.user, case.pk)  # read again in scope
    mine = form.service_values()
    theirs = {name: getattr(current, name) for name in mine}
    shown_stale = stale.stale_context(form, theirs, mine)
    form = CaseForm(stale.resubmitted(request.POST, current), user=request.user, instance=current)
    form.is_valid()
    return _form_page(request, form, current, 409, **shown_stale)


@scoping(JURISDICTION)
@login_required
def case_edit(request, pk: int):
    case = _writable_case(request, pk)
    form = CaseForm(request.POST or None, user=request.user, instance=case)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_case(
                    case, version=form.cleaned_data.get("version"), **form.service_values()
                )
            except StaleEdit:
                return _stale_page(request, form, case)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return _saved(request, case)
        return _form_page(request, form, case, status=400)
    return _form_page(request, form, case)
