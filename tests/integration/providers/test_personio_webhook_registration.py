"""Registering a company's Personio webhook against the sandbox over HTTP: the v2 token, `POST /v2/webhooks` with
the company's URL and a new token, an earlier one replaced, the credential's missing scope and a refused http URL
said in words; then the sandbox reports a change the way Personio does, to the registered webhook with its token,
and hrsync accepts the delivery."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from werkzeug.serving import make_server

from core.errors import WebhookRegistrationRefused
from core import coalescing
from services import webhook_registration
from services.integration import webhook_url
from store import migrate
from store.db import transaction
from store.repositories import companies, integrations
from tests import secret_registry
from webhook_app import create_app

SECRET = "personio-secret-of-the-registration-test"
secret_registry.register("Personio client secret", SECRET)


@pytest.fixture
def hrsync_server():
    """An HTTP server whose app is set once the settings naming its address exist: (port, holder)."""
    holder = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: holder["app"](environ, start), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, holder
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def settings(settings, sandbox, hrsync_server, tmp_path):
    port, _ = hrsync_server
    url = f"sqlite:///{tmp_path / 'hrsync.db'}"
    migrate.upgrade(url)
    return dataclasses.replace(settings, database_url=url,
                               public_base_url=f"http://127.0.0.1:{port}").with_provider_urls(sandbox.settings)


@pytest.fixture
def serving(app, hrsync_server):
    hrsync_server[1]["app"] = app
    return app


@pytest.fixture
def tenant(sandbox, request):
    return sandbox.state.add_personio_tenant(f"cid-reg-{request.node.name[-20:]}", SECRET, people=3, seed=5,
                                             webhook_https_only=False)


@pytest.fixture
def company_id(services, tenant) -> str:
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, "Globex AG", "cfo@globex.example", "a password of globex")
        integrations.set_integration(session, services.box, created.company_id, "personio",
                                     {"client_id": tenant.client_id, "client_secret": SECRET})
    secret_registry.register("company api token", created.api_token)
    return created.company_id


def _token(services, company_id):
    with transaction(services.session_factory) as session:
        return integrations.get_webhook_secret(session, services.box, company_id)


def test_registered_in_the_sandbox_and_a_change_is_then_delivered_and_accepted(services, serving, sandbox, tenant,
                                                                               company_id, fake_redis):
    done = webhook_registration.register_webhook(services, company_id)
    token = _token(services, company_id)
    secret_registry.register("registered webhook token", token)
    [hook] = tenant.webhooks.values()
    url = webhook_url(services.settings.public_base_url, "personio", company_id)
    assert (hook["id"], hook["url"], hook["auth_type"], hook["status"], hook["token"]) == (
        done.webhook_id, url, "TOKEN", "ENABLED", token)
    assert "person.updated" in hook["enabled_events"] and "employment.terminated" in hook["enabled_events"]
    paths = [(r.method, r.path) for r in sandbox.state.request_details(tenant)]
    assert ("POST", "/v2/auth/token") in paths and ("POST", "/v2/webhooks") in paths

    again = webhook_registration.register_webhook(services, company_id)
    assert list(tenant.webhooks) == [again.webhook_id] and again.replaced == 1
    assert tenant.webhooks[again.webhook_id]["token"] == _token(services, company_id) != token
    secret_registry.register("registered webhook token", _token(services, company_id))

    person = tenant.people[0]
    [(to, status)] = sandbox.send_personio_registered(tenant, person.id)
    assert to == url and 200 <= status < 300
    assert coalescing.last_delivery(fake_redis, services.settings.namespace, company_id) is not None


def test_a_credential_without_the_webhooks_scope_is_told_where_to_tick_it(services, tenant, company_id):
    tenant.webhooks_scope = False
    with pytest.raises(WebhookRegistrationRefused) as refused:
        webhook_registration.register_webhook(services, company_id)
    message = str(refused.value)
    assert "personio:webhooks:write" in message and "Settings › Integrations › API credentials" in message
    assert SECRET not in message and _token(services, company_id) is None and tenant.webhooks == {}


def test_an_http_url_personio_refuses_says_what_public_base_url_must_be(services, tenant, company_id):
    tenant.webhook_https_only = True
    with pytest.raises(WebhookRegistrationRefused) as refused:
        webhook_registration.register_webhook(services, company_id)
    message = str(refused.value)
    assert "HTTPS" in message and "PUBLIC_BASE_URL must be an https address Personio can reach" in message
    assert _token(services, company_id) is None and tenant.webhooks == {}
