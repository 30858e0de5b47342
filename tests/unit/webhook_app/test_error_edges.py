"""One error hierarchy, one translation per edge (issue 14 item 2): an error shows the same code, status and message
as JSON, as a page and on the command line; the lower layers' errors are read the same way everywhere."""

from __future__ import annotations

import html

import click
import pytest
from click.testing import CliRunner
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from core.errors import (CLI, HTML, JSON, HrsyncError, InvalidField, Locked, NotConfigured, QueueUnavailable,
                         WrongPassword, classify)
from domain.errors import InvalidNameFormat
from hrsync.cli.errors import user_errors
from providers.errors import MalformedWebhook, ProviderAuthError, ProviderUnavailable, WebhookRejected
from store.errors import DuplicateStakeholder, InvalidCursor, NotFound
from webhook_app.errors import sentence

ERRORS = {
    "not-configured": NotConfigured("Acme GmbH has no HR integration yet"),
    "queue": QueueUnavailable(),
    "locked": Locked(900),
    "wrong-password": WrongPassword(4, 900),
    "field": InvalidField("settings.name_format", "Must be one of: first_last, last_first, last_comma_first."),
    "store-not-found": NotFound("no change set 5"),
    "provider-unavailable": ProviderUnavailable("Personio did not answer (503)"),
}


@pytest.fixture
def raising_app(app):
    """The app with a JSON route and a page route that raise the error named in the path."""

    def raise_it(name: str):
        raise ERRORS[name]

    app.add_url_rule("/api/v1/test-errors/<name>", "test_json_error", raise_it)
    app.add_url_rule("/test-errors/<name>", "test_page_error", raise_it)
    return app


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_one_error_reads_alike_as_json_as_a_page_and_on_the_command_line(raising_app, name):
    raised = ERRORS[name]
    known = classify(raised)
    client = raising_app.test_client()

    answer = client.get(f"/api/v1/test-errors/{name}")
    assert (answer.status_code, answer.json["error"]["code"]) == (known.http_status, known.code)
    assert answer.json["error"]["message"] == known.text(JSON) and known.message in known.text(JSON)
    assert answer.headers.get("Retry-After") == known.headers().get("Retry-After")

    page = client.get(f"/test-errors/{name}")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == known.http_status and page.mimetype == "text/html"
    assert known.title in text and sentence(known.message) in text
    assert page.headers.get("Retry-After") == known.headers().get("Retry-After")

    @click.command()
    @user_errors
    def command():
        raise raised

    result = CliRunner().invoke(command)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {known.text(CLI)}" and known.message in result.output


@pytest.mark.parametrize("lower, code, status", [
    (NotFound("no change set 5"), "not_found", 404),
    (DuplicateStakeholder("identifier E42 is taken"), "duplicate_stakeholder", 409),
    (InvalidCursor("this page cursor was not issued by hrsync"), "invalid_request", 422),
    (InvalidNameFormat("unknown name format"), "invalid_request", 422),
    (WebhookRejected("bad signature"), "webhook_rejected", 401),
    (MalformedWebhook("not JSON"), "malformed_webhook", 400),
    (ProviderAuthError("Personio refused the credentials"), "provider_auth_failed", 502),
    (ProviderUnavailable("Personio did not answer"), "provider_unavailable", 503),
    (OperationalError("SELECT 1", {}, Exception("connection failed: refused")), "database_unavailable", 503),
    (RedisConnectionError("Error 111 connecting to 127.0.0.1:1"), "queue_unavailable", 503),
], ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None)
def test_the_lower_layers_errors_are_classified_once(lower, code, status):
    known = classify(lower)
    assert isinstance(known, HrsyncError) and (known.code, known.http_status) == (code, status)


def test_a_fault_is_not_a_refusal():
    assert classify(ValueError("a bug")) is None


def test_operators_detail_stays_off_the_web_and_reaches_the_command_line():
    known = classify(OperationalError("SELECT 1", {}, Exception("connection to 127.0.0.1:1 failed")))
    assert "127.0.0.1" not in known.text(JSON) and "127.0.0.1" not in known.text(HTML)
    assert known.detail == "connection to 127.0.0.1:1 failed"


def test_each_hint_belongs_to_its_edge():
    error = NotConfigured()
    assert "PUT /api/v1/integration" in error.text(JSON) and "hrsync integration set" in error.text(CLI)
    assert "hrsync" not in error.text(JSON) and "PUT" not in error.text(CLI)
