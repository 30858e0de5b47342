"""Reading JSON request bodies through marshmallow schemas: 400 for broken JSON, 422 for invalid values."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from core.errors import Invalid, InvalidJson, UnsupportedMediaType

# JSON escapes that decode to text storage refuses: \u0000 (PostgreSQL text cannot hold NUL) and a UTF-16
# surrogate not part of a pair (not Unicode at all: no database driver can encode it). Raw UTF-8 cannot carry
# either, so only a body with such an escape is walked.
_ESCAPED_BAD_TEXT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
_NUL = "text must not contain NUL characters (U+0000)"
_SURROGATE = "text must not contain a lone surrogate (U+D800 to U+DFFF); send well-formed Unicode"


def json_body(*, optional: bool = False) -> Any:
    """The parsed body; an empty body is `{}` when `optional`. Duplicate keys are refused."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if optional:
            return {}
        raise InvalidJson("a JSON body is required")
    if request.mimetype not in ("application/json", "") and not request.mimetype.endswith("+json"):
        raise UnsupportedMediaType("send the body as application/json")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidJson(f"the body is not valid JSON: {_short(error)}") from None
    except RecursionError:
        raise InvalidJson("the body nests too deeply") from None
    if _ESCAPED_BAD_TEXT.search(raw):
        _refuse_bad_text(data)
    return data


def load_body(schema: Schema, *, optional: bool = False) -> Any:
    """Validate the body with `schema` (which should reject unknown fields)."""
    data = json_body(optional=optional)
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object")
    try:
        return schema.load(data)
    except ValidationError as error:
        raise Invalid(_summary(error.messages), field_details=_details(error.messages)) from None


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _refuse_bad_text(data: Any) -> None:
    """422 naming the first string (value or key) that holds NUL or a lone surrogate."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:  # iterative: the parsed document may be nested close to the recursion limit
        path, item = pending.pop()
        if isinstance(item, str):
            _check_text(path or "body", item)
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                _check_text(path or "body", key, " (in a key)")
                pending.append((f"{path}.{key}" if path else key, value))
        elif isinstance(item, list):
            pending.extend((f"{path}.{index}" if path else str(index), value)
                           for index, value in reversed(list(enumerate(item))))


def _check_text(path: str, text: str, where: str = "") -> None:
    found = _BAD_CHARACTER.search(text)
    if found is None:
        return
    message = _NUL if found.group() == "\x00" else _SURROGATE
    raise Invalid(f"{path}: {message}{where}", field_details={path: [message + where]})


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
