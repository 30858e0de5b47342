"""Accessors for what the app factory built (kept in `app.extensions`, never module globals)."""

from __future__ import annotations

from flask import current_app, request
from redis import Redis

from core import namespace
from core.bootstrap import Services
from core.links import LinkSigner
from core.lockout import Lockout
from core.settings import Settings


def services() -> Services:
    return current_app.extensions["hrsync.services"]


def settings() -> Settings:
    return services().settings


def redis() -> Redis:
    return current_app.extensions["hrsync.redis"]


def lockout() -> Lockout:
    """The approval password lockout in this installation's Redis keys."""
    return namespace.lockout(redis(), settings().namespace)


def signin_lockout() -> Lockout:
    """The console's sign-in lockout (per e-mail) in this installation's Redis keys."""
    return namespace.signin_lockout(redis(), settings().namespace)


def link_signer() -> LinkSigner:
    return current_app.extensions["hrsync.links"]


def client_address() -> str:
    """The network address of the request's client (the approval lockout's per-client ceiling counts by it)."""
    return request.remote_addr or "unknown"
