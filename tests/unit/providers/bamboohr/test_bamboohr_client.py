"""BambooHR HTTP client: request shape on the wire and translation of errors, with an in-process transport."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from providers.bamboohr_client import BambooHRClient, check_response
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable

API_KEY = "k3y-0f-acme-5ecret"


@pytest.fixture
def client(fake_api, provider_settings):
    session = requests.Session()
    session.mount("https://", fake_api)
    built = BambooHRClient("acme", API_KEY, provider_settings, session=session)
    yield built
    built.close()


def test_custom_report_request_is_what_bamboohr_parses(client, fake_api, load_json):
    fake_api.answer("POST", "/api/v1/reports/custom", body=load_json("custom_report__active_and_inactive.json"))

    answer = client.custom_report(["id", "firstName", "hireDate"])

    sent = fake_api.requests[0]
    assert urlsplit(sent.url).netloc == "acme.bamboohr.com"
    assert parse_qs(urlsplit(sent.url).query) == {"format": ["JSON"]}
    assert sent.headers["Content-Type"] == "application/json"  # no charset: BambooHR would parse XML
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(f"{API_KEY}:x".encode()).decode()
    assert json.loads(sent.body) == {"title": "hrsync", "fields": ["id", "firstName", "hireDate"],
                                     "filterDuplicates": "no"}
    assert len(answer["employees"]) == 3


def test_custom_report_filters_by_numeric_employee_ids(client, fake_api):
    fake_api.answer("POST", "/api/v1/reports/custom", body={"employees": []})

    client.custom_report(["id"], employee_ids=[4, 7])

    assert fake_api.json_bodies()[0]["filters"] == {"employeeIds": [4, 7]}


@pytest.mark.parametrize("body", [
    pytest.param(b"<?xml version='1.0'?><report/>", id="xml"),
    pytest.param(b"", id="empty"),
    pytest.param(b'{"employees": {"4": {}}}', id="employees-not-a-list"),
    pytest.param(b'["not", "a", "report"]', id="array"),
])
def test_unusable_report_answers_are_provider_errors(client, fake_api, body):
    fake_api.answer("POST", "/api/v1/reports/custom", body=body)

    with pytest.raises(ProviderError) as caught:
        client.custom_report(["id"])

    assert not isinstance(caught.value, (ProviderAuthError, ProviderUnavailable))


def test_changed_since_passes_the_timestamp(client, fake_api, load_json):
    fake_api.answer("GET", "/api/v1/employees/changed", body=load_json("changed__since.json"))

    answer = client.changed_since("2011-06-01T00:00:00Z")

    assert parse_qs(urlsplit(fake_api.requests[0].url).query) == {"since": ["2011-06-01T00:00:00Z"]}
    assert set(answer["employees"]) == {"3", "5", "12"}


def test_meta_fields_is_a_bare_array(client, fake_api, load_json):
    fake_api.answer("GET", "/api/v1/meta/fields", body=load_json("meta_fields.json"))

    assert [item["name"] for item in client.meta_fields()][:2] == ["First Name", "Last Name"]


def test_one_employee(client, fake_api, load_json):
    fake_api.answer("GET", "/api/v1/employees/123", body=load_json("employee__single.json"))

    record = client.employee("123", ["firstName", "hireDate"])

    assert record["hireDate"] == "2020-01-15"
    assert parse_qs(urlsplit(fake_api.requests[0].url).query)["fields"] == ["firstName,hireDate"]


def test_unknown_employee_is_none(client, fake_api):
    assert client.employee("999", ["firstName"]) is None  # the fake answers 404 for unrouted paths


def test_non_numeric_employee_id_is_not_requested(client, fake_api):
    assert client.employee("../meta/fields", ["firstName"]) is None
    assert fake_api.requests == []


@pytest.mark.parametrize("error, expected", [
    pytest.param(requests.ConnectionError("refused"), ProviderUnavailable, id="connection-refused"),
    pytest.param(requests.Timeout("slow"), ProviderUnavailable, id="timeout"),
    pytest.param(requests.TooManyRedirects("loop"), ProviderError, id="other-request-error"),
])
def test_transport_failures(client, fake_api, error, expected):
    def fail(request):
        raise error
    fake_api.routes[("GET", "/api/v1/meta/fields")] = fail

    with pytest.raises(expected) as caught:
        client.meta_fields()

    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("status, headers, expected, words", [
    pytest.param(401, {}, ProviderAuthError, ["BambooHR rejected the API key for subdomain acme"], id="401"),
    pytest.param(403, {}, ProviderAuthError, ["BambooHR rejected the API key for subdomain acme"], id="403"),
    pytest.param(400, {"X-BambooHR-Error-Message": "Malformed XML"}, ProviderError, ["400", "Malformed XML"],
                 id="400-with-error-header"),
    pytest.param(400, {"X-BambooHR-Error-Messsage": "Invalid since"}, ProviderError, ["Invalid since"],
                 id="400-with-three-s-header"),
    pytest.param(404, {}, ProviderError, ["404", "subdomain 'acme'"], id="404-wrong-subdomain"),
    pytest.param(406, {}, ProviderError, ["406"], id="406-unknown-field"),
    pytest.param(429, {"Retry-After": "60"}, ProviderUnavailable, ["429"], id="429-after-retries"),
    pytest.param(503, {}, ProviderUnavailable, ["503"], id="503-after-retries"),
    pytest.param(502, {}, ProviderUnavailable, ["502"], id="502"),
    pytest.param(504, {}, ProviderUnavailable, ["504"], id="504"),
    pytest.param(500, {}, ProviderUnavailable, ["500"], id="500"),
])
def test_error_translation(response_factory, status, headers, expected, words):
    with pytest.raises(expected) as caught:
        check_response(response_factory(status, b"", headers), "acme", "/v1/meta/fields", secret=API_KEY)

    assert type(caught.value) is expected
    for word in words:
        assert word in str(caught.value)


def test_error_header_never_echoes_the_key(response_factory):
    response = response_factory(400, b"", {"X-BambooHR-Error-Message": f"bad key {API_KEY} for acme"})

    with pytest.raises(ProviderError) as caught:
        check_response(response, "acme", "/v1/meta/fields", secret=API_KEY)

    assert API_KEY not in str(caught.value)
    assert "bad key *** for acme" in str(caught.value)


def test_success_passes(response_factory):
    check_response(response_factory(200, b"[]"), "acme", "/v1/meta/fields", secret=API_KEY)


def test_repr_shows_no_key(client):
    assert API_KEY not in repr(client)
    assert "acme" in repr(client)
