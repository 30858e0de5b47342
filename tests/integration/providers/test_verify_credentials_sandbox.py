"""Each provider's credential check against the sandbox over HTTP: accepted, refused, no such company, unreachable."""

from __future__ import annotations

import socket

import pytest

from providers.bamboohr import BambooHRProvider
from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.personio import PersonioProvider
from sandbox.server import SandboxServer

API_KEY = "verify-key-0123456789"
CLIENT_SECRET = "verify-secret-0123456789"


@pytest.fixture(scope="module")
def server():
    with SandboxServer() as running:
        yield running


@pytest.fixture
def sandbox(server):
    """The sandbox with one BambooHR company (acme) and one Personio credential (cid-verify)."""
    server.state.reset()
    server.state.add_bamboohr_tenant(subdomain="acme", api_key=API_KEY, people=3, seed=7)
    server.state.add_personio_tenant(client_id="cid-verify", client_secret=CLIENT_SECRET, people=3, seed=7)
    yield server
    server.state.reset()


@pytest.fixture(scope="module")
def nowhere() -> str:
    """A loopback URL where nothing listens (the port is bound, never listened on, while the tests run)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


def bamboohr(base_url: str, subdomain: str = "acme", api_key: str = API_KEY) -> BambooHRProvider:
    return BambooHRProvider({"subdomain": subdomain, "api_key": api_key},
                            ProviderSettings(base_url=base_url, timeout=5.0, max_retries=1, backoff_factor=0.01))


def personio(base_url: str, client_secret: str = CLIENT_SECRET) -> PersonioProvider:
    return PersonioProvider({"client_id": "cid-verify", "client_secret": client_secret},
                            ProviderSettings(base_url=base_url, timeout=5.0, max_retries=1, backoff_factor=0.01))


def verify(provider) -> None:
    try:
        provider.verify_credentials()
    finally:
        provider.close()


def test_valid_credentials_pass(sandbox):
    verify(bamboohr(sandbox.bamboohr_base_url))
    verify(personio(sandbox.personio_base_url))


def test_bamboohr_names_the_subdomain_whose_key_it_rejected(sandbox):
    with pytest.raises(ProviderAuthError, match="BambooHR rejected the API key for subdomain acme") as refused:
        verify(bamboohr(sandbox.bamboohr_base_url, api_key="wrong-key-0123456789"))
    assert "wrong-key-0123456789" not in str(refused.value)


def test_bamboohr_says_there_is_no_company_at_a_wrong_subdomain(sandbox):
    with pytest.raises(ProviderError, match="no BambooHR company at subdomain acme-gmbh: check the subdomain") as no:
        verify(bamboohr(sandbox.bamboohr_base_url, subdomain="acme-gmbh"))
    assert not isinstance(no.value, (ProviderAuthError, ProviderUnavailable)) and API_KEY not in str(no.value)


def test_personio_names_the_client_id_it_rejected(sandbox):
    with pytest.raises(ProviderAuthError, match="Personio rejected the client credentials for client id cid-verify"):
        verify(personio(sandbox.personio_base_url, client_secret="wrong-secret-0123"))


@pytest.mark.parametrize("build", [lambda url: bamboohr(url + "/bamboohr/{subdomain}"), personio],
                         ids=["bamboohr", "personio"])
def test_an_unreachable_hr_system_is_unavailable_not_refused(nowhere, build):
    with pytest.raises(ProviderUnavailable):
        verify(build(nowhere))


@pytest.mark.parametrize("build, base", [(bamboohr, "bamboohr_base_url"), (personio, "personio_base_url")],
                         ids=["bamboohr", "personio"])
def test_a_failing_hr_system_is_unavailable_not_refused(sandbox, build, base):
    for tenant in (sandbox.state.bamboohr_tenant("acme"), sandbox.state.personio_tenant("cid-verify")):
        sandbox.state.inject_fault(tenant, "server_error", count=5)
    with pytest.raises(ProviderUnavailable):
        verify(build(getattr(sandbox, base)))
