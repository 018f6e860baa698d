"""Pages of the scheme-type catalogue. The catalogue itself is national and readable by
every signed-in user; every count shown on these pages (active points, replication) is
taken within the user's jurisdiction, so the pages are declared JURISDICTION."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from binhyen.accounts.jurisdiction import jurisdiction_of
from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.forms import apply_service_errors
from binhyen.core.text import fold
from binhyen.geo import queries as geo_queries
from binhyen.geo.models import AdminUnit

from .. import queries, services
from ..forms.catalogue import (
    CatalogueFilterForm,
    LabelForm,
    SchemeTypeForm,
    components_text,
    parse_components,
)
from ..models import Label, SchemeType
from ..permissions import can_edit_catalogue
from ..queries import Scope

PAGE_SIZE = 50


def _filtered_types(form: CatalogueFilterForm):
    qs = SchemeType.objects.select_related("origin_unit").prefetch_related("labels")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("label"):
        qs = qs.filter(labels=data["label"])
    if data.get("origin"):
        qs = qs.filter(origin=data["origin"])
    if data.get("in_use") != "all":
        qs = qs.filter(is_active=True)
    words = fold(data.get("q") or "").split()
    kind = data.get("host_kind")
    if not words and not kind:
        return qs.order_by("name")
    # host kinds (a JSON list) and the folded search are matched in Python: the catalogue
    # is small (a few thousand types nationally) and SQLite has no JSON containment
    rows = qs.values_list("pk", "code", "name", "name_en", "host_kinds")
    keep = [
        pk
        for pk, code, name, name_en, kinds in rows
        if (not kind or kind in (kinds or []))
        and all(w in fold(f"{code} {name} {name_en}") for w in words)
    ]
    return qs.filter(pk__in=keep).order_by("name")


@scoping(JURISDICTION)
@login_required
def type_list(request):
    form = CatalogueFilterForm(request.GET or None)
    types = _filtered_types(form)
    if request.GET.get("export") == "xlsx":
        from ..exports import xlsx_response

        return xlsx_response("types", types)
    page = Paginator(types, PAGE_SIZE).get_page(request.GET.get("page"))
    today = geo_queries.today()
    active = queries.schemes_active(Scope(user=request.user), today, by="type")
    counts = {row.key: row.count for row in active.rows}
    rows = [(t, counts.get(t.pk, 0)) for t in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "today": today,
        "active_total": active.total,
        "can_edit": can_edit_catalogue(request.user),
        "export_query": _with(request, export="xlsx"),
    }
    template = "schemes/_catalogue_rows.html" if request.htmx else "schemes/catalogue_list.html"
    return render(request, template, context)


def _with(request, **params) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


# ---- one type, and how it spread --------------------------------------------------------


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    year: int
    value: int


@dataclass
class Chart:
    """Geometry of the replication chart (plain SVG, rendered by the template): bars of
    points established per year, a line of points active at each year's end."""

    width: int = 640
    height: int = 240
    left: int = 40
    bottom: int = 28
    top: int = 12
    bars: list[Bar] = field(default_factory=list)
    line: str = ""
    dots: list[tuple[float, float, int, int]] = field(default_factory=list)
    ticks: list[tuple[float, int]] = field(default_factory=list)
    labels: list[tuple[float, int]] = field(default_factory=list)

    @property
    def base(self) -> int:
        return self.height - self.bottom

    @property
    def right(self) -> int:
        return self.width - 8


def _scale(value: int) -> tuple[int, int]:
    """A round top for the y axis and the step of its gridlines (at most about 5 lines)."""
    if value <= 0:
        return 1, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return math.ceil(value / step) * step, step


def build_chart(years) -> Chart | None:
    if not years:
        return None
    chart = Chart()
    top, step = _scale(max(max(y.active_at_end, y.established) for y in years))
    plot_h = chart.base - chart.top
    slot = (chart.right - chart.left) / len(years)
    bar_w = max(min(slot * 0.6, 40), 2)

    def y_of(value: int) -> float:
        return round(chart.base - plot_h * value / top, 1)

    points = []
    every = max(1, math.ceil(len(years) / 12))  # at most about 12 year labels
    for i, year in enumerate(years):
        centre = chart.left + slot * (i + 0.5)
        height = round(plot_h * year.established / top, 1)
        chart.bars.append(
            Bar(
                round(centre - bar_w / 2, 1),
                round(chart.base - height, 1),
                round(bar_w, 1),
                height,
                year.year,
                year.established,
            )
        )
        point = (round(centre, 1), y_of(year.active_at_end))
        points.append(point)
        chart.dots.append((*point, year.year, year.active_at_end))
        if i % every == 0 or i == len(years) - 1:
            chart.labels.append((round(centre, 1), year.year))
    chart.line = " ".join(f"{x},{y}" for x, y in points)
    chart.ticks = [(y_of(v), v) for v in range(0, top + 1, step)]
    return chart


def _scope_unit(request) -> AdminUnit | None:
    """The unit whose sub-units the 'where' table lists: ?unit=<code> (today's), else the
    user's own unit when they have exactly one, else the whole country."""
    today = geo_queries.today()
    code = (request.GET.get("unit") or "").strip()
    if code:
        version = geo_queries.unit_by_code(code, today)
        return version.unit if version else None
    units = jurisdiction_of(request.user).units
    if len(units) == 1 and units[0].in_force_on(today):
        return units[0]
    return None


@scoping(JURISDICTION)
@login_required
def type_detail(request, code: str):
    scheme_type = get_object_or_404(
        SchemeType.objects.select_related("origin_unit").prefetch_related("labels", "components"),
        code=code,
    )
    unit = _scope_unit(request)
    scope = Scope(unit=unit, user=request.user)
    replication = queries.replication(scheme_type, scope)
    where = replication.where
    codes = dict(
        AdminUnit.objects.filter(
            pk__in=[r.key for r in where.rows if isinstance(r.key, int)]
        ).values_list("pk", "code")
    )
    where_rows = [(row, codes.get(row.key)) for row in where.rows]
    context = {
        "scheme_type": scheme_type,
        "replication": replication,
        "years": list(reversed(replication.years)),
        "chart": build_chart(replication.years),
        "where_rows": where_rows,
        "scope_unit": unit,
        "today": geo_queries.today(),
        "can_edit": can_edit_catalogue(request.user),
    }
    return render(request, "schemes/catalogue_detail.html", context)


# ---- editing (provincial officers and administrators) -----------------------------------


def _components_shown(rows) -> str:
    return "; ".join(" | ".join(part for part in row if part) for row in rows)


def _stale_type(request, form: SchemeTypeForm, scheme_type: SchemeType):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = SchemeType.objects.select_related("origin_unit").get(pk=scheme_type.pk)
    typed = form.cleaned_data
    theirs = {
        name: getattr(current, name)
        for name in ("code", "name", "name_en", "description", "origin", "has_groups")
    }
    theirs.update(
        labels=list(current.labels.all()),
        host_kinds=list(current.host_kinds),
        origin_unit_code=current.origin_unit,
        components=_components_shown(parse_components(components_text(current))),
    )
    if "is_active" in form.fields:
        theirs["is_active"] = current.is_active
    mine = {
        "origin_unit_code": typed.get("origin_unit"),
        "components": _components_shown(typed["components"]),
    }
    context = {"scheme_type": current, **stale.stale_context(form, theirs, mine)}
    context["form"] = SchemeTypeForm(stale.resubmitted(request.POST, current), instance=current)
    context["form"].is_valid()
    return render(request, "schemes/catalogue_form.html", context, status=409)


def _edit_type(request, scheme_type: SchemeType | None):
    if not can_edit_catalogue(request.user):
        raise PermissionDenied
    form = SchemeTypeForm(request.POST or None, instance=scheme_type or SchemeType())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.save_scheme_type(
                    scheme_type,
                    labels=list(form.cleaned_data["labels"]),
                    components=form.cleaned_data["components"],
                    version=stale.version_of(form),
                    **form.service_values(),
                )
            except stale.StaleEdit:
                return _stale_type(request, form, scheme_type)
            except ValidationError as exc:
                apply_service_errors(form, exc, {"origin_unit": "origin_unit_code"})
            else:
                messages.success(request, _("Saved."))
                return redirect("schemes:type", code=saved.code)
        status = 400
    return render(
        request,
        "schemes/catalogue_form.html",
        {"form": form, "scheme_type": scheme_type},
        status=status,
    )


@scoping(JURISDICTION)
@login_required
def type_new(request):
    return _edit_type(request, None)


@scoping(JURISDICTION)
@login_required
def type_edit(request, code: str):
    return _edit_type(request, get_object_or_404(SchemeType, code=code))


@scoping(JURISDICTION)
@login_required
def label_list(request):
    """Labels with the number of types carrying each and of points active today (within
    the user's jurisdiction); editors add and rename labels here."""
    can_edit = can_edit_catalogue(request.user)
    editing = None
    if request.method == "POST" or request.GET.get("edit"):
        key = request.POST.get("label_id") or request.GET.get("edit")
        if key:
            editing = get_object_or_404(Label, pk=key) if str(key).isdigit() else None
    form = LabelForm(request.POST or None, instance=editing or Label())
    status = 200
    shown_stale = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                services.save_label(editing, **form.cleaned_data)
            except stale.StaleEdit:
                editing = Label.objects.get(pk=editing.pk)
                theirs = {name: getattr(editing, name) for name in LabelForm.Meta.fields}
                shown_stale = stale.stale_context(form, theirs)
                form = LabelForm(stale.resubmitted(request.POST, editing), instance=editing)
                form.is_valid()
                status = 409
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("schemes:labels")
    types = dict(
        SchemeType.objects.filter(is_active=True)
        .values("labels")
        .annotate(n=Count("pk"))
        .values_list("labels", "n")
    )
    active = queries.schemes_active(Scope(user=request.user), geo_queries.today(), by="label")
    counts = {row.key: row.count for row in active.rows}
    rows = [
        (label, types.get(label.pk, 0), counts.get(label.pk, 0)) for label in Label.objects.all()
    ]
    context = {
        "rows": rows,
        "form": form if can_edit else None,
        "editing": editing,
        "active_total": active.total,
        "today": geo_queries.today(),
        **shown_stale,
    }
    return render(request, "schemes/catalogue_labels.html", context, status=status)
