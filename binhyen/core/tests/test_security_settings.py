"""The security settings: headers, CSP without inline scripts, CSRF on every form,
`check --deploy` clean with the production environment, secrets only from it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from binhyen.settings.env import csp_source

PACKAGE = Path(__file__).resolve().parents[3]
TEMPLATES = sorted(PACKAGE.glob("binhyen/*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I
)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.I | re.S)

# What docs/deployment.md tells an operator to set behind TLS.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "binhyen.settings.base",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "binhyen.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://binhyen.example.vn",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "TRUSTED_PROXY": "true",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "FIELD_ENCRYPTION_KEYS": "n1qzD0A6y3Pq4fHk3VhYp0bQ2m9zQJm3k6wqXcJ1y8E=",
    "BLIND_INDEX_KEY": "a-blind-index-key-for-the-check",
}


def run_command(args: list[str], env: dict[str, str], tmp_path: Path):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "SECURE_COOKIES"}
    clean.pop("SECRET_KEY", None)
    clean.update(env, BINHYEN_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db")
    return subprocess.run(
        [sys.executable, "-m", "binhyen", *args],
        env=clean,
        cwd=PACKAGE,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)}
    result = run_command(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_an_insecure_environment(tmp_path):
    """The same check fails when production is set up without TLS settings: the test
    above would not pass by accident."""
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_SSL_REDIRECT": "false"}
    env["SECURE_COOKIES"] = "false"
    result = run_command(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W012" in result.stderr + result.stdout


def test_without_a_secret_key_production_does_not_start(tmp_path):
    result = run_command(["check"], PRODUCTION, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_every_answer_carries_the_security_headers(client):
    response = client.get("/login/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # never over plain HTTP
    secure = client.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_api_docs_run_without_inline_script(client, django_user_model):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert not INLINE_SCRIPT.search(page.content.decode())
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]


def test_templates_hold_no_inline_script_or_handler():
    assert len(TEMPLATES) > 100
    offenders = [
        f"{path.relative_to(PACKAGE)}: {match.group(0)[:60]}"
        for path in TEMPLATES
        for pattern in (INLINE_SCRIPT, HANDLER)
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []


def test_every_post_form_carries_the_csrf_token():
    forms = [(path, body) for path in TEMPLATES for body in POST_FORM.findall(path.read_text())]
    assert len(forms) > 50
    missing = [str(path.relative_to(PACKAGE)) for path, body in forms if "csrf_token" not in body]
    assert missing == []


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("https://{s}.tiles.example.vn/{z}/{x}/{y}.png", ["https://*.tiles.example.vn"]),
        ("https://tiles.example.vn:8443/{z}/{x}/{y}.png", ["https://tiles.example.vn:8443"]),
        ("//tiles.example.vn/{z}/{x}/{y}.png", ["tiles.example.vn"]),
        ("/tiles/{z}/{x}/{y}.png", []),
        ("", []),
    ],
)
def test_the_map_tiles_server_is_allowed_by_the_policy(template, source):
    assert csp_source(template) == source


def test_a_tiles_template_the_policy_cannot_express_stops_start_up():
    with pytest.raises(ImproperlyConfigured):
        csp_source("https://tile{s}.example.vn/{z}/{x}/{y}.png")
