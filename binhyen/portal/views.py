from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from binhyen.accounts.jurisdiction import jurisdiction_of
from binhyen.accounts.models import RoleAssignment
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.queries import can_read_audit
from binhyen.geo import queries as geo_queries
from binhyen.schemes import queries as scheme_queries
from binhyen.tips import queries as tip_queries


@scoping(JURISDICTION)
@login_required
def home(request):
    today = geo_queries.today()
    assignments = RoleAssignment.objects.filter(user=request.user).select_related("unit")
    roles = []
    for a in assignments:
        covered = geo_queries.placed_under([a.unit], today).count() if a.unit_id else None
        roles.append((a, covered))
    scope = scheme_queries.Scope(user=request.user)
    return render(
        request,
        "portal/home.html",
        {
            "roles": roles,
            "jurisdiction": jurisdiction_of(request.user),
            "can_audit": can_read_audit(request.user),
            "today": today,
            "points": scheme_queries.schemes_active(scope, today).total,
            "structure": scheme_queries.structure_on(scope, today),
            "waiting_tips": tip_queries.public_waiting(request.user).count()
            + tip_queries.referrals_waiting(request.user).count(),
        },
    )
