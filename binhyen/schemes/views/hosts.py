"""Pages of host organisations (agencies, enterprises, schools, religious
establishments, clans, mass organisations). Reads through queries.*_for_user, writes
through services, by officers whose jurisdiction covers the organisation's commune."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import apply_service_errors
from binhyen.core.queries import audit_entries_for
from binhyen.geo import queries as geo_queries

from .. import queries, services
from ..filtersets.hosts import OrganizationFilterSet
from ..forms.hosts import CeaseForm, OrganizationForm
from ..models import Organization
from ..permissions import can_write_anywhere, can_write_unit

PAGE_SIZE = 50


@scoping(JURISDICTION)
@login_required
def organization_list(request):
    qs = (
        queries.organizations_for_user(request.user)
        .select_related("commune", "residential_area")
        .order_by("name", "pk")
    )
    filterset = OrganizationFilterSet(request.GET or None, queryset=qs)
    organizations = filterset.qs
    if request.GET.get("export") == "xlsx":
        from ..exports import xlsx_response

        return xlsx_response("hosts", organizations)
    organizations = organizations.annotate(points=Count("schemes", distinct=True))
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "xlsx"
    context = {
        "filter": filterset,
        "page": page,
        "can_create": can_write_anywhere(request.user),
        "export_query": query.urlencode(),
    }
    template = (
        "schemes/_organization_rows.html" if request.htmx else "schemes/organization_list.html"
    )
    return render(request, template, context)


@scoping(JURISDICTION)
@login_required
def organization_detail(request, pk: int):
    org = queries.get_organization_for_user(request.user, pk)
    can_write = can_write_unit(request.user, org.commune)
    return _detail(request, org, can_write, cease_form=CeaseForm() if can_write else None)


def _detail(request, org, can_write, cease_form=None, status=200):
    points = (
        queries.schemes_for_user(request.user)
        .filter(organization=org)
        .select_related("scheme_type")
        .order_by("-established_on", "pk")
    )
    context = {
        "org": org,
        "points": points,
        "can_write": can_write,
        "cease_form": cease_form,
        "audit": audit_entries_for(request.user, org)[:20],
        "today": geo_queries.today(),
    }
    return render(request, "schemes/organization_detail.html", context, status=status)


def _stale_page(request, form: OrganizationForm, org: Organization):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    # read again through the jurisdiction: an edit that moved it elsewhere shows nothing
    current = queries.get_organization_for_user(request.user, org.pk)
    theirs = {name: getattr(current, name) for name in form.Meta.fields}
    context = {"org": current, **stale.stale_context(form, theirs)}
    form = OrganizationForm(
        stale.resubmitted(request.POST, current), instance=current, user=request.user
    )
    form.is_valid()
    context["form"] = form
    return render(request, "schemes/organization_form.html", context, status=409)


def _save(request, org):
    form = OrganizationForm(request.POST or None, instance=org, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not can_write_unit(request.user, data["commune"]):
                raise PermissionDenied
            try:
                saved = services.save_organization(
                    org if org.pk else None,
                    version=stale.version_of(form),
                    **{name: data[name] for name in form.Meta.fields},
                )
            except stale.StaleEdit:
                return _stale_page(request, form, org)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("schemes:organization", pk=saved.pk)
        status = 400
    return render(
        request, "schemes/organization_form.html", {"form": form, "org": org}, status=status
    )


@scoping(JURISDICTION)
@login_required
def organization_new(request):
    if not can_write_anywhere(request.user):
        raise PermissionDenied
    return _save(request, Organization())


@scoping(JURISDICTION)
@login_required
def organization_edit(request, pk: int):
    org = queries.get_organization_for_user(request.user, pk)
    if not can_write_unit(request.user, org.commune):
        raise PermissionDenied
    return _save(request, org)


@scoping(JURISDICTION)
@login_required
@require_POST
def organization_cease(request, pk: int):
    org = queries.get_organization_for_user(request.user, pk)
    if not can_write_unit(request.user, org.commune):
        raise PermissionDenied
    form = CeaseForm(request.POST)
    if form.is_valid():
        try:
            services.cease_organization(org, form.cleaned_data["ceased_on"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("schemes:organization", pk=org.pk)
    org.refresh_from_db()
    return _detail(request, org, True, cease_form=form, status=400)
