"""`hrsync integration register-webhook`: the company's webhook created in its HR system with the stored credentials,
the outcome on a few lines (never the token), a refusal on one line with exit 1 and nothing changed."""

from __future__ import annotations

import pytest

from core.bootstrap import build_services
from hrsync.cli import admin_support
from providers.errors import WebhookRegistrationRefused
from store.db import transaction
from store.repositories import integrations
from tests import secret_registry
from tests.fake_registrar import FakeRegistrar
from test_cli_admin import cli, company, env, hr, one_line_error, settings  # noqa: F401 (fixtures)

PERSONIO_SECRET, BAMBOO_KEY = "personio-secret-of-the-cli-test", "bamboo-key-of-the-cli-register-test"
secret_registry.register("Personio client secret of the CLI test", PERSONIO_SECRET)
secret_registry.register("BambooHR key of the CLI test", BAMBOO_KEY)


def registrar_after_connecting(monkeypatch) -> FakeRegistrar:
    """Once `integration set` has verified the credentials (FakeHR), the HR system's webhook list is this fake's."""
    fake = FakeRegistrar()
    monkeypatch.setattr(admin_support, "build_services",
                        lambda settings: build_services(settings, provider_factory=fake.factory))
    return fake


def stored_secret(settings, company) -> str | None:
    services = build_services(settings)
    try:
        with transaction(services.session_factory) as session:
            return integrations.get_webhook_secret(session, services.box, company)
    finally:
        services.dispose()


@pytest.fixture
def personio(cli, company, settings) -> str:
    result = cli("integration", "set", company, "--provider", "personio", "--client-id", "papi-cli",
                 "--client-secret", PERSONIO_SECRET)
    assert result.exit_code == 0, result.output
    return company


def test_register_webhook_creates_it_and_replaces_the_one_made_by_hand(cli, personio, settings, monkeypatch):
    registrar = registrar_after_connecting(monkeypatch)
    url = f"https://hrsync.example/webhooks/personio/{personio}"
    by_hand = registrar.add(url)

    result = cli("integration", "register-webhook", personio)

    assert result.exit_code == 0, result.output
    created = next(hook for hook in registrar.hooks.values())
    secret_registry.register("webhook token registered by the CLI", created.token)
    assert list(registrar.hooks) == [created.hook.id] and created.hook.id != by_hand.id
    assert f"Personio will now send changes to hrsync: webhook {created.hook.id} posts to {url}" in result.output
    assert "replaced 1 earlier webhook(s) at that URL" in result.output
    assert "person.updated" in result.output and created.token not in result.output
    assert stored_secret(settings, personio) == created.token


def test_a_refusal_is_one_line_and_keeps_the_token(cli, personio, settings, monkeypatch):
    registrar = registrar_after_connecting(monkeypatch)
    before = stored_secret(settings, personio)
    registrar.refuse_create = WebhookRegistrationRefused("Personio refused: the credential lacks the "
                                                         "personio:webhooks:write scope", "permission")

    result = cli("integration", "register-webhook", personio)

    one_line_error(result, "Personio refused: the credential lacks the personio:webhooks:write scope")
    assert stored_secret(settings, personio) == before and registrar.hooks == {}


def test_a_provider_that_cannot_register_points_at_its_steps(cli, company, monkeypatch):
    connected = cli("integration", "set", company, "--provider", "bamboohr", "--subdomain", "acme",
                    "--api-key", BAMBOO_KEY)
    assert connected.exit_code == 0, connected.output
    registrar = registrar_after_connecting(monkeypatch)

    one_line_error(cli("integration", "register-webhook", company), "hrsync cannot register BambooHR's webhook")
    assert registrar.calls == []
