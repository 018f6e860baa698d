"""The API's OpenAPI schema class: every operation documents the refusals it can answer.

drf-spectacular documents the success responses only; a client (and the fuzzing suite,
api/tests/test_fuzz.py) must also know the shape of a refusal. One rule for the whole API,
instead of a declaration on each view:

- 400 where a body or query parameters are read: messages keyed by field
  (`non_field_errors` for the whole input) or a `detail` (unreadable body); 415 where a
  body is read, for a body sent without a content type the endpoint reads;
- 403 unless the endpoint is open to anyone: not signed in, no right on the unit or
  record, undeclared scoping, missing CSRF token;
- 404 where the path names a record (outside the jurisdiction it does not exist either);
- 503 everywhere: the database is unreachable for a moment (binhyen/core/faults.py);
- any other 4xx a view declares (409 stale edit, 429 rate limit) keeps its description
  and gets the body `{"detail": "…"}`.

Messages are in the user's language (Vietnamese unless they chose English).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS, AllowAny

ERROR = "Error"
FIELD_ERRORS = "FieldErrors"
COMPONENTS = {
    ERROR: {
        "type": "object",
        "description": "A refusal: `detail` says why, in the user's language.",
        "properties": {"detail": {"type": "string", "minLength": 1}},
        "required": ["detail"],
    },
    FIELD_ERRORS: {
        "type": "object",
        "description": (
            "Invalid input: for each field, its messages (nested for nested fields), "
            "`non_field_errors` for the whole input, or `detail` when the body cannot be read."
        ),
        "minProperties": 1,
        "additionalProperties": {
            "anyOf": [{"type": "array"}, {"type": "object"}, {"type": "string", "minLength": 1}]
        },
    },
}
REFUSALS = {
    "400": (FIELD_ERRORS, "Invalid input, keyed by field."),
    "403": (ERROR, "Not signed in, or not allowed here (jurisdiction, role, CSRF token)."),
    "404": (ERROR, "No such record (or not in your jurisdiction)."),
    "409": (ERROR, "Someone else changed the record since you read it."),
    "415": (ERROR, "The body is not in a format the endpoint reads (see its content types)."),
    "429": (ERROR, "Too many requests; try again later."),
    "503": (ERROR, "The database is unreachable for a moment; try again (Retry-After)."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema plus the refusals of each operation (module docstring)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        codes = {code for code in responses if code[0] in "45"} | {"503"}
        if "requestBody" in operation:
            codes.update({"400", "415"})
        if any(p.get("in") == "query" for p in parameters):
            codes.add("400")
        if not self._open_to_anyone():
            codes.add("403")
        if any(p.get("in") == "path" for p in parameters):
            codes.add("404")
        for code in codes:
            name, description = REFUSALS.get(code, (ERROR, "Refused."))
            response = responses.setdefault(code, {"description": description})
            response.setdefault("content", {"application/json": {"schema": self._component(name)}})
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _open_to_anyone(self) -> bool:
        """No permission to refuse, and no session whose CSRF token could be missing."""
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            return False
        return self.method in SAFE_METHODS or not self.view.get_authenticators()

    def _component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref
