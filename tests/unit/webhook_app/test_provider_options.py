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
