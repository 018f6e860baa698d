"""The pages of a spreadsheet import, one reusable piece: upload a file, read the check
(errors, or what would change), then confirm. An app describes its import with an
`ImportPages` (its import function, kinds, columns, permission, texts) and routes
`pages.urls()` under its namespace: import/, import/confirm/, import/jobs/<job>/,
import/template.xlsx (URL names import, import-confirm, import-job, import-template).

The upload is refused while it arrives once it passes the size limit, then recognised by
its content (XLSX or CSV). It waits under VAR_DIR/<upload_dir>, named by a random token
remembered in the uploader's session, and is deleted as soon as nothing is left to
confirm (imported, or a check that found errors or nothing to change), and in any case
after a day. Every row must be in the user's jurisdiction (the importer checks each one).

The check and the import run as jobs (core.jobs): the job page shows the rows read so far
while they run (polled with HTMX), then their outcome. Confirming twice imports once.
"""

from __future__ import annotations

import io
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from binhyen.accounts.scoping import JURISDICTION, scoping
from binhyen.core import jobs
from binhyen.core.audit import audit_context
from binhyen.core.middleware import client_ip

from . import safe
from .cells import Column
from .reading import not_readable, sniff
from .tables import ImportRejected, ImportResult, RowError

MB = 1024 * 1024
KEEP_SECONDS = 24 * 3600
MAX_PENDING = 5
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATES = "core/spreadsheets/"


@dataclass(frozen=True)
class Link:
    url: str  # a URL name
    label: str


@dataclass
class Outcome:
    """What a check or an import job leaves for its page (picklable, for the cache)."""

    result: ImportResult | None
    errors: list[RowError]
    truncated: bool = False


class SizeLimit(FileUploadHandler):
    """Stops receiving an upload once it passes the limit, instead of storing it whole
    before the form can say it is too large."""

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.request.upload_too_large = True
            raise StopUpload()
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadForm(forms.Form):
    """The file; each import adds its kind field (ImportPages.upload_form)."""

    pages: ImportPages
    file = forms.FileField(label=gettext_lazy("File (XLSX or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.pages.max_upload_mb * MB:
            raise forms.ValidationError(self.pages.too_large_message())
        return upload


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


def empty_workbook(columns: Mapping[str, Sequence[Column]], filename: str) -> HttpResponse:
    """A workbook with one sheet per kind holding its column names."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for kind, cols in columns.items():
        sheet = book.create_sheet(kind)
        sheet.append(safe.row(sheet, [c.name for c in cols]))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(kw_only=True)
class ImportPages:
    """An app's import pages. Texts are lazy translations; `notes` may hold %(mb)s."""

    namespace: str  # the app's URL namespace
    import_files: Callable[..., ImportResult]  # (files, kind, *, user, dry_run, progress)
    labels: Mapping[str, str]  # kind → label, in import order
    columns: Mapping[str, Sequence[Column]]
    may_import: Callable[[Any], bool]  # (user) → may use the pages
    blank_workbook: Callable[[], HttpResponse]  # the workbook to fill in (import-template)
    too_large: str  # the message for a file over the limit, with %(mb)d
    crumb: Link  # the upload page's way back
    after: Sequence[Link]  # where to go after an import
    intro: str  # above the upload form
    notes: Sequence[str] = ()  # hints under it
    columns_hint: str = ""
    title: str = gettext_lazy("Import from a spreadsheet")
    columns_title: str = gettext_lazy("Columns of each kind")
    kind_field: str = "kind"
    kind_label: str = gettext_lazy("Kind of records")
    upload_dir: str = "uploads"  # under VAR_DIR
    max_upload_mb: int = 20

    def __post_init__(self):
        self.session_key = f"{self.namespace}_import_uploads"
        choices = [("", gettext_lazy("Detect (sheet names or header)")), *self.labels.items()]
        kind = forms.ChoiceField(
            label=self.kind_label,
            required=False,
            choices=choices,
            help_text=gettext_lazy(
                "Needed only for a CSV file or a one-sheet workbook whose header is ambiguous."
            ),
        )
        name = f"{self.namespace.title()}UploadForm"
        # the kind before the file: a browser sends it first, so that it is still there
        # when an upload over the size limit is cut off
        order = [self.kind_field, "file"]
        attrs = {"pages": self, self.kind_field: kind, "field_order": order}
        self.upload_form = type(name, (UploadForm,), attrs)

    # ---- URL names, for redirects and templates --------------------------------------------

    @property
    def url_upload(self) -> str:
        return f"{self.namespace}:import"

    @property
    def url_confirm(self) -> str:
        return f"{self.namespace}:import-confirm"

    @property
    def url_job(self) -> str:
        return f"{self.namespace}:import-job"

    @property
    def url_template(self) -> str:
        return f"{self.namespace}:import-template"

    def urls(self) -> list:
        return [
            path("import/", self._upload_view(), name="import"),
            path("import/confirm/", self._view(self.confirm, post=True), name="import-confirm"),
            path("import/jobs/<str:job>/", self._view(self.job), name="import-job"),
            path("import/template.xlsx", self._view(self.template), name="import-template"),
        ]

    def too_large_message(self) -> str:
        return str(self.too_large) % {"mb": self.max_upload_mb}

    # ---- views ---------------------------------------------------------------------------------

    def _require(self, request) -> None:
        if not self.may_import(request.user):
            raise PermissionDenied

    def _view(self, method, post: bool = False):
        def view(request, *args, **kwargs):
            self._require(request)
            return method(request, *args, **kwargs)

        view.__name__ = view.__qualname__ = f"{self.namespace}_import_{method.__name__}"
        view.__doc__ = method.__doc__
        return scoping(JURISDICTION)(login_required(require_POST(view) if post else view))

    def _upload_view(self):
        @csrf_protect
        def checked(request):
            self._require(request)
            return self.upload(request)

        def view(request):
            request.upload_handlers.insert(0, SizeLimit(request, self.max_upload_mb * MB))
            return checked(request)

        view.__name__ = view.__qualname__ = f"{self.namespace}_import_upload"
        view.__doc__ = self.upload.__doc__
        # upload handlers must be set before CSRF reads the body: checked just after
        return csrf_exempt(scoping(JURISDICTION)(login_required(view)))

    def upload(self, request):
        """Upload and check (a dry run): the errors, or what the import would change."""
        posted = request.method == "POST"
        form = self.upload_form(request.POST if posted else None, request.FILES if posted else None)
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error(None, self.too_large_message())
        if posted and form.is_valid():
            token = self._store(request, form)
            if token is not None:
                entry = request.session[self.session_key][token]
                return redirect(self.url_job, job=self._start(request, token, entry, True))
        context = {
            "pages": self,
            "form": form,
            "layouts": [
                (self.labels[k], k, [c.name for c in self.columns[k]]) for k in self.labels
            ],
            "notes": [str(note) % {"mb": self.max_upload_mb} for note in self.notes],
        }
        status = 400 if form.errors else 200
        return render(request, TEMPLATES + "import_upload.html", context, status=status)

    def confirm(self, request):
        """Import a checked upload for real (checked again: all or nothing)."""
        form = ConfirmForm(request.POST)
        pending = request.session.get(self.session_key, {})
        token = form.cleaned_data["token"] if form.is_valid() else ""
        entry = pending.get(token)
        if entry is not None and entry.get("importing"):  # confirmed twice: one import only
            return redirect(self.url_job, job=entry["importing"])
        if entry is None or entry.get("closed") or not self._path(token, entry["format"]).exists():
            messages.error(request, _("This upload is no longer available: upload the file again."))
            return redirect(self.url_upload)
        entry["importing"] = self._start(request, token, entry, False)
        return redirect(self.url_job, job=entry["importing"])

    def job(self, request, job: str):
        """A check or an import: its progress while it runs (the page polls), then its
        outcome."""
        state = jobs.get(job, request.user.pk)
        if state is None:
            raise Http404
        token, entry, dry_run = self._entry_of_job(request, job)
        context = {"pages": self, "state": state, "name": entry["name"], "job": job}
        if state.running:
            context["dry_run"] = dry_run
            template = "_import_progress.html" if request.htmx else "import_job.html"
            return render(request, TEMPLATES + template, context)
        outcome = state.outcome or Outcome(None, [RowError("", "", 0, "", _unexpected())])
        if not dry_run or outcome.errors or not outcome.result.changed_anything:
            self._close(request, token, entry)
        if request.htmx:  # the polling fragment hands over to the full page
            response = render(request, TEMPLATES + "_import_progress.html", context)
            response["HX-Redirect"] = request.get_full_path()
            return response
        result = outcome.result
        context |= {
            "token": token,
            "result": result,
            "rows": [(self.labels[k], k, c) for k, c in result.counts.items()] if result else [],
            "rejected": outcome if outcome.errors else None,
            "done": not dry_run,
            "confirm_form": ConfirmForm(initial={"token": token}),
        }
        status = 400 if outcome.errors else 200
        return render(request, TEMPLATES + "import_result.html", context, status=status)

    def template(self, request):
        """An empty workbook with one sheet per kind and the columns of each."""
        return self.blank_workbook()

    # ---- uploads and jobs ---------------------------------------------------------------------

    def directory(self) -> Path:
        return Path(settings.VAR_DIR) / self.upload_dir

    def _path(self, token: str, fmt: str) -> Path:
        return self.directory() / f"{token}.{fmt}"

    def _sweep(self) -> None:
        """Forget uploads older than a day (checked but never confirmed)."""
        cutoff = time.time() - KEEP_SECONDS
        for old in self.directory().glob("*.*"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                pass

    def _store(self, request, form: UploadForm) -> str | None:
        """Save the upload under a random token; None (form error) when it is neither an
        Excel workbook nor CSV text by content."""
        directory = self.directory()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._sweep()
        token = secrets.token_hex(16)
        raw = directory / f"{token}.upload"
        with raw.open("wb") as fh:
            for chunk in form.cleaned_data["file"].chunks():
                fh.write(chunk)
        fmt = sniff(raw)
        if fmt is None:
            form.add_error("file", not_readable(raw))
            raw.unlink()
            return None
        raw.rename(self._path(token, fmt))
        pending = request.session.get(self.session_key, {})
        for old in list(pending)[: max(0, len(pending) - MAX_PENDING + 1)]:
            self._forget(pending, old)
        name = Path(form.cleaned_data["file"].name).name[:120]
        kind = form.cleaned_data[self.kind_field] or ""
        pending[token] = {"name": name, "format": fmt, "kind": kind}
        request.session[self.session_key] = pending
        return token

    def _forget(self, pending: dict, token: str) -> None:
        entry = pending.pop(token, None)
        if entry:
            self._path(token, entry["format"]).unlink(missing_ok=True)

    def _close(self, request, token: str, entry: dict) -> None:
        """Nothing left to confirm: delete the upload, keep its entry for its job pages."""
        self._path(token, entry["format"]).unlink(missing_ok=True)
        entry["closed"] = True
        request.session.modified = True

    def _work(self, files, kind, user, dry_run: bool, actor_ip, progress) -> Outcome:
        def report(kind: str, rows: int, finished: bool) -> None:
            progress(str(self.labels[kind]), rows)

        with audit_context(actor=user, ip=actor_ip, source="import"):
            try:
                result = self.import_files(files, kind, user=user, dry_run=dry_run, progress=report)
            except ImportRejected as exc:
                return Outcome(None, list(exc.errors), exc.truncated)
        return Outcome(result, [])

    def _start(self, request, token: str, entry: dict, dry_run: bool) -> str:
        """Start the check (dry run) or the import of an upload as the user; the job token."""
        files = [(self._path(token, entry["format"]), entry["name"])]
        label = f"{'check' if dry_run else 'import'} {entry['name']}"
        args = (files, entry["kind"] or None, request.user, dry_run, client_ip(request))
        job = jobs.start(request.user.pk, label, self._work, *args)
        entry.setdefault("jobs", {})[job] = dry_run
        request.session.modified = True
        return job

    def _entry_of_job(self, request, job: str) -> tuple[str, dict, bool]:
        for token, entry in request.session.get(self.session_key, {}).items():
            if job in entry.get("jobs", {}):
                return token, entry, entry["jobs"][job]
        raise Http404


def _unexpected() -> str:
    return _(
        "The import stopped on an unexpected error; nothing was written. "
        "Try again or tell the administrator."
    )
