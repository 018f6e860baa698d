"""GET /healthz/: 200 "ok" after a database round trip, for anyone, with no session, no
cookie and no caching; 503 when the database does not answer."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from binhyen.core import health

pytestmark = pytest.mark.django_db


def test_healthz_is_served_at_the_site_root():
    assert reverse("healthz") == "/healthz/"


def test_healthz_answers_ok_without_session_cookie_or_cache(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1, nothing else (no session, no user)
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.cookies  # neither a session nor a CSRF cookie
    assert "Cookie" not in response.get("Vary", "")


def test_healthz_answers_head_and_refuses_writes(client):
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    class Broken:
        def __enter__(self):
            raise DatabaseError("down")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.content != b"ok\n"
