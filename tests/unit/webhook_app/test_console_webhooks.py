"""The Webhooks page (issue 15, page 4): admins only; the URL to paste; a generated token shown in the one answer
that generated it, never again; a pasted key taken in a secret input, refused inline when it cannot be one, and never
shown; the provider's steps; when the last delivery arrived; a plain statement for an HR system without webhooks."""

from __future__ import annotations

import pytest

from providers.base import ChangeNotice
from services import integration as setup
from services.intake import accept_notice
from store.db import transaction
from store.repositories import integrations
from tests import secret_registry
from tests.console_client import page_of

PATH = "/console/webhooks"
CREDENTIALS = {"bamboohr": {"subdomain": "acme", "api_key": "bamboo-key-for-the-webhooks-page"},
               "personio": {"client_id": "client-1", "client_secret": "personio-secret-for-the-webhooks-page"},
               "humaans": {"access_token": "humaans-token-for-the-webhooks-page"}}
PASTED_KEY = "bamboo-private-key-0123456789abcdef"
# Only the secret ones: ids such as "client-1" are not secret and occur in other tests' pages and logs.
secret_registry.register("HR credential or webhook key", PASTED_KEY, CREDENTIALS["bamboohr"]["api_key"],
                         CREDENTIALS["personio"]["client_secret"], CREDENTIALS["humaans"]["access_token"])


def _connect(services, company_id: str, provider: str) -> None:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, provider, CREDENTIALS[provider])


def _secret(services, company_id: str) -> str | None:
    with transaction(services.session_factory) as session:
        return integrations.get_webhook_secret(session, services.box, company_id)


@pytest.fixture
def console_company_id(company):
    """The conftest's admin and approver browsers sign in to this company."""
    return company.id


def _open(console):
    response, page = console.open(PATH)
    assert response.status_code == 200 and page.unlabelled() == [] and page.duplicate_ids() == []
    return page


def test_a_generated_token_is_shown_once_in_the_answer_that_generated_it(admin, services, company):
    _connect(services, company.id, "personio")
    page = _open(admin)
    url = setup.read_state(services, company.id).webhook_url
    assert f">{url}</textarea>" in page.text and "No webhook token yet" in page.plain
    assert "auth_type = TOKEN" in page.plain  # the provider's own steps
    generated = admin.submit(PATH, f"{PATH}/generate")
    token = _secret(services, company.id)
    secret_registry.register("generated webhook token", token)
    assert generated.status_code == 200 and generated.headers["Cache-Control"] == "no-store"
    assert f">{token}</textarea>" in generated.get_data(as_text=True) and "never shows it again" in page_of(generated).plain
    assert "previous webhook token stopped working" not in page_of(generated).plain
    assert token not in (generated.headers.get("Set-Cookie") or "")
    again = _open(admin)
    assert token not in again.text and "A webhook token is set" in again.plain
    replaced = admin.submit(PATH, f"{PATH}/generate")
    assert _secret(services, company.id) != token and "previous webhook token stopped working" in page_of(replaced).plain
    secret_registry.register("generated webhook token", _secret(services, company.id))


def test_a_pasted_key_is_taken_in_a_secret_input_and_never_shown(admin, services, company):
    _connect(services, company.id, "bamboohr")
    page = _open(admin)
    field = page.form_to(f"{PATH}/secret").field("secret")
    assert field.type == "password" and field.value == "" and "Account Settings > Webhooks" in page.plain
    assert f"{PATH}/generate" not in [form.action for form in page.forms]
    answer = admin.submit(PATH, f"{PATH}/secret", secret=f"  {PASTED_KEY} ")
    assert answer.status_code == 303 and _secret(services, company.id) == PASTED_KEY
    after = _open(admin)
    assert "The key is saved" in after.plain and PASTED_KEY not in after.text
    assert "A webhook private key is saved" in after.plain


@pytest.mark.parametrize("secret", ["too-short", "x" * 513, "   "])
def test_a_key_that_cannot_be_one_is_refused_on_its_field_and_nothing_is_saved(admin, services, company, secret):
    _connect(services, company.id, "bamboohr")
    answer = admin.submit(PATH, f"{PATH}/secret", secret=secret)
    page = page_of(answer)
    assert answer.status_code == 422 and "16 to 512 characters" in page.plain
    field = page.form_to(f"{PATH}/secret").field("secret")
    assert field.attributes.get("aria-invalid") == "true" and field.value == ""
    assert 'id="field-secret-error"' in page.text and _secret(services, company.id) is None


def test_generating_where_the_hr_system_generates_the_key_is_refused(admin, services, company):
    _connect(services, company.id, "bamboohr")
    token = _open(admin).form_to(f"{PATH}/secret").fields()["csrf_token"]
    answer = admin.client.post(f"{PATH}/generate", data={"csrf_token": token})
    assert answer.status_code == 422 and "generates the webhook private key itself" in page_of(answer).plain
    assert _secret(services, company.id) is None


def test_an_hr_system_without_webhooks_gets_a_plain_statement(admin, services, company):
    _connect(services, company.id, "humaans")
    page = _open(admin)
    assert "No webhook for Humaans" in page.plain and "scheduled syncs keep" in page.plain
    assert "/webhooks/humaans/" not in page.text and [f.action for f in page.forms] == ["/logout"]
    token = page.form_to("/logout").fields()["csrf_token"]
    answer = admin.client.post(f"{PATH}/generate", data={"csrf_token": token})
    assert answer.status_code == 422 and "no webhook secret is needed" in page_of(answer).plain
    assert _secret(services, company.id) is None


def test_without_an_hr_system_the_page_says_to_connect_one_first(admin):
    page = _open(admin)
    assert "Connect your HR system first" in page.plain
    token = page.form_to("/logout").fields()["csrf_token"]
    answer = admin.client.post(f"{PATH}/generate", data={"csrf_token": token})
    assert answer.status_code == 303 and "Connect your HR system" in _open(admin).plain


def test_when_the_last_delivery_arrived(admin, services, company, fake_redis, redis_server):
    _connect(services, company.id, "bamboohr")
    assert "No delivery has arrived yet" in _open(admin).plain
    notice = ChangeNotice("employee.updated", "delivery-1", ("7",))
    accept_notice(fake_redis, services.settings.namespace, company.id, notice)
    assert "The last delivery from BambooHR arrived on" in _open(admin).plain
    redis_server.connected = False
    try:
        assert "cannot be told right now" in _open(admin).plain
    finally:
        redis_server.connected = True


def test_a_repeated_delivery_counts_as_arrived(services, company, fake_redis):
    from core import coalescing
    namespace = services.settings.namespace
    notice = ChangeNotice("employee.updated", "delivery-1", ("7",))
    accept_notice(fake_redis, namespace, company.id, notice)
    first = coalescing.last_delivery(fake_redis, namespace, company.id)
    fake_redis.set(coalescing.last_delivery_key(namespace, company.id), first - 60)
    accept_notice(fake_redis, namespace, company.id, notice)  # the HR system retried: a duplicate
    assert coalescing.last_delivery(fake_redis, namespace, company.id) >= first
    assert fake_redis.ttl(coalescing.last_delivery_key(namespace, company.id)) > 300 * 24 * 3600


def test_an_approver_cannot_open_the_page_or_change_the_secret(approver, services, company):
    _connect(services, company.id, "personio")
    response, page = approver.open("/console")
    assert PATH not in dict(page.links)
    assert approver.client.get(PATH).status_code == 403
    token = page.form_to("/logout").fields()["csrf_token"]
    for action, data in ((f"{PATH}/generate", {}), (f"{PATH}/secret", {"secret": PASTED_KEY})):
        assert approver.client.post(action, data={"csrf_token": token, **data}).status_code == 403
    assert _secret(services, company.id) is None


def test_the_forms_need_their_csrf_token(admin, services, company):
    _connect(services, company.id, "bamboohr")
    assert admin.client.post(f"{PATH}/secret", data={"secret": PASTED_KEY}).status_code == 400
    assert _secret(services, company.id) is None


def _registrar(services, monkeypatch):
    from tests.fake_registrar import FakeRegistrar
    fake = FakeRegistrar()
    monkeypatch.setattr(services, "provider_factory", fake.factory)
    return fake


def test_the_register_button_creates_the_webhook_and_says_so(admin, services, company, monkeypatch):
    hr = _registrar(services, monkeypatch)
    _connect(services, company.id, "personio")
    page = _open(admin)
    assert f"{PATH}/register" in [form.action for form in page.forms] and "personio:webhooks:write" in page.plain
    assert "Or set it up by hand in Personio" in page.plain  # the steps stay as the fallback
    answer = admin.submit(PATH, f"{PATH}/register")
    token = _secret(services, company.id)
    secret_registry.register("registered webhook token", token)
    assert answer.status_code == 200 and "Personio will now send changes to hrsync" in page_of(answer).plain
    [stored] = hr.hooks.values()
    assert stored.token == token and stored.hook.url == setup.read_state(services, company.id).webhook_url
    assert token not in answer.get_data(as_text=True)
    again = admin.submit(PATH, f"{PATH}/register")
    assert "replaced the earlier hrsync webhook" in page_of(again).plain and len(hr.hooks) == 1


def test_the_hr_systems_refusal_is_said_beside_the_button(admin, services, company, monkeypatch):
    from providers.errors import WebhookRegistrationRefused
    hr = _registrar(services, monkeypatch)
    hr.refuse_create = WebhookRegistrationRefused("the API credential may not manage webhooks", "permission")
    _connect(services, company.id, "personio")
    answer = admin.submit(PATH, f"{PATH}/register")
    page = page_of(answer)
    assert answer.status_code == 502 and "Personio did not register the webhook" in page.plain
    assert "may not manage webhooks" in page.plain and _secret(services, company.id) is None


@pytest.mark.parametrize("provider", ["bamboohr", "humaans"])
def test_no_button_where_the_provider_does_not_declare_it(admin, services, company, provider):
    _connect(services, company.id, provider)
    assert f"{PATH}/register" not in [form.action for form in _open(admin).forms]


def test_an_approver_cannot_register(approver, services, company):
    _connect(services, company.id, "personio")
    response, page = approver.open("/console")
    token = page.form_to("/logout").fields()["csrf_token"]
    assert approver.client.post(f"{PATH}/register", data={"csrf_token": token}).status_code == 403
