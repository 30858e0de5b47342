"""One error shape for machines: `{"error": {"code", "message"}}` under /api, /webhooks, /cron."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import ClientDisconnected, HTTPException

JSON_PREFIXES = ("/api/", "/webhooks/", "/cron/", "/healthz", "/readyz")
DATABASE_RETRY_AFTER = "30"
# An error never echoes unbounded input (20,000 unknown keys once came back as a 549 KB answer): the message is
# cut, and `details` lists at most MAX_DETAILS entries in all, each key and text cut, "_more" counting the rest.
MAX_MESSAGE = 500
MAX_DETAILS = 20
MAX_DETAIL_TEXT = 200
MORE = "_more"
# PostgreSQL's "undefined table" and "undefined column": a schema older than the code (`hrsync db upgrade`).
_SCHEMA_MISSING = frozenset({"42P01", "42703"})


class ApiError(Exception):
    """Raise anywhere in a JSON route to answer `status` with this code and message."""

    def __init__(self, status: int, code: str, message: str, *, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers or {}


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


def database_unavailable(error: Exception) -> bool:
    """The database cannot be reached, is busy, or lacks the schema: the service is unavailable, not broken."""
    if isinstance(error, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, ProgrammingError) and getattr(error.orig, "sqlstate", None) in _SCHEMA_MISSING


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _code_for(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_").replace("'", "")


def _route() -> str:
    # The matched rule, not the path: a path may hold an approve link's token.
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


def _page(status: int, title: str, message: str, headers: dict | None = None) -> Response:
    html = render_template("approvals_message.html", title=title, message=message, link=None)
    return Response(html, status=status, mimetype="text/html", headers=headers)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, error.headers, error.details)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if not request.path.startswith(JSON_PREFIXES):
            return error
        message = error.description or error.name
        if error.code == 413:
            message = "request body is larger than 1 MiB"
        return error_response(error.code or 500, _code_for(error), message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        # Logged with the traceback for operators; the client gets no internals.
        app.logger.exception("unhandled error on %s %s", request.method, _route())
        if request.path.startswith(JSON_PREFIXES):
            return error_response(500, "internal_error", "internal error; it has been logged")
        return Response("Internal error; it has been logged.", status=500, mimetype="text/plain")

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        if not database_unavailable(error):
            return unexpected(error)
        orig = getattr(error, "orig", None) or error
        # The driver's first line names the problem (host and port, or the missing table), never a password;
        # SQLAlchemy's own text would add the statement and its parameters.
        app.logger.error("database unavailable on %s %s: %s", request.method, _route(),
                         (str(orig).strip().splitlines() or [type(orig).__name__])[0])
        retry = {"Retry-After": DATABASE_RETRY_AFTER}
        if request.path.startswith(JSON_PREFIXES):
            return error_response(503, "database_unavailable",
                                  "the database is not reachable right now; nothing was changed, try again", retry)
        return _page(503, "hrsync is unavailable right now",
                     "Its database cannot be reached at the moment. Nothing was changed: please try again in a "
                     "minute.", retry)

    @app.errorhandler(ClientDisconnected)
    def body_cut_short(error: ClientDisconnected):
        # werkzeug reports a body that stopped arriving as a disconnect; when the server's read timeout
        # (hrsync.serving.threads) ended it, the client is still there and is told so.
        if not isinstance(error.__context__, TimeoutError):
            return http_error(error)
        app.logger.info("%s %s: the client stalled while sending the body", request.method, _route())
        if request.path.startswith(JSON_PREFIXES):
            return error_response(408, "request_timeout", "the request body did not arrive in time")
        return Response("The request did not arrive in time.", status=408, mimetype="text/plain")
