"""`hrsync integration set` for HiBob and Humaans, whose options, prompts and hints come from the registry alone."""

from __future__ import annotations

from providers.humaans import DESCRIPTION as HUMAANS
from store.db import transaction
from store.repositories import integrations
from core.bootstrap import build_services
from test_cli_admin import cli, company, env, hr, settings  # noqa: F401 (fixtures)

BOB_TOKEN, HUMAANS_TOKEN = "bob-token-from-stdin-0123", "humaans-token-from-stdin-0123"


def stored(settings, company):
    services = build_services(settings)
    try:
        with transaction(services.session_factory) as session:
            return integrations.get_credentials(session, services.box, company)
    finally:
        services.dispose()


def test_the_options_of_every_registered_provider_are_offered(cli):
    shown = cli("integration", "set", "--help").output
    for option in ("--service-user-id", "--service-user-token", "--environment", "--access-token"):
        assert option in shown
    assert "hibob" in shown and "humaans" in shown


def test_hibob_asks_for_the_token_and_shows_where_to_paste_the_url(cli, company, settings):
    result = cli("integration", "set", company, "--provider", "hibob", "--service-user-id", "SERVICE-7",
                 "--environment", "sandbox", input=BOB_TOKEN + "\n")
    assert result.exit_code == 0, result.output
    assert f"webhook URL: https://hrsync.example/webhooks/hibob/{company}" in result.output
    assert "Settings › Integrations › Webhooks" in result.output and BOB_TOKEN not in result.output
    assert stored(settings, company) == {"service_user_id": "SERVICE-7", "service_user_token": BOB_TOKEN,
                                         "environment": "sandbox"}
    key = cli("integration", "webhook-secret", company, input="bob-secret-key-0123456789\n")
    assert key.exit_code == 0 and "HiBob's webhook secret key is stored" in key.output


def test_humaans_has_no_webhook_and_says_how_it_is_kept_in_step(cli, company, settings):
    result = cli("integration", "set", company, "--provider", "humaans", input=HUMAANS_TOKEN + "\n")
    assert result.exit_code == 0, result.output
    assert "webhooks:    none" in result.output and HUMAANS.note in result.output
    assert "webhook URL" not in result.output and HUMAANS_TOKEN not in result.output
    assert stored(settings, company) == {"access_token": HUMAANS_TOKEN}
    refused = cli("integration", "webhook-secret", company)
    assert refused.exit_code == 1 and "no webhooks" in refused.output
