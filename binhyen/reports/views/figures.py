"""Pages of reported figures, under /reports/figures/: the filtered list of the figures
in the user's jurisdiction (and its XLSX export in the import format), the new and edit
forms, deletion, and the spreadsheet import pages (upload → check → confirm).

Every read goes through `services.figures_for_user` (the user's jurisdiction); every
write through the services, which check the unit (`schemes.permissions.can_write_unit`)."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import stale
from binhyen.core.spreadsheets.pages import ImportPages, Link
from binhyen.schemes.permissions import can_write_anywhere, can_write_unit

from .. import formatting, indicators, services
from ..filtersets import FigureFilterSet
from ..forms import FigureForm, apply_service_errors
from ..importers import COLUMNS, KIND, import_files, write_xlsx

PAGE_SIZE = 50
TEMPLATES = "reports/figures/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(figures, name: str = "reported-figures") -> FileResponse:
    """A workbook in the import layout (figures None: the empty template), streamed."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(figures, spool)
    spool.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        spool, as_attachment=True, filename=f"binhyen-{name}-{stamp}.xlsx", content_type=XLSX_TYPE
    )


def _results(filterset):
    """The filtered figures; none while a filter is invalid (so a mistyped date never
    widens the list or the export to everything)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()


def _row(figure) -> dict:
    indicator = indicators.get(figure.indicator)
    return {
        "figure": figure,
        "label": indicator.label if indicator else figure.indicator,
        "stock": indicator is not None and indicator.kind == indicators.STOCK,
        "display": formatting.with_qualifier(formatting.plain(figure.value), figure.qualifier),
    }


@scoping(JURISDICTION)
@login_required
def figure_list(request):
    """Reported figures of the units in the user's jurisdiction, filtered; ?export=xlsx
    downloads them in the import format."""
    figures = services.figures_for_user(request.user)
    filterset = FigureFilterSet(request.GET or None, queryset=figures, request=request)
    qs = _results(filterset).order_by("indicator", "unit__code", "period_start", "breakdown", "pk")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(qs.iterator(chunk_size=2000))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "rows": [_row(f) for f in page],
        "query": _query(request),
        "can_create": can_write_anywhere(request.user),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "_figure_results.html" if partial else "figure_list.html"
    response = render(request, TEMPLATES + template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _form_page(request, form, figure=None, status=200, **extra):
    context = {"form": form, "figure": figure, **extra}
    return render(request, TEMPLATES + "figure_form.html", context, status=status)


def _saved(request, form, write) -> bool:
    """Run the service with the form's values; its refusal goes onto the form."""
    if not form.is_valid():
        return False
    try:
        write(form.service_values())
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    return True


@scoping(JURISDICTION)
@login_required
def figure_new(request):
    if not can_write_anywhere(request.user):
        raise PermissionDenied
    form = FigureForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if _saved(request, form, lambda v: services.record_figure(request.user, **v)):
            messages.success(request, _("Saved."))
            if "another" in request.POST:
                return redirect("reported_figures:new")
            return redirect("reported_figures:list")
        return _form_page(request, form, status=400)
    return _form_page(request, form)


def _writable(request, pk: int):
    """The figure if the user sees it (404 otherwise) and may write it (403 otherwise)."""
    figure = services.get_figure_for_user(request.user, pk)
    if not can_write_unit(request.user, figure.unit):
        raise PermissionDenied
    return figure


def _stale_page(request, form: FigureForm, figure):
    """Nothing was written: their saved values where they differ from what was typed,
    the form as typed with the version now saved (core.stale)."""
    current = services.get_figure_for_user(request.user, figure.pk)
    theirs = {name: getattr(current, name) for name in form.service_values()}
    shown_stale = stale.stale_context(form, theirs)
    data = stale.resubmitted(request.POST, current)
    form = FigureForm(data, user=request.user, instance=current)
    form.is_valid()
    return _form_page(request, form, current, 409, **shown_stale)


@scoping(JURISDICTION)
@login_required
def figure_edit(request, pk: int):
    figure = _writable(request, pk)
    form = FigureForm(request.POST or None, user=request.user, instance=figure)
    if request.method == "POST":

        def update(values):
            version = stale.version_of(form)
            services.update_figure(request.user, figure, version=version, **values)

        try:
            if _saved(request, form, update):
                messages.success(request, _("Saved."))
                return redirect("reported_figures:list")
        except stale.StaleEdit:
            return _stale_page(request, form, figure)
        return _form_page(request, form, figure, status=400)
    return _form_page(request, form, figure)


@scoping(JURISDICTION)
@login_required
@require_POST
def figure_delete(request, pk: int):
    figure = _writable(request, pk)
    services.delete_figure(request.user, figure)
    messages.success(request, _("Deleted."))
    return redirect("reported_figures:list")


pages = ImportPages(
    namespace="reported_figures",
    import_files=import_files,
    labels={KIND: gettext_lazy("Reported figures")},
    columns=COLUMNS,
    may_import=can_write_anywhere,
    blank_workbook=lambda: xlsx_response(None, "reported-figures-template"),
    too_large=gettext_lazy(
        "The file is larger than %(mb)d MB: import it with the import_figures command."
    ),
    crumb=Link("reported_figures:list", gettext_lazy("Reported figures")),
    after=[Link("reported_figures:list", gettext_lazy("Reported figures"))],
    intro=gettext_lazy(
        "Upload an Excel workbook (.xlsx) or a CSV file (UTF-8) of figures published in past "
        "reports, one figure per row. The file is first checked without writing anything; "
        "you then see the errors, or what the import would create and update, and confirm."
    ),
    notes=[
        gettext_lazy(
            "At most %(mb)s MB. Every unit must be in your jurisdiction. Nothing is imported "
            "unless every row is correct. A row with the same indicator, unit, period and "
            "breakdown as a recorded figure updates it, so importing the same file again "
            "changes nothing."
        )
    ],
    columns_title=gettext_lazy("Columns"),
    columns_hint=gettext_lazy(
        "Dates as dd/mm/yyyy or yyyy-mm-dd. Values as documents write them (38.578 is "
        "thirty-eight thousand…). Qualifier: exact, at least or about (chính xác, trên, "
        "khoảng). Format the unit code column as Text so that leading zeros stay."
    ),
    kind_label=gettext_lazy("Kind of records"),
    upload_dir="uploads/reported-figures",
)


__all__ = ["figure_delete", "figure_edit", "figure_list", "figure_new", "pages"]
