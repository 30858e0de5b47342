"""One error shape for machines: `{"error": {"code", "message"}}` under /api, /webhooks, /cron."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

JSON_PREFIXES = ("/api/", "/webhooks/", "/cron/", "/healthz", "/readyz")


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _code_for(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_").replace("'", "")


def register_error_handlers(app: Flask) -> None:
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
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith(JSON_PREFIXES):
            return error_response(500, "internal_error", "internal error; it has been logged")
        return Response("Internal error; it has been logged.", status=500, mimetype="text/plain")
