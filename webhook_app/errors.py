"""One error shape for machines: `{"error": {"code", "message"}}` under /api, /webhooks, /cron."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

JSON_PREFIXES = ("/api/", "/webhooks/", "/cron/", "/healthz", "/readyz")


class ApiError(Exception):
    """Raise anywhere in a JSON route to answer `status` with this code and message."""

    def __init__(self, status: int, code: str, message: str, *, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers or {}


def error_response(status: int, code: str, message: str, headers: dict | None = None,
                   details: dict | None = None) -> Response:
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    response = jsonify({"error": error})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _code_for(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_").replace("'", "")


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
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith(JSON_PREFIXES):
            return error_response(500, "internal_error", "internal error; it has been logged")
        return Response("Internal error; it has been logged.", status=500, mimetype="text/plain")
