"""Counts of the registry for any unit, date or period, under the structure of any date,
with a breakdown and drill-down into sub-units."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.geo.models import AdminUnit

from .. import queries
from ..forms.figures import FiguresForm


def _filters(data) -> dict:
    filters = {}
    if data.get("scheme_type"):
        filters["scheme_type"] = data["scheme_type"]
    if data.get("label"):
        filters["scheme_type__labels"] = data["label"]
    return filters


@scoping(JURISDICTION)
@login_required
def figures(request):
    form = FiguresForm(request.GET or {"measure": "active", "by": "unit"})
    context = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        version = data["unit_version"]
        unit = version.unit if version else None
        scope = queries.Scope(unit, data["structure_on"], user=request.user)
        filters = _filters(data)
        by = data.get("by") or None
        if data["measure"] == "active":
            counts = queries.schemes_active(scope, data["on"], by, **filters)
        elif data["measure"] == "established":
            counts = queries.schemes_established(scope, data["start"], data["end"], by, **filters)
        else:
            counts = queries.schemes_dissolved(scope, data["start"], data["end"], by, **filters)
        drill = {}
        if by == "unit":
            keys = [r.key for r in counts.rows if isinstance(r.key, int)]
            drill = {u.pk: u for u in AdminUnit.objects.filter(pk__in=keys)}
        context.update(
            data=data,
            unit=unit,
            version=version,
            counts=counts,
            rows=[(row, drill.get(row.key)) for row in counts.rows],
            structure=queries.structure_on(scope, data["on"]),
            query=request.GET.copy(),
        )
    template = "schemes/_figures_result.html" if request.htmx else "schemes/figures.html"
    return render(request, template, context, status=200 if form.is_valid() else 400)
