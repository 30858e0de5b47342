"""Company API tokens: `Authorization: Bearer <token>` → the one company the token may see."""

from __future__ import annotations

import functools

from flask import g, request

from services import companies
from webhook_app.context import services


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def require_company(view):
    """Views decorated with this find the caller's company id in `g.company_id` and who acts in `g.actor`."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        g.company_id = companies.token_company(services(), token)
        g.actor = companies.token_actor(token)
        return view(*args, **kwargs)

    return wrapper
