"""Occasions and their nominations: the list of occasions, an occasion's nominations
(filters, pagination, HTMX), proposing (the kind of recipient, then the recipient by
search, then the award and the achievements), a nomination with its review and decision,
and the conference list (page, XLSX, DOCX).

Every read goes through `queries` (the user's jurisdiction); every write through the
services, which check the units again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.jurisdiction import restrict
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import submitted
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit
from binhyen.schemes import queries as scheme_queries
from binhyen.tips import queries as tip_queries

from .. import exports, permissions, queries, services
from ..choices import CollectiveKind, NominationStatus, RecipientKind, authority_levels_for
from ..filtersets import OccasionPageFilterSet
from ..forms import DecideForm, OccasionForm, ProposeForm, RecipientSearchForm, ReviewForm
from ..models import Nomination
from ..services.nominations import COLLECTIVE_FIELDS, KIND_FIELDS, unit_of_recipient
from .common import list_query, page_of, partial, render_list, results, unit_options

CANDIDATES = 30
ACHIEVEMENT_OPTIONS = 200


@scoping(JURISDICTION)
@login_required
def index(request):
    """The occasions the user sees (organised in or above their jurisdiction)."""
    occasions = queries.occasions_for_user(request.user).select_related("unit")
    counts = dict(
        queries.nominations_for_user(request.user)
        .order_by()
        .values_list("occasion_id")
        .annotate(n=Count("pk"))
    )
    page = page_of(request, occasions)
    context = {
        "page": page,
        "rows": [(o, counts.get(o.pk, 0)) for o in page],
        "can_create": permissions.can_write_anywhere(request.user),
    }
    return render(request, "awards/index.html", context)


def _occasion_page(request, form, occasion=None, status=200, **extra):
    context = {
        "form": form,
        "occasion": occasion,
        "unit_options": unit_options(request.user),
        **extra,
    }
    return render(request, "awards/occasion_form.html", context, status=status)


def _stale_occasion(request, form: OccasionForm, occasion):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = queries.get_occasion_for_user(request.user, occasion.pk)
    theirs = {name: getattr(current, name) for name in services.occasions.FIELDS}
    shown_stale = stale.stale_context(form, theirs)
    form = OccasionForm(stale.resubmitted(request.POST, current))
    stale.carry_version(form, current)
    form.is_valid()
    return _occasion_page(request, form, current, 409, **shown_stale)


@scoping(JURISDICTION)
@login_required
def occasion_edit(request, pk: int | None = None):
    occasion = queries.get_occasion_for_user(request.user, pk) if pk else None
    if occasion is None and not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    if occasion is not None and not permissions.can_write_unit(request.user, occasion.unit):
        raise PermissionDenied
    initial = {}
    if occasion is not None:
        initial = {
            "name": occasion.name,
            "kind": occasion.kind,
            "held_on": occasion.held_on,
            "unit": occasion.unit.code,
            "period_start": occasion.period_start,
            "period_end": occasion.period_end,
        }
    form = OccasionForm(request.POST or None, initial=initial)
    stale.carry_version(form, occasion)
    saved = {}

    def save(data):
        if occasion is None:
            saved["occasion"] = services.create_occasion(request.user, **data)
        else:
            saved["occasion"] = services.update_occasion(request.user, occasion, **data)

    if request.method == "POST":
        try:
            if submitted(form, save):
                messages.success(request, _("Saved."))
                return redirect("awards:occasion", pk=saved["occasion"].pk)
        except stale.StaleEdit:
            return _stale_occasion(request, form, occasion)
        return _occasion_page(request, form, occasion, status=400)
    return _occasion_page(request, form, occasion)


@scoping(JURISDICTION)
@login_required
def occasion_detail(request, pk: int):
    """An occasion's nominations that the user sees, filtered and paginated."""
    occasion = queries.get_occasion_for_user(request.user, pk)
    nominations = (
        queries.nominations_for_user(request.user)
        .filter(occasion=occasion)
        .select_related(*queries.NOMINATION_RELATED)
    )
    filterset = OccasionPageFilterSet(request.GET or None, queryset=nominations, request=request)
    page = page_of(request, results(filterset))
    status_counts = dict(nominations.order_by().values_list("status").annotate(n=Count("pk")))
    context = {
        "occasion": occasion,
        "filter": filterset,
        "page": page,
        "query": list_query(request),
        "statuses": [(label, status_counts.get(key, 0)) for key, label in NominationStatus.choices],
        "can_propose": permissions.can_write_anywhere(request.user),
        "can_edit": permissions.can_write_unit(request.user, occasion.unit),
    }
    return render_list(
        request, "awards/occasion_detail.html", "awards/_nomination_results.html", context
    )


# ---- proposing ------------------------------------------------------------------------------


def _candidates(user, kind: str, collective: str, text: str) -> list[tuple[str, str, object]]:
    """Recipients of a kind the user sees, matching `text`: (token, label, unit)."""
    text = (text or "").strip()
    if kind == RecipientKind.INDIVIDUAL:
        qs = queries.search_people(queries.people_for_user(user), text).select_related("unit")
        return [(f"person:{p.pk}", p.full_name, p.unit) for p in qs[:CANDIDATES]]
    if kind == RecipientKind.HOUSEHOLD:
        qs = scheme_queries.search(scheme_queries.households_for_user(user), text)
        qs = qs.select_related("residential_area").order_by("head_name", "pk")
        return [(f"household:{h.pk}", str(h), h.residential_area) for h in qs[:CANDIDATES]]
    if collective == CollectiveKind.SCHEME:
        qs = scheme_queries.search(scheme_queries.schemes_for_user(user), text)
        qs = qs.select_related("unit").order_by("name", "pk")
        return [(f"scheme:{s.pk}", s.name, s.unit) for s in qs[:CANDIDATES]]
    if collective == CollectiveKind.ORGANIZATION:
        qs = scheme_queries.search(scheme_queries.organizations_for_user(user), text)
        qs = qs.select_related("commune").order_by("name", "pk")
        return [(f"organization:{o.pk}", o.name, o.commune) for o in qs[:CANDIDATES]]
    if collective == CollectiveKind.GROUP:
        qs = scheme_queries.groups_for_user(user).select_related("residential_area")
        for word in text.split():
            qs = qs.filter(name__icontains=word)
        qs = qs.order_by("name", "pk")
        return [(f"group:{g.pk}", g.name, g.residential_area) for g in qs[:CANDIDATES]]
    if collective == CollectiveKind.UNIT:
        versions = geo_queries.versions_on(geo_queries.today()).filter(
            unit__in=restrict(AdminUnit.objects.all(), user, "pk")
        )
        if text:
            versions = versions.filter(name__icontains=text) | versions.filter(unit__code=text)
        versions = versions.select_related("unit").order_by("unit__code")
        return [(f"recipient_unit:{v.unit_id}", v.name, v.unit) for v in versions[:CANDIDATES]]
    return []


PICKS = {
    "scheme": (RecipientKind.COLLECTIVE, CollectiveKind.SCHEME),
    "organization": (RecipientKind.COLLECTIVE, CollectiveKind.ORGANIZATION),
    "recipient_unit": (RecipientKind.COLLECTIVE, CollectiveKind.UNIT),
    "group": (RecipientKind.COLLECTIVE, CollectiveKind.GROUP),
    "person": (RecipientKind.INDIVIDUAL, ""),
    "household": (RecipientKind.HOUSEHOLD, ""),
}


def _picked(user, token: str):
    """The recipient a token names, if the user sees it: (field, recipient) or None."""
    field, _sep, raw = (token or "").partition(":")
    if field not in PICKS or not raw.isdigit():
        return None
    qs = {
        "scheme": lambda: scheme_queries.schemes_for_user(user).select_related("unit"),
        "organization": lambda: scheme_queries.organizations_for_user(user).select_related(
            "commune"
        ),
        "recipient_unit": lambda: restrict(AdminUnit.objects.all(), user, "pk"),
        "group": lambda: scheme_queries.groups_for_user(user).select_related("residential_area"),
        "person": lambda: queries.people_for_user(user).select_related("unit"),
        "household": lambda: scheme_queries.households_for_user(user).select_related(
            "residential_area"
        ),
    }[field]()
    recipient = qs.filter(pk=int(raw)).first()
    return (field, recipient) if recipient is not None else None


def _nearby(unit: AdminUnit) -> list[int]:
    """The unit, its sub-units and its parent today (where its achievements are)."""
    today = geo_queries.today()
    ids = [unit.pk] + [v.unit_id for v in geo_queries.descendants(unit, today)]
    version = geo_queries.version_on(unit, today)
    if version is not None and version.parent_id:
        ids.append(version.parent_id)
    return ids


def _achievement_options(user, unit: AdminUnit):
    ids = _nearby(unit)
    schemes = (
        scheme_queries.schemes_for_user(user)
        .filter(unit_id__in=ids)
        .select_related("unit")
        .order_by("name", "pk")[:ACHIEVEMENT_OPTIONS]
    )
    cases = (
        tip_queries.cases_for_user(user)
        .filter(unit_id__in=ids)
        .select_related("unit")
        .order_by("-opened_on", "pk")[:ACHIEVEMENT_OPTIONS]
    )
    return list(schemes), list(cases)


@scoping(JURISDICTION)
@login_required
def propose(request, pk: int):
    occasion = queries.get_occasion_for_user(request.user, pk)
    if not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    token = request.POST.get("pick") or request.GET.get("pick") or ""
    picked = _picked(request.user, token) if token else None
    if picked is None:
        search = RecipientSearchForm(request.GET or None)
        candidates = []
        if search.is_bound and search.is_valid():
            data = search.cleaned_data
            candidates = _candidates(
                request.user, data["recipient_kind"], data["collective_kind"], data["q"]
            )
        context = {
            "occasion": occasion,
            "search": search,
            "candidates": candidates,
            "searched": search.is_bound,
        }
        template = "awards/_candidates.html" if partial(request) else "awards/propose.html"
        return render(request, template, context)
    field, recipient = picked
    recipient_kind, collective_kind = PICKS[field]
    probe = Nomination(
        recipient_kind=recipient_kind, collective_kind=collective_kind, **{field: recipient}
    )
    unit = unit_of_recipient(probe)
    schemes, cases = _achievement_options(request.user, unit)
    initial = {"period_start": occasion.period_start, "period_end": occasion.period_end}
    form = ProposeForm(
        request.POST or None,
        initial=initial,
        schemes=schemes,
        cases=cases,
        authority_levels=authority_levels_for(occasion.unit.level),
    )
    saved = {}

    def save(data):
        chosen = {str(s.pk): s for s in schemes}
        chosen_cases = {str(c.pk): c for c in cases}
        achievements = [chosen[k] for k in data["schemes"]]
        achievements += [chosen_cases[k] for k in data["cases"]]
        achievements += [line for line in data["descriptions"].splitlines() if line.strip()]
        saved["nomination"] = services.propose(
            request.user,
            occasion,
            form=data["form"],
            authority=data["authority"],
            recipient_kind=recipient_kind,
            collective_kind=collective_kind,
            period_start=data["period_start"],
            period_end=data["period_end"],
            summary=data["summary"],
            achievements=achievements,
            **{field: recipient},
        )

    if request.method == "POST":
        if submitted(form, save, rename={**{f: "form" for f in KIND_FIELDS.values()},
                                         **{f: "form" for f in COLLECTIVE_FIELDS.values()},
                                         "achievements": "descriptions"}):  # fmt: skip
            messages.success(request, _("The nomination is proposed."))
            if "another" in request.POST:
                return redirect("awards:propose", pk=occasion.pk)
            return redirect("awards:nomination", pk=saved["nomination"].pk)
        status = 400
    else:
        status = 200
    context = {
        "occasion": occasion,
        "form": form,
        "pick": token,
        "recipient": recipient,
        "recipient_kind": probe.get_recipient_kind_display(),
        "collective_kind": probe.get_collective_kind_display() if collective_kind else "",
        "unit": unit,
    }
    return render(request, "awards/propose_form.html", context, status=status)


# ---- a nomination ---------------------------------------------------------------------------


def _nomination_page(request, nomination, review_form=None, decide_form=None, status=200):
    own = permissions.is_proposer(request.user, nomination)
    can_decide = permissions.can_decide_nomination(request.user, nomination)
    moves = {
        "review": nomination.status == NominationStatus.PROPOSED,
        "decide": nomination.status == NominationStatus.REVIEWED,
    }
    context = {
        "nomination": nomination,
        "achievements": list(nomination.achievements.select_related("content_type")),
        "can_decide": can_decide,
        "own_proposal": own and any(moves.values()),
        "review_form": review_form or (ReviewForm() if can_decide and moves["review"] else None),
        "decide_form": decide_form or (DecideForm() if can_decide and moves["decide"] else None),
    }
    return render(request, "awards/nomination_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def nomination_detail(request, pk: int):
    nomination = queries.get_nomination_for_user(request.user, pk)
    return _nomination_page(request, nomination)


def _decidable(request, pk: int):
    nomination = queries.get_nomination_for_user(request.user, pk)
    if not permissions.can_decide(request.user, nomination.occasion):
        raise PermissionDenied
    return nomination


@scoping(JURISDICTION)
@login_required
@require_POST
def nomination_review(request, pk: int):
    nomination = _decidable(request, pk)
    form = ReviewForm(request.POST)

    def save(data):
        services.review(request.user, nomination, approve=data["approve"], reason=data["reason"])

    if submitted(form, save):
        messages.success(request, _("Saved."))
        return redirect("awards:nomination", pk=nomination.pk)
    return _nomination_page(request, nomination, review_form=form, status=400)


@scoping(JURISDICTION)
@login_required
@require_POST
def nomination_decide(request, pk: int):
    nomination = _decidable(request, pk)
    form = DecideForm(request.POST)

    def save(data):
        services.decide(request.user, nomination, **data)

    if submitted(form, save):
        messages.success(request, _("Saved."))
        return redirect("awards:nomination", pk=nomination.pk)
    return _nomination_page(request, nomination, decide_form=form, status=400)


# ---- the conference list --------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def conference(request, pk: int):
    """The awards of an occasion by form and authority: a page, ?export=xlsx or docx."""
    occasion = queries.get_occasion_for_user(request.user, pk)
    groups = queries.conference_list(occasion, request.user)
    export = request.GET.get("export")
    if export == "xlsx":
        return exports.xlsx_response(occasion, groups)
    if export == "docx":
        return exports.docx_response(occasion, groups)
    if export:
        raise Http404
    context = {
        "occasion": occasion,
        "groups": [(g, [(n, queries.achievements_text(n)) for n in g.nominations]) for g in groups],
        "page_url": reverse("awards:conference", args=[occasion.pk]),
    }
    return render(request, "awards/conference.html", context)


__all__ = [
    "conference",
    "index",
    "nomination_decide",
    "nomination_detail",
    "nomination_review",
    "occasion_detail",
    "occasion_edit",
    "propose",
]
