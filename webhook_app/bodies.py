"""Reading JSON request bodies through marshmallow schemas: 400 for broken JSON, 422 for invalid values."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from webhook_app.errors import ApiError


def json_body(*, optional: bool = False) -> Any:
    """The parsed body; an empty body is `{}` when `optional`. Duplicate keys are refused."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise ApiError(400, "invalid_json", "a JSON body is required")
    if request.mimetype not in ("application/json", "") and not request.mimetype.endswith("+json"):
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as error:
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {_short(error)}") from None
    except RecursionError:
        raise ApiError(400, "invalid_json", "the body nests too deeply") from None
    # JSON carries NUL only as the escape \u0000; PostgreSQL text cannot hold it and no value needs it.
    if b"\\u0000" in raw and _holds_nul(data):
        raise ApiError(422, "invalid_request", "text must not contain NUL characters (U+0000)")
    return data


def load_body(schema: Schema, *, optional: bool = False) -> Any:
    """Validate the body with `schema` (which should reject unknown fields)."""
    data = json_body(optional=optional)
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "the body must be a JSON object")
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ApiError(422, "invalid_request", _summary(error.messages), details=_details(error.messages)) from None


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _holds_nul(data: Any) -> bool:
    pending = [data]
    while pending:  # iterative: the parsed document may be nested close to the recursion limit
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:200]


def _summary(messages: Any) -> str:
    if isinstance(messages, dict) and messages:
        field = sorted(messages, key=str)[0]
        detail = messages[field]
        text = detail[0] if isinstance(detail, list) and detail else str(detail)
        return f"{field}: {text}"
    return "the body is not valid"


def _details(messages: Any) -> dict:
    return messages if isinstance(messages, dict) else {"_schema": messages}
