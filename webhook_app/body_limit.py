"""Request bodies over 1 MiB are 413 on every route, chunked ones (no Content-Length) too.

werkzeug reads a body without a length only up to MAX_CONTENT_LENGTH and then stops as if it had ended: a 2 MiB
chunked body reached the views cut at 1 MiB and was answered 400 or 401. `ChunkedBodies`, around the whole app
(webhook fast path included), reads such a body first — at most one byte past the cap — and passes it on with its
length; `refuse_oversized` then answers 413 for any length over the cap before a view runs, whether the view would
read the body or not.
"""

from __future__ import annotations

import io
from typing import Iterable

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from core import metrics


class ChunkedBodies:
    """WSGI middleware: a chunked body becomes a buffered one with a Content-Length (over the cap: an empty body
    declaring cap + 1 bytes, which the app refuses)."""

    def __init__(self, wsgi_app, cap: int) -> None:
        self.wsgi_app, self.cap = wsgi_app, cap

    def __call__(self, environ: dict, start_response) -> Iterable[bytes]:
        if not environ.get("CONTENT_LENGTH") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(environ["wsgi.input"], self.cap + 1)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # werkzeug ignores a length beside "chunked"
            environ["wsgi.input"] = io.BytesIO(body if len(body) <= self.cap else b"")
        return self.wsgi_app(environ, start_response)


def refuse_oversized() -> None:
    """The app's first before-request hook: 413 for a declared (or counted) length over the cap."""
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        if request.blueprint == "webhooks" and request.view_args:
            metrics.webhook(request.view_args["provider"], "too_large")
        raise RequestEntityTooLarge()


def _read_at_most(stream, limit: int) -> bytes:
    # A read may return less than asked before the end (werkzeug's dechunking input does): loop until empty.
    parts, size = [], 0
    while size < limit:
        part = stream.read(limit - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)
