"""The token scheme in the OpenAPI schema (drf-spectacular's extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "backoffice.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on your account's “API tokens” page: "
                           "`Authorization: Bearer alims_…`. It acts with your role.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "backoffice.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "The browser's session (writes need the CSRF token)."}
