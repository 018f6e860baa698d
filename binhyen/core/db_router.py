"""Reads of reports and dashboards from a PostgreSQL streaming replica (ADR 0010).

Everything goes to the primary (`default`) unless all of these hold:

- a replica is configured (`DATABASE_REPLICA_URL` → the `replica` alias);
- the code runs inside an explicit reporting-read scope: `replica_reads()` or a view
  decorated with `@reads_from_replica` (GET and HEAD only);
- the scope has not written anything, and no transaction is open on the primary;
- the browser has not written recently (read-your-writes: `ReadYourWritesMiddleware`
  sets a short-lived cookie after every write request);
- the replica answers (after a failed connection it is left alone for a while).

Writes always go to the primary; migrations run on the primary only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
WROTE_COOKIE = "binhyen_wrote"
READ_METHODS = frozenset({"GET", "HEAD"})
RETRY_AFTER_FAILURE = 30.0  # seconds the replica is left alone after a failed connection
log = logging.getLogger(__name__)


@dataclass
class _Scope:
    use_replica: bool
    wrote: bool = False  # a write inside the scope: its later reads stay on the primary


@dataclass
class _RequestState:
    wrote: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("binhyen_replica_scope", default=None)
_request: ContextVar[_RequestState | None] = ContextVar("binhyen_request_writes", default=None)
_replica_down_until = 0.0


def replica_configured() -> bool:
    return REPLICA in connections.settings


def read_your_writes_seconds() -> int:
    return getattr(settings, "READ_YOUR_WRITES_SECONDS", 10)


def wrote_recently(request) -> bool:
    """The browser's last write (the cookie's timestamp) is younger than the setting."""
    raw = request.COOKIES.get(WROTE_COOKIE, "") if request is not None else ""
    try:
        at = int(raw)
    except ValueError:
        return False
    return time.time() - at < read_your_writes_seconds()


def _replica_reachable() -> bool:
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        log.warning("replica unreachable: reading from the primary", exc_info=True)
        _replica_down_until = time.monotonic() + RETRY_AFTER_FAILURE
        return False
    return True


@contextmanager
def replica_reads(request=None) -> Iterator[None]:
    """Reads inside go to the replica (a reporting read that tolerates replication lag).
    With a request: not if its browser wrote within READ_YOUR_WRITES_SECONDS."""
    use = replica_configured() and not wrote_recently(request) and _replica_reachable()
    token = _scope.set(_Scope(use_replica=use))
    try:
        yield
    finally:
        _scope.reset(token)


def reads_from_replica(view):
    """A view whose GET/HEAD reads may come from the replica; other methods untouched."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            return view(request, *args, **kwargs)
        with replica_reads(request):
            return view(request, *args, **kwargs)

    return wrapped


def reading_from_replica() -> bool:
    scope = _scope.get()
    if scope is None or not scope.use_replica or scope.wrote:
        return False
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: the decisions above."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        return REPLICA if reading_from_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        scope, state = _scope.get(), _request.get()
        if scope is not None:
            scope.wrote = True
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        ours = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReadYourWritesMiddleware:
    """After a request that wrote (a successful POST/PUT/PATCH/DELETE, or any write the
    router saw), a cookie keeps this browser's scoped reads on the primary for
    READ_YOUR_WRITES_SECONDS, so that it sees what it has just saved despite lag."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = _RequestState()
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        wrote = request.method not in READ_METHODS | {"OPTIONS"} and response.status_code < 400
        if (wrote or state.wrote) and replica_configured():
            response.set_cookie(
                WROTE_COOKIE,
                str(int(time.time())),
                max_age=read_your_writes_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
