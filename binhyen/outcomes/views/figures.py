"""Figures of every register for any unit and period, under the structure of any date,
with one register broken down (sub-units with drill-down, or its choice fields)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.geo.models import AdminUnit

from .. import queries
from ..forms.figures import FiguresForm


@scoping(JURISDICTION)
@login_required
def figures(request):
    form = FiguresForm(request.GET or {"by": "unit"})
    context = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        version = data["unit_version"]
        unit = version.unit if version else None
        scope = queries.Scope(unit, data["structure_on"], user=request.user)
        totals = queries.register_totals(scope, data["start"], data["end"])
        detail = None
        rows = []
        if data.get("register"):
            detail = queries.register_tally(
                data["register"], scope, data["start"], data["end"], data["by"]
            )
            keys = [r.key for r in detail.rows if isinstance(r.key, int)]
            units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=keys)}
            rows = [(r, units.get(r.key) if data["by"] == "unit" else None) for r in detail.rows]
        context.update(
            data=data,
            unit=unit,
            version=version,
            totals=[
                (t, [(k, f) for k, f in t.figures.items() if f.value]) for t in totals.values()
            ],
            detail=detail,
            rows=rows,
            query=request.GET.copy(),
        )
    template = "outcomes/_figures_result.html" if request.htmx else "outcomes/figures.html"
    return render(request, template, context, status=200 if form.is_valid() else 400)
