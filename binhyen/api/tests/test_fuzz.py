"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis).

For three callers (anonymous, a commune officer, a system administrator) and every
operation of the schema served at /api/schema/, hypothesis generates requests that the
schema allows (positive) and requests it forbids (negative), sends them in-process to the
WSGI application (real session cookie and CSRF token, the test database) and checks:

- no server error (5xx);
- the status code, the content type and the body are those the schema documents;
- a body the schema forbids is refused (4xx);
- every refusal (4xx) is JSON with a non-empty message: `detail` or messages by field.

To get past the first validation, fields naming a unit or a date often get a unit code
of the demo province or a date around the 2025 reform (fuzz_config), and path parameters
also take ids that exist (KnownIds: read from the list endpoints, records created by the
fuzzing included), in and out of the officer's jurisdiction. Bounded and reproducible:
EXAMPLES cases per operation and mode, derandomized. Each caller's figures are printed
(`pytest -p no:xdist -m fuzz binhyen/api`).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache as django_cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.fuzz]

EXAMPLES = 10  # per operation and generation mode (positive, negative)


def no_server_error(ctx, response, case):
    """No 5xx, except one the operation documents (503: a document format this machine
    cannot produce, e.g. PDF without Pango)."""
    if str(response.status_code) in case.operation.definition.raw["responses"]:
        return None
    return not_a_server_error(ctx, response, case)


def invalid_body_refused(ctx, response, case):
    """A body the schema forbids is refused with a 4xx. Only bodies: query strings are
    read leniently by design (DRF's limit/offset, django-filter), not checked here."""
    negative = {
        location
        for location, part in (case.meta.components if case.meta else {}).items()
        if part.mode.is_negative
    }
    if negative != {ParameterLocation.BODY}:
        return None
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    invalid_body_refused,
]
ROLES = ["anonymous", "officer", "admin"]
KNOWN_IDS = 2  # existing ids tried per path parameter, from each list read
# Fields and parameters naming a unit by its code: often given a code of the demo (else
# nearly every generated body is refused for its unit and never reaches the services).
UNIT_FIELDS = {"unit", "unit_code", "to_unit", "origin_unit", "recipient_unit"}
UNIT_FIELDS |= {"within", "commune", "residential_area", "handling_unit", "parent"}
DATES = ["2025-08-01", "2025-07-01", "2024-06-01", "2023-01-15"]  # around the 2025 reform
KNOWN_VALUE = 0.7  # probability of a known value where one is bound


@cache
def schema_document() -> dict:
    """The schema /api/schema/ serves, as JSON."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def fuzz_config(unit_codes: list[str]) -> schemathesis.Config:
    """Known unit codes and dates for the fields that take them (any date field, body or
    query); the session cookie is ours (session_of), not generated."""
    bindings = {}
    for path_item in schema_document()["paths"].values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                if parameter.get("schema", {}).get("format") == "date":
                    bindings[f"query.{parameter['name']}"] = "dates"
                elif parameter["name"] in UNIT_FIELDS:
                    bindings[f"query.{parameter['name']}"] = "units"
    for component in schema_document()["components"]["schemas"].values():
        for name, prop in component.get("properties", {}).items():
            if prop.get("format") == "date":
                bindings[f"body.{name}"] = "dates"
            elif name in UNIT_FIELDS and prop.get("type") == "string":
                bindings[f"body.{name}"] = "units"
    return schemathesis.Config.from_dict(
        {
            "generation": {"with-security-parameters": False},
            "dictionaries": {"units": {"values": unit_codes}, "dates": {"values": DATES}},
            "parameters": {
                key: {"dictionary": name, "probability": KNOWN_VALUE}
                for key, name in sorted(bindings.items())
            },
        }
    )


def unit_codes(triangle) -> list[str]:
    """The officer's commune, one of its areas, its province, a sibling commune, and
    the outsider's province."""
    from binhyen.geo.models import AdminUnit

    commune = triangle.unit
    area = AdminUnit.objects.filter(versions__parent=commune).order_by("code").first()
    sibling = (
        AdminUnit.objects.filter(level=commune.level, code__startswith=triangle.parent.code)
        .exclude(pk=commune.pk)
        .order_by("code")
        .first()
    )
    units = [commune, area, triangle.parent, sibling]
    return [u.code for u in units if u is not None] + ["97"]


@pytest.fixture
def app():
    """The WSGI application. Rate-limit counters (cache) start and end empty: the public
    tip endpoints may answer 429 (documented), and must not refuse the tests that run
    next. django.request's warnings (every 4xx) are silenced: the checks report."""
    application = get_wsgi_application()  # configures logging: level set after it
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    django_cache.clear()
    yield application
    django_cache.clear()
    logger.setLevel(level)


@contextmanager
def in_test_transaction():
    """Django closes the database connection at each request's start and end; Django's
    test client unhooks that around its requests, and so does this around ours, or the
    test's transaction would be lost (PostgreSQL: the connection closed)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors():
    """Tracebacks of the exceptions the application turned into 500 answers."""
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(f"{request.method} {request.get_full_path()}\n{traceback.format_exc()}")

    signals.got_request_exception.connect(record)
    yield errors
    signals.got_request_exception.disconnect(record)


def session_of(user) -> dict[str, str]:
    """Cookies of a signed-in session and a CSRF token (anonymous: the token only)."""
    token = _get_new_csrf_string()
    cookies = {"csrftoken": token}
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies["sessionid"] = client.cookies["sessionid"].value
    return cookies


class KnownIds:
    """Existing values of a path parameter: the first ids the collection's list shows
    the officer (own records) and the administrator (the whole province). Read when an
    operation first needs them: operations run in path order, so the records the fuzzing
    created through the collection's POST are among them."""

    def __init__(self, users):
        self.clients = []
        for user in users:
            client = Client()
            client.force_login(user)
            self.clients.append(client)
        self.found: dict[str, list[str]] = {}

    def __call__(self, operation) -> list[str]:
        collection = operation.path.split("{")[0]
        if collection not in self.found:
            name = operation.path_parameters[0].name
            values = self.found[collection] = []
            for client in self.clients:
                response = client.get(collection)
                if response.status_code != 200:
                    continue
                body = response.json()
                rows = body["results"] if isinstance(body, dict) and "results" in body else body
                for row in rows[:KNOWN_IDS]:
                    value = str(row.get(name, "")) if isinstance(row, dict) else ""
                    if value and value not in values:
                        values.append(value)
        return self.found[collection]


def messages_of(body) -> list[str]:
    """The non-empty texts of a refusal's body (`detail`, messages by field, nested)."""
    if isinstance(body, str):
        return [body] if body.strip() else []
    if isinstance(body, dict):
        body = list(body.values())
    if isinstance(body, list):
        return [text for item in body for text in messages_of(item)]
    return []


def check_refusal(response) -> list[str]:
    """A 4xx must be JSON with a message; returns its messages."""
    assert response.headers["content-type"][0].startswith("application/json"), response.text
    messages = messages_of(json.loads(response.content))
    assert messages, f"a {response.status_code} without a message: {response.text}"
    return messages


def strategies(operation, mode, known_ids):
    """Generated cases; in positive mode also cases on existing records."""
    generated = [operation.as_strategy(generation_mode=mode)]
    parameter = operation.path_parameters[0] if operation.path_parameters else None
    if mode == GenerationMode.POSITIVE and parameter is not None:
        for value in known_ids(operation):
            generated.append(
                operation.as_strategy(generation_mode=mode, path_parameters={parameter.name: value})
            )
    return st.one_of(generated)


@dataclass
class Tally:
    """What one caller's fuzzing did and found."""

    statuses: Counter = field(default_factory=Counter)
    reached: set = field(default_factory=set)  # operations answered with a 2xx
    refusals: set = field(default_factory=set)  # distinct messages of the 4xx
    failures: list = field(default_factory=list)

    def summary(self, role: str, operations: int) -> str:
        """The figures; refusal messages in plain ASCII are likely untranslated (every
        Vietnamese sentence has a letter outside ASCII)."""
        english = sum(1 for m in self.refusals if m.isascii())
        return (
            f"fuzz {role}: {operations} operations ({len(self.reached)} answered 2xx), "
            f"{sum(self.statuses.values())} requests, statuses "
            f"{dict(sorted(self.statuses.items()))}, {len(self.failures)} failures; "
            f"{len(self.refusals)} distinct refusal messages, {english} in plain ASCII"
        )


def send(case, cookies, headers):
    with in_test_transaction():
        return case.call(cookies=cookies, headers=headers)


def fuzz_operation(operation, mode, known_ids, call, tally: Tally, server_errors) -> None:
    """EXAMPLES cases of one operation in one mode; a failure is recorded, not raised."""

    @given(case=strategies(operation, mode, known_ids))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        server_errors.clear()
        django_cache.clear()  # rate-limit counters: each case on its own
        response = call(case)
        tally.statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)
        if 200 <= response.status_code < 300:
            tally.reached.add(operation.label)
        elif 400 <= response.status_code < 500:
            tally.refusals.update(check_refusal(response))

    try:
        fuzz()
    except Unsatisfiable:
        assert mode == GenerationMode.NEGATIVE  # nothing in the operation to make invalid
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported by the test
        trace = "\n".join(server_errors[-1:])
        tally.failures.append(f"{operation.label} [{mode.value}]\n{exc}\n{trace}")


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_as_documented(role, triangle, app, server_errors, capsys):
    schema = schemathesis.openapi.from_dict(
        schema_document(), config=fuzz_config(unit_codes(triangle))
    )
    schema.app = app
    cookies = session_of(None if role == "anonymous" else getattr(triangle, role))
    headers = {"X-CSRFToken": cookies["csrftoken"]}
    known_ids = KnownIds([triangle.officer, triangle.admin])
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(
                operation,
                mode,
                known_ids,
                lambda case: send(case, cookies, headers),
                tally,
                server_errors,
            )
    with capsys.disabled():
        print("\n" + tally.summary(role, len(operations)))
    assert len(operations) > 100
    if tally.failures:
        pytest.fail("\n\n".join(tally.failures), pytrace=False)
