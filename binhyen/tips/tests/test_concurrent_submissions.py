"""The public tip channel under concurrent submissions on loopback (bounded): every
acknowledged tip (a tip code returned to the client) is stored exactly once, nothing
unacknowledged is stored, no submission fails.

The app runs in this process on a loopback port behind Django's threaded WSGI server (the
one of `live_server`), a thread per request and — as under gunicorn's threads — a
database connection per thread. pytest-django's `live_server` would hand every thread
the one connection of SQLite's in-memory test database (their transactions would
interleave on it: nothing like production), so on SQLite the server gets a file copy of
the test database, opened with the production OPTIONS (settings/base.py); on PostgreSQL
it uses the test database itself (hence a transactional test).

Clients: WORKERS threads × TIPS_EACH tips, half through the form (POST /tips/report/,
the CSRF token from one GET per client), half through the Open311 API (POST
/api/v1/requests/), each tip carrying a unique marker in its description. The
submission rate limit is lifted (a 429 is no fault); bench/web_load.py does the same at
load under gunicorn.

A resubmission (a double click, a client retrying) is not recognised: the channel has no
idempotency key, by design of its receipts (the passphrase is shown once and only its
hash is kept, so a replayed request cannot be answered with the first receipt). It is
stored as a second tip with its own code; officers mark it with the duplicate action.
"""

from __future__ import annotations

import http.client
import json
import re
import sqlite3
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection, connections
from django.db.utils import load_backend

from binhyen.geo import queries as geo_queries
from binhyen.tips.forms.public import communes
from binhyen.tips.models import Tip

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("audit_log_emptied_after"),
]

WORKERS, TIPS_EACH = 8, 5
TIMEOUT = 60  # seconds, per request: a bound, never an assertion
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'id="receipt-code"[^>]*>(.*?)</p>', re.S)
SPAN = re.compile(r"<span>([^<]+)</span>")


# ---- the server -----------------------------------------------------------------------


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def server_database(tmp_path) -> dict:
    """The settings of the database the server threads open (see the module docstring)."""
    if connection.vendor != "sqlite":
        return dict(connection.settings_dict)
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return {**connection.settings_dict, "NAME": str(path)}


def open_database(database: dict, alias: str = "default"):
    return load_backend(database["ENGINE"]).DatabaseWrapper(dict(database), alias)


@contextmanager
def serving(database: dict):
    """The app on 127.0.0.1:<free port>; yields the port."""

    class Server(ThreadedWSGIServer):
        def process_request_thread(self, request, client_address):
            connections["default"] = open_database(database)  # this thread's own
            super().process_request_thread(request, client_address)  # closes it after

    httpd = Server(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    httpd.set_app(WSGIHandler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(TIMEOUT)


def stored(database: dict, prefix: str) -> list[tuple[str, str]]:
    """(code, description) of every tip whose description starts with the prefix."""
    db = open_database(database, "faults-check")
    try:
        with db.cursor() as cursor:
            cursor.execute(
                f"SELECT code, description FROM {Tip._meta.db_table} "  # noqa: S608
                "WHERE description LIKE %s",
                [prefix + "%"],
            )
            return list(cursor.fetchall())
    finally:
        db.close()


# ---- the clients ----------------------------------------------------------------------


class Client:
    """One resident: a new connection per request, the cookies kept."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        sent = {"Connection": "close", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for raw in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return response.status, data


class FormSender:
    def __init__(self, client: Client, province: str, commune: str):
        self.client, self.province, self.commune = client, province, commune
        status, page = client.request("GET", "/tips/report/")
        assert status == 200
        self.token = CSRF_FIELD.search(page.decode()).group(1)

    def send(self, marker: str) -> tuple[int, str | None]:
        body = urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "category": "drugs",
                "province": self.province,
                "commune": self.commune,
                "residential_area": "",
                "description": marker,
            }
        ).encode()
        status, page = self.client.request(
            "POST",
            "/tips/report/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        found = RECEIPT.search(page.decode()) if status == 200 else None
        return status, "-".join(SPAN.findall(found.group(1))) if found else None


class APISender:
    def __init__(self, client: Client, commune: str):
        self.client, self.commune = client, commune

    def send(self, marker: str) -> tuple[int, str | None]:
        body = json.dumps(
            {"service_code": "theft", "description": marker, "unit_code": self.commune}
        )
        status, data = self.client.request(
            "POST", "/api/v1/requests/", body.encode(), {"Content-Type": "application/json"}
        )
        return status, json.loads(data)[0]["service_request_id"] if status == 201 else None


# ---- the tests --------------------------------------------------------------------------


@pytest.fixture
def channel(demo, settings, tmp_path):
    """A served copy of the demo, the submission rate limit lifted; yields
    (port, database settings, province code, commune code)."""
    settings.PUBLIC_TIP_SUBMIT_RATE = "1000000/m"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    commune = communes("99", geo_queries.today())[0].unit.code
    database = server_database(tmp_path)
    with serving(database) as port:
        yield port, database, "99", commune
    cache.clear()


def test_every_acknowledged_tip_is_stored_exactly_once(channel):
    port, database, province, commune = channel
    prefix = f"concurrent-{uuid.uuid4().hex[:8]}-"
    ready = threading.Barrier(WORKERS)

    def worker(n: int) -> list[tuple[str, int, str | None]]:
        client = Client(port)
        sender = FormSender(client, province, commune) if n % 2 else APISender(client, commune)
        ready.wait(TIMEOUT)  # every client starts sending at once
        results = []
        for i in range(TIPS_EACH):
            marker = f"{prefix}{n}-{i}"
            results.append((marker, *sender.send(marker)))
        return results

    with ThreadPoolExecutor(WORKERS) as pool:
        results = [r for rs in pool.map(worker, range(WORKERS)) for r in rs]

    statuses = Counter(status for _, status, _ in results)
    assert set(statuses) <= {200, 201}, statuses  # no 5xx, no refusal
    acknowledged = {marker: code for marker, _, code in results if code}
    assert len(acknowledged) == WORKERS * TIPS_EACH  # every submission acknowledged
    rows = stored(database, prefix)
    markers = Counter(description for _, description in rows)
    codes = Counter(code for code, _ in rows)
    assert max(markers.values()) == 1 and max(codes.values()) == 1  # nothing stored twice
    assert dict(rows) == {code: marker for marker, code in acknowledged.items()}


def test_a_double_click_stores_two_tips_each_acknowledged(channel):
    """The same form sent twice at once, and the same API request sent twice at once:
    no idempotency key (module docstring), so two tips with two codes — each stored
    once, none lost, none merged."""
    port, database, province, commune = channel
    prefix = f"double-{uuid.uuid4().hex[:8]}-"
    for name, sender in (
        ("form", FormSender(Client(port), province, commune)),
        ("api", APISender(Client(port), commune)),
    ):
        marker = f"{prefix}{name}"
        ready = threading.Barrier(2)

        def click(_, sender=sender, marker=marker, ready=ready):
            ready.wait(TIMEOUT)
            return sender.send(marker)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(click, range(2)))
        assert all(status in (200, 201) for status, _ in answers), answers
        first, second = (code for _, code in answers)
        assert first and second and first != second
        rows = [code for code, description in stored(database, prefix) if description == marker]
        assert sorted(rows) == sorted([first, second])
