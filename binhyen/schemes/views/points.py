"""Pages of scheme points: the filtered list (and its XLSX export), a point's page with
its lifecycle, gradings and recognitions, the new and edit forms, and the map.

Every read goes through `queries.schemes_for_user` (the user's jurisdiction); every write
through the services, after `permissions.can_write_unit` on the point's unit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.forms import apply_service_errors, submitted
from binhyen.core.queries import audit_entries_for, audit_log_for
from binhyen.core.stale import shown
from binhyen.geo import queries as geo_queries

from .. import exports, permissions, queries, services
from ..choices import UNIT_HOSTS
from ..filtersets.points import SchemeFilterSet
from ..forms.points import OUTSIDE_LABEL, EventForm, GradeForm, RecognitionForm, SchemeForm
from ..models import ComponentGrade, Scheme

PAGE_SIZE = 50
MAP_LIMIT = 5000
AUDIT_ROWS = 50


def _filtered(request) -> SchemeFilterSet:
    points = queries.schemes_for_user(request.user).select_related(
        "scheme_type", "unit", "organization"
    )
    return SchemeFilterSet(request.GET or None, queryset=points)


def _results(filterset: SchemeFilterSet):
    """The filtered points; none while a filter is invalid (its error is shown), so a
    mistyped date never widens a list, a map or an export to everything."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def _partial(request) -> bool:
    """An HTMX request for the results only (not a history restore, which wants a page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _tiles() -> dict:
    """The tile server of the maps (empty: markers on a plain background)."""
    return {
        "tiles_url": getattr(settings, "MAP_TILES_URL", ""),
        "tiles_attribution": getattr(settings, "MAP_TILES_ATTRIBUTION", ""),
    }


# ---- list, export, map -------------------------------------------------------------------


@scoping(JURISDICTION)
@login_required
def point_list(request):
    filterset = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return exports.xlsx_response("points", _results(filterset))
    page = Paginator(_results(filterset), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_create": permissions.can_write_anywhere(request.user),
    }
    template = "schemes/_point_results.html" if _partial(request) else "schemes/point_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@scoping(JURISDICTION)
@login_required
def point_map(request):
    filterset = _filtered(request)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    context = {
        "filter": filterset,
        "query": query.urlencode(),
        "limit": MAP_LIMIT,
        **_tiles(),
    }
    return render(request, "schemes/point_map.html", context)


@scoping(JURISDICTION)
@login_required
def point_map_data(request):
    """GeoJSON of the filtered points that have coordinates, at most MAP_LIMIT of them."""
    points = _results(_filtered(request)).filter(latitude__isnull=False, longitude__isnull=False)
    rows = list(
        points.values(
            "pk",
            "name",
            "latitude",
            "longitude",
            "status",
            "scheme_type__name",
            "scheme_type__name_en",
            "scheme_type__code",
        )[: MAP_LIMIT + 1]
    )
    truncated = len(rows) > MAP_LIMIT
    rows = rows[:MAP_LIMIT]
    english = (request.LANGUAGE_CODE or "vi")[:2] == "en"
    statuses = dict(Scheme._meta.get_field("status").choices)
    features = [
        {
            "type": "Feature",
            "id": row["pk"],
            "geometry": {
                "type": "Point",
                "coordinates": [float(row["longitude"]), float(row["latitude"])],
            },
            "properties": {
                "name": row["name"],
                "type": (english and row["scheme_type__name_en"]) or row["scheme_type__name"],
                "type_code": row["scheme_type__code"],
                "status": row["status"],
                "status_label": str(statuses.get(row["status"], row["status"])),
                "url": reverse("schemes:point", args=[row["pk"]]),
            },
        }
        for row in rows
    ]
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "truncated": truncated,
            "limit": MAP_LIMIT,
        }
    )


# ---- a point's page and its forms ----------------------------------------------------------


def _audit(user, point: Scheme, events, gradings, recognitions):
    """The point's audit history with that of its events, gradings and recognitions."""
    related = {
        "schemes.schemeevent": [e.pk for e in events],
        "schemes.grading": [g.pk for g in gradings],
        "schemes.componentgrade": [c.pk for g in gradings for c in g.components.all()],
        "schemes.recognition": [r.pk for r in recognitions],
    }
    entries = audit_entries_for(user, point).filter(model="schemes.scheme")
    rows = Q()
    for model, ids in related.items():
        if ids:
            rows |= Q(model=model, object_id__in=[str(pk) for pk in ids])
    if rows:
        entries = entries | audit_log_for(user).filter(rows)
    return entries.order_by("-at", "-id")[:AUDIT_ROWS]


def _point_page(request, point: Scheme, status: int = 200, **forms):
    user = request.user
    can_write = permissions.can_write_unit(user, point.unit)
    components = list(point.scheme_type.components.all())
    gradings = point.gradings.prefetch_related(
        Prefetch(
            "components",
            queryset=ComponentGrade.objects.select_related("component").order_by(
                "component__order", "component__code"
            ),
        )
    )
    visible = queries.schemes_for_user(user)
    origin = None
    if point.replicated_from_id:
        origin = visible.filter(pk=point.replicated_from_id).select_related("unit").first()
    events = list(point.events.all())
    gradings = list(gradings)
    recognitions = list(point.recognitions.all())
    on = point.unit.valid_to or geo_queries.today()
    unit_version = geo_queries.version_on(point.unit, on)
    context = {
        "point": point,
        "unit_parent": unit_version.parent if unit_version else None,
        "can_write": can_write,
        "events": events,
        "gradings": gradings,
        "components": components,
        "recognitions": recognitions,
        "groups": list(queries.groups_for_user(user).filter(scheme=point)),
        "origin": origin,
        "origin_hidden": point.replicated_from_id and origin is None,
        "replicas": list(visible.filter(replicated_from=point).select_related("unit")[:100]),
        "audit": _audit(user, point, events, gradings, recognitions),
        **_tiles(),
    }
    if can_write:
        event_form = forms.get("event_form") or EventForm(point=point)
        context.update(
            event_form=event_form if event_form.offered else None,
            grade_form=forms.get("grade_form") or GradeForm(point=point, components=components),
            recognition_form=forms.get("recognition_form") or RecognitionForm(),
        )
    return render(request, "schemes/point_detail.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def point_detail(request, pk: int):
    return _point_page(request, queries.get_scheme_for_user(request.user, pk))


def _writable_point(request, pk: int) -> Scheme:
    """The point if the user sees it (404 otherwise) and may write it (403 otherwise)."""
    point = queries.get_scheme_for_user(request.user, pk)
    if not permissions.can_write_unit(request.user, point.unit):
        raise PermissionDenied
    return point


def _saved(request, point: Scheme):
    messages.success(request, _("Saved."))
    return redirect("schemes:point", pk=point.pk)


@scoping(JURISDICTION)
@login_required
@require_POST
def point_event(request, pk: int):
    point = _writable_point(request, pk)
    form = EventForm(request.POST, point=point)
    if submitted(form, lambda d: services.record_event(point, **d)):
        return _saved(request, point)
    return _point_page(request, point, status=400, event_form=form)


@scoping(JURISDICTION)
@login_required
@require_POST
def point_grade(request, pk: int):
    point = _writable_point(request, pk)
    form = GradeForm(request.POST, point=point)
    if submitted(form, lambda d: services.grade_scheme(point, **form.service_values())):
        return _saved(request, point)
    return _point_page(request, point, status=400, grade_form=form)


@scoping(JURISDICTION)
@login_required
@require_POST
def point_recognize(request, pk: int):
    point = _writable_point(request, pk)
    form = RecognitionForm(request.POST)
    if submitted(form, lambda d: services.recognize_scheme(point, **d)):
        return _saved(request, point)
    return _point_page(request, point, status=400, recognition_form=form)


# ---- new and edit --------------------------------------------------------------------------


def _form_page(request, form: SchemeForm, point: Scheme | None = None, status: int = 200):
    context = {"form": form, "point": point}
    return render(request, "schemes/point_form.html", context, status=status)


def _visible(user, point: Scheme) -> bool:
    return queries.schemes_for_user(user).filter(pk=point.pk).exists()


def _stale_page(request, form: SchemeForm, point: Scheme):
    """Nothing was written. Show what the other person saved where it differs from what
    was typed, keep the typed values, and take the current version: saving again is then
    a deliberate choice made with their changes in view."""
    current = Scheme.objects.select_related(
        "scheme_type", "unit", "organization", "replicated_from"
    ).get(pk=point.pk)
    org_host = current.host_kind not in UNIT_HOSTS
    differences = []
    for name, mine in form.service_values().items():
        if name == "unit" and org_host:
            continue
        theirs = getattr(current, name)
        if isinstance(theirs, Scheme) and not _visible(request.user, theirs):
            theirs = OUTSIDE_LABEL
        if isinstance(mine, Scheme) and not _visible(request.user, mine):
            mine = OUTSIDE_LABEL
        if shown(theirs) != shown(mine):
            differences.append((form.fields[name].label, shown(theirs), shown(mine)))
    data = request.POST.copy()
    data["version"] = current.version
    form = SchemeForm(data, user=request.user, instance=current)
    form.is_valid()
    context = {"form": form, "point": current, "stale": True, "differences": differences}
    return render(request, "schemes/point_form.html", context, status=409)


@scoping(JURISDICTION)
@login_required
def point_new(request):
    if not permissions.can_write_anywhere(request.user):
        raise PermissionDenied
    form = SchemeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                point = services.establish_scheme(**form.service_values())
            except ValidationError as error:
                apply_service_errors(form, error, form.error_aliases())
            else:
                return _saved(request, point)
        return _form_page(request, form, status=400)
    return _form_page(request, form)


@scoping(JURISDICTION)
@login_required
def point_edit(request, pk: int):
    point = _writable_point(request, pk)
    form = SchemeForm(request.POST or None, user=request.user, instance=point)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_scheme(
                    point, version=form.cleaned_data.get("version"), **form.service_values()
                )
            except services.StaleEdit:
                return _stale_page(request, form, point)
            except ValidationError as error:
                apply_service_errors(form, error, form.error_aliases())
            else:
                return _saved(request, point)
        return _form_page(request, form, point, status=400)
    return _form_page(request, form, point)
