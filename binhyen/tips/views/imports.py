"""The spreadsheet import page of tips and cases: upload a file, read the check (errors or
what would change), then confirm; the same flow and machinery as the registry's import
page (schemes.views.imports): the upload waits under VAR_DIR/uploads named by a random
token kept in the uploader's session, the check and the import run as jobs (core.jobs).

An upload may hold informants' names and contacts in clear: it is deleted as soon as
nothing is left to confirm (after the import, or a check that found errors or nothing
to change), and in any case after a day (see docs/threat-model.md).
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import jobs
from binhyen.core.audit import audit_context
from binhyen.core.middleware import client_ip
from binhyen.schemes.forms.imports import MAX_UPLOAD_MB, ImportConfirmForm
from binhyen.schemes.permissions import can_write_anywhere
from binhyen.schemes.views.imports import (
    MAX_PENDING,
    Outcome,
    _close,
    _forget,
    _path,
    _SizeLimit,
    _sweep,
    upload_dir,
)

from ..importers import COLUMNS, KINDS, ImportRejected, RowError, import_files, sniff

SESSION_KEY = "tips_import_uploads"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABELS = {
    "tips": gettext_lazy("Tips"),
    "cases": gettext_lazy("Cases"),
    "suspects": gettext_lazy("Suspects"),
    "seized_items": gettext_lazy("Seized items"),
}


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB: import it with the import_tips command.") % {
        "mb": MAX_UPLOAD_MB
    }


class TipImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (XLSX or CSV)"))
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of records"),
        required=False,
        choices=[("", gettext_lazy("Detect (sheet names or header)"))]
        + [(k, KIND_LABELS[k]) for k in KINDS],
        help_text=gettext_lazy(
            "Needed only for a CSV file or a one-sheet workbook whose header is ambiguous."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(too_large_message())
        return upload


def _require_writer(request) -> None:
    if not can_write_anywhere(request.user):
        raise PermissionDenied


def _store(request, form: TipImportUploadForm) -> str | None:
    """Save the upload under a random token; None (form error) when it is neither an
    Excel workbook nor CSV text by content."""
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _sweep()
    token = secrets.token_hex(16)
    raw = directory / f"{token}.upload"
    with raw.open("wb") as fh:
        for chunk in form.cleaned_data["file"].chunks():
            fh.write(chunk)
    fmt = sniff(raw)
    if fmt is None:
        raw.unlink()
        form.add_error("file", _("The file is neither an Excel workbook (.xlsx) nor CSV text."))
        return None
    raw.rename(_path(token, fmt))
    pending = request.session.get(SESSION_KEY, {})
    for old in list(pending)[: max(0, len(pending) - MAX_PENDING + 1)]:
        _forget(pending, old)
    name = Path(form.cleaned_data["file"].name).name[:120]
    pending[token] = {"name": name, "format": fmt, "kind": form.cleaned_data["kind"] or ""}
    request.session[SESSION_KEY] = pending
    return token


def _work(files, kind, user, dry_run: bool, actor_ip, progress) -> Outcome:
    def report(kind: str, rows: int, finished: bool) -> None:
        progress(str(KIND_LABELS[kind]), rows)

    with audit_context(actor=user, ip=actor_ip, source="import"):
        try:
            result = import_files(files, kind, user=user, dry_run=dry_run, progress=report)
        except ImportRejected as exc:
            return Outcome(None, list(exc.errors), exc.truncated)
    return Outcome(result, [])


def _start(request, token: str, entry: dict, dry_run: bool) -> str:
    files = [(_path(token, entry["format"]), entry["name"])]
    label = f"{'check' if dry_run else 'import'} {entry['name']}"
    args = (files, entry["kind"] or None, request.user, dry_run, client_ip(request))
    job = jobs.start(request.user.pk, label, _work, *args)
    entry.setdefault("jobs", {})[job] = dry_run
    request.session.modified = True
    return job


@csrf_exempt  # upload handlers must be set before CSRF reads the body: checked just below
@scoping(JURISDICTION)
@login_required
def import_page(request):
    request.upload_handlers.insert(0, _SizeLimit(request))
    return _import_page(request)


@csrf_protect
def _import_page(request):
    """Upload and check (a dry run): the errors, or what the import would change."""
    _require_writer(request)
    posted = request.method == "POST"
    form = TipImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error(None, too_large_message())
    if posted and form.is_valid():
        token = _store(request, form)
        if token is not None:
            entry = request.session[SESSION_KEY][token]
            return redirect("tips:import-job", job=_start(request, token, entry, True))
    layouts = [(KIND_LABELS[k], k, [c.name for c in COLUMNS[k]]) for k in KINDS]
    context = {"form": form, "layouts": layouts, "max_mb": MAX_UPLOAD_MB}
    return render(request, "tips/import_upload.html", context, status=400 if form.errors else 200)


@scoping(JURISDICTION)
@login_required
@require_POST
def import_confirm(request):
    """Import a checked upload for real (checked again: all or nothing)."""
    _require_writer(request)
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY, {})
    token = form.cleaned_data["token"] if form.is_valid() else ""
    entry = pending.get(token)
    if entry is not None and entry.get("importing"):  # confirmed twice: one import only
        return redirect("tips:import-job", job=entry["importing"])
    if entry is None or entry.get("closed") or not _path(token, entry["format"]).exists():
        messages.error(request, _("This upload is no longer available: upload the file again."))
        return redirect("tips:import")
    entry["importing"] = _start(request, token, entry, False)
    return redirect("tips:import-job", job=entry["importing"])


def _entry_of_job(request, job: str) -> tuple[str, dict, bool]:
    for token, entry in request.session.get(SESSION_KEY, {}).items():
        if job in entry.get("jobs", {}):
            return token, entry, entry["jobs"][job]
    raise Http404


@scoping(JURISDICTION)
@login_required
def import_job(request, job: str):
    """A check or an import: its progress while it runs (the page polls), then its outcome."""
    _require_writer(request)
    state = jobs.get(job, request.user.pk)
    if state is None:
        raise Http404
    token, entry, dry_run = _entry_of_job(request, job)
    if state.running:
        context = {"state": state, "name": entry["name"], "dry_run": dry_run, "job": job}
        template = "tips/_import_progress.html" if request.htmx else "tips/import_job.html"
        return render(request, template, context)
    outcome = state.outcome or Outcome(
        None,
        [
            RowError(
                "",
                "",
                0,
                "",
                _(
                    "The import stopped on an unexpected error; nothing was written. "
                    "Try again or tell the administrator."
                ),
            )
        ],
    )
    if not dry_run or outcome.errors or not outcome.result.changed_anything:
        _close(request, token, entry)
    if request.htmx:  # the polling fragment hands over to the full page
        response = render(request, "tips/_import_progress.html", {"state": state, "job": job})
        response["HX-Redirect"] = request.get_full_path()
        return response
    result = outcome.result
    context = {
        "token": token,
        "name": entry["name"],
        "result": result,
        "rows": [(KIND_LABELS[k], k, c) for k, c in result.counts.items()] if result else [],
        "rejected": outcome if outcome.errors else None,
        "done": not dry_run,
        "confirm_form": ImportConfirmForm(initial={"token": token}),
    }
    status = 400 if outcome.errors else 200
    return render(request, "tips/import_result.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def import_template(request):
    """An empty workbook with one sheet per kind and the columns of each."""
    _require_writer(request)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for kind in KINDS:
        ws = book.create_sheet(kind)
        ws.append([c.name for c in COLUMNS[kind]])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="tips-import-template.xlsx"'
    return response
