"""Company API tokens: `Authorization: Bearer <token>` → the one company the token may see."""

from __future__ import annotations

import functools

from flask import g, request

from store.db import transaction
from store.repositories import tokens
from webhook_app.context import services
from webhook_app.errors import ApiError


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def require_company(view):
    """Views decorated with this find the caller's company id in `g.company_id`."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if token is None:
            raise ApiError(401, "unauthorized", "send the company API token as 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})
        with transaction(services().session_factory) as session:
            company_id = tokens.company_for_token(session, token)
        if company_id is None:
            raise ApiError(401, "unauthorized", "the API token is not valid",
                           headers={"WWW-Authenticate": "Bearer"})
        g.company_id = company_id
        return view(*args, **kwargs)

    return wrapper
