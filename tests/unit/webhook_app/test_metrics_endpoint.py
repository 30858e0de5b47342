"""GET /metrics (issue 18): readable only with the metrics token or from an allowed address; the address is the
client's as the trusted proxies report it (HRSYNC_TRUSTED_PROXIES, werkzeug's ProxyFix), never as a client claims."""

from __future__ import annotations

import dataclasses

import pytest

from core import namespace
from tests import secret_registry
from tests.approval_scenario import build_scenario
from webhook_app import create_app

TOKEN = "metrics-token-0123456789abcdef"
secret_registry.register("metrics token", TOKEN)
APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"


def _client(settings, services, fake_redis, **changes):
    built = dataclasses.replace(settings, **changes)
    services.settings = built
    return create_app(built, redis=fake_redis, services=services).test_client()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": TOKEN},
                                     {"Authorization": f"Basic {TOKEN}"}])
def test_without_the_token_metrics_are_refused(settings, services, fake_redis, headers):
    client = _client(settings, services, fake_redis, metrics_token=TOKEN)
    answer = client.get("/metrics", headers=headers)
    assert (answer.status_code, answer.json["error"]["code"]) == (401, "metrics_refused")
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert TOKEN not in answer.get_data(as_text=True)


def test_nobody_reads_metrics_when_neither_token_nor_addresses_are_configured(settings, services, fake_redis):
    client = _client(settings, services, fake_redis)
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 401


def test_the_token_reads_the_metrics_and_the_state_gauges(settings, services, fake_redis):
    client = _client(settings, services, fake_redis, metrics_token=TOKEN)
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain; version=0.0.4")
    for line in ("hrsync_workers_alive 0.0", 'hrsync_queue_depth{queue="sync"} 0.0',
                 "hrsync_pending_changesets 0.0", "hrsync_integrations_needing_attention 0.0",
                 'hrsync_state_readable{source="redis"} 1.0', 'hrsync_state_readable{source="database"} 1.0'):
        assert line in text.splitlines(), line


@pytest.mark.parametrize("remote, allowed", [("10.1.2.3", True), ("10.9.0.1", False), ("192.0.2.7", True),
                                             ("2001:db8::1", False)])
def test_an_allowed_address_reads_the_metrics_without_a_token(settings, services, fake_redis, remote, allowed):
    client = _client(settings, services, fake_redis, metrics_allow_from=("10.1.0.0/16", "192.0.2.7"))
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": remote})
    assert answer.status_code == (200 if allowed else 401)


@pytest.mark.parametrize("trusted, expected", [(0, 401), (1, 200)])
def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(settings, services, fake_redis, trusted, expected):
    """Behind deploy/'s nginx (one proxy) the client is nginx's X-Forwarded-For; with none trusted, a client
    claiming an allowed address in that header gains nothing."""
    client = _client(settings, services, fake_redis, metrics_allow_from=("192.0.2.7",), trusted_proxies=trusted)
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                        headers={"X-Forwarded-For": "192.0.2.7"})
    assert answer.status_code == expected


@pytest.mark.parametrize("trusted, counted_as", [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_approval_ceiling_counts_the_client_the_trusted_proxy_saw(settings, services, fake_redis, trusted,
                                                                       counted_as):
    """Issue 12's per-address ceiling behind nginx: each client's wrong passwords count under its own address, not
    all under the proxy's (and only with the proxy trusted; a client's own header is spoofable)."""
    scenario = build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD)
    client = _client(settings, services, fake_redis, trusted_proxies=trusted)
    answer = client.post(f"/api/v1/changesets/{scenario.changeset_id}/approve",
                         json={"email": APPROVER_EMAIL, "password": "wrong"},
                         headers={"Authorization": f"Bearer {scenario.api_token}",
                                  "X-Forwarded-For": "198.51.100.1, 203.0.113.9"},
                         environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert answer.status_code == 401
    lockout = namespace.lockout(fake_redis, settings.namespace)
    tries = {address: fake_redis.get(lockout.client_key(scenario.company_id, address))
             for address in ("127.0.0.1", "203.0.113.9", "198.51.100.1")}
    assert tries == {address: (b"1" if address == counted_as else None) for address in tries}
