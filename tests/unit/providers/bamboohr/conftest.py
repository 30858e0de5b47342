"""Fixtures for the BambooHR unit tests: wire payloads from tests/fixtures and an in-process fake API."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from providers.bamboohr import BambooHRProvider
from providers.base import ProviderSettings
from tests import secret_registry

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "bamboohr"
SETTINGS = ProviderSettings(base_url="https://{subdomain}.bamboohr.com/api", timeout=5, max_retries=0)
API_KEY = "k3y-0f-acme-5ecret"
secret_registry.register("BambooHR api key", API_KEY)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def make_response(status: int, body: bytes | str | Any = b"", headers: dict[str, str] | None = None,
                  url: str = "https://acme.bamboohr.com/api/v1/meta/fields") -> requests.Response:
    """A requests.Response as the transport would build it (body read from a stream)."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict(headers or {})
    response.raw = io.BytesIO(body.encode("utf-8") if isinstance(body, str) else body)
    response.url = url
    response.encoding = "utf-8"
    return response


Route = Callable[[requests.PreparedRequest], requests.Response]


class FakeBambooHR(BaseAdapter):
    """A transport adapter answering BambooHR paths from canned responses; it records every request."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[requests.PreparedRequest] = []

    def answer(self, method: str, path: str, status: int = 200, body: Any = b"",
               headers: dict[str, str] | None = None) -> None:
        self.routes[(method, path)] = lambda request: make_response(status, body, headers, request.url)

    def send(self, request, **kwargs):
        self.requests.append(request)
        route = self.routes.get((request.method, urlsplit(request.url).path))
        if route is None:
            return make_response(404, b"", url=request.url)
        response = route(request)
        response.request = request
        return response

    def close(self) -> None:
        pass

    def json_bodies(self) -> list[Any]:
        return [json.loads(request.body) for request in self.requests if request.body]


@pytest.fixture
def fake_api() -> FakeBambooHR:
    return FakeBambooHR()


@pytest.fixture
def make_provider(fake_api: FakeBambooHR):
    """Build a provider whose HTTP goes to `fake_api` instead of the network."""
    built: list[BambooHRProvider] = []

    def build(mapping: dict[str, str] | None = None, subdomain: str = "acme") -> BambooHRProvider:
        provider = BambooHRProvider(credentials={"subdomain": subdomain, "api_key": API_KEY},
                                    settings=SETTINGS, mapping=mapping)
        provider.client.session.mount("https://", fake_api)
        built.append(provider)
        return provider

    yield build
    for provider in built:
        provider.close()


@pytest.fixture
def load_json() -> Callable[[str], Any]:
    return fixture_json


@pytest.fixture
def load_bytes() -> Callable[[str], bytes]:
    return fixture_bytes


@pytest.fixture
def response_factory() -> Callable[..., requests.Response]:
    return make_response


@pytest.fixture
def provider_settings() -> ProviderSettings:
    return SETTINGS
