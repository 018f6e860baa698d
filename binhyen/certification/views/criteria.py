"""Pages of the criteria sets: the list, a set with its criteria, and their edits
(national sets by system administrators, a province's own by its provincial officers;
a set used by certifications keeps its criteria: copy it into a new version)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import apply_service_errors

from .. import permissions, queries, services
from ..choices import SubjectType
from ..forms import CopySetForm, CriteriaSetForm, CriterionForm
from ..models import Criterion


def _set(pk: int):
    return get_object_or_404(queries.criteria_sets(), pk=pk)


def _editable(request, pk: int):
    criteria_set = _set(pk)
    if not permissions.can_edit_criteria_set(request.user, criteria_set):
        raise PermissionDenied
    return criteria_set


@scoping(JURISDICTION)
@login_required
def set_list(request):
    """Every criteria set (criteria are law: everyone signed in reads them)."""
    subject = request.GET.get("subject_type", "")
    sets = queries.criteria_sets().order_by("subject_type", "province__code", "-effective_from")
    if subject in SubjectType.values:
        sets = sets.filter(subject_type=subject)
    context = {
        "sets": sets,
        "subject": subject,
        "subjects": SubjectType.choices,
        "can_create": permissions.can_edit_some_criteria(request.user),
    }
    return render(request, "certification/criteria_list.html", context)


def _set_page(request, criteria_set, *, add=None, copy=None, status=200):
    can_edit = permissions.can_edit_criteria_set(request.user, criteria_set)
    used = services.is_used(criteria_set)
    visible = queries.certifications_for_user(request.user).filter(criteria_set=criteria_set)
    context = {
        "set": criteria_set,
        "criteria": criteria_set.criteria.order_by("order", "code"),
        "used": used,
        "used_count": visible.count(),
        "can_edit": can_edit,
        "can_copy": permissions.can_edit_some_criteria(request.user),
        "add_form": add or (CriterionForm() if can_edit and not used else None),
        "copy_form": copy or CopySetForm(user=request.user),
    }
    return render(request, "certification/criteria_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def set_detail(request, pk: int):
    return _set_page(request, _set(pk))


def _set_values(form) -> dict:
    data = form.cleaned_data
    return {name: data.get(name) for name in services.criteria.SET_FIELDS}


@scoping(JURISDICTION)
@login_required
def set_new(request):
    if not permissions.can_edit_some_criteria(request.user):
        raise PermissionDenied
    form = CriteriaSetForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.save_criteria_set(request.user, **_set_values(form))
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("certification:criteria-set", pk=created.pk)
        return render(request, "certification/criteria_form.html", {"form": form}, status=400)
    return render(request, "certification/criteria_form.html", {"form": form})


def _stale_set(request, form: CriteriaSetForm, criteria_set):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = _set(criteria_set.pk)
    used = services.is_used(current)
    theirs = {name: getattr(current, name) for name in services.criteria.SET_FIELDS}
    shown_stale = stale.stale_context(form, theirs)
    data = stale.resubmitted(request.POST, current)
    form = CriteriaSetForm(data, user=request.user, criteria_set=current, used=used)
    form.is_valid()
    context = {"form": form, "set": current, "used": used, **shown_stale}
    return render(request, "certification/criteria_form.html", context, status=409)


@scoping(JURISDICTION)
@login_required
def set_edit(request, pk: int):
    criteria_set = _editable(request, pk)
    used = services.is_used(criteria_set)
    form = CriteriaSetForm(
        request.POST or None, user=request.user, criteria_set=criteria_set, used=used
    )
    context = {"form": form, "set": criteria_set, "used": used}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_criteria_set(
                    request.user, criteria_set, version=stale.version_of(form), **_set_values(form)
                )
            except stale.StaleEdit:
                return _stale_set(request, form, criteria_set)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("certification:criteria-set", pk=criteria_set.pk)
        return render(request, "certification/criteria_form.html", context, status=400)
    return render(request, "certification/criteria_form.html", context)


@scoping(JURISDICTION)
@login_required
@require_POST
def set_copy(request, pk: int):
    source = _set(pk)
    if not permissions.can_edit_some_criteria(request.user):
        raise PermissionDenied
    form = CopySetForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            copy = services.copy_criteria_set(
                request.user,
                source,
                province=data["province"],
                effective_from=data["effective_from"],
                name=data["name"],
                legal_basis=data["legal_basis"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("A new version was made."))
            return redirect("certification:criteria-set", pk=copy.pk)
    return _set_page(request, source, copy=form, status=400)


@scoping(JURISDICTION)
@login_required
@require_POST
def set_delete(request, pk: int):
    criteria_set = _editable(request, pk)
    try:
        services.delete_criteria_set(request.user, criteria_set)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certification:criteria-set", pk=criteria_set.pk)
    messages.success(request, _("Deleted."))
    return redirect("certification:criteria")


@scoping(JURISDICTION)
@login_required
@require_POST
def criterion_add(request, pk: int):
    criteria_set = _editable(request, pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_criterion(
                request.user,
                criteria_set,
                code=data["code"],
                text=data["text"],
                order=data["order"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("certification:criteria-set", pk=criteria_set.pk)
    return _set_page(request, criteria_set, add=form, status=400)


def _criterion_form(data, item: Criterion) -> CriterionForm:
    form = CriterionForm(data, initial={"code": item.code, "text": item.text, "order": item.order})
    form.fields["code"].disabled = True  # codes never change
    stale.carry_version(form, item)
    return form


def _stale_criterion(request, form: CriterionForm, criteria_set, item: Criterion):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = Criterion.objects.get(pk=item.pk)
    shown_stale = stale.stale_context(form, {"text": current.text, "order": current.order})
    form = _criterion_form(stale.resubmitted(request.POST, current), current)
    form.is_valid()
    context = {"form": form, "set": criteria_set, "criterion": current, **shown_stale}
    return render(request, "certification/criterion_form.html", context, status=409)


@scoping(JURISDICTION)
@login_required
def criterion_edit(request, pk: int, criterion: int):
    criteria_set = _editable(request, pk)
    item = get_object_or_404(Criterion, pk=criterion, criteria_set=criteria_set)
    form = _criterion_form(request.POST or None, item)
    context = {"form": form, "set": criteria_set, "criterion": item}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_criterion(
                    request.user,
                    criteria_set,
                    item,
                    text=data["text"],
                    order=data["order"],
                    version=data.get("version"),
                )
            except stale.StaleEdit:
                return _stale_criterion(request, form, criteria_set, item)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("certification:criteria-set", pk=criteria_set.pk)
        return render(request, "certification/criterion_form.html", context, status=400)
    return render(request, "certification/criterion_form.html", context)


@scoping(JURISDICTION)
@login_required
@require_POST
def criterion_remove(request, pk: int, criterion: int):
    criteria_set = _editable(request, pk)
    item = get_object_or_404(Criterion, pk=criterion, criteria_set=criteria_set)
    try:
        services.remove_criterion(request.user, item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed."))
    return redirect("certification:criteria-set", pk=criteria_set.pk)
