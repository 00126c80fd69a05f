"""The API's OpenAPI schema: the sign-in schemes and the error answers."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


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


ERROR = {"type": "object", "required": ["detail"],
         "properties": {"detail": {"type": "string"}}}
VALIDATION_ERROR = {"type": "object", "additionalProperties": {}}


class ApiAutoSchema(AutoSchema):
    """Every operation documents the errors it can answer: 400 with the
    reasons by field, 401 without a valid token, 403 for what the caller's
    role may not do, 404 for what is not there or not theirs, 429 when the
    token's allowance is used up."""

    def _map_basic_serializer(self, serializer, direction):
        """A strict serializer's body says it takes no other fields."""
        from backoffice.api.serializers import StrictSerializer

        schema = super()._map_basic_serializer(serializer, direction)
        kind = serializer if isinstance(serializer, type) else type(serializer)
        if direction == "request" and issubclass(kind, StrictSerializer):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {
            "400": ("The request's values, with the reasons: by field name (a list of "
                    "reasons, or by position for lists), and under “detail” for the "
                    "request as a whole.", VALIDATION_ERROR),
            "401": ("No valid token (or session).", ERROR),
            "403": ("Not allowed to your role.", ERROR),
            "404": ("Not there, or not one you may see.", ERROR),
            "429": ("Too many requests with this token: wait Retry-After seconds.", ERROR),
        }
        for code, (description, serializer) in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(serializer, code,
                                                              direction=direction)
            responses[code]["description"] = description
        return responses
