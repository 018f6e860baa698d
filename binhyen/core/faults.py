"""The database going away: a clear 503 "try again shortly" instead of Django's generic
500, and a broken connection discarded so the next request reconnects.

Where a lost or refused connection surfaces, and who turns it into the 503:

- in a view, in its template's rendering or in DRF's authentication (the session and
  the signed-in user are read lazily, so this is where nearly every request meets the
  database first): `process_exception`;
- in a middleware (a session saved after the view, a user looked up in `process_view`):
  Django converts the exception into a 500 at that middleware's own layer, so no
  try/except around `get_response` ever sees it. `got_request_exception`, which Django
  sends while handling it (the test client reads the exception the same way), marks the
  request, and `__call__`, placed outside the session and authentication middleware,
  swaps the 500 for the 503.

The page is rendered without a request (no context processors, hence no session or user
lookup) from a standalone template: rendering it never touches the database. The JSON of
/api/ paths is `{"detail": …}` like every other API refusal. Neither repeats the
exception (no SQL, no traceback); the log gets it, without the request's body or query.

Discarding the connection is Django's own work: `close_old_connections` runs on
request_started and request_finished and closes a connection whose error left it
unusable (any age: CONN_MAX_AGE 0 closes it anyway; above 0 `is_usable()` decides).
Tests: core/tests/test_database_away.py.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# A connection lost or refused, and the other transient refusals of the database: they all
# say "try again shortly". PostgreSQL classes them by SQLSTATE: 08 connection exception,
# 40 deadlock or serialization failure, 53 insufficient resources, 57 operator
# intervention (shutdown, statement timeout), 55P03 lock not available. Errors raised
# before the server answered (refused, closed) carry no SQLSTATE, nor do SQLite's: their
# text tells. Anything else (a bad query) stays a 500: it is a bug, not a wait.
TRANSIENT_CLASSES = ("08", "40", "53", "57")
TRANSIENT_WORDS = (
    "connect",
    "closed",
    "terminat",
    "database is locked",
    "unable to open",
    "disk i/o",
)
_MARK = "_binhyen_database_unavailable"
_LOGGED = "_binhyen_database_unavailable_logged"


def is_unavailable(exc: BaseException | None) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in TRANSIENT_CLASSES or sqlstate == "55P03"
    text = str(exc).lower()
    return any(word in text for word in TRANSIENT_WORDS)


def message() -> str:
    return _(
        "The service is temporarily unavailable: its database does not answer. "
        "Try again in a moment."
    )


def unavailable_response(request) -> HttpResponse:
    """The 503, in the user's language (as the locale middleware chose it)."""
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message()}, status=503)
        else:
            html = loader.get_template("503.html").render({"message": message()})
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    return response


def _log(request, exc: BaseException, where: str) -> None:
    """Once per request, with the traceback; the path only (no query, no body)."""
    if getattr(request, _LOGGED, False):
        return
    setattr(request, _LOGGED, True)
    log.error(
        "database unavailable (in a %s) serving %s %s: answered 503: %s: %s",
        where,
        request.method,
        request.path,
        type(exc).__name__,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )


@receiver(got_request_exception, dispatch_uid="binhyen.core.faults.remember")
def remember_unavailable(sender, request=None, **kwargs) -> None:
    """Mark a request whose uncaught exception (raised in a middleware) is the database's."""
    exc = sys.exc_info()[1]
    if request is not None and is_unavailable(exc):
        setattr(request, _MARK, exc)


class DatabaseUnavailableMiddleware:
    """settings.MIDDLEWARE, outside the session and authentication middleware: a lost,
    refused or locked database answers 503 with Retry-After (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, _MARK, None)
        if exc is not None and response.status_code == 500:
            _log(request, exc, "middleware")
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        _log(request, exception, "view")
        return unavailable_response(request)
