"""gunicorn's access log of a real `hrsync web` (issue 12 item 4): the secrets a request carries — a Basic-auth user
that is an API token, `?access_token=` and `?token=` values, the approve link's token in the path and in a Referer, a set-password link's token —
never reach it, while each request still has its line. The log is also captured for the suite-wide scan."""

from __future__ import annotations

import base64
import dataclasses
import json
from urllib.parse import urlsplit

import pytest
import requests

from tests import secret_registry
from tests.integration.faults.fault_servers import HrsyncWeb
from tests.integration.hostile.hostile_services import migrated
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import add_company
from tests.secret_registry import find_leaks
from core.links import LinkSigner
from core.password_links import PasswordLinkSigner


@pytest.fixture(scope="module")
def database_url(scratch_database):
    """One backend is enough: what is under test is the server's log."""
    return migrated(scratch_database, "sqlite", "hrsync_access_log")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_access_log_shows_every_request_and_none_of_its_secrets(settings, services, sandbox, redis, tmp_path,
                                                                    log_format):
    """Both LOG_FORMATs: with json, every line of the server is one JSON object and the access line its message."""
    settings = dataclasses.replace(settings, log_format=log_format)
    company = add_company(services, sandbox, "bamboohr", people=1)
    approve_token = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url).token(424242)
    secret_registry.register("approve link token", approve_token)
    password_path = urlsplit(PasswordLinkSigner.for_settings(settings).issue(424242).url).path
    password_token = password_path.rsplit("/", 1)[1]
    secret_registry.register("set-password link token", password_token)
    secrets = {"api token": company.api_token, "webhook secret": company.webhook_secret, "approve link": approve_token,
               "set-password link": password_token}
    basic = "Basic " + base64.b64encode(f"{company.api_token}:".encode()).decode()
    server = HrsyncWeb(settings, tmp_path / "web.log").start()
    try:
        base = server.url
        requests.get(f"{base}/api/v1/integration", headers={"Authorization": basic}, timeout=30)
        requests.get(f"{base}/api/v1/stakeholders", params={"limit": 1, "access_token": company.api_token},
                     timeout=30)
        requests.get(f"{base}/api/v1/integration", params={"token": company.webhook_secret}, timeout=30)
        requests.get(f"{base}/approvals/{approve_token}", timeout=30)
        requests.get(f"{base}/approvals/static/approvals.css",
                     headers={"Referer": f"{settings.public_base_url}/approvals/{approve_token}"}, timeout=30)
        requests.get(f"{base}{password_path}", timeout=30)
        # The server's start-up probe of /healthz has an access line too: count only the six requests above.
        log = wait_until(lambda: _access_lines(text := _messages(server.log(), log_format)) >= 6 and text,
                         30, "six access lines")
    finally:
        server.stop()
    assert find_leaks({value: label for label, value in secrets.items()}, [("raw web log", server.log())]) == []
    assert find_leaks({value: label for label, value in secrets.items()}, [("web log", log)]) == []
    for line in ('"GET /api/v1/integration HTTP/1.1" 401', "- [redacted] [",
                 '"GET /api/v1/stakeholders?limit=1&access_token=[redacted] HTTP/1.1"',
                 '"GET /api/v1/integration?token=[redacted] HTTP/1.1" 401',
                 '"GET /approvals/[redacted] HTTP/1.1" 404',
                 '"GET /approvals/static/approvals.css HTTP/1.1" 200',
                 '"GET /set-password/[redacted] HTTP/1.1" 404'):
        assert line in log, line
    assert f'"{settings.public_base_url}/approvals/[redacted]"' in log


def _messages(log: str, log_format: str) -> str:
    """The log's text as a person reads it: the lines themselves, or (json) each line's message, one a line."""
    if log_format == "text":
        return log
    return "\n".join(json.loads(line)["message"] for line in log.splitlines() if line.strip())


def _access_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if ' HTTP/1.1" ' in line and "GET /healthz " not in line)
