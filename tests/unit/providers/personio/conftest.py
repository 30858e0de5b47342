"""Fixtures for the Personio unit tests: providers wired to a scripted transport."""

from __future__ import annotations

import pytest
import requests

from personio_fakes import FakePersonio, ScriptedTransport
from providers.base import ProviderSettings
from providers.personio import PersonioProvider
from tests import secret_registry


@pytest.fixture
def scripted_session():
    """Build a session whose every request is answered by `handler`; returns (session, transport)."""
    def build(handler):
        transport = ScriptedTransport(handler)
        session = requests.Session()
        session.mount("http://", transport)
        return session, transport
    return build


@pytest.fixture
def personio_provider(scripted_session):
    """Build (provider, transport) over a FakePersonio; kwargs go to the provider."""
    built = []

    def build(fake: FakePersonio, **kwargs):
        session, transport = scripted_session(fake)
        secret_registry.register("Personio client secret", fake.secret)
        provider = PersonioProvider({"client_id": "cid-42", "client_secret": fake.secret},
                                    ProviderSettings(base_url="http://personio.test"), session=session,
                                    **kwargs)
        built.append(provider)
        return provider, transport

    yield build
    for provider in built:
        provider.close()
