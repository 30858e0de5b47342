"""Every /api answer carries `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`, and an error never
echoes unbounded input (issue 12 item 8)."""

from __future__ import annotations

import json
import re

import pytest

from admin_fakes import fake_hr  # noqa: F401  (fixture)

# The contract: an error names at most 20 details and its message has at most 500 characters.
MAX_DETAILS, MAX_MESSAGE = 20, 500
API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
PERSONIO = {"provider": "personio", "credentials": {"client_id": "papi-client", "client_secret": "papi-secret-0123"}}


def _raise(**_):
    raise RuntimeError("boom")


ANSWERS = [  # (method, path, authenticated, JSON body, status)
    ("GET", "/api/v1/integration", True, None, 200),
    ("GET", "/api/v1/openapi.json", False, None, 200),
    ("PUT", "/api/v1/integration", True, {"settings": {"name_format": "nope"}}, 422),
    ("PUT", "/api/v1/integration", True, PERSONIO, 200),  # shows the one-time Personio webhook token
    ("GET", "/api/v1/integration", False, None, 401),
    ("GET", "/api/v1/no-such-route", True, None, 404),
    ("DELETE", "/api/v1/integration", True, None, 405),
    ("POST", "/api/v1/stakeholders", True, {"name": "x" * (1024 * 1024)}, 413),
]


@pytest.mark.parametrize("method, path, authenticated, body, status", ANSWERS,
                         ids=[f"{a[0]}-{a[1].removeprefix('/api/v1/')}-{a[4]}" for a in ANSWERS])
def test_every_api_answer_is_neither_cached_nor_sniffed(client, company, fake_hr, method, path, authenticated,  # noqa: F811
                                                        body, status):
    answer = client.open(path, method=method, json=body, headers=company.auth if authenticated else {})
    assert answer.status_code == status, answer.get_data()[:300]
    assert {name: answer.headers.get(name) for name in API_HEADERS} == API_HEADERS
    if (method, status) == ("PUT", 200):
        assert answer.json["webhook"]["secret"]  # the answer that must never sit in a cache


def test_an_internal_error_too(app, client, company):
    app.view_functions["integration_api.get_integration"] = _raise
    answer = client.get("/api/v1/integration", headers=company.auth)
    assert answer.status_code == 500
    assert {name: answer.headers.get(name) for name in API_HEADERS} == API_HEADERS


def test_twenty_thousand_unknown_keys_are_named_a_few_at_a_time(client, company):
    """It used to answer a 549 KB error listing every key."""
    body = {f"key{index:05d}": 1 for index in range(20_000)}
    answer = client.put("/api/v1/integration", data=json.dumps(body), content_type="application/json",
                        headers=company.auth)
    assert answer.status_code == 422
    assert len(answer.data) < 8 * 1024
    error = answer.json["error"]
    assert error["message"] == "key00000: Unknown field."
    details = error["details"]
    shown = [key for key in details if key != "_more"]
    assert shown == [f"key{index:05d}" for index in range(len(shown))] and 1 <= len(shown) <= MAX_DETAILS
    more = int(re.fullmatch(r"and (\d+) more", details["_more"][0])[1])
    assert len(shown) + more == 20_000


def test_a_huge_unknown_field_name_is_cut(client, company):
    name = "n" * 600_000
    answer = client.put("/api/v1/integration", data=json.dumps({"settings": {name: 1}}),
                        content_type="application/json", headers=company.auth)
    assert answer.status_code == 422
    assert len(answer.data) < 4 * 1024 and len(answer.json["error"]["message"]) <= MAX_MESSAGE
    assert answer.json["error"]["message"].startswith("settings.nnn") and answer.json["error"]["message"].endswith("…")
