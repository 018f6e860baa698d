"""Pages of the yearly workflow: a commune's year (its subjects, their status and the
commune's own qualification computed from them), the filtered list, a certification's
page (timeline, self-assessment, forms of the next step) and the registration forms.

Every read goes through `queries` (the user's jurisdiction); every write through the
services, which check the right to write the unit again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.jurisdiction import restrict
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.forms import apply_service_errors
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.outcomes.forms.common import unit_options
from binhyen.outcomes.views.common import list_query, page_of, render_list, results

from .. import permissions, queries, services
from ..choices import FLOW, ORGANIZATION_SUBJECTS, Status, StepKind, SubjectType
from ..filtersets import CertificationFilterSet
from ..forms import DecisionForm, OverviewForm, RegisterForm, SelfAssessForm, StepForm, default_year

DECISION_KINDS = {
    StepKind.CERTIFIED,
    StepKind.NOT_CERTIFIED,
    StepKind.APPEAL_UPHELD,
    StepKind.APPEAL_REJECTED,
}
REGISTER_KINDS = {
    "residential_area": SubjectType.RESIDENTIAL_AREA,
    "commune": SubjectType.COMMUNE,
    "organization": "organization",
}


# ---- a commune's year --------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def overview(request):
    """Choose a commune (code) and a window: every subject of the commune with its status,
    and the commune's own qualification computed part by part with what is missing."""
    data = request.GET if "commune" in request.GET else None
    form = OverviewForm(data, initial={"year": default_year()})
    context = {"form": form, "unit_options": unit_options(request.user)}
    if form.is_bound and form.is_valid():
        commune: AdminUnit = form.cleaned_data["commune_unit"]
        if not restrict(AdminUnit.objects.filter(pk=commune.pk), request.user, "pk").exists():
            raise Http404
        year = form.cleaned_data["year"]
        qualification = queries.commune_qualification(commune, year)
        context.update(
            {
                "commune": commune,
                "year": year,
                "q": qualification,
                "can_write": permissions.can_write_unit(request.user, commune),
            }
        )
    return render(request, "certification/overview.html", context)


# ---- the list ----------------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def certification_list(request):
    qs = queries.certifications_for_user(request.user).select_related("unit", "organization")
    filterset = CertificationFilterSet(request.GET or None, queryset=qs, request=request)
    page = page_of(request, results(filterset))
    context = {
        "filter": filterset,
        "page": page,
        "query": list_query(request),
        "can_create": permissions.can_write_anywhere(request.user),
    }
    return render_list(request, "certification/list.html", "certification/_results.html", context)


# ---- a certification ---------------------------------------------------------------------


def _step_kinds(cert) -> list[str]:
    """Steps of the step form: meeting and dossier, appraisal, appeal (the
    self-assessment and the decisions, appeal outcomes included, have their own forms)."""
    return [
        k for k in services.next_steps(cert) if k not in DECISION_KINDS | {StepKind.SELF_ASSESSED}
    ]


def _decision_possible(cert) -> bool:
    return any(cert.status in FLOW[k][0] for k in DECISION_KINDS)


def _criteria_for(cert, on):
    criteria_set = services.criteria_set_for(cert.subject_type, cert.unit, on)
    return criteria_set, list(
        criteria_set.criteria.order_by("order", "code")
    ) if criteria_set else []


def _detail(request, cert, *, assess=None, step=None, decision=None, status=200):
    user = request.user
    can_write = permissions.can_write_certification(user, cert)
    steps = cert.steps.select_related("by").order_by("date", "pk")
    results_ = cert.results.select_related("criterion").order_by(
        "criterion__order", "criterion__code"
    )
    context = {
        "cert": cert,
        "steps": steps,
        "results": results_,
        "met": sum(r.met for r in results_),
        "can_write": can_write,
        "today": geo_queries.today(),
    }
    if can_write:
        if cert.status == Status.REGISTERED:
            if assess is None:
                criteria_set, criteria = _criteria_for(cert, geo_queries.today())
                assess = SelfAssessForm(criteria=criteria, initial={"date": geo_queries.today()})
                assess.criteria_set = criteria_set
            context["assess"] = assess
        step_kinds = _step_kinds(cert)
        if step_kinds:
            context["step_form"] = step or StepForm(kinds=step_kinds)
        if _decision_possible(cert) and permissions.can_decide(user, cert):
            context["decision_form"] = decision or DecisionForm(
                initial={"decision_authority": cert.decision_authority}
            )
    return render(request, "certification/detail.html", context, status=status)


def _readable(request, pk: int):
    return queries.get_certification_for_user(request.user, pk)


def _writable(request, pk: int):
    cert = _readable(request, pk)
    if not permissions.can_write_certification(request.user, cert):
        raise PermissionDenied
    return cert


@scoping(JURISDICTION)
@login_required
def detail(request, pk: int):
    return _detail(request, _readable(request, pk))


@scoping(JURISDICTION)
@login_required
@require_POST
def self_assess(request, pk: int):
    cert = _writable(request, pk)
    # the criteria are those in force on the date typed (today's when it is not valid)
    probe = SelfAssessForm(request.POST, criteria=[])
    on = probe.cleaned_data["date"] if probe.is_valid() else geo_queries.today()
    criteria_set, criteria = _criteria_for(cert, on)
    form = SelfAssessForm(request.POST, request.FILES, criteria=criteria)
    form.criteria_set = criteria_set
    if form.is_valid():
        try:
            services.self_assess(
                request.user,
                cert,
                date=form.cleaned_data["date"],
                results=form.results(),
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Self-assessment saved."))
            return redirect("certification:detail", pk=cert.pk)
    return _detail(request, cert, assess=form, status=400)


@scoping(JURISDICTION)
@login_required
@require_POST
def record_step(request, pk: int):
    cert = _writable(request, pk)
    form = StepForm(request.POST, request.FILES, kinds=_step_kinds(cert))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_step(
                request.user,
                cert,
                kind=data["kind"],
                date=data["date"],
                document=data["document"],
                reason=data["reason"],
                attachment=data.get("attachment"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("certification:detail", pk=cert.pk)
    return _detail(request, cert, step=form, status=400)


@scoping(JURISDICTION)
@login_required
@require_POST
def decide(request, pk: int):
    cert = _readable(request, pk)
    if not permissions.can_decide(request.user, cert):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                request.user,
                cert,
                certified=data["certified"],
                date=data["date"],
                decision_number=data["decision_number"],
                decision_authority=data["decision_authority"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("certification:detail", pk=cert.pk)
    return _detail(request, cert, decision=form, status=400)


# ---- registration ------------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def register(request, kind: str):
    """Register a residential area, a commune or an organisation (agency, enterprise,
    school) for a window. GET parameters prefill the form (unit, organization, year)."""
    if kind not in REGISTER_KINDS:
        raise Http404
    if not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    subject = REGISTER_KINDS[kind]
    initial = {
        "year": request.GET.get("year") or default_year(),
        "unit": request.GET.get("unit", ""),
        "organization": request.GET.get("organization") or None,
    }
    form = RegisterForm(request.POST or None, kind=subject, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = form.service_values()
            if values.get("subject_type") in ORGANIZATION_SUBJECTS or values.get("unit"):
                try:
                    cert = services.register(request.user, **values)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, _("Registered."))
                    if "another" in request.POST:
                        url = reverse("certification:register", args=[kind])
                        return redirect(f"{url}?year={cert.year}")
                    return redirect("certification:detail", pk=cert.pk)
    context = {
        "form": form,
        "kind": kind,
        "subject_label": SubjectType(subject).label if subject in SubjectType.values else None,
        "unit_options": unit_options(request.user),
    }
    return render(request, "certification/register.html", context, status=status)


__all__ = [
    "certification_list",
    "decide",
    "detail",
    "overview",
    "record_step",
    "register",
    "self_assess",
]
