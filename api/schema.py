"""
The OpenAPI schema as the API answers: the personal token ("Authorize" in /api/docs/ with a Bearer
token), which endpoints anyone may call, and the JSON errors (``api.exceptions``) each one can give.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import permissions


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (mtp_…) made on the API tokens page of your account.",
        }


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        """An endpoint that asks no one to sign in (only ``TokenScope``'s "a read-only token reads") is open."""
        auths = super().get_auth()
        needs_someone = any(
            isinstance(permission, permissions.IsAuthenticated) for permission in self.view.get_permissions()
        )
        if not needs_someone and {} not in auths:
            auths.append({})
        return auths


ERROR = {
    "type": "object",
    "description": "Every error: a code to act on, a message in the reader's language, and the fields at fault.",
    "properties": {
        "code": {"type": "string", "description": "What went wrong, e.g. `taken`, `rate`, `not_found`."},
        "message": {"type": "string", "description": "Translated (Accept-Language, or the profile's language)."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Only for values not valid: each field's messages.",
        },
    },
    "required": ["code", "message"],
}
WRITES = {"post", "put", "patch", "delete"}
# status: (component name, description): one shared answer each, referred to by every operation.
ERRORS = {
    "400": ("Invalid", "A value is not valid (`fields` says which), or the request is malformed."),
    "401": ("Unauthenticated", "A token not valid (revoked, expired, mistyped), or none where one is needed."),
    "403": ("Forbidden", "Not allowed: a read-only token, or not yours to change (`not_author`, `not_mentor`)."),
    "404": ("NotFound", "Nothing here, or not yours to see."),
    "409": ("Refused", "Refused by the state of things (`taken`, `started`, `held`), said in `message`."),
    "429": ("TooManyRequests", "Too many requests: try again after Retry-After seconds."),
}


def _errors(path: str, method: str, operation: dict) -> list[str]:
    """The statuses of ``ERRORS`` this operation can answer with."""
    signed_in = {} not in operation.get("security", [{}])
    writes = method in WRITES
    asks = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
    return [
        status
        for status, applies in (
            ("400", writes or asks),
            ("401", True),  # an open endpoint sent a bad token says so too
            ("403", writes and signed_in),
            ("404", "{" in path),
            ("409", writes),
            ("429", True),
        )
        if applies
    ]


def error_responses(result, generator, request, public):
    """
    A postprocessing hook: give every operation the errors it can answer with, all in the one
    ``Error`` shape, beside the answers its view documents (which win).
    """
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    components["responses"] = {name: {"description": text, "content": content} for name, text in ERRORS.values()}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _errors(path, method, operation):
                responses.setdefault(status, {"$ref": f"#/components/responses/{ERRORS[status][0]}"})
    return result
