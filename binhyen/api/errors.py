"""Refusals of the API: one JSON shape, one language (binhyen/api/schema.py documents it).

- `exception_handler` (REST_FRAMEWORK): DRF's, except that Django's Http404 answers
  "Not found." in the user's language. Its own message is a developer's ("No Tip matches
  the given query.", from get_object_or_404): English, and it names the model. A view
  with something to tell the user raises DRF's NotFound(message) instead. A NUL byte
  in a looked-up text answers 400 (`is_nul_in_text`; one in the address never gets
  here: core.middleware.NullCharacterMiddleware refuses it first).
- `bad_request`, `page_not_found`, `server_error` (binhyen/urls.py handler400/404/500):
  Django's error pages, JSON under /api/. A request that matches no view (an empty or
  malformed path parameter: /api/v1/schemes//) or fails in a middleware never reaches
  DRF; the portal keeps its HTML pages.
"""

from __future__ import annotations

from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, views


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif is_nul_in_text(exc):
        exc = exceptions.ValidationError({"detail": _("Null characters are not allowed.")})
    return views.exception_handler(exc, context)


def is_nul_in_text(exc) -> bool:
    """A NUL byte sent where the database looks a text up (a code in the path, a query
    parameter, a reference by code in a body). PostgreSQL text cannot hold one:
    psycopg refuses it before sending anything (the transaction is intact), which
    surfaced as a 500. DRF's CharField and Django's form fields refuse it themselves;
    lookups by code do not, so it is refused here once for the whole API (400)."""
    return isinstance(exc, DataError) and "NUL (0x00)" in str(exc)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)
