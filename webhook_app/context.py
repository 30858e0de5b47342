"""Accessors for what the app factory built (kept in `app.extensions`, never module globals)."""

from __future__ import annotations

from flask import current_app, request
from redis import Redis

from hrsync.config import Settings
from workers import namespace
from workers.apply_lockout import Lockout
from workers.bootstrap import Services
from workers.links import LinkSigner


def services() -> Services:
    return current_app.extensions["hrsync.services"]


def settings() -> Settings:
    return services().settings


def redis() -> Redis:
    return current_app.extensions["hrsync.redis"]


def lockout() -> Lockout:
    """The approval password lockout in this installation's Redis keys."""
    return namespace.lockout(redis(), settings().namespace)


def link_signer() -> LinkSigner:
    return current_app.extensions["hrsync.links"]


def client_address() -> str:
    """The network address of the request's client (the approval lockout's per-client ceiling counts by it)."""
    return request.remote_addr or "unknown"
