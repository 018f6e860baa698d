"""Refusals of the API: documented for every operation (api/schema.py), JSON everywhere
under /api/ (api/errors.py), in the user's language. The fuzzing suite (test_fuzz.py)
checks the answers against the schema; these fast tests pin the mechanisms."""

from __future__ import annotations

import pytest
from django.conf import settings

from binhyen.accounts.choices import Role
from binhyen.accounts.services import create_user, grant_role

from .test_fuzz import messages_of, schema_document

METHODS = {"get", "post", "put", "patch", "delete"}
REFS = {"#/components/schemas/Error", "#/components/schemas/FieldErrors"}


def operations():
    for path, item in schema_document()["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_refusal_is_documented_with_its_json_shape():
    public = {"/api/v1/services/", "/api/v1/units/", "/api/v1/units/{code}/"}
    public |= {"/api/v1/boundaries/", "/api/v1/requests/"}
    public |= {"/api/v1/requests/status/", "/api/v1/requests/messages/"}
    count = 0
    for path, method, operation in operations():
        count += 1
        responses = operation["responses"]
        refusals = {code for code in responses if code[0] in "45"}
        for code in refusals:
            schema = responses[code]["content"]["application/json"]["schema"]
            assert schema["$ref"] in REFS, (method, path, code)
        parameters = operation.get("parameters", [])
        if any(p["in"] == "path" for p in parameters):
            assert "404" in refusals, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= refusals, (method, path)
        if path not in public:
            assert "403" in refusals, (method, path)
    assert count > 100


def test_documents_and_unpaged_lists_are_documented():
    paths = schema_document()["paths"]
    review = paths["/api/v1/review/"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "application/pdf", "text/html"} <= set(review)
    assert any("spreadsheetml" in media for media in review)
    conference = paths["/api/v1/award-occasions/{id}/conference/"]["get"]
    assert conference["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )
    assert not any(p["name"] in ("limit", "offset") for p in conference.get("parameters", []))


def test_enum_fields_that_take_blank_say_so():
    schemas = schema_document()["components"]["schemas"]
    blank = {"$ref": "#/components/schemas/BlankEnum"}
    assert schemas["BlankEnum"] == {"enum": [""]}
    for name in ("exit_reason", "collective_kind"):  # EnumField(..., allow_blank=True)
        fields = [
            s["properties"][name] for s in schemas.values() if name in s.get("properties", {})
        ]
        assert fields and all(blank in field.get("oneOf", []) for field in fields), name


@pytest.fixture
def admin_client(db, client):
    admin = create_user("api.admin", "x")
    grant_role(admin, Role.SYSTEM_ADMIN)
    client.force_login(admin)
    return client


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_path_that_matches_no_view_answers_json_under_api_only(client, db):
    response = client.get("/api/v1/schemes//")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_request_refused_before_any_view_answers_json_under_api(client, db):
    response = client.get("/api/v1/units/", HTTP_HOST="not-allowed.example")  # DisallowedHost
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_missing_record_answers_not_found_in_the_users_language(admin_client):
    vietnamese = admin_client.get("/api/v1/schemes/999999999/")
    assert vietnamese.status_code == 404
    english = in_english(admin_client).get("/api/v1/schemes/999999999/")
    assert english.status_code == 404
    # Django's own message ("No Scheme matches the given query.") has no translation
    assert vietnamese.json()["detail"] != english.json()["detail"]


def test_field_errors_come_in_the_users_language(admin_client):
    vietnamese = admin_client.post("/api/v1/schemes/", {}, content_type="application/json")
    assert vietnamese.status_code == 400
    english = in_english(admin_client).post("/api/v1/schemes/", {}, content_type="application/json")
    assert english.status_code == 400
    assert vietnamese.json().keys() == english.json().keys()
    assert vietnamese.json() != english.json()


@pytest.mark.parametrize("url", ["/api/v1/units/99%00/", "/api/v1/award-forms/a%00/"])
def test_a_nul_byte_in_the_address_is_refused(admin_client, url):
    # PostgreSQL text cannot hold NUL: the lookup failed (500) before
    # core.middleware.NullCharacterMiddleware
    response = admin_client.get(url)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("url", ["/geo/units/99%00/", "/geo/search/?q=a%00"])
def test_a_nul_byte_in_a_page_address_is_refused(admin_client, url):
    assert admin_client.get(url).status_code == 400


def test_a_nul_byte_in_a_looked_up_parameter_or_body_is_refused(admin_client):
    counts = admin_client.get("/api/v1/scheme-counts/?scheme_type=a%00")
    assert counts.status_code == 400
    proposal = {"occasion": 1, "form": "a\x00", "authority": "b\x00", "recipient_kind": "x"}
    nominated = admin_client.post(
        "/api/v1/award-nominations/", proposal, content_type="application/json"
    )
    assert nominated.status_code == 400
    boundaries = admin_client.get("/api/v1/boundaries/?within=a%00")
    assert boundaries.status_code in (400, 404)  # SQLite finds no such unit: 404
    for response in (counts, nominated, boundaries):
        assert messages_of(response.json())


@pytest.mark.django_db
def test_refusals_worded_by_drf_come_in_vietnamese(client):
    """DRF's own Vietnamese catalogue lacks most of its messages; api/drf_messages.py
    marks them for the project's catalogue."""
    vietnamese = client.get("/api/v1/schemes/").json()["detail"]
    english = in_english(client).get("/api/v1/schemes/").json()["detail"]
    assert english == "Authentication credentials were not provided."
    assert vietnamese != english
