"""Generated input against the admin API (hypothesis, in the spirit of schemathesis): never a 5xx, every
answer matches the OpenAPI document for its status, and a refused request changes nothing."""

from __future__ import annotations

import pytest
from admin_fakes import fake_hr  # noqa: F401  (fixture)
from hypothesis import HealthCheck, given, settings, strategies as st
from openapi_schema_validator import OAS30ReadValidator

from store.repositories.companies import SETTING_NAMES

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
names = st.sampled_from(["first_name", "last_name", "email", "dynamic_1009", "dynamic_4711", "e_mail", ""])
texts = st.one_of(st.text(max_size=30), st.sampled_from(["acme", "Anna", "Investors", "x" * 301, "a@b.example"]))

integration_bodies = st.fixed_dictionaries({}, optional={
    "provider": st.one_of(st.sampled_from(["bamboohr", "personio", "workday"]), json_values),
    "credentials": st.one_of(st.dictionaries(st.sampled_from(["subdomain", "api_key", "client_id", "client_secret",
                                                              "token"]), st.one_of(texts, json_values)), json_values),
    "settings": st.one_of(st.dictionaries(st.sampled_from([*SETTING_NAMES, "colour"]),
                                          st.one_of(st.sampled_from(["first_last", "ignore", True]), json_values)),
                          json_values),
    "webhook_secret": st.one_of(texts, json_values),
    "extra": json_values,
})
mapping_bodies = st.fixed_dictionaries({"mapping": st.one_of(
    st.lists(st.fixed_dictionaries({"source": st.one_of(names, json_values), "target": st.one_of(names, json_values)},
                                   optional={"note": json_values}), max_size=5),
    json_values)})
stakeholder_bodies = st.fixed_dictionaries({}, optional={
    key: st.one_of(texts, json_values) for key in ("name", "first_name", "last_name", "unique_identifier", "email",
                                                   "birth_date", "group", "hr_remote_id")})
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


@pytest.fixture
def personio(client, company, fake_hr):
    body = {"provider": "personio", "credentials": {"client_id": "p", "client_secret": "s"}}
    assert client.put("/api/v1/integration", json=body, headers=company.auth).status_code == 200
    return company


def resolved(node, document):
    if isinstance(node, dict):
        if "$ref" in node:
            return resolved(document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]], document)
        return {key: resolved(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(value, document) for value in node]
    return node


def check(document, client, auth, method, path, body, state_path):
    before = client.get(state_path, headers=auth).json
    answer = getattr(client, method)(path, json=body, headers=auth)
    responses = document["paths"][path][method]["responses"]
    assert str(answer.status_code) in responses, (answer.status_code, answer.json, body)
    schema = responses[str(answer.status_code)]["content"]["application/json"]["schema"]
    OAS30ReadValidator(resolved(schema, document)).validate(answer.json)
    if answer.status_code >= 400:
        assert client.get(state_path, headers=auth).json == before, body


def test_generated_integration_updates(client, personio, document):
    @FUZZ
    @given(integration_bodies)
    def run(body):
        check(document, client, personio.auth, "put", "/api/v1/integration", body, "/api/v1/integration")

    run()


def test_generated_mappings(client, personio, document):
    @FUZZ
    @given(mapping_bodies)
    def run(body):
        check(document, client, personio.auth, "put", "/api/v1/integration/mapping", body,
              "/api/v1/integration/mapping")

    run()


def test_generated_stakeholders(client, company, document):
    @FUZZ
    @given(stakeholder_bodies)
    def run(body):
        check(document, client, company.auth, "post", "/api/v1/stakeholders", body,
              "/api/v1/stakeholders?limit=500")

    run()
