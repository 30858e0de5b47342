"""Reading API input through schemas, and turning refusals from below into API errors naming the field."""

from __future__ import annotations

import functools
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from services.integration import InvalidField, NotConfigured
from services.mapping import MappingRejected
from store.errors import DuplicateStakeholder, InvalidCursor, InvalidSetting, InvalidStakeholder, NotFound
from store.models.base import MAX_ID
from webhook_app.bodies import json_body
from webhook_app.errors import ApiError

# URL rule converter for a database id: a larger number is no id, and SQLite (OverflowError) and PostgreSQL
# (DataError) refuse to even compare one, which would answer 500 instead of 404.
ID = f"int(max={MAX_ID})"


def body(schema: Schema, *, optional: bool = False) -> dict[str, Any]:
    """The JSON body validated by `schema`; 400 for broken JSON, 422 naming the first bad field."""
    data = json_body(optional=optional)
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_request", "the body must be a JSON object")
    return _load(schema, data)


def query(schema: Schema) -> dict[str, Any]:
    """The query string validated by `schema`; a parameter given twice is refused."""
    repeated = sorted(name for name in request.args if len(request.args.getlist(name)) > 1)
    if repeated:
        raise invalid(repeated[0], "give this parameter once")
    return _load(schema, request.args.to_dict())


def invalid(field: str, message: str, code: str = "invalid_request") -> ApiError:
    return ApiError(422, code, f"{field}: {message}", details={field: [message]})


def translated(view):
    """Refusals of the layers below (store, providers, set-up checks) become the matching API error."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except MappingRejected as error:
            raise invalid(error.field, str(error), "invalid_mapping") from None
        except InvalidField as error:
            raise invalid(error.field, str(error)) from None
        except NotConfigured as error:
            raise ApiError(409, "not_configured", str(error)) from None
        except DuplicateStakeholder as error:
            raise ApiError(409, "duplicate_stakeholder", str(error)) from None
        except InvalidCursor as error:
            raise invalid("cursor", str(error)) from None
        except (InvalidSetting, InvalidStakeholder) as error:
            raise ApiError(422, "invalid_request", str(error)) from None
        except NotFound as error:
            raise ApiError(404, "not_found", str(error)) from None
        except ProviderError as error:
            raise _provider_error(error) from None

    return wrapper


def _provider_error(error: ProviderError) -> ApiError:
    # Provider messages are written for people and hold no secret (providers/errors.py).
    if isinstance(error, ProviderAuthError):
        return ApiError(502, "provider_auth_failed", str(error))
    if isinstance(error, ProviderUnavailable):
        return ApiError(503, "provider_unavailable", str(error), headers={"Retry-After": "60"})
    return ApiError(502, "provider_error", str(error))


def _load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as error:
        path, message = first_problem(error.messages)
        raise ApiError(422, "invalid_request", f"{path}: {message}", details=_as_dict(error.messages)) from None


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
