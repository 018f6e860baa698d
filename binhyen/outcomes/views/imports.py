"""The registers' import page: upload a file, read the check (errors, or what would
change), then confirm. The upload waits under VAR_DIR/uploads/outcomes, named by a random
token remembered in the uploader's session, until it is imported or a day has passed.
Every row must be in the user's jurisdiction. The check and the import run as jobs
(core.jobs), like the registry's imports (schemes.views.imports)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import jobs
from binhyen.core.audit import audit_context
from binhyen.core.middleware import client_ip

from .. import exports
from ..forms.imports import MAX_UPLOAD_MB, ImportConfirmForm, ImportUploadForm, too_large_message
from ..importers import COLUMNS, ImportRejected, ImportResult, RowError, import_files, sniff
from ..permissions import can_write_anywhere
from ..registers import LABELS, SLUGS

SESSION_KEY = "outcomes_import_uploads"
KEEP_SECONDS = 24 * 3600
MAX_PENDING = 5


def _require_writer(request) -> None:
    if not can_write_anywhere(request.user):
        raise PermissionDenied


def upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "outcomes"


def _path(token: str, fmt: str) -> Path:
    return upload_dir() / f"{token}.{fmt}"


def _sweep() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in upload_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _forget(pending: dict, token: str) -> None:
    entry = pending.pop(token, None)
    if entry:
        _path(token, entry["format"]).unlink(missing_ok=True)


def _store(request, form: ImportUploadForm) -> str | None:
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
    pending[token] = {"name": name, "format": fmt, "register": form.cleaned_data["register"] or ""}
    request.session[SESSION_KEY] = pending
    return token


def _close(request, token: str, entry: dict) -> None:
    _path(token, entry["format"]).unlink(missing_ok=True)
    entry["closed"] = True
    request.session.modified = True


@dataclass
class Outcome:
    """What a check or an import job leaves for its page (picklable, for the cache)."""

    result: ImportResult | None
    errors: list[RowError]
    truncated: bool = False


def _work(files, register, user, dry_run: bool, actor_ip, progress) -> Outcome:
    def report(slug: str, rows: int, finished: bool) -> None:
        progress(str(LABELS[slug]), rows)

    with audit_context(actor=user, ip=actor_ip, source="import"):
        try:
            result = import_files(files, register, user=user, dry_run=dry_run, progress=report)
        except ImportRejected as exc:
            return Outcome(None, list(exc.errors), exc.truncated)
    return Outcome(result, [])


def _start(request, token: str, entry: dict, dry_run: bool) -> str:
    files = [(_path(token, entry["format"]), entry["name"])]
    label = f"{'check' if dry_run else 'import'} {entry['name']}"
    args = (files, entry["register"] or None, request.user, dry_run, client_ip(request))
    job = jobs.start(request.user.pk, label, _work, *args)
    entry.setdefault("jobs", {})[job] = dry_run
    request.session.modified = True
    return job


class _SizeLimit(FileUploadHandler):
    """Stops receiving an upload once it passes the limit."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_UPLOAD_MB * 1024 * 1024:
            self.request.upload_too_large = True
            raise StopUpload()
        return raw_data

    def file_complete(self, file_size):
        return None


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
    form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error(None, too_large_message())
    if posted and form.is_valid():
        token = _store(request, form)
        if token is not None:
            entry = request.session[SESSION_KEY][token]
            return redirect("outcomes:import-job", job=_start(request, token, entry, True))
    layouts = [(LABELS[s], s, [c.name for c in COLUMNS[s]]) for s in SLUGS]
    context = {"form": form, "layouts": layouts, "max_mb": MAX_UPLOAD_MB}
    status = 400 if form.errors else 200
    return render(request, "outcomes/import_upload.html", context, status=status)


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
    if entry is not None and entry.get("importing"):
        return redirect("outcomes:import-job", job=entry["importing"])
    if entry is None or entry.get("closed") or not _path(token, entry["format"]).exists():
        messages.error(request, _("This upload is no longer available: upload the file again."))
        return redirect("outcomes:import")
    entry["importing"] = _start(request, token, entry, False)
    return redirect("outcomes:import-job", job=entry["importing"])


def _entry_of_job(request, job: str) -> tuple[str, dict, bool]:
    for token, entry in request.session.get(SESSION_KEY, {}).items():
        if job in entry.get("jobs", {}):
            return token, entry, entry["jobs"][job]
    raise Http404


@scoping(JURISDICTION)
@login_required
def import_job(request, job: str):
    """A check or an import: its progress while it runs, then its outcome."""
    _require_writer(request)
    state = jobs.get(job, request.user.pk)
    if state is None:
        raise Http404
    token, entry, dry_run = _entry_of_job(request, job)
    if state.running:
        context = {"state": state, "name": entry["name"], "dry_run": dry_run, "job": job}
        template = "outcomes/_import_progress.html" if request.htmx else "outcomes/import_job.html"
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
    if request.htmx:
        response = render(request, "outcomes/_import_progress.html", {"state": state})
        response["HX-Redirect"] = request.get_full_path()
        return response
    result = outcome.result
    context = {
        "token": token,
        "name": entry["name"],
        "result": result,
        "rows": [(LABELS[s], s, c) for s, c in result.counts.items()] if result else [],
        "rejected": outcome if outcome.errors else None,
        "done": not dry_run,
        "confirm_form": ImportConfirmForm(initial={"token": token}),
    }
    status = 400 if outcome.errors else 200
    return render(request, "outcomes/import_result.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def import_template(request):
    """An empty workbook with one sheet per register and its columns."""
    _require_writer(request)
    return exports.xlsx_response("template", None)
