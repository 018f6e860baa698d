"""The review page (figures, drill-down, comparison, charts, map, rules, sources), its
downloads, and issuing it with a number of the year."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.jurisdiction import jurisdiction_of, restrict
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.db_router import reads_from_replica
from binhyen.schemes.permissions import can_write_unit

from .. import output
from ..models import IssuedReport
from ..review import build_review
from ..review_form import IssueForm, ReviewForm, SignatureForm
from ..services.issuing import issue_report
from .presenting import page_context


def _review(request, form):
    data = form.cleaned_data
    return build_review(
        data["unit_obj"],
        data["start"],
        data["end"],
        data.get("structure_on"),
        user=request.user,
        kind=data["kind"],
    )


@scoping(JURISDICTION)
@login_required
@reads_from_replica
def review(request):
    form = ReviewForm(request.GET or None, user=request.user)
    context = {"form": form}
    if not request.GET:
        form = ReviewForm({}, user=request.user)
        context["form"] = form
    if form.is_valid():
        data = _review(request, form)
        query = form.query()
        context.update(
            page_context(data, query),
            query=urlencode(query),
            issue_form=IssueForm(),
            signature_form=SignatureForm(),
            review_params=query,
            can_issue=_can_issue(request.user, form.cleaned_data["unit_obj"]),
        )
    return render(request, "reports/review.html", context, status=200 if form.is_valid() else 400)


def _can_issue(user, unit) -> bool:
    """Officers of the unit; the whole country's review: unrestricted users."""
    if unit is None:
        return jurisdiction_of(user).unrestricted
    return can_write_unit(user, unit)


def _file_response(review: dict, fmt: str, request=None) -> HttpResponse:
    """The review as a file; the signature block and recipients as typed on the page."""
    from ..documents import DocumentUnavailable

    if fmt not in output.FORMATS:
        raise Http404(fmt)
    letterhead = SignatureForm(request.GET).letterhead() if request is not None else None
    try:
        data = output.render(review, fmt, letterhead)
    except DocumentUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=output.CONTENT_TYPES[fmt])
    if fmt != "html":
        name = output.filename(review, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@scoping(JURISDICTION)
@login_required
@reads_from_replica
def download(request, fmt: str):
    form = ReviewForm(request.GET, user=request.user)
    if not form.is_valid():
        return redirect(f"{_review_url()}?{urlencode(request.GET)}")
    return _file_response(_review(request, form), fmt, request)


def _review_url():
    from django.urls import reverse

    return reverse("reports:review")


@scoping(JURISDICTION)
@login_required
@require_POST
def issue(request):
    form = ReviewForm(request.GET, user=request.user)
    issue_form = IssueForm(request.POST)
    if not form.is_valid() or not issue_form.is_valid():
        for error in issue_form.errors.get("issuer_code", []):
            messages.error(request, error)
        return redirect(f"{_review_url()}?{urlencode(request.GET)}")
    unit = form.cleaned_data["unit_obj"]
    if not _can_issue(request.user, unit):
        messages.error(request, _("You may not issue reports for this unit."))
        return redirect(f"{_review_url()}?{urlencode(request.GET)}")
    report = issue_report(
        _review(request, form), unit, issue_form.cleaned_data["issuer_code"], request.user
    )
    messages.success(
        request,
        _("Issued as number %(n)d/BC-%(code)s of %(year)d.")
        % {"n": report.number, "code": report.issuer_code, "year": report.year},
    )
    return redirect("reports:issued-detail", pk=report.pk)


def issued_for_user(user):
    return restrict(IssuedReport.objects.all(), user, "unit").select_related("unit", "issued_by")


@scoping(JURISDICTION)
@login_required
def issued_list(request):
    from django.core.paginator import Paginator

    page = Paginator(issued_for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "reports/issued_list.html", {"page": page})


@scoping(JURISDICTION)
@login_required
def issued_detail(request, pk: int):
    report = get_object_or_404(issued_for_user(request.user), pk=pk)
    return render(
        request,
        "reports/issued_detail.html",
        {"report": report, "signature_form": SignatureForm(), **page_context(report.review, None)},
    )


@scoping(JURISDICTION)
@login_required
@reads_from_replica
def issued_download(request, pk: int, fmt: str):
    report = get_object_or_404(issued_for_user(request.user), pk=pk)
    return _file_response(report.review, fmt, request)
