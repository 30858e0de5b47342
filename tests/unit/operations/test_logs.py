"""LOG_FORMAT (issue 18): one JSON object a line carrying the bound correlation id; jobs carry the id onward."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import threading

import fakeredis
import pytest

from core import logs, queueing


@pytest.fixture
def captured():
    """A handler as `logs.configure` builds it, on a stream of the test's own."""
    def build(log_format: str):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logs.formatter(log_format))
        handler.addFilter(logs.CorrelationFilter())
        logger = logging.getLogger("services.test_logs")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        return logger, stream, handler
    made = []
    yield lambda log_format: made.append(build(log_format)) or made[-1][:2]
    for logger, _stream, handler in made:
        logger.removeHandler(handler)
        logger.propagate = True


def test_json_lines_parse_and_carry_the_bound_id_and_trigger(captured):
    logger, stream = captured("json")
    with logs.bound("delivery-1234abcd", "webhook"):
        logger.info("sync %s of company %s: %s", 7, "co_1", {"create": 1})
    contextvars.Context().run(logger.warning, "outside any event")  # (earlier tests bound ids in this thread)
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {key: first[key] for key in ("level", "logger", "message", "correlation_id", "trigger")} == {
        "level": "INFO", "logger": "services.test_logs", "message": "sync 7 of company co_1: {'create': 1}",
        "correlation_id": "delivery-1234abcd", "trigger": "webhook"}
    assert first["time"] and (second["correlation_id"], second["trigger"]) == (None, None)


def test_an_exception_stays_inside_its_one_line(captured):
    logger, stream = captured("json")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        logger.exception("failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and "ValueError: boom" in json.loads(lines[0])["exc_info"]


def test_text_stays_the_default_for_people(captured):
    logger, stream = captured(logs.TEXT)
    with logs.bound("delivery-1234abcd", "cron"):
        logger.info("hello")
    assert stream.getvalue() == "INFO services.test_logs: hello\n"


def test_threads_never_share_an_id():
    seen = {}

    def work(name: str) -> None:
        logs.bind(f"id-of-{name}-0000", "api")
        seen[name] = logs.correlation_id()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"a": "id-of-a-0000", "b": "id-of-b-0000"}


@pytest.mark.parametrize("sent, kept", [("req-0123456789", True), ("short", False), ("a b c d e f g h i", False),
                                        ("x" * 65, False), (None, False)])
def test_only_a_plain_request_id_is_kept(sent, kept):
    assert logs.usable_request_id(sent) == (sent if kept else None)


def test_a_job_carries_the_bound_id_and_trigger():
    redis = fakeredis.FakeRedis()
    with logs.bound("cron-call-0000ffff", "cron"):
        sync = queueing.enqueue_sync(redis, "ns", 5, "co_1")
        notify = queueing.enqueue_notification(redis, "ns", 3, 5)
    assert sync.meta == notify.meta == {"correlation_id": "cron-call-0000ffff", "trigger": "cron"}
    explicit = queueing.enqueue_sync(redis, "ns", 6, "co_2", origin={"correlation_id": "x" * 12, "trigger": "webhook"})
    assert explicit.meta["correlation_id"] == "x" * 12
