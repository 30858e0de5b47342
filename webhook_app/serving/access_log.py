"""gunicorn's logger for `hrsync web`: access lines without the secrets a request carries, and one line (not a
traceback) for a client that stalled past the read timeout.

gunicorn's default line prints the Basic-auth user (an API token sent as the user name), query values such as
`?access_token=` or `?token=`, and the approve link's token in `/approvals/<token>` (and a set-password link's `/set-password/<token>`) — also inside a Referer or a
redirect's Location. Each becomes [redacted]; client, method, the rest of the path, status, size, user agent and
duration stay. Error lines that quote a request line are redacted alike.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Iterable
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
# Query parameters whose value is a credential: access_token, token, api_key, client_secret, password, sig, ...
_SECRET_WORDS = "token|key|secret|passw|pwd|auth|sig|session|credential|code"
_SECRET_PARAMETER = re.compile(_SECRET_WORDS, re.IGNORECASE)
# The same parameters inside a free text (an error message quoting a request line).
_SECRET_VALUE = re.compile(rf"([?&][^=&\s]*(?:{_SECRET_WORDS})[^=&\s]*=)[^&\s'\"]+", re.IGNORECASE)
# The token segment of an approve link or a set-password link, in a path or a text (/approvals/static/… holds the
# pages' assets).
_APPROVE_TOKEN = re.compile(r"(/(?:approvals|set-password)/+)(?!static(?:/|$))[^/?\s'\"]+", re.IGNORECASE)
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_URL_HEADERS = frozenset({"referer", "location", "content-location"})
# A printed path keeps RFC 3986's path characters; anything else is %-escaped (a decoded CR or LF cannot forge
# a line). WSGI paths are Latin-1 text standing for the raw bytes, hence the encoding.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def redact_path(path: str) -> str:
    """A decoded path, %-escaped for a log line, with the approve link's token replaced."""
    escaped = quote(path, safe=_PATH_SAFE, encoding="latin-1", errors="replace")
    return _APPROVE_TOKEN.sub(rf"\g<1>{REDACTED}", escaped)


def redact_query(query: str) -> str:
    """A raw query string with the values of credential-like parameters replaced."""
    parts = []
    for part in query.split("&"):
        name, equals, _value = part.partition("=")
        parts.append(f"{name}={REDACTED}" if equals and _SECRET_PARAMETER.search(unquote_plus(name)) else part)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """A full or relative URL (Referer, Location) without user info, its path and query redacted."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    netloc = parts.netloc.rpartition("@")[2]
    path = redact_path(unquote(parts.path, encoding="latin-1"))
    return urlunsplit((parts.scheme, netloc, path, redact_query(parts.query), ""))


def redacted_environ(environ: dict) -> dict[str, str]:
    """The text entries of a WSGI environ with path, query, credentials and URL headers redacted."""
    clean = {name: value for name, value in environ.items() if isinstance(value, str)}
    path = redact_path(clean.get("PATH_INFO", ""))
    query = redact_query(clean.get("QUERY_STRING", ""))
    target = f"{path}?{query}" if query else path
    clean.update(PATH_INFO=path, QUERY_STRING=query, RAW_URI=target)
    if "REQUEST_URI" in clean:
        clean["REQUEST_URI"] = target
    for name, value in clean.items():
        if name.startswith("HTTP_"):
            clean[name] = _redacted_header(name[5:].replace("_", "-"), value)
    return clean


def redacted_headers(headers) -> list[tuple[str, str]]:
    pairs: Iterable = headers.items() if hasattr(headers, "items") else headers
    return [(name, _redacted_header(name, value)) for name, value in pairs]


def _redacted_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered in _SECRET_HEADERS:
        return REDACTED
    return redact_url(value) if lowered in _URL_HEADERS else value


class _RedactedResponse:
    """What gunicorn's atoms read of a response: status, bytes sent and the headers (redacted)."""

    def __init__(self, response) -> None:
        self.status, self.sent = response.status, getattr(response, "sent", None)
        self.headers = redacted_headers(response.headers)


class _RedactedMessages(logging.Filter):
    """gunicorn's error log quotes request lines ("Error handling request GET /approvals/…"): redacted alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = _SECRET_VALUE.sub(rf"\g<1>{REDACTED}", _APPROVE_TOKEN.sub(rf"\g<1>{REDACTED}", text))
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


class RedactingLogger(Logger):
    """gunicorn's logger with every access-line atom computed from the redacted request and response."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(existing, _RedactedMessages) for existing in self.error_log.filters):
            self.error_log.addFilter(_RedactedMessages())

    def atoms(self, resp, req, environ, request_time):
        request_headers = redacted_headers(req.headers if hasattr(req, "headers") else req)
        atoms = super().atoms(_RedactedResponse(resp), request_headers, redacted_environ(environ), request_time)
        if environ.get("HTTP_AUTHORIZATION", "").lower().startswith("basic"):
            atoms["u"] = REDACTED  # the user of Basic auth may be an API token
        return atoms

    def exception(self, msg, *args, **kwargs):
        # The threaded worker reports a socket timeout with a traceback; it is a client that stopped sending (or
        # reading) for longer than the read timeout, and the worker has closed its connection: worth one line.
        if isinstance(sys.exc_info()[1], TimeoutError):
            self.info("closed a connection: the client stalled past the read timeout")
            return
        super().exception(msg, *args, **kwargs)


def json_logger_class() -> type[RedactingLogger]:
    """RedactingLogger writing one JSON object a line (LOG_FORMAT=json): the redacted access line or error message
    as `message`, with the request's correlation id."""
    from core import logs

    class JsonRedactingLogger(RedactingLogger):
        def setup(self, cfg) -> None:
            super().setup(cfg)
            for handler in [*self.error_log.handlers, *self.access_log.handlers]:
                handler.setFormatter(logs.json_formatter())
                handler.addFilter(logs.CorrelationFilter())

    return JsonRedactingLogger
