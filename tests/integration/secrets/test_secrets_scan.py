"""The suite-wide secret-leak scan (SPEC §8): no registered secret in any log line, error body or hrsync subprocess
output of the whole run. The scan test is ordered last (tests/conftest.py); the others prove it can fail."""

from __future__ import annotations

import json
import logging
import secrets
import subprocess
import sys

import fakeredis
import pytest
from cryptography.fernet import Fernet
from flask import Flask, abort, request_finished

from core.settings import Settings
from store.db import make_engine, transaction
from store.models import Base
from store.repositories import companies
from tests import secret_registry
from tests.secret_registry import SECRETS, Recorder, SecretRegistry, find_leaks
from webhook_app import create_app
from core.bootstrap import build_services


def _plant_everywhere(recorder: Recorder, planted: str, folder) -> None:
    """Leak `planted` the three ways the scan watches: a log record, an error body, a subprocess's stderr."""
    handler = recorder.handler()
    logger = logging.getLogger("workers.secret_scan_self_test")
    logger.addHandler(handler)
    try:
        logger.info("connecting with api key %s", planted)
    finally:
        logger.removeHandler(handler)
    app = Flask("leaky")

    @app.post("/api/leak")
    def leak():
        abort(400, description=f"the key {planted} was refused")

    request_finished.connect(recorder.record_response, app, weak=False)
    try:
        assert app.test_client().post("/api/leak").status_code == 400
    finally:
        request_finished.disconnect(recorder.record_response, app)
    output = folder / "leaky-worker.log"
    with output.open("w") as sink:
        subprocess.run([sys.executable, "-c", f"import sys; sys.stderr.write('token=' + {planted!r})"],
                       stderr=sink, check=True, timeout=30)
    recorder.capture_file(output)


def test_the_scan_finds_a_secret_planted_in_a_log_line_an_error_body_and_a_subprocess_log(tmp_path):
    """Invariant: the scanner reports a registered secret wherever the suite could leak it, and never prints it."""
    planted = "planted-" + secrets.token_hex(16)
    registry = SecretRegistry()
    registry.register("planted api key", planted)
    recorder = Recorder(tmp_path)
    _plant_everywhere(recorder, planted, tmp_path)

    leaks = find_leaks(registry.secrets(), recorder.sources())

    assert sorted(leak.origin for leak in leaks) == [
        "400 body of POST /api/leak", "file leaky-worker.log", "log workers.secret_scan_self_test",
        "log workers.secret_scan_self_test (json)"]
    assert all("<planted api key>" in leak.excerpt for leak in leaks)
    assert planted not in "\n".join(map(str, leaks))


def test_the_scan_finds_a_secret_escaped_in_a_json_log_line(tmp_path):
    """Invariant: LOG_FORMAT=json escapes quotes and backslashes; a secret holding them is still found there."""
    registry = SecretRegistry()
    registry.register("client secret", 'se"cr\\et-with-quote')
    planted = json.dumps({"message": 'refused se"cr\\et-with-quote'})
    assert [leak.origin for leak in find_leaks(registry.secrets(), [("log x (json)", planted)])] == ["log x (json)"]


def test_the_scan_finds_a_url_encoded_secret_and_ignores_short_values(tmp_path):
    """Invariant: a secret escaped into a URL still counts; values too short to be a secret are not registered."""
    registry = SecretRegistry()
    registry.register("client secret", "s3cr3t/with+chars=", "pw", None)
    leaks = find_leaks(registry.secrets(), [("log x", "GET /token?secret=s3cr3t%2Fwith%2Bchars%3D"), ("log y", "pw")])
    assert [(leak.label, leak.origin) for leak in leaks] == [("client secret", "log x")]
    assert set(registry.secrets()) == {"s3cr3t/with+chars="}


def test_the_session_recorder_sees_app_error_bodies_and_product_info_logs(tmp_path):
    """Invariant: the session-wide recording is live: an app built in a test reports its error bodies, and an
    INFO record of a product logger is kept (what the final scan reads is not empty by accident)."""
    recorder = secret_registry.session_recorder()
    assert recorder is not None
    token_value = "scan-selftest-" + secrets.token_hex(8)
    settings = Settings(database_url="sqlite://", secret_key="scan-" + secrets.token_hex(16),
                        encryption_keys=(Fernet.generate_key().decode(),), instance_path=tmp_path,
                        cron_token="cron-" + secrets.token_hex(12))
    secret_registry.register("cron token", settings.cron_token)
    secret_registry.register("secret key", settings.secret_key, *settings.encryption_keys)
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    services = build_services(settings, engine=engine)
    try:
        with transaction(services.session_factory) as session:
            created = companies.create_company(session, "Scan Ltd", "cfo@scan.example", "scan-" + token_value)
        secret_registry.register("api token", created.api_token)
        secret_registry.register("approver password", "scan-" + token_value)
        client = create_app(settings, redis=fakeredis.FakeRedis(), services=services).test_client()
        marker = "marker-" + secrets.token_hex(6)
        answer = client.get("/api/v1/integration", headers={"Authorization": f"Bearer {created.api_token}x"})
        assert answer.status_code == 401
        wrong_cron = client.post("/cron/resync", headers={"Authorization": f"Bearer {settings.cron_token}x"})
        assert wrong_cron.status_code == 401
        logging.getLogger("workers.secret_scan_self_test").info("seen %s", marker)
    finally:
        services.dispose()
    seen = [origin for origin, text in recorder.sources() if marker in text or "401 body" in origin]
    assert "401 body of GET /api/v1/integration" in seen
    assert "401 body of POST /cron/resync" in seen
    assert "log workers.secret_scan_self_test" in seen


@pytest.mark.secret_scan
def test_no_registered_secret_in_any_log_line_error_body_or_subprocess_output(secret_recording):
    """Invariant (SPEC §8): over the whole run, no API key, client secret, webhook secret or token, approver
    password, company API token or encryption/signing key a fixture registered appears in what was logged or
    answered as an error, or in the captured output of hrsync processes."""
    registered = SECRETS.secrets()
    sources = list(secret_recording.sources())
    assert registered and sources, "nothing registered or recorded: the recording is not wired"
    leaks = find_leaks(registered, sources)
    assert not leaks, f"{len(leaks)} leak(s):\n" + "\n".join(map(str, leaks[:25]))
