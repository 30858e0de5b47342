"""Log lines and the correlation id that follows one event through its request, job, sync and change set.

`LOG_FORMAT` (core.settings) picks the format: `text` for people (the default), `json` for a log pipeline: one
JSON object per line (python-json-logger) with `time`, `level`, `logger`, `message`, `correlation_id` and, when
known, `trigger`. The id is made where an event enters — a webhook delivery, a cron call, an API or console
request (its `X-Request-Id` when it sends a plain one), a command — and bound to the context (a `ContextVar`,
so threads and requests never share one); jobs carry it in their meta (core.queueing) and bind it again in the
worker, so the sync's and the change set's lines carry the delivery's id. Messages never hold a secret (the
suite's secret scan reads both formats).
"""

from __future__ import annotations

import logging
import random
import re
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from pythonjsonlogger.orjson import OrjsonFormatter

TEXT, JSON = "text", "json"
LOG_FORMATS = (TEXT, JSON)
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
# What an event entered by: a bounded set (also the `trigger` label of hrsync_syncs_total).
TRIGGERS = ("webhook", "cron", "api", "console", "cli", "approval", "adopted", "unknown")
# An incoming X-Request-Id is kept only when it is plain and short (it lands in every line of the event).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_correlation: ContextVar[str | None] = ContextVar("hrsync_correlation_id", default=None)
_trigger: ContextVar[str | None] = ContextVar("hrsync_trigger", default=None)


def new_id() -> str:
    """32 hex digits. A correlation id only has to be unique, not unguessable: the Mersenne Twister (reseeded in
    each forked process) makes one in a fifth of the CPU of uuid4's system call, on every webhook."""
    return f"{random.getrandbits(128):032x}"


def usable_request_id(value: str | None) -> str | None:
    """An `X-Request-Id` (nginx's `$request_id`) worth keeping as the correlation id, or None."""
    return value if value and _REQUEST_ID.fullmatch(value) else None


def correlation_id() -> str | None:
    return _correlation.get()


def trigger() -> str:
    return _trigger.get() or "unknown"


def bind(correlation: str | None = None, trigger_name: str | None = None) -> str:
    """Bind an id (a new one when None) and, when given, the trigger to the current context; returns the id."""
    correlation = correlation or new_id()
    _correlation.set(correlation)
    if trigger_name is not None:
        _trigger.set(trigger_name if trigger_name in TRIGGERS else "unknown")
    return correlation


@contextmanager
def bound(correlation: str | None, trigger_name: str | None = None) -> Iterator[str]:
    """`bind` for the duration of a block (a job, a thread's unit of work), the previous values restored after."""
    tokens = (_correlation.set(correlation or new_id()),
              _trigger.set(trigger_name if trigger_name in TRIGGERS else "unknown") if trigger_name else None)
    try:
        yield _correlation.get()
    finally:
        _correlation.reset(tokens[0])
        if tokens[1] is not None:
            _trigger.reset(tokens[1])


def origin() -> dict[str, str]:
    """What a job created now carries in its meta: the bound id (a new one if none) and trigger."""
    return {"correlation_id": correlation_id() or new_id(), "trigger": trigger()}


class CorrelationFilter(logging.Filter):
    """Adds `correlation_id` and `trigger` to every record (None / "unknown" outside an event)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _correlation.get()
        record.trigger = _trigger.get()
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a line: level, logger, message, correlation_id, trigger, time (ISO 8601, UTC) and an
    exception's text. orjson serialises it (half the CPU of the json module's, bench/observability.py)."""
    return OrjsonFormatter("%(levelname)s %(name)s %(message)s %(correlation_id)s %(trigger)s",
                           rename_fields={"levelname": "level", "name": "logger"}, timestamp="time")


def formatter(log_format: str) -> logging.Formatter:
    return json_formatter() if log_format == JSON else logging.Formatter(TEXT_FORMAT)


def configure(log_format: str = TEXT, level: int = logging.WARNING, stream=None) -> logging.Handler | None:
    """The process's root handler (on stderr) in `log_format`, replacing one configured before. Like
    `logging.basicConfig`, nothing is changed where someone else configured the root logger (a test runner's
    capture, an embedding application): None then."""
    root = logging.getLogger()
    if any(not getattr(handler, "_hrsync", False) for handler in root.handlers):
        return None
    for existing in [handler for handler in root.handlers if getattr(handler, "_hrsync", False)]:
        root.removeHandler(existing)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._hrsync = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter(log_format))
    handler.addFilter(CorrelationFilter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler
