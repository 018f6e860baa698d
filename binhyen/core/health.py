"""A trivial endpoint for load balancers and monitoring: GET /healthz/ answers 200 "ok"
when the application is up and its database answers `SELECT 1`, 503 otherwise.

No authentication, no session, no CSRF cookie, never cached; the body is plain text and
never translated (machines read it). It is also the baseline of bench/web_load.py.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from binhyen.accounts.scoping import PUBLIC, scoping

log = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        log.exception("health check: the database does not answer")
        return False


@scoping(PUBLIC)
@require_safe
def healthz(request):
    ok = database_answers()
    response = HttpResponse(
        "ok\n" if ok else "database unavailable\n",
        content_type="text/plain; charset=utf-8",
        status=200 if ok else 503,
    )
    add_never_cache_headers(response)
    return response
