"""Pages of the administrative geography. Units are public data (PUBLIC-scoped pages for
signed-in users); the audit entries and the edit form on a unit's page, and the edit
itself, depend on the user's jurisdiction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.choices import WRITER_ROLES, Role
from binhyen.accounts.jurisdiction import can_access_unit
from binhyen.accounts.scoping import JURISDICTION, PUBLIC, scoping
from binhyen.core import stale
from binhyen.core.queries import audit_entries_for

from . import queries, services
from .choices import LEVEL_RANK
from .forms import OnDateForm, UnitAttributesForm
from .models import AdminUnit

EDITOR_ROLES = WRITER_ROLES - {Role.GROUP_LEADER}


def can_edit_unit(user, unit: AdminUnit) -> bool:
    """System administrators, and officers whose jurisdiction covers the unit."""
    return can_access_unit(user, unit, roles=EDITOR_ROLES)


def _on_form(request) -> OnDateForm:
    return OnDateForm(request.GET or None)


@scoping(PUBLIC)
@login_required
def tree(request):
    form = _on_form(request)
    on = form.on_date()
    roots = list(queries.roots_on(on))
    counts = queries.child_counts([v.unit for v in roots], on)
    rows = [(v, counts.get(v.unit_id, 0)) for v in roots]
    return render(request, "geo/tree.html", {"form": form, "on": on, "rows": rows})


@scoping(PUBLIC)
@login_required
def children(request, unit_id: int):
    on = _on_form(request).on_date()
    kids = list(queries.versions_on(on).filter(parent_id=unit_id).order_by("unit__code"))
    counts = queries.child_counts([v.unit for v in kids], on)
    rows = [(v, counts.get(v.unit_id, 0)) for v in kids]
    return render(request, "geo/_children.html", {"rows": rows, "on": on})


@scoping(PUBLIC)
@login_required
def unit_detail(request, code: str):
    form = _on_form(request)
    on = form.on_date()
    version = queries.unit_by_code(code, on, request.GET.get("level") or None)
    context = {"form": form, "on": on, "code": code}
    if version is None:
        bearers = list(queries.units_with_code(code))
        context["bearers"] = [(u, queries.successors(u)) for u in bearers]
        return render(request, "geo/unit_missing.html", context, status=404)
    unit = version.unit
    today = queries.today()
    kids = Paginator(queries.children_on(unit, on), 100).get_page(request.GET.get("page"))
    placements = [
        queries.place(unit, today, level)
        for level in LEVEL_RANK
        if LEVEL_RANK[level] <= LEVEL_RANK[unit.level]
    ]
    context.update(
        version=version,
        unit=unit,
        ancestors=queries.ancestors(unit, on),
        children=kids,
        versions=list(unit.versions.select_related("parent").order_by("valid_from")),
        history=queries.history(unit),
        predecessors=queries.predecessors(unit),
        successors=queries.successors(unit),
        placements=placements,
        today=today,
        new_rural=list(unit.new_rural.order_by("-year")),
        audit=audit_entries_for(request.user, unit)[:20],
        attributes_form=_attributes_form(unit) if can_edit_unit(request.user, unit) else None,
    )
    return render(request, "geo/unit_detail.html", context)


@scoping(PUBLIC)
@login_required
def search(request):
    form = _on_form(request)
    on = form.on_date() if request.GET.get("on") else None
    text = request.GET.get("q", "").strip()
    results = Paginator(queries.search(text, on, limit=500), 50).get_page(request.GET.get("page"))
    template = "geo/_search_results.html" if request.htmx else "geo/search.html"
    return render(request, template, {"form": form, "q": text, "results": results, "on": on})


def _attributes_form(unit: AdminUnit, data=None) -> UnitAttributesForm:
    initial = {name: getattr(unit, name) for name in services.units.ATTRIBUTE_FIELDS}
    return UnitAttributesForm(data, unit=unit, initial=initial)


def _stale_attributes(request, form: UnitAttributesForm, unit: AdminUnit):
    """Nothing was written (nor the new-rural status): their saved attributes where they
    differ from what was ticked, the form as ticked with the version now saved."""
    current = AdminUnit.objects.get(pk=unit.pk)
    theirs = {name: getattr(current, name) for name in services.units.ATTRIBUTE_FIELDS}
    shown_stale = stale.stale_context(form, theirs)
    form = _attributes_form(current, stale.resubmitted(request.POST, current))
    form.is_valid()
    context = {"form": form, "unit": current, **shown_stale}
    return render(request, "geo/unit_attributes_error.html", context, status=409)


@scoping(JURISDICTION)
@login_required
@require_POST
def edit_attributes(request, unit_id: int):
    """Officers of a unit (or of a unit above it) set its attributes and new-rural status."""
    unit = get_object_or_404(AdminUnit, pk=unit_id)
    if not can_edit_unit(request.user, unit):
        raise PermissionDenied
    form = _attributes_form(unit, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in services.units.ATTRIBUTE_FIELDS}
        try:
            services.update_unit_attributes(unit, version=data.get("version"), **values)
        except stale.StaleEdit:
            return _stale_attributes(request, form, unit)
        if data.get("year"):
            services.set_new_rural_status(unit, data["year"], data["new_rural_status"] or None)
        messages.success(request, _("Saved."))
        on = (unit.valid_to or queries.today()).strftime("%d/%m/%Y")
        return redirect(reverse("geo:unit", args=[unit.code]) + f"?level={unit.level}&on={on}")
    return render(
        request, "geo/unit_attributes_error.html", {"form": form, "unit": unit}, status=400
    )
