"""Each option a provider's description declares is a keyword argument of its provider class with the same default
(get_provider passes them by name), and HiBob's garden-leave choice reaches the leaver rule."""

from __future__ import annotations

import inspect

import pytest
import requests

from domain.employee import EmploymentStatus
from providers.base import ProviderSettings
from providers.hibob import DESCRIPTION as HIBOB, HiBobProvider
from providers.registry import PROVIDERS
from tests.unit.providers.hibob.test_hibob_client import TOKEN, Scripted, bob

DECLARED = [(name, option) for name, description in PROVIDERS.items() for option in description.options]


@pytest.mark.parametrize("name, option", DECLARED, ids=[f"{n}-{o.key}" for n, o in DECLARED])
def test_a_declared_option_is_a_keyword_of_the_provider_with_its_default(name, option):
    parameters = inspect.signature(PROVIDERS[name].provider_class().__init__).parameters
    assert option.key in parameters, f"{name} declares {option.key!r} but its provider does not take it"
    assert parameters[option.key].default == option.default
    assert option.label and option.help and option.flag.startswith("--")


ON_GARDEN_LEAVE = {"/root/id": {"value": "2"}, "id": "2", "/root/firstName": {"value": "Gerda"},
                   "/root/surname": {"value": "Garten"}, "/internal/lifecycleStatus": {"value": "garden leave"},
                   "/internal/status": {"value": "Active"}, "/work/startDate": {"value": "2020-01-01"},
                   "/internal/terminationDate": {"value": "2099-12-31"}}


@pytest.mark.parametrize("stored, leaver", [({}, True), ({"garden_leave_leaver": True}, True),
                                            ({"garden_leave_leaver": False}, False)])
def test_the_companys_garden_leave_choice_decides_whether_garden_leave_is_a_leaver(stored, leaver):
    session = requests.Session()
    session.mount("https://", Scripted(bob(employees=(ON_GARDEN_LEAVE,))))
    built = HiBobProvider({"service_user_id": "SERVICE-1", "service_user_token": TOKEN},
                          ProviderSettings(base_url="https://api.hibob.com", max_retries=0), session=session,
                          **HIBOB.option_values(stored))
    [gerda] = list(built.iter_employees())
    assert gerda.terminated is leaver
    assert leaver or gerda.status is EmploymentStatus.LEAVE
