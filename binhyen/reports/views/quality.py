"""The data-quality page: broken rules of the reported figures in the jurisdiction, and
of the review of the user's unit for the period asked."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.db_router import reads_from_replica

from .. import quality as checks
from ..review import build_review
from ..review_form import ReviewForm


@scoping(JURISDICTION)
@login_required
@reads_from_replica
def quality(request):
    form = ReviewForm(request.GET or {}, user=request.user)
    broken, compared = checks.checks(request.user)
    context = {"form": form, "reported_rules": [b.as_dict() for b in broken], "compared": compared}
    if form.is_valid():
        data = form.cleaned_data
        review = build_review(
            data["unit_obj"], data["start"], data["end"], data.get("structure_on"), request.user
        )
        context["review"] = review
        context["review_rules"] = [
            r
            for r in review["rules"]
            if r["rule"] in ("subset", "established", "partition")
            and not any(r["message"] == b["message"] for b in context["reported_rules"])
        ]
    return render(request, "reports/quality.html", context)
