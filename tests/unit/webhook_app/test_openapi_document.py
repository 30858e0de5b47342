"""GET /api/v1/openapi.json: a valid OpenAPI 3 document; documented routes are the real routes; answers conform."""

from __future__ import annotations

import re

import pytest
from admin_fakes import fake_hr  # noqa: F401  (fixture)
from flask import Blueprint, jsonify
from openapi_schema_validator import OAS30ReadValidator
from openapi_spec_validator import validate
from werkzeug.exceptions import MethodNotAllowed, NotFound

from webhook_app import create_app
from webhook_app.api.openapi import build_document, openapi_path

SAMPLE = {"integer": "1", "number": "1.5", "string": "x"}


@pytest.fixture
def document(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.json


def documented_operations(document):
    return {(path, method) for path, item in document["paths"].items()
            for method in item if method in ("get", "put", "post", "patch", "delete")}


def real_operations(app):
    return {(openapi_path(rule.rule)[0], method.lower()) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}


def concrete(path, item):
    """A URL for a documented path: each {param} filled with a value of its declared type."""
    types = {p["name"]: p["schema"]["type"] for p in item.get("parameters", []) if p["in"] == "path"}
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE[types[m[1]]], path)


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "https://hrsync.test"}]


def test_every_documented_route_is_served(app, document):
    adapter = app.url_map.bind("hrsync.test")
    for path, method in sorted(documented_operations(document)):
        url = concrete(path, document["paths"][path])
        try:
            endpoint, _ = adapter.match(url, method=method.upper())
        except (NotFound, MethodNotAllowed):
            pytest.fail(f"{method.upper()} {path} is documented but not served")
        assert url.startswith("/api/v1/") and endpoint


def test_every_api_route_is_documented(app, document):
    assert real_operations(app) == documented_operations(document)
    assert {("/api/v1/integration", "put"), ("/api/v1/integration/mapping", "put"),
            ("/api/v1/stakeholders", "post"), ("/api/v1/openapi.json", "get"), ("/api/v1/syncs", "get"),
            ("/api/v1/changesets", "get")} <= real_operations(app)


def test_a_route_added_later_appears_with_its_parameters(settings, services, fake_redis):
    extra = Blueprint("extra", __name__)

    @extra.get("/api/v1/widgets/<int:widget_id>/parts/<name>")
    def widget_part(widget_id, name):
        """One part of a widget."""
        return jsonify({})

    @extra.post("/api/v1/widgets")
    def make_widget():
        """Make a widget.

        ---
        post:
          responses:
            "202":
              description: queued
        """
        return jsonify({}), 202

    app = create_app(settings, redis=fake_redis, services=services)
    app.register_blueprint(extra)
    document = build_document(app)
    validate(document)
    item = document["paths"]["/api/v1/widgets/{widget_id}/parts/{name}"]
    assert [(p["name"], p["schema"]["type"]) for p in item["parameters"]] == [("widget_id", "integer"),
                                                                               ("name", "string")]
    assert item["get"]["summary"] == "One part of a widget."
    assert document["paths"]["/api/v1/widgets"]["post"]["responses"] == {"202": {"description": "queued"}}


def test_authenticated_routes_declare_the_bearer_token_and_the_document_does_not(document):
    for path, method in documented_operations(document):
        operation = document["paths"][path][method]
        expected = [] if path == "/api/v1/openapi.json" else [{"companyToken": []}]
        assert operation.get("security", []) == expected, (method, path)
        if expected:
            assert "401" in operation["responses"]


def resolved(node, document):
    """The schema with every local $ref replaced by its target (our schemas have no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            return resolved(document["components"]["schemas"][name], document)
        return {key: resolved(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(value, document) for value in node]
    return node


def assert_conforms(document, path, method, answer):
    responses = document["paths"][path][method]["responses"]
    assert str(answer.status_code) in responses, (method, path, answer.status_code)
    schema = resolved(responses[str(answer.status_code)]["content"]["application/json"]["schema"], document)
    OAS30ReadValidator(schema).validate(answer.json)


PERSONIO = {"provider": "personio", "credentials": {"client_id": "papi-client-1", "client_secret": "papi-secret"}}
MAPPING = {"mapping": [{"source": "first_name", "target": "first_name"},
                       {"source": "last_name", "target": "last_name"}]}


def test_real_answers_conform_to_the_document(client, company, document, fake_hr):
    auth = company.auth
    calls = [
        ("/api/v1/integration", "get", lambda: client.get("/api/v1/integration", headers=auth)),
        ("/api/v1/integration", "put", lambda: client.put("/api/v1/integration", json=PERSONIO, headers=auth)),
        ("/api/v1/integration/webhook-secret", "post",
         lambda: client.post("/api/v1/integration/webhook-secret", headers=auth)),
        ("/api/v1/integration/fields", "get", lambda: client.get("/api/v1/integration/fields", headers=auth)),
        ("/api/v1/integration/mapping", "put",
         lambda: client.put("/api/v1/integration/mapping", json=MAPPING, headers=auth)),
        ("/api/v1/integration/mapping", "get", lambda: client.get("/api/v1/integration/mapping", headers=auth)),
        ("/api/v1/stakeholders", "post",
         lambda: client.post("/api/v1/stakeholders", json={"name": "Anna", "birth_date": "1990-01-02"}, headers=auth)),
        ("/api/v1/stakeholders", "get", lambda: client.get("/api/v1/stakeholders", headers=auth)),
        ("/api/v1/audit", "get", lambda: client.get("/api/v1/audit", headers=auth)),
        ("/api/v1/syncs", "post", lambda: client.post("/api/v1/syncs", json={"mode": "full"}, headers=auth)),
        ("/api/v1/syncs/{sync_id}", "get", lambda: client.get("/api/v1/syncs/1", headers=auth)),
        ("/api/v1/syncs", "get", lambda: client.get("/api/v1/syncs?trigger=manual", headers=auth)),
        ("/api/v1/syncs", "get", lambda: client.get("/api/v1/syncs?status=sometimes", headers=auth)),
        ("/api/v1/changesets", "get", lambda: client.get("/api/v1/changesets?status=pending", headers=auth)),
        ("/api/v1/changesets/{changeset_id}", "get", lambda: client.get("/api/v1/changesets/4711", headers=auth)),
        ("/api/v1/integration", "put",
         lambda: client.put("/api/v1/integration", json={"settings": {"name_format": 1}}, headers=auth)),
        ("/api/v1/stakeholders", "get", lambda: client.get("/api/v1/stakeholders")),
        ("/api/v1/openapi.json", "get", lambda: client.get("/api/v1/openapi.json")),
    ]
    statuses = []
    for path, method, call in calls:
        answer = call()
        assert_conforms(document, path, method, answer)
        statuses.append(answer.status_code)
    assert statuses == [200, 200, 200, 200, 200, 200, 201, 200, 200, 202, 200, 200, 422, 200, 404, 422, 401, 200]


def test_every_operation_states_its_answer_and_schema(document):
    """No route falls back to the generic entry: each names its success status and JSON shape."""
    for path, method in sorted(documented_operations(document)):
        responses = document["paths"][path][method]["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert len(success) == 1 and success[0].isdigit(), (method, path, list(responses))
        assert "application/json" in responses[success[0]].get("content", {}), (method, path)


def test_a_nul_character_in_the_query_is_a_documented_answer(client, company, document):
    """input_guard refuses NUL anywhere in a request (400) before any view: every operation documents it."""
    answer = client.get("/api/v1/stakeholders?group=%00", headers=company.auth)
    assert answer.status_code == 400
    assert_conforms(document, "/api/v1/stakeholders", "get", answer)
    for path, method in documented_operations(document):
        assert {"400", "503"} <= set(document["paths"][path][method]["responses"]), (method, path)
