"""The personal token in the OpenAPI schema, so /api/docs/ offers "Authorize" with a Bearer token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token (mtp_…) made on the API tokens page of your account.",
        }
