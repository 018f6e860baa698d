"""The database going away during a request (core/faults.py): a clear 503 with
Retry-After — never Django's 500, a traceback or SQL — and the next request works.

Requests go through Django's WSGIHandler as a WSGI server sends them: the test client
disconnects `close_old_connections` from request_started/finished, and that is exactly
what discards a broken connection in production. Faults: a real `pg_terminate_backend`
of the app's connection (at the request's first query, and between requests on a
persistent connection), a server on a closed port (PostgreSQL), and a simulated
OperationalError from the driver at a query (both databases)."""

from __future__ import annotations

import json
import socket
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory

from binhyen.accounts.services import create_user
from binhyen.core import faults

pytestmark = pytest.mark.faults
postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="kills a real PostgreSQL backend",
)

# (path, signed in, API): the first query of each is the session lookup when signed in
TARGETS = {
    "anonymous page": ("/tips/report/", False, False),
    "anonymous API": ("/api/v1/units/", False, True),
    "signed-in page": ("/", True, False),
    "signed-in API": ("/api/v1/units/", True, True),
}
LEAKS = ("Traceback", "SELECT", "OperationalError", "psycopg", "sqlite", "django_session")


def transactional(test):
    """Requests go through the real handler, which closes connections: no test
    transaction can wrap them."""
    return pytest.mark.usefixtures("audit_log_emptied_after")(
        pytest.mark.django_db(transaction=True)(test)
    )


class Server:
    """Requests through WSGIHandler, closed as a WSGI server closes them."""

    def __init__(self, cookies: dict[str, str] | None = None):
        self.handler = WSGIHandler()
        self.cookies = cookies or {}

    def get(self, path: str):
        return self.send(RequestFactory().get, path)

    def post_json(self, path: str, data: dict):
        return self.send(RequestFactory().post, path, json.dumps(data), "application/json")

    def send(self, method, path: str, *args):
        extra = {}
        if self.cookies:
            extra["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        environ = method(path, *args, **extra).environ
        response = self.handler(environ, lambda status, headers, exc_info=None: None)
        try:
            body = b"".join(response)
        finally:
            response.close()  # request_finished: close_old_connections
        return response, body


@pytest.fixture
def session_cookie():
    user = create_user("faults.user", "a-long-password-1")
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def server_for(signed_in: bool, session_cookie) -> Server:
    return Server(dict(session_cookie) if signed_in else None)


def assert_unavailable(response, body: bytes, api: bool, target: str = "") -> None:
    assert response.status_code == 503, (target, body[:300])
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    text = body.decode()
    for leak in LEAKS:
        assert leak not in text
    if api:
        assert response["Content-Type"] == "application/json"
        detail = json.loads(body)["detail"]
        assert isinstance(detail, str) and detail.strip()
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "<h1>" in text and "<p>" in text


def assert_works(response, body: bytes, target: str = "") -> None:
    # 200, not a redirection: signed in, the session survived
    assert response.status_code == 200, (target, body[:300])


# ---- fault injection ----------------------------------------------------------------------


def terminate(pid: int) -> None:
    """pg_terminate_backend from another session, waiting until the backend has gone."""
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@contextmanager
def at_first_query(fault):
    """Run `fault(django_connection)` once, just before the next query executes."""
    armed = [True]

    def wrapper(execute, sql, params, many, context):
        if armed[0]:
            armed[0] = False
            fault(context["connection"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
    assert not armed[0], "the request ran no query: nothing was injected"


@contextmanager
def at_every_query(fault):
    """Run `fault(django_connection)` before every query (the database down throughout)."""
    ran = []

    def wrapper(execute, sql, params, many, context):
        ran.append(sql)
        fault(context["connection"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield ran
    assert ran, "the request ran no query: nothing was injected"


def killed(db) -> None:
    terminate(db.connection.info.backend_pid)


def driver_error(db) -> None:
    """What the driver raises when its server has gone, wrapped as Django wraps it."""
    with db.wrap_database_errors:
        raise db.Database.OperationalError("simulated: server closed the connection")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


# ---- the tests ----------------------------------------------------------------------------
# Few transactional tests (each ends with a flush of every table: seconds on PostgreSQL),
# each going through every target.


@postgres_only
@transactional
def test_a_connection_killed_during_the_request_answers_503_then_recovers(session_cookie):
    for name, (path, signed_in, api) in TARGETS.items():
        server = server_for(signed_in, session_cookie)
        with at_first_query(killed):
            assert_unavailable(*server.get(path), api=api, target=name)
        assert connection.connection is None, name  # discarded at request_finished
        assert_works(*server.get(path), target=name)
    server = Server()
    with at_first_query(killed):
        response, body = server.get("/healthz/")
    assert response.status_code == 503 and body != b"ok\n"
    assert server.get("/healthz/")[1] == b"ok\n"


@postgres_only
@transactional
def test_a_persistent_connection_killed_between_requests(session_cookie, monkeypatch):
    """CONN_MAX_AGE > 0: the connection outlives the request. Killed while idle (a
    database restart), the next request answers 503 and the connection is dropped at its
    end; the one after reconnects. With CONN_HEALTH_CHECKS the first request after the
    kill already reconnects and never fails."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    server = server_for(True, session_cookie)
    for health_checks in (False, True):
        monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", health_checks)
        connection.close()
        assert_works(*server.get("/"))
        pid = connection.connection.info.backend_pid  # kept open after the request
        terminate(pid)
        response, body = server.get("/")
        if not health_checks:
            assert_unavailable(response, body, api=False)
            assert connection.connection is None
            response, body = server.get("/")
        assert_works(response, body, target=f"health checks: {health_checks}")
        assert connection.connection.info.backend_pid != pid


@postgres_only
@transactional
def test_an_unreachable_server_answers_503_then_recovers(session_cookie, monkeypatch):
    port = connection.settings_dict["PORT"]
    for name, (path, signed_in, api) in TARGETS.items():
        server = server_for(signed_in, session_cookie)
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "PORT", closed_port())
        assert_unavailable(*server.get(path), api=api, target=name)
        monkeypatch.setitem(connection.settings_dict, "PORT", port)
        assert_works(*server.get(path), target=name)


@transactional
def test_driver_errors_answer_503_then_recover(session_cookie, caplog):
    """Both databases (on SQLite the only way: its in-memory test database cannot go).
    Signed in, the session middleware reads the session again after the view failed
    (for its expiry): that second failure is raised in a middleware, not in the view."""
    for name, (path, signed_in, api) in TARGETS.items():
        server = server_for(signed_in, session_cookie)
        caplog.clear()
        with at_every_query(driver_error) as queries:
            assert_unavailable(*server.get(path), api=api, target=name)
        assert len(queries) == (2 if signed_in else 1), name
        logged = [r for r in caplog.records if r.name == faults.__name__]
        assert len(logged) == 1 and logged[0].exc_info, name  # once, with the traceback
        assert_works(*server.get(path), target=name)
    # a write: the log keeps the path, never the body
    caplog.clear()
    secret = "secret-marker-of-the-request-body"
    body = {"service_code": "theft", "description": secret, "unit_code": "00001"}
    with at_every_query(driver_error):
        assert_unavailable(*Server().post_json("/api/v1/requests/", body), api=True)
    assert "/api/v1/requests/" in caplog.text and secret not in caplog.text
    # in the user's language
    server = server_for(True, {**session_cookie, settings.LANGUAGE_COOKIE_NAME: "en"})
    with at_every_query(driver_error):
        response, body = server.get("/")
    assert response.status_code == 503
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in body.decode()


@transactional
def test_a_failure_at_the_session_save_is_no_500(session_cookie):
    """The view answered; saving the session afterwards fails. Django's SessionStore.save
    reads any DatabaseError of its UPDATE as "the session was deleted meanwhile"
    (SessionInterrupted, 400), before any handler can see the database error: not the
    503 it deserves, but no 500 and nothing leaked either."""
    server = server_for(True, session_cookie)

    def session_write(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "django_session" in sql:
            driver_error(context["connection"])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(session_write):
        response, body = server.get("/")
    assert response.status_code in (400, 503)
    assert not any(leak in body.decode() for leak in LEAKS)
    assert_works(*server.get("/"))


def test_the_503_renders_without_touching_the_database(rf):
    """No database mark: pytest-django fails any query. base.html would read the user."""
    for path, api in (("/", False), ("/api/v1/units/", True)):
        request = rf.get(path)
        response = faults.unavailable_response(request)
        assert_unavailable(response, response.content, api=api)


def test_other_errors_are_left_to_django(rf):
    middleware = faults.DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(rf.get("/"), ValueError("boom")) is None


class _DriverError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(text: str, sqlstate: str | None = None) -> OperationalError:
    error = OperationalError(text)
    if sqlstate:
        error.__cause__ = _DriverError(sqlstate)
    return error


def test_only_transient_database_errors_answer_503():
    """A bad query is a bug (500), not a wait: the 503 would hide it."""
    assert faults.is_unavailable(_wrapped("terminating connection", "57P01"))
    assert faults.is_unavailable(_wrapped("deadlock detected", "40P01"))
    assert faults.is_unavailable(_wrapped("connection failed: Connection refused"))
    assert faults.is_unavailable(_wrapped("database is locked"))
    assert faults.is_unavailable(InterfaceError("connection already closed"))
    assert not faults.is_unavailable(_wrapped('column "x" does not exist', "42703"))
    assert not faults.is_unavailable(_wrapped("no such column: schemes_scheme.x"))
    assert not faults.is_unavailable(ValueError("database is locked"))
