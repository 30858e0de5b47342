"""Refuses NUL characters in a request's path, query string and form fields: PostgreSQL text cannot hold them (a
query with one fails inside the driver), and no id, name or setting ever contains one. JSON bodies: bodies.py."""

from __future__ import annotations

from flask import Blueprint, request

from core.errors import BadRequest
from webhook_app.errors import JSON_PREFIXES

bp = Blueprint("input_guard", __name__)

NUL = "\x00"
MESSAGE = "NUL characters (U+0000) are not allowed in a request"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


@bp.before_app_request
def refuse_nul() -> None:
    """400 before any view runs when the path, a query parameter or a form field holds a NUL character."""
    if NUL in request.path or _any_nul(request.args) or _form_has_nul():
        raise BadRequest(MESSAGE)


def _form_has_nul() -> bool:
    # Only the pages read forms. JSON routes and webhooks read the raw body themselves: parsing it as a form
    # here would consume it (a JSON body sent as a form must stay a 415, and a signed body intact).
    if request.mimetype not in _FORMS or request.path.startswith(JSON_PREFIXES):
        return False
    return _any_nul(request.form)


def _any_nul(values) -> bool:
    return any(NUL in key or NUL in value for key, value in values.items(multi=True))
