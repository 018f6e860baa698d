"""The spreadsheet import page: upload a file, read the check (errors or what would
change), then confirm. The upload waits under VAR_DIR/uploads, named by a random token
remembered in the uploader's session, until it is imported or a day has passed. Every
row must be in the user's jurisdiction (the importer checks each one)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core.audit import audit_context
from binhyen.core.middleware import client_ip

from .. import exports
from ..forms.imports import KIND_LABELS, MAX_UPLOAD_MB, ImportConfirmForm, ImportUploadForm
from ..importers import COLUMNS, KINDS, ImportRejected, import_files, sniff
from ..permissions import can_write_anywhere

SESSION_KEY = "schemes_import_uploads"
KEEP_SECONDS = 24 * 3600
MAX_PENDING = 5


def _require_writer(request) -> None:
    if not can_write_anywhere(request.user):
        raise PermissionDenied


def upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads"


def _path(token: str, fmt: str) -> Path:
    return upload_dir() / f"{token}.{fmt}"


def _sweep() -> None:
    """Forget uploads older than a day (checked but never confirmed)."""
    cutoff = time.time() - KEEP_SECONDS
    for path in upload_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _store(request, form: ImportUploadForm) -> str | None:
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


def _forget(pending: dict, token: str) -> None:
    entry = pending.pop(token, None)
    if entry:
        _path(token, entry["format"]).unlink(missing_ok=True)


def _run(request, token: str, entry: dict, dry_run: bool):
    """The import of an upload as the user: (result, None) or (None, rejection)."""
    files = [(_path(token, entry["format"]), entry["name"])]
    with audit_context(actor=request.user, ip=client_ip(request), source="import"):
        try:
            result = import_files(files, entry["kind"] or None, user=request.user, dry_run=dry_run)
        except ImportRejected as exc:
            return None, exc
    return result, None


def _result_page(request, token, entry, result, rejected, done: bool, status: int = 200):
    context = {
        "token": token,
        "name": entry["name"],
        "result": result,
        "rows": [(KIND_LABELS[k], k, c) for k, c in result.counts.items()] if result else [],
        "rejected": rejected,
        "done": done,
        "confirm_form": ImportConfirmForm(initial={"token": token}),
    }
    return render(request, "schemes/import_result.html", context, status=status)


@scoping(JURISDICTION)
@login_required
def import_page(request):
    """Upload and check (a dry run): the errors, or what the import would change."""
    _require_writer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = _store(request, form)
        if token is not None:
            entry = request.session[SESSION_KEY][token]
            result, rejected = _run(request, token, entry, dry_run=True)
            if rejected is not None or not result.changed_anything:
                _forget(request.session[SESSION_KEY], token)  # nothing to confirm
                request.session.modified = True
            status = 200 if rejected is None else 400
            return _result_page(request, token, entry, result, rejected, False, status)
    layouts = [(KIND_LABELS[k], k, [c.name for c in COLUMNS[k]]) for k in KINDS]
    context = {"form": form, "layouts": layouts, "max_mb": MAX_UPLOAD_MB}
    return render(
        request, "schemes/import_upload.html", context, status=400 if form.errors else 200
    )


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
    if entry is None or not _path(token, entry["format"]).exists():
        messages.error(request, _("This upload is no longer available: upload the file again."))
        return redirect("schemes:import")
    try:
        result, rejected = _run(request, token, entry, dry_run=False)
    finally:
        _forget(pending, token)
        request.session[SESSION_KEY] = pending
    status = 200 if rejected is None else 400
    return _result_page(request, token, entry, result, rejected, True, status)


@scoping(JURISDICTION)
@login_required
def import_template(request):
    """An empty workbook with one sheet per kind and the columns of each."""
    _require_writer(request)
    return exports.xlsx_response("template", None)
