"""Each request's correlation id (core.logs): the client's plain `X-Request-Id` (nginx's $request_id) or a new one,
bound with the trigger its path stands for, and answered in `X-Request-Id`."""

from __future__ import annotations

from flask import Response, request

from core import logs

REQUEST_ID = "X-Request-Id"
# Path prefix → what the request is, for the logs and for the syncs it queues (their `trigger`).
TRIGGERS = (("/webhooks/", "webhook"), ("/cron/", "cron"), ("/api/", "api"), ("/approvals/", "console"))


def trigger_of(path: str) -> str:
    return next((name for prefix, name in TRIGGERS if path.startswith(prefix)), "unknown")


def bind_request() -> None:
    """The app's first before-request hook."""
    logs.bind(logs.usable_request_id(request.headers.get(REQUEST_ID)), trigger_of(request.path))


def answer_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID] = logs.correlation_id() or ""
    return response
