"""Pages of the managed-persons register: the list of intakes (no identity), a new intake,
a person's page (their intakes as a timeline, under a public code), the reveal of an
identity (permission, reason, logged), corrections of an identity and of an intake.

Names never appear in a list, an export or a page other than the reveal's answer."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.geo import queries as geo_queries

from .. import exports, permissions, queries, services
from ..filtersets import PeriodFilterSet
from ..forms.common import apply_service_errors, unit_options
from ..forms.managed import IdentityForm, PeriodForm, RevealForm
from ..models import ManagedPerson, SupervisionPeriod
from ..registers import MANAGED, MANAGED_LABEL
from .common import list_query, page_of, render_list, results


def _filtered(request) -> PeriodFilterSet:
    periods = queries.periods_for_user(request.user).select_related(
        "person", "unit", "group", "scheme"
    )
    return PeriodFilterSet(request.GET or None, queryset=periods, request=request)


@scoping(JURISDICTION)
@login_required
def period_list(request):
    filterset = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return exports.xlsx_response(MANAGED, results(filterset))
    context = {
        "label": MANAGED_LABEL,
        "filter": filterset,
        "page": page_of(request, results(filterset)),
        "query": list_query(request),
        "can_create": permissions.can_write_anywhere(request.user),
        "today": geo_queries.today(),
    }
    return render_list(
        request, "outcomes/period_list.html", "outcomes/_period_results.html", context
    )


def _form_page(request, form, person=None, period=None, status=200, **extra):
    context = {
        "form": form,
        "person": person,
        "period": period,
        "unit_options": unit_options(request.user),
        **extra,
    }
    return render(request, "outcomes/period_form.html", context, status=status)


def _take_in(request, form: PeriodForm, person: ManagedPerson | None):
    """Save an intake from a valid form; None (errors on the form) when refused."""
    identity = None
    if person is None:
        identity = services.Identity(**form.identity_values())
    try:
        return services.take_in(
            identity=identity,
            person=person,
            among=queries.people_for_user(request.user),
            **form.period_values(),
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


@scoping(JURISDICTION)
@login_required
def period_new(request):
    """A new intake of someone given by name and year of birth (found again if already
    recorded: the intake joins their earlier ones)."""
    if not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST or None, user=request.user, identity=True)
    if request.method == "POST":
        if form.is_valid() and (period := _take_in(request, form, None)) is not None:
            messages.success(request, _("Saved."))
            return redirect("outcomes:person", code=period.person.code)
        return _form_page(request, form, status=400)
    return _form_page(request, form)


def _timeline(periods: list[SupervisionPeriod], today: dt.date) -> list[dict]:
    """The periods as bars on one time axis (percent offsets), oldest first."""
    if not periods:
        return []
    start = min(p.intake_on for p in periods)
    end = max([today, *[p.exit_on for p in periods if p.exit_on]])
    span = max((end - start).days, 1)
    bars = []
    for p in sorted(periods, key=lambda p: (p.intake_on, p.pk)):
        stop = p.exit_on or today
        left = 100 * (p.intake_on - start).days / span
        width = max(100 * (stop - p.intake_on).days / span, 1.5)
        bars.append(
            {"period": p, "left": round(left, 2), "width": round(min(width, 100 - left), 2)}
        )
    return bars


def _person_page(request, person: ManagedPerson, status=200, **forms):
    user = request.user
    periods = list(
        queries.periods_for_user(user)
        .filter(person=person)
        .select_related("unit", "group", "scheme")
        .order_by("intake_on", "pk")
    )
    may_reveal = permissions.reveal_unit(user, person) is not None
    writable = {p.pk for p in periods if permissions.can_write_unit(user, p.unit)}
    context = {
        "person": person,
        "periods": periods,
        "writable": writable,
        "timeline": _timeline(periods, geo_queries.today()),
        "today": geo_queries.today(),
        "may_reveal": may_reveal,
        "can_create": permissions.can_write_anywhere(user),
        "reveal_form": forms.get("reveal_form") or (RevealForm() if may_reveal else None),
        "identity_form": forms.get("identity_form")
        or (IdentityForm(person=person) if may_reveal else None),
        "stale": forms.get("stale", False),
    }
    return render(request, "outcomes/person_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def person_detail(request, code: str):
    return _person_page(request, queries.get_person_for_user(request.user, code))


@never_cache
@scoping(JURISDICTION)
@login_required
@require_POST
def person_reveal(request, code: str):
    """The identity, once, for an officer who gives a reason (logged)."""
    person = queries.get_person_for_user(request.user, code)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            identity = services.reveal_identity(request.user, person, form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            context = {"person": person, "identity": identity}
            return render(request, "outcomes/person_reveal.html", context)
    return _person_page(request, person, status=400, reveal_form=form)


@scoping(JURISDICTION)
@login_required
@require_POST
def person_identity(request, code: str):
    """Correct the identity (fields left empty keep what is recorded)."""
    person = queries.get_person_for_user(request.user, code)
    unit = permissions.reveal_unit(request.user, person)
    if unit is None:
        raise PermissionDenied
    form = IdentityForm(request.POST, person=person)
    if form.is_valid():
        try:
            services.update_identity(
                person, unit_id=unit.pk, version=stale.version_of(form), **form.service_values()
            )
        except stale.StaleEdit:
            # what they saved is encrypted: no differences shown (a reveal shows it, logged)
            current = queries.get_person_for_user(request.user, code)
            form = IdentityForm(stale.resubmitted(request.POST, current), person=current)
            form.is_valid()
            return _person_page(request, current, status=409, identity_form=form, stale=True)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("outcomes:person", code=person.code)
    return _person_page(request, person, status=400, identity_form=form)


@scoping(JURISDICTION)
@login_required
def person_intake(request, code: str):
    """A new intake of a person already recorded."""
    person = queries.get_person_for_user(request.user, code)
    if not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid() and _take_in(request, form, person) is not None:
            messages.success(request, _("Saved."))
            return redirect("outcomes:person", code=person.code)
        return _form_page(request, form, person=person, status=400)
    return _form_page(request, form, person=person)


def _writable_period(request, pk: int) -> SupervisionPeriod:
    period = queries.get_period_for_user(request.user, pk)
    if not permissions.can_write_unit(request.user, period.unit):
        raise PermissionDenied
    return period


def _stale_period(request, form: PeriodForm, period: SupervisionPeriod):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = queries.get_period_for_user(request.user, period.pk)
    theirs = {name: getattr(current, name) for name in form.period_values()}
    shown_stale = stale.stale_context(form, theirs)
    data = stale.resubmitted(request.POST, current)
    form = PeriodForm(data, user=request.user, instance=current)
    form.is_valid()
    return _form_page(request, form, current.person, current, 409, **shown_stale)


@scoping(JURISDICTION)
@login_required
def period_edit(request, pk: int):
    """Correct an intake, or record its exit and whether it became an exemplary case."""
    period = _writable_period(request, pk)
    form = PeriodForm(request.POST or None, user=request.user, instance=period)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_period(
                    period, version=stale.version_of(form), **form.period_values()
                )
            except stale.StaleEdit:
                return _stale_period(request, form, period)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("outcomes:person", code=period.person.code)
        return _form_page(request, form, person=period.person, period=period, status=400)
    return _form_page(request, form, person=period.person, period=period)


@scoping(JURISDICTION)
@login_required
@require_POST
def period_delete(request, pk: int):
    period = _writable_period(request, pk)
    code = period.person.code
    services.delete_period(period)
    messages.success(request, _("Deleted."))
    if ManagedPerson.objects.filter(code=code).exists():
        return redirect("outcomes:person", code=code)
    return redirect("outcomes:periods")
