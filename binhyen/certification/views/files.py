"""Downloads of a certification's files (a step's attachment, a criterion's evidence):
through the user's jurisdiction, always as an attachment, never rendered by the browser
as a page (modelled on the tips' attachment download)."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from binhyen.accounts.scoping import JURISDICTION, scoping

from .. import queries
from ..models import CertificationStep, CriterionResult
from ..services.files import content_type


def _download(field) -> FileResponse:
    if not field:
        raise Http404
    name = PurePath(field.name).name
    try:
        handle = field.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type(name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@scoping(JURISDICTION)
@login_required
@never_cache
def step_file(request, pk: int, step: int):
    cert = queries.get_certification_for_user(request.user, pk)
    item = get_object_or_404(CertificationStep, pk=step, certification=cert)
    return _download(item.attachment)


@scoping(JURISDICTION)
@login_required
@never_cache
def result_file(request, pk: int, result: int):
    cert = queries.get_certification_for_user(request.user, pk)
    item = get_object_or_404(CriterionResult, pk=result, certification=cert)
    return _download(item.attachment)
