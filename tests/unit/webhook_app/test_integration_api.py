"""GET|PUT /api/v1/integration and the webhook secret: write-only credentials, settings, shown-once secrets."""

from __future__ import annotations

import pytest
from admin_fakes import fake_hr  # noqa: F401  (fixture)
from sqlalchemy import select

from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from store.db import transaction
from store.models import IntegrationRow
from store.repositories import integrations

URL = "/api/v1/integration"
PERSONIO = {"provider": "personio", "credentials": {"client_id": "papi-client-1", "client_secret": "papi-secret-xyz"}}
BAMBOO = {"provider": "bamboohr", "credentials": {"subdomain": "acme", "api_key": "bamboo-key-0123456789"}}
BAMBOO_PRIVATE_KEY = "123b929362d51613054f71e5e5d4bf2c"


@pytest.fixture(autouse=True)
def hr(fake_hr):  # noqa: F811
    """Credentials are verified with a live call when saved: here the HR system is the fake."""
    return fake_hr


def put(client, company, body):
    return client.put(URL, json=body, headers=company.auth)


def stored_secret(services, company) -> str | None:
    with transaction(services.session_factory) as session:
        return integrations.get_webhook_secret(session, services.box, company.id)


def test_an_unconfigured_company_shows_its_default_settings(client, company):
    answer = client.get(URL, headers=company.auth)
    assert answer.status_code == 200
    assert answer.json == {
        "company_id": company.id, "company_name": "Acme GmbH", "provider": None, "status": None,
        "last_error": None, "last_error_at": None, "credentials_set": False, "webhook": None,
        "settings": {"name_format": "first_last", "termination_policy": "propose_group",
                     "ex_employee_group": "Ex-employee", "import_terminated": False, "use_preferred_name": False,
                     "managed_groups": []}, "options": {}}


def test_personio_gets_a_generated_webhook_token_shown_once(client, company, services):
    created = put(client, company, PERSONIO)
    assert created.status_code == 200, created.json
    webhook = created.json["webhook"]
    assert webhook["url"] == f"https://hrsync.test/webhooks/personio/{company.id}"
    assert webhook["secret_set"] is True and len(webhook["secret"]) >= 32
    assert stored_secret(services, company) == webhook["secret"]
    again = client.get(URL, headers=company.auth)
    assert "secret" not in again.json["webhook"] and again.json["webhook"]["secret_set"] is True


def test_credentials_are_never_echoed_and_stored_encrypted(client, company, services):
    answers = [put(client, company, PERSONIO), client.get(URL, headers=company.auth)]
    for answer in answers:
        assert "papi-secret-xyz" not in answer.get_data(as_text=True)
        assert "credentials" not in answer.json and answer.json["credentials_set"] is True
    with transaction(services.session_factory) as session:
        row = session.scalar(select(IntegrationRow))
        assert "papi-secret-xyz" not in row.credentials_ciphertext
        assert integrations.get_credentials(session, services.box, company.id) == PERSONIO["credentials"]


def test_bamboohr_takes_the_private_key_bamboohr_generated(client, company, services):
    created = put(client, company, BAMBOO)
    assert created.json["webhook"] == {"url": f"https://hrsync.test/webhooks/bamboohr/{company.id}",
                                       "secret_set": False}
    keyed = put(client, company, {"webhook_secret": BAMBOO_PRIVATE_KEY})
    assert keyed.status_code == 200
    assert keyed.json["webhook"]["secret_set"] is True and "secret" not in keyed.json["webhook"]
    assert BAMBOO_PRIVATE_KEY not in keyed.get_data(as_text=True)
    assert stored_secret(services, company) == BAMBOO_PRIVATE_KEY


def test_settings_change_alone_and_keep_the_rest(client, company):
    put(client, company, PERSONIO)
    answer = put(client, company, {"settings": {"name_format": "last_comma_first", "import_terminated": True}})
    assert answer.status_code == 200
    assert answer.json["settings"]["name_format"] == "last_comma_first"
    assert answer.json["settings"]["import_terminated"] is True
    assert answer.json["settings"]["termination_policy"] == "propose_group"
    assert answer.json["provider"] == "personio"


def test_managed_groups_widen_what_the_sync_may_merge_into(client, company):
    put(client, company, PERSONIO)
    answer = put(client, company, {"settings": {"managed_groups": ["Contractors", " contractors "]}})
    assert answer.status_code == 200
    assert answer.json["settings"]["managed_groups"] == ["Contractors"]
    refused = put(client, company, {"settings": {"managed_groups": "Contractors"}})
    assert refused.status_code == 422 and refused.json["error"]["code"]
    assert client.get(URL, headers=company.auth).json["settings"]["managed_groups"] == ["Contractors"]


def test_new_credentials_for_the_same_provider_keep_mapping_and_secret(client, company, services, fake_hr):
    secret = put(client, company, PERSONIO).json["webhook"]["secret"]
    rows = [{"source": "first_name", "target": "first_name"}, {"source": "last_name", "target": "last_name"}]
    assert client.put(f"{URL}/mapping", json={"mapping": rows}, headers=company.auth).status_code == 200
    renewed = put(client, company, {"provider": "personio",
                                    "credentials": {"client_id": "papi-client-1", "client_secret": "rotated-secret"}})
    assert "secret" not in renewed.json["webhook"]
    assert stored_secret(services, company) == secret
    assert client.get(f"{URL}/mapping", headers=company.auth).json["mapping"] == rows


def test_switching_provider_starts_from_its_default_mapping(client, company, fake_hr):
    put(client, company, PERSONIO)
    rows = [{"source": "first_name", "target": "first_name"}, {"source": "last_name", "target": "last_name"}]
    client.put(f"{URL}/mapping", json={"mapping": rows}, headers=company.auth)
    switched = put(client, company, BAMBOO)
    assert switched.json["provider"] == "bamboohr" and switched.json["webhook"]["secret_set"] is False
    mapping = client.get(f"{URL}/mapping", headers=company.auth).json
    assert mapping["default"] is True and {"source": "firstName", "target": "first_name"} in mapping["mapping"]


def test_rotating_the_personio_token_shows_the_new_one_once(client, company, services):
    first = put(client, company, PERSONIO).json["webhook"]["secret"]
    rotated = client.post(f"{URL}/webhook-secret", headers=company.auth)
    assert rotated.status_code == 200
    second = rotated.json["webhook"]["secret"]
    assert second != first and stored_secret(services, company) == second


def test_rotating_the_bamboohr_key_stores_the_one_sent(client, company, services):
    put(client, company, BAMBOO)
    refused = client.post(f"{URL}/webhook-secret", headers=company.auth)
    assert refused.status_code == 422 and refused.json["error"]["message"].startswith("secret: BambooHR generates")
    rotated = client.post(f"{URL}/webhook-secret", json={"secret": BAMBOO_PRIVATE_KEY}, headers=company.auth)
    assert rotated.status_code == 200 and "secret" not in rotated.json["webhook"]
    assert stored_secret(services, company) == BAMBOO_PRIVATE_KEY


@pytest.mark.parametrize("body, status, code, field", [
    ({"provider": "workday", "credentials": {"x": "y"}}, 422, "invalid_request", "provider"),
    ({"provider": "personio"}, 422, "invalid_request", "credentials"),
    ({"credentials": {"client_id": "a", "client_secret": "b"}}, 422, "invalid_request", "provider"),
    ({"provider": "bamboohr", "credentials": {"subdomain": "acme"}}, 422, "invalid_request", "credentials.api_key"),
    ({"provider": "bamboohr", "credentials": {"subdomain": "acme", "api_key": "k", "client_id": "c"}},
     422, "invalid_request", "credentials.client_id"),
    ({"provider": "bamboohr", "credentials": {"subdomain": "acme corp!", "api_key": "k"}},
     422, "invalid_request", "credentials"),
    ({"provider": "personio", "credentials": {"client_id": 7, "client_secret": "b"}},
     422, "invalid_request", "credentials.client_id"),
    ({"provider": "personio", "credentials": {"client_id": " ", "client_secret": "b"}},
     422, "invalid_request", "credentials.client_id"),
    ({"settings": {"name_format": "fancy"}}, 422, "invalid_request", "settings.name_format"),
    ({"settings": {"termination_policy": "delete"}}, 422, "invalid_request", "settings.termination_policy"),
    ({"settings": {"import_terminated": "yes"}}, 422, "invalid_request", "settings.import_terminated"),
    ({"settings": {"use_preferred_name": 1}}, 422, "invalid_request", "settings.use_preferred_name"),
    ({"settings": {"ex_employee_group": ""}}, 422, "invalid_request", "settings.ex_employee_group"),
    ({"settings": {"colour": "blue"}}, 422, "invalid_request", "settings.colour"),
    ({"tenant": "other"}, 422, "invalid_request", "tenant"),
    ({"webhook_secret": "short"}, 422, "invalid_request", "webhook_secret"),
    ({"webhook_secret": BAMBOO_PRIVATE_KEY}, 409, "provider_not_configured", None),
], ids=["unknown-provider", "provider-without-credentials", "credentials-without-provider", "missing-api-key",
        "foreign-credential-key", "bad-subdomain", "number-as-client-id", "blank-client-id", "bad-name-format",
        "bad-termination-policy", "string-boolean", "number-boolean", "empty-group", "unknown-setting",
        "unknown-field", "short-secret", "secret-before-provider"])
def test_refused_updates_name_the_field_and_change_nothing(client, company, body, status, code, field):
    before = client.get(URL, headers=company.auth).json
    answer = put(client, company, body)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    if field is not None:
        assert answer.json["error"]["message"].startswith(f"{field}: ")
    assert client.get(URL, headers=company.auth).json == before


@pytest.mark.parametrize("data, content_type, status, code", [
    ("{not json", "application/json", 400, "invalid_json"),
    ("", "application/json", 400, "invalid_json"),
    ('{"a": 1, "a": 2}', "application/json", 400, "invalid_json"),
    ("[1, 2]", "application/json", 422, "invalid_request"),
    ("provider=personio", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("{}" + " " * (1024 * 1024), "application/json", 413, "request_entity_too_large"),
], ids=["broken-json", "empty-body", "duplicate-key", "array-body", "form-body", "over-1-mib"])
def test_malformed_bodies(client, company, data, content_type, status, code):
    answer = client.put(URL, data=data, content_type=content_type, headers=company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)


def test_rotating_without_an_integration_is_a_conflict(client, company):
    answer = client.post(f"{URL}/webhook-secret", headers=company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "provider_not_configured")


def test_one_company_never_sees_or_changes_another(client, company, other_company):
    put(client, company, PERSONIO)
    put(client, other_company, {"settings": {"name_format": "last_first"}})
    mine = client.get(URL, headers=company.auth).json
    theirs = client.get(URL, headers=other_company.auth).json
    assert mine["settings"]["name_format"] == "first_last" and mine["provider"] == "personio"
    assert theirs["provider"] is None and theirs["company_id"] == other_company.id


ROUTES = [("get", URL), ("put", URL), ("post", f"{URL}/webhook-secret"), ("get", f"{URL}/fields"),
          ("get", f"{URL}/mapping"), ("put", f"{URL}/mapping"), ("get", "/api/v1/stakeholders"),
          ("post", "/api/v1/stakeholders")]


@pytest.mark.parametrize("method, url", ROUTES, ids=[f"{m}-{u}" for m, u in ROUTES])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer hrs_not-a-token"}, {"Authorization": "Basic x"}],
                         ids=["no-token", "unknown-token", "wrong-scheme"])
def test_every_admin_route_needs_the_company_token(client, method, url, headers):
    answer = getattr(client, method)(url, json={}, headers=headers)
    assert (answer.status_code, answer.json["error"]["code"]) == (401, "unauthorized")
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("error, message", [
    (ProviderAuthError("BambooHR rejected the API key for subdomain acme (HTTP 401); check the key"),
     "credentials: BambooHR rejected the API key for subdomain acme (HTTP 401); check the key; nothing was saved"),
    (ProviderError("no BambooHR company at subdomain acme: check the subdomain"),
     "credentials: no BambooHR company at subdomain acme: check the subdomain; nothing was saved"),
], ids=["key-rejected", "no-such-company"])
def test_credentials_the_hr_system_refuses_are_not_saved(client, company, fake_hr, error, message):
    fake_hr.error = error
    refused = put(client, company, BAMBOO)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"] == {"code": "credentials_rejected", "message": message,
                                     "details": {"credentials": [message.removeprefix("credentials: ")]}}
    assert client.get(URL, headers=company.auth).json["provider"] is None


def test_unreachable_hr_system_refuses_unless_verification_is_skipped(client, company, fake_hr):
    fake_hr.error = ProviderUnavailable("could not reach BambooHR for subdomain acme (ConnectionError)")
    refused = put(client, company, BAMBOO)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    assert refused.json["error"] == {"code": "provider_unavailable", "message": (
        "could not check the credentials: could not reach BambooHR for subdomain acme (ConnectionError); "
        'nothing was saved (to save them unchecked, send "verify": false)')}
    assert client.get(URL, headers=company.auth).json["provider"] is None
    saved = put(client, company, {**BAMBOO, "verify": False})
    assert saved.status_code == 200, saved.json
    assert saved.json["provider"] == "bamboohr" and saved.json["status"] == "needs_attention"
    assert saved.json["last_error"] == "credentials saved without verification; the next sync checks them"
    assert saved.json["last_error_at"] is not None


def test_verified_credentials_are_ok_and_the_check_used_them(client, company, fake_hr):
    saved = put(client, company, BAMBOO)
    assert saved.json["status"] == "ok" and saved.json["last_error"] is None and saved.json["last_error_at"] is None
    assert fake_hr.calls == [("bamboohr", BAMBOO["credentials"], None)]


@pytest.mark.parametrize("credentials", [{"subdomain": "acme", "api_key": "…"},
                                         {"client_id": "…", "client_secret": "…"}], ids=["bamboohr", "personio"])
def test_readme_placeholders_are_refused_even_unverified(client, company, credentials):
    provider = "bamboohr" if "api_key" in credentials else "personio"
    refused = put(client, company, {"provider": provider, "credentials": credentials, "verify": False})
    assert refused.status_code == 422 and refused.json["error"]["message"].startswith("credentials.")
    assert client.get(URL, headers=company.auth).json["provider"] is None


def test_the_webhook_is_registered_through_the_api_and_its_token_never_shown(client, company, services, monkeypatch):
    from providers.errors import WebhookRegistrationRefused
    from store.db import transaction as tx
    from store.repositories import integrations as stored_integrations
    from tests import secret_registry
    from tests.fake_registrar import FakeRegistrar
    hr = FakeRegistrar()
    monkeypatch.setattr(services, "provider_factory", hr.factory)
    with tx(services.session_factory) as session:
        stored_integrations.set_integration(session, services.box, company.id, "personio",
                                            {"client_id": "client-9", "client_secret": "personio-secret-of-api-test"})
    secret_registry.register("Personio client secret", "personio-secret-of-api-test")
    answer = client.post("/api/v1/integration/webhook", headers=company.auth)
    body = answer.get_json()
    with tx(services.session_factory) as session:
        token = stored_integrations.get_webhook_secret(session, services.box, company.id)
    secret_registry.register("registered webhook token", token)
    assert answer.status_code == 200 and body["provider"] == "personio" and body["replaced"] == 0
    assert body["url"].endswith(f"/webhooks/personio/{company.id}") and "person.updated" in body["events"]
    assert token not in answer.get_data(as_text=True) and hr.token_of(body["webhook_id"]) == token
    hr.refuse_create = WebhookRegistrationRefused("Personio refused the webhook (422): url must be https", "address")
    refused = client.post("/api/v1/integration/webhook", headers=company.auth)
    assert refused.status_code == 502 and refused.get_json()["error"]["code"] == "webhook_registration_refused"
    assert "PUBLIC_BASE_URL" in refused.get_json()["error"]["message"]
