"""Strict schema pieces for the API: unknown fields refused, JSON booleans only, the error shape."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields

# An id cursor as the store issues it: documented as this pattern so that a client (or schemathesis) never guesses
# one the store refuses for its form; one beyond any stored id is still refused (422).
CURSOR_PATTERN = r"^[0-9]{1,10}$"

class StrictBoolean(fields.Boolean):
    """JSON `true`/`false` only: "true", 1 or "yes" are refused rather than guessed (1 == True in Python)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def strict_boolean(**kwargs) -> fields.Boolean:
    return StrictBoolean(**kwargs)


def query_boolean(**kwargs) -> fields.Boolean:
    """A boolean in a query string, spelled `true` or `false`."""
    return fields.Boolean(truthy={"true"}, falsy={"false"}, **kwargs)


class StrictSchema(Schema):
    """Refuses fields it does not know (marshmallow's default, stated so that nobody relaxes it)."""

    class Meta:
        unknown = RAISE


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "invalid_request"})
    message = fields.String(required=True)
    details = fields.Dict(metadata={"description": "per-field messages, when the input was refused"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)
