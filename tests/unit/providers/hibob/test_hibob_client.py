"""The HiBob client's requests and answers on a scripted transport: the search body, the display texts only when a
list field needs them, errors a person can act on, the environment's host, named lists."""

from __future__ import annotations

import json

import pytest
import requests

from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.hibob import HiBobProvider
from providers.hibob_client import HiBobClient, base_url_for
from tests import secret_registry

TOKEN = "bob-client-token-77aa"
secret_registry.register("HiBob service user token", TOKEN)
TITLE = {"id": "work.title", "categoryId": "work", "categoryDisplayName": "Work", "name": "Job title",
         "jsonPath": "work.title", "type": "list", "typeData": {"listId": "title"}}
EMPLOYEE = {"/root/id": {"value": "1"}, "id": "1", "/root/firstName": {"value": "Ada"}, "firstName": "Ada"}


class Scripted(requests.adapters.BaseAdapter):
    """Answers each request with `answer(request) -> (status, body)`; keeps the requests and their JSON bodies."""

    def __init__(self, answer) -> None:
        super().__init__()
        self.answer, self.requests = answer, []

    def send(self, request, **kwargs):
        self.requests.append(request)
        status, body = self.answer(request)
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return response

    def close(self) -> None:
        pass

    def bodies(self, path: str) -> list[dict]:
        return [json.loads(r.body) for r in self.requests if r.path_url == path]


def provider(answer, mapping=None) -> tuple[HiBobProvider, Scripted]:
    transport = Scripted(answer)
    session = requests.Session()
    session.mount("https://", transport)
    built = HiBobProvider({"service_user_id": "SERVICE-1", "service_user_token": TOKEN},
                          ProviderSettings(base_url="https://api.hibob.com", max_retries=0), mapping, session=session)
    return built, transport


def bob(metadata=(), employees=(EMPLOYEE,), status=200, body=None):
    def answer(request):
        if request.path_url == "/v1/company/people/fields":
            return 200, list(metadata)
        return status, body if body is not None else {"employees": list(employees)}
    return answer


def test_the_search_asks_for_everyone_and_the_mapped_fields_only():
    built, transport = provider(bob())
    list(built.iter_employees())
    (body,) = transport.bodies("/v1/people/search")
    assert body["fields"][0] == "root.id" and "root.firstName" in body["fields"] and "internal.status" in body["fields"]
    assert body["showInactive"] is True and "filters" not in body and "humanReadable" not in body
    auth = transport.requests[-1].headers["Authorization"]
    assert auth.startswith("Basic ") and transport.requests[-1].headers["Content-Type"] == "application/json"


def test_display_texts_are_asked_for_only_when_a_list_field_is_mapped():
    built, transport = provider(bob([TITLE]), mapping={**HiBobProvider.default_mapping, "work.title": "job_title"})
    list(built.iter_employees())
    assert transport.bodies("/v1/people/search")[0]["humanReadable"] == "APPEND"


def test_a_targeted_search_uses_the_one_filter():
    built, transport = provider(bob())
    list(built.fetch_employees(["1", "2"]))
    assert transport.bodies("/v1/people/search")[0]["filters"] == [
        {"fieldPath": "root.id", "operator": "equals", "values": ["1", "2"]}]
    list(built.fetch_employees([]))
    assert len(transport.bodies("/v1/people/search")) == 1  # no ids: no request (an empty filter is a 400)


def test_a_nested_only_answer_is_read_whole():
    nested = {"id": "7", "firstName": "Victor", "work": {"startDate": "2022-05-09"}}
    (employee,) = provider(bob(employees=[nested]))[0].iter_employees()
    assert (employee.remote_id, employee.first_name) == ("7", "Victor")


def test_more_than_four_hundred_fields_are_refused_before_asking():
    mapping = {f"work.custom.field_{i}": f"x{i}" for i in range(400)}
    built, transport = provider(bob(), mapping={"root.firstName": "first_name", **mapping})
    with pytest.raises(ProviderError, match="at most 400"):
        list(built.iter_employees())
    assert transport.bodies("/v1/people/search") == []


@pytest.mark.parametrize("status, error, text", [
    (400, ProviderError, "HTTP 400: Only one filter is supported *** people.search.filter"),
    (404, ProviderError, "HTTP 404"), (500, ProviderUnavailable, "try again later"),
    (401, ProviderAuthError, "check the service user ID and token"),
    (401, ProviderAuthError, "Employed, Hired and Terminated"),
    (403, ProviderAuthError, "Employed, Hired and Terminated"),
])
def test_errors_say_what_to_do_and_never_the_token(status, error, text):
    body = {"key": "people.search.filter", "error": f"Only one filter is supported {TOKEN}"}
    built, _ = provider(bob(status=status, body=body))
    with pytest.raises(error) as caught:
        list(built.iter_employees())
    assert text in str(caught.value) and TOKEN not in str(caught.value)


@pytest.mark.parametrize("body", [b"<html>", b'{"people": []}', b"[]"])
def test_an_answer_that_is_no_search_result_is_an_error(body):
    with pytest.raises(ProviderError):
        list(provider(bob(body=body))[0].iter_employees())


@pytest.mark.parametrize("base, sandbox, environment, expected", [
    ("https://api.hibob.com", "", "production", "https://api.hibob.com"),
    ("https://api.hibob.com/", "", "sandbox", "https://api.sandbox.hibob.com"),
    ("https://app.hibob.com", "", "sandbox", "https://app.sandbox.hibob.com"),
    ("http://127.0.0.1:9/hibob", "http://127.0.0.1:9/hibob-sandbox/", "sandbox", "http://127.0.0.1:9/hibob-sandbox"),
])
def test_the_environment_picks_the_host(base, sandbox, environment, expected):
    assert base_url_for(ProviderSettings(base_url=base, sandbox_base_url=sandbox), environment) == expected


@pytest.mark.parametrize("environment", ["sandbox", "staging"])
def test_an_environment_without_a_host_is_refused(environment):
    with pytest.raises(ProviderError):
        base_url_for(ProviderSettings(base_url="https://proxy.example/hibob"), environment)


def test_named_list_items_and_their_children_are_read():
    tree = {"name": "departments", "items": [{"id": 1, "value": "R&D", "children": [
        {"id": "2", "name": "Platform", "children": []}]}, {"id": "3"}, "nonsense"]}
    transport = Scripted(lambda request: (200, tree))
    session = requests.Session()
    session.mount("https://", transport)
    client = HiBobClient("SERVICE-1", TOKEN, ProviderSettings(base_url="https://api.hibob.com"), session=session)
    assert client.named_list("departments") == {"1": "R&D", "2": "Platform"}
    assert transport.requests[0].path_url == "/v1/company/named-lists/departments"


def test_missing_credentials_point_to_service_users():
    with pytest.raises(ProviderError, match="service user ID and its token"):
        HiBobProvider({"service_user_id": "SERVICE-1"}, ProviderSettings(base_url="https://api.hibob.com"))
