"""`hrsync web`'s access log (issue 12 item 4): the secrets a request carries never reach it, the rest of the line
does; a client that stalled past the read timeout is one line, not a traceback."""

from __future__ import annotations

import base64
import datetime as dt
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import pytest
from gunicorn.config import Config

from webhook_app.serving.access_log import ACCESS_LOG_FORMAT, RedactingLogger

TOKEN = "hrs_pfeW1baTNZP2Th2jEwo3B59MxCISmbQZvSI3u8Zo11E"
APPROVE = "eyJjIjo3fQ.Zx9Yqw.Jm3sQ2n1U9pB6kq0VYtXcL8aDfE"


@dataclass
class FakeRequest:
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FakeResponse:
    status: str = "200 OK"
    sent: int = 123
    headers: list[tuple[str, str]] = field(default_factory=list)


def access_line(path: str, query: str = "", headers: dict[str, str] | None = None,
                response_headers: list[tuple[str, str]] | None = None, raw_path: str | None = None) -> str:
    """The access line gunicorn would write for this request, through hrsync's logger and format."""
    headers = headers or {}
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1",
               "RAW_URI": (raw_path or path) + (f"?{query}" if query else ""), "REMOTE_ADDR": "203.0.113.9",
               **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}}
    request = FakeRequest([(name.upper(), value) for name, value in headers.items()])
    logger = RedactingLogger(Config())
    atoms = logger.atoms(FakeResponse(headers=response_headers or []), request, environ,
                         dt.timedelta(milliseconds=7))
    return ACCESS_LOG_FORMAT % logger.atoms_wrapper_class(atoms)


def basic(user: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:".encode()).decode()


CASES = [  # (what, the line for it, what must stay)
    ("basic-auth user", lambda: access_line("/api/v1/integration", headers={"Authorization": basic(TOKEN)}),
     '- [redacted] ['),
    ("?access_token=", lambda: access_line("/api/v1/stakeholders", f"limit=5&access_token={TOKEN}"),
     '"GET /api/v1/stakeholders?limit=5&access_token=[redacted] HTTP/1.1" 200 123'),
    ("?token=", lambda: access_line("/api/v1/integration", f"token={TOKEN}"), "?token=[redacted] HTTP/1.1"),
    ("?api_key=, encoded name", lambda: access_line("/x", f"api%5Fkey={TOKEN}&mode=full"),
     "?api%5Fkey=[redacted]&mode=full"),
    ("approve link", lambda: access_line(f"/approvals/{APPROVE}"), '"GET /approvals/[redacted] HTTP/1.1"'),
    ("approve link, sub-path", lambda: access_line(f"/approvals/{APPROVE}/sync"), "/approvals/[redacted]/sync"),
    ("approve link, escaped", lambda: access_line(f"/approvals/{APPROVE}", raw_path=f"/%61pprovals%2F{APPROVE}"),
     "/approvals/[redacted]"),
    ("approve link as Referer", lambda: access_line("/approvals/static/approvals.css", headers={
        "Referer": f"https://hrsync.example/approvals/{APPROVE}?token={TOKEN}"}),
     '"GET /approvals/static/approvals.css HTTP/1.1" 200 123 "https://hrsync.example/approvals/[redacted]?token='
     '[redacted]"'),
    ("set-password link", lambda: access_line(f"/set-password/{APPROVE}"), '"GET /set-password/[redacted] HTTP/1.1"'),
    ("set-password link, escaped", lambda: access_line(f"/set-password/{APPROVE}",
                                                       raw_path=f"/set%2Dpassword/{APPROVE}"),
     "/set-password/[redacted]"),
]


@pytest.mark.parametrize("what, line, kept", CASES, ids=[case[0] for case in CASES])
def test_secrets_are_redacted_and_the_rest_of_the_line_stays(what, line, kept):
    text = line()
    assert TOKEN not in text and APPROVE not in text, text
    assert kept in text, text
    assert text.startswith("203.0.113.9 - ") and text.endswith(' "-" 7ms')


def test_headers_and_environ_atoms_are_redacted_too():
    """An operator's own format may print any header or environ entry: those are redacted alike."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/approvals/{APPROVE}", "QUERY_STRING": "",
               "RAW_URI": f"/approvals/{APPROVE}", "SERVER_PROTOCOL": "HTTP/1.1",
               "HTTP_AUTHORIZATION": f"Bearer {TOKEN}", "HTTP_COOKIE": f"session={TOKEN}"}
    logger = RedactingLogger(Config())
    atoms = logger.atoms(FakeResponse(headers=[("Location", f"/approvals/{APPROVE}"), ("Set-Cookie", TOKEN)]),
                         FakeRequest([("AUTHORIZATION", f"Bearer {TOKEN}"), ("COOKIE", f"session={TOKEN}")]),
                         environ, dt.timedelta(0))
    printed = " ".join(str(value) for value in atoms.values())
    assert TOKEN not in printed and APPROVE not in printed
    assert atoms["{location}o"] == "/approvals/[redacted]" and atoms["{authorization}i"] == "[redacted]"


def test_a_decoded_control_character_cannot_forge_a_line():
    text = access_line("/api/v1/x\r\n127.0.0.1 - - forged")
    assert "\n" not in text and "\r" not in text and "/api/v1/x%0D%0A127.0.0.1" in text


@contextmanager
def error_log_records(logger: RedactingLogger) -> Iterator[list[logging.LogRecord]]:
    """The records gunicorn's error log emits meanwhile (it does not propagate to the root logger)."""
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append
    logger.error_log.addHandler(handler)
    try:
        yield seen
    finally:
        logger.error_log.removeHandler(handler)


def test_a_stalled_client_is_one_line_and_other_errors_keep_their_traceback():
    logger = RedactingLogger(Config())
    with error_log_records(logger) as seen:
        for error in (TimeoutError("timed out"), OSError(5, "I/O error")):
            try:
                raise error
            except OSError:
                logger.exception("Socket error processing request.")
    assert [(record.levelno, record.getMessage(), bool(record.exc_info)) for record in seen] == [
        (logging.INFO, "closed a connection: the client stalled past the read timeout", False),
        (logging.ERROR, "Socket error processing request.", True)]


def test_gunicorn_error_lines_quoting_a_request_are_redacted():
    logger = RedactingLogger(Config())
    with error_log_records(logger) as seen:
        logger.warning("Invalid request from ip=1.2.3.4: Invalid HTTP Version 'GET /approvals/%s?x=1&token=%s 9'",
                       APPROVE, TOKEN)
    assert [record.getMessage() for record in seen] == [
        "Invalid request from ip=1.2.3.4: Invalid HTTP Version 'GET /approvals/[redacted]?x=1&token=[redacted] 9'"]
