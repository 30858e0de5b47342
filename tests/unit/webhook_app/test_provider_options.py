"""Provider options through the seam: what a provider's description declares (`ProviderOption`) is stored on the
company's integration, checked against the declaration, and handed to the provider when a sync builds it — with no
other code naming the provider (a provider made up for the test, tests/stub_provider.py)."""

from __future__ import annotations

import pytest

from core.errors import InvalidField, NotConfigured
from providers.description import ProviderOption
from services import integration as setup
from services.sync_run import execute_sync
from store.db import transaction
from store.repositories import integrations, sync_runs
from tests.stub_provider import NAME, StubProvider, register_stub

STUB_KEY = "stub-key-0123456789abcdef"
STRICT = ProviderOption("strict_leavers", "Strict leavers", "A made-up option of the stub.", default=True)
LOUD = ProviderOption("loud", "Loud", "Another.", default=False)


@pytest.fixture(autouse=True)
def stub_registered(monkeypatch):
    register_stub(monkeypatch, options=(STRICT, LOUD))


def _connect(services, company_id: str) -> None:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, NAME, {"stub_key": STUB_KEY})


def _sync(services, company_id: str) -> dict:
    """Run a full sync of the company; the options its provider was built with."""
    with transaction(services.session_factory) as session:
        sync_id = sync_runs.create_run(session, company_id, NAME, "full").id
    execute_sync(services, sync_id)
    return StubProvider.built_with[-1]


def test_unset_options_reach_the_provider_at_their_defaults(services, company):
    _connect(services, company.id)
    assert _sync(services, company.id) == {"strict_leavers": True, "loud": False}
    assert setup.option_choices(setup.read_state(services, company.id).integration) == [(STRICT, True),
                                                                                       (LOUD, False)]


def test_a_stored_choice_reaches_the_provider_when_a_sync_builds_it(services, company):
    _connect(services, company.id)
    setup.configure(services, company.id, options={"strict_leavers": False})
    assert _sync(services, company.id) == {"strict_leavers": False, "loud": False}
    setup.configure(services, company.id, options={"loud": True})  # one option at a time keeps the other
    assert _sync(services, company.id) == {"strict_leavers": False, "loud": True}


@pytest.mark.parametrize("options, field", [
    pytest.param({"garden": True}, "options.garden", id="undeclared"),
    pytest.param({"loud": "yes"}, "options.loud", id="not-a-boolean"),
    pytest.param({"loud": True, "strict_leavers": 1}, "options.strict_leavers", id="one-bad-of-two"),
])
def test_options_not_declared_or_not_on_or_off_are_refused_and_nothing_is_stored(services, company, options, field):
    _connect(services, company.id)
    with pytest.raises(InvalidField) as refused:
        setup.configure(services, company.id, options=options, settings={"name_format": "last_first"})
    assert refused.value.field == field
    state = setup.read_state(services, company.id)
    assert state.integration.options is None and state.company.name_format.value == "first_last"


def test_options_need_an_integration(services, company):
    with pytest.raises(NotConfigured):
        setup.configure(services, company.id, options={"loud": True})


def test_switching_the_hr_system_drops_the_old_ones_options(services, company):
    _connect(services, company.id)
    setup.configure(services, company.id, options={"loud": True})
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company.id, "bamboohr", {"subdomain": "a", "api_key": "k"})
    state = setup.read_state(services, company.id)
    assert state.integration.options is None and setup.option_choices(state.integration) == []


def test_a_provider_without_options_is_built_without_any(monkeypatch, services, company):
    register_stub(monkeypatch)
    _connect(services, company.id)
    with transaction(services.session_factory) as session:
        integrations.set_options(session, company.id, {"loud": True})  # left from an older description
    assert _sync(services, company.id) == {}


def test_the_api_shows_and_sets_the_options_checked_as_the_service_checks_them(client, services, company):
    _connect(services, company.id)
    shown = client.get("/api/v1/integration", headers=company.auth).get_json()
    assert shown["options"] == {"strict_leavers": True, "loud": False}
    changed = client.put("/api/v1/integration", headers=company.auth, json={"options": {"strict_leavers": False}})
    assert changed.status_code == 200 and changed.get_json()["options"] == {"strict_leavers": False, "loud": False}
    for refused in ({"garden": True}, {"loud": "yes"}, {"loud": 1}):
        answer = client.put("/api/v1/integration", headers=company.auth, json={"options": refused})
        assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid_request", refused
    assert setup.read_state(services, company.id).integration.options == {"strict_leavers": False}


def test_the_sync_settings_page_shows_the_hr_systems_options_and_saves_them(client, services, company):
    from tests.console_client import Console, page_of
    from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD
    _connect(services, company.id)
    admin = Console(client)
    assert admin.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD).status_code == 303
    response, page = admin.open("/console/settings")
    assert response.status_code == 200 and page.unlabelled() == [] and "Reading Stub HR" in page.plain
    assert "Strict leavers A made-up option of the stub." in page.plain
    fields = page.form_to("/console/settings").fields()
    assert (fields["option-strict_leavers"], fields["option-loud"]) == (["on"], [])
    answer = admin.submit("/console/settings", "/console/settings", **{"option-strict_leavers": [],
                                                                        "option-loud": ["on"]})
    assert answer.status_code == 303
    assert setup.read_state(services, company.id).integration.options == {"strict_leavers": False, "loud": True}
    # A refused setting saves no option either, and the boxes stay as they were sent.
    refused = admin.submit("/console/settings", "/console/settings", ex_employee_group=" ",
                           **{"option-strict_leavers": ["on"], "option-loud": []})
    assert refused.status_code == 422
    assert setup.read_state(services, company.id).integration.options == {"strict_leavers": False, "loud": True}
    kept = page_of(refused).form_to("/console/settings").fields()
    assert (kept["option-strict_leavers"], kept["option-loud"]) == (["on"], [])


def test_without_options_the_page_has_no_such_card(monkeypatch, client, services, company):
    from tests.console_client import Console
    from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD
    register_stub(monkeypatch)
    _connect(services, company.id)
    admin = Console(client)
    assert admin.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD).status_code == 303
    assert "Reading Stub HR" not in admin.open("/console/settings")[1].plain
