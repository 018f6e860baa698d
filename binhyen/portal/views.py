import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import get_language

from binhyen.accounts.jurisdiction import jurisdiction_of
from binhyen.accounts.models import RoleAssignment
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.db_router import reads_from_replica
from binhyen.core.models import AuditEntry
from binhyen.core.queries import can_read_audit
from binhyen.geo import queries as geo_queries
from binhyen.reports.review import HEADLINE, build_review
from binhyen.reports.views.presenting import page_context, silent_units
from binhyen.tips import queries as tip_queries

DASHBOARD = (*HEADLINE, "schemes.established", "cases.suspects_arrested")


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def dashboard(user, today) -> dict:
    """The year so far in the user's jurisdiction (their unit; several units or the whole
    country: everything they may see, by province) against the same dates a year before:
    key figures, trends, the map, and what needs attention (units that have recorded
    nothing, broken rules). A lighter review: the headline indicators only.

    Kept in the cache per jurisdiction, language and day, under the id of the latest
    audit entry: every write is audited, so any write gives a new key and the dashboard
    is never stale, while visits between writes cost one query instead of 200."""
    jurisdiction = jurisdiction_of(user)
    if not jurisdiction.covers_anything():
        return {}
    latest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    units = (
        "all"
        if jurisdiction.unrestricted
        else ",".join(str(pk) for pk in sorted(u.pk for u in jurisdiction.units))
    )
    key = f"dashboard:{get_language()}:{today}:{latest}:{units}"
    context = cache.get(key)
    if context is None:
        context = _dashboard(user, jurisdiction, today)
        cache.set(key, context, DASHBOARD_SECONDS)
    return context


DASHBOARD_SECONDS = 3600


def _dashboard(user, jurisdiction, today) -> dict:
    unit = jurisdiction.units[0] if len(jurisdiction.units) == 1 else None
    start = dt.date(today.year, 1, 1)
    previous = (_year_before(start), _year_before(today))
    review = build_review(unit, start, today, user=user, previous=previous, codes=DASHBOARD)
    query = {"start": start.strftime("%d/%m/%Y"), "end": today.strftime("%d/%m/%Y")}
    if unit is not None:
        query["unit"] = unit.code
    context = page_context(review, query)
    if unit is not None:
        units = [v.unit for v in geo_queries.children_on(unit, today)]
    elif jurisdiction.unrestricted:
        units = [v.unit for v in geo_queries.roots_on(today)]
    else:
        units = list(jurisdiction.units)
    return {
        "dash": context,
        "dash_query": urlencode(query),
        "silent_units": silent_units(review, units),
        "sub_units": len(units),
    }


@scoping(JURISDICTION)
@login_required
@reads_from_replica
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
