"""The web app's two error edges: JSON `{"error": {"code", "message"}}` under /api, /webhooks and /cron, and an
error page in the product's look elsewhere. Both translate core.errors (and what `classify` reads from the layers
below) here, once; views raise and never translate."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import ClientDisconnected, HTTPException

from core.errors import HTML, JSON, Conflict, HrsyncError, classify

JSON_PREFIXES = ("/api/", "/webhooks/", "/cron/", "/healthz", "/readyz")
# An error never echoes unbounded input (20,000 unknown keys once came back as a 549 KB answer): the message is
# cut, and `details` lists at most MAX_DETAILS entries in all, each key and text cut, "_more" counting the rest.
MAX_MESSAGE = 500
MAX_DETAILS = 20
MAX_DETAIL_TEXT = 200
MORE = "_more"
# The page a browser gets for an HTTP error: a title and what to do (others: Werkzeug's name and description).
HTTP_PAGES = {
    400: ("The request was not understood", "The page sent something hrsync could not read. Go back, reload the "
                                             "page and try again."),
    403: ("You may not open this page", "Your sign-in does not give access to it. If you need it, ask an admin of "
                                        "your company."),
    404: ("Page not found", "There is no page at this address. Check the link, or open the newest link you were "
                            "sent."),
    405: ("This page does not take that request", "Open the page from its link, and use its own form."),
    408: ("The request did not arrive in time", "The connection was too slow to send the form. Try again."),
    410: ("This page is gone", "What it showed is no longer available. Open the newest link you were sent."),
    413: ("The form is too large", "It sent more than 1 MiB. Send less at once."),
    429: ("Too many requests", "Wait a moment, then try again."),
    500: ("Something went wrong", "An unexpected error stopped this page; it has been logged. Try again in a "
                                  "moment, and tell the operators of hrsync if it keeps happening."),
    503: ("hrsync is unavailable for a moment", "Part of hrsync cannot be reached right now. Try again in a minute."),
}
EXPIRED_FORM = ("The form has expired", "This form was not sent from a current page of hrsync (or it was open too "
                                        "long). Reload the page and try again.")


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
    html = render_template("message.html", title=title, message=message, link=link)
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


def http_page(status: int, headers: dict | None = None, *, fallback: tuple[str, str] | None = None) -> Response:
    """The page for an HTTP error `status`, in the product's look."""
    title, text = HTTP_PAGES.get(status) or fallback or ("Error", "Something went wrong.")
    return message_page(title, text, status, headers=headers)


def _page_for(error: HTTPException) -> Response:
    # Its own headers (Allow on a 405, Retry-After on a 503) without its content type and length.
    headers = {name: value for name, value in error.get_headers()
               if name.lower() not in ("content-type", "content-length")}
    return http_page(error.code or 500, headers, fallback=(error.name, sentence(error.description or "")))


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
            return _page_for(error)
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
        return http_page(500)

    @app.errorhandler(CSRFError)
    def form_expired(error: CSRFError):
        # Pages only: the machine blueprints are exempt from the check (webhook_app.security).
        if _for_machines():
            return http_error(error)
        return message_page(*EXPIRED_FORM, 400)

    @app.errorhandler(ClientDisconnected)
    def body_cut_short(error: ClientDisconnected):
        # werkzeug reports a body that stopped arriving as a disconnect; when the server's read timeout
        # (webhook_app.serving.threads) ended it, the client is still there and is told so.
        if not isinstance(error.__context__, TimeoutError):
            return http_error(error)
        app.logger.info("%s %s: the client stalled while sending the body", request.method, _route())
        if _for_machines():
            return error_response(408, "request_timeout", "the request body did not arrive in time")
        return http_page(408)
