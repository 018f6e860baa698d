import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from binhyen.accounts.jurisdiction import jurisdiction_of
from binhyen.accounts.models import RoleAssignment
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.queries import can_read_audit
from binhyen.geo import queries as geo_queries
from binhyen.reports.review import build_review
from binhyen.reports.views.presenting import page_context, silent_units
from binhyen.tips import queries as tip_queries


def dashboard(user, today) -> dict:
    """The year so far in the user's jurisdiction: key figures against last year's same
    months, trends, the map, and what needs attention (units that have recorded nothing,
    broken rules)."""
    jurisdiction = jurisdiction_of(user)
    if not jurisdiction.covers_anything:
        return {}
    unit = None if jurisdiction.unrestricted else jurisdiction.units[0]
    start = dt.date(today.year, 1, 1)
    review = build_review(unit, start, today, user=user)
    query = {"start": start.strftime("%d/%m/%Y"), "end": today.strftime("%d/%m/%Y")}
    if unit is not None:
        query["unit"] = unit.code
    context = page_context(review, query)
    units = [
        v.unit
        for v in (geo_queries.children_on(unit, today) if unit else geo_queries.roots_on(today))
    ]
    return {
        "dash": context,
        "dash_query": urlencode(query),
        "silent_units": silent_units(review, units),
        "sub_units": len(units),
    }


@scoping(JURISDICTION)
@login_required
def home(request):
    today = geo_queries.today()
    assignments = RoleAssignment.objects.filter(user=request.user).select_related("unit")
    roles = []
    for a in assignments:
        covered = geo_queries.placed_under([a.unit], today).count() if a.unit_id else None
        roles.append((a, covered))
    return render(
        request,
        "portal/home.html",
        {
            **dashboard(request.user, today),
            "roles": roles,
            "jurisdiction": jurisdiction_of(request.user),
            "can_audit": can_read_audit(request.user),
            "today": today,
            "waiting_tips": tip_queries.public_waiting(request.user).count()
            + tip_queries.referrals_waiting(request.user).count(),
        },
    )
