"""Reading API input through schemas: refused input is a 422 naming the first offending field."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from core.errors import Invalid, InvalidField
from store.models.base import MAX_ID
from webhook_app.bodies import json_body

# URL rule converter for a database id: a larger number is no id, and SQLite (OverflowError) and PostgreSQL
# (DataError) refuse to even compare one, which would answer 500 instead of 404.
ID = f"int(max={MAX_ID})"


def body(schema: Schema, *, optional: bool = False) -> dict[str, Any]:
    """The JSON body validated by `schema`; 400 for broken JSON, 422 naming the first bad field."""
    data = json_body(optional=optional)
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    return _load(schema, data)


def query(schema: Schema) -> dict[str, Any]:
    """The query string validated by `schema`; a parameter given twice is refused."""
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if repeated:
        raise InvalidField(repeated[0], "give this parameter once")
    return _load(schema, request.args.to_dict())


def _load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as error:
        path, message = first_problem(error.messages)
        raise Invalid(f"{path}: {message}", field_details=_as_dict(error.messages)) from None


def first_problem(messages: Any, prefix: str = "") -> tuple[str, str]:
    """The dotted path and text of the first message (by field name) in marshmallow's nested messages."""
    if isinstance(messages, dict) and messages:
        key = sorted(messages, key=str)[0]
        path = f"{prefix}.{key}" if prefix else str(key)
        return first_problem(messages[key], path)
    if isinstance(messages, list) and messages:
        return first_problem(messages[0], prefix)
    return prefix or "body", str(messages)


def _as_dict(messages: Any) -> dict:
    return messages if isinstance(messages, dict) else {"_schema": messages}
