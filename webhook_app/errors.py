"""The web app's two error edges: JSON `{"error": {"code", "message"}}` under /api, /webhooks and /cron, and an
error page in the product's look elsewhere. Both translate core.errors (and what `classify` reads from the layers
below) here, once; views raise and never translate."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import ClientDisconnected, HTTPException

from core.errors import HTML, JSON, Conflict, HrsyncError, classify

JSON_PREFIXES = ("/api/", "/webhooks/", "/cron/", "/healthz", "/readyz", "/metrics")
# An error never echoes unbounded input (20,000 unknown keys once came back as a 549 KB answer): the message is
# cut, and `details` lists at most MAX_DETAILS entries in all, each key and text cut, "_more" counting the rest.
MAX_MESSAGE = 500
MAX_DETAILS = 20
MAX_DETAIL_TEXT = 200
MORE = "_more"


def error_response(status: int, code: str, message: str, headers: dict | None = None,
                   details: dict | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": _cut(message, MAX_MESSAGE)}
    if details:
        error["details"] = bounded_details(details)
    response = jsonify({"error": error})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def bounded_details(details: dict) -> dict:
    """`details` with at most MAX_DETAILS entries in all (first by key), keys and texts cut."""
    budget = [MAX_DETAILS]

    def bound(value: Any) -> Any:
        if isinstance(value, dict):
            entries = sorted(value.items(), key=lambda entry: str(entry[0]))
            shown = {}
            for index, (key, inner) in enumerate(entries):
                if budget[0] <= 0:
                    shown[MORE] = [f"and {len(entries) - index} more"]
                    break
                budget[0] -= 1
                shown[_cut(str(key), MAX_DETAIL_TEXT)] = bound(inner)
            return shown
        if isinstance(value, list):
            shown_items = []
            for index, inner in enumerate(value):
                if budget[0] <= 0:
                    shown_items.append(f"and {len(value) - index} more")
                    break
                budget[0] -= 1
                shown_items.append(bound(inner))
            return shown_items
        return _cut(value, MAX_DETAIL_TEXT) if isinstance(value, str) else value

    return bound(details)


def message_page(title: str, message: str, status: int, *, link: tuple[str, str] | None = None,
                 headers: dict | None = None) -> Response:
    """A page with a title, a paragraph and optionally one link (text, href)."""
    html = render_template("approvals_message.html", title=title, message=message, link=link)
    return Response(html, status=status, mimetype="text/html", headers=headers)


def sentence(text: str) -> str:
    """A message as a sentence for a page: capital first, full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def json_answer(error: HrsyncError) -> Response:
    return error_response(error.http_status, error.code, error.text(JSON), error.headers(), error.details())


def error_page(error: HrsyncError) -> Response:
    hint = error.hints.get(HTML)
    text = sentence(error.message) + (f" {sentence(hint)}" if hint else "")
    # A form refused for the state of things (someone else changed it meanwhile): the way back to it.
    back = ("Back to the page", request.path) if request.method == "POST" and isinstance(error, Conflict) else None
    return message_page(error.title, text, error.http_status, link=back, headers=error.headers())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _code_for(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_").replace("'", "")


def _route() -> str:
    # The matched rule, not the path: a path may hold an approve link's token.
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


def _for_machines() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def register_error_handlers(app: Flask) -> None:
    def refused(error: HrsyncError):
        if error.http_status == 500:
            return unexpected(error)  # a fault of this installation (its configuration): logged, not shown
        if error.detail:
            # The operators' detail (the driver's first line: host and port, or the missing table; never a
            # password) goes to the log only.
            app.logger.error("%s on %s %s: %s", error.code.replace("_", " "), request.method, _route(), error.detail)
        return json_answer(error) if _for_machines() else error_page(error)

    @app.errorhandler(HrsyncError)
    def hrsync_error(error: HrsyncError):
        return refused(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if not _for_machines():
            return error
        message = error.description or error.name
        if error.code == 413:
            message = "request body is larger than 1 MiB"
        return error_response(error.code or 500, _code_for(error), message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        known = None if isinstance(error, HrsyncError) else classify(error)
        if known is not None:
            return refused(known)
        # Logged with the traceback for operators; the client gets no internals.
        app.logger.exception("unhandled error on %s %s", request.method, _route())
        if _for_machines():
            return error_response(500, "internal_error", "internal error; it has been logged")
        return Response("Internal error; it has been logged.", status=500, mimetype="text/plain")

    @app.errorhandler(ClientDisconnected)
    def body_cut_short(error: ClientDisconnected):
        # werkzeug reports a body that stopped arriving as a disconnect; when the server's read timeout
        # (webhook_app.serving.threads) ended it, the client is still there and is told so.
        if not isinstance(error.__context__, TimeoutError):
            return http_error(error)
        app.logger.info("%s %s: the client stalled while sending the body", request.method, _route())
        if _for_machines():
            return error_response(408, "request_timeout", "the request body did not arrive in time")
        return Response("The request did not arrive in time.", status=408, mimetype="text/plain")
