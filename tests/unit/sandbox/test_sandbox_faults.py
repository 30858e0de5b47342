"""Injected faults as each provider's clients would see them, and the request log that records them."""

from __future__ import annotations

import json

import pytest

META = "/bamboohr/acme/v1/meta/fields"
EMPLOYEES = "/personio/v1/company/employees"


@pytest.mark.parametrize("status", [429, 503], ids=["429-from-sept-2026", "503-today"])
def test_bamboohr_throttling_carries_retry_after_for_the_next_count_requests(
        client, state, bamboo, basic_auth, status):
    state.inject_fault(bamboo, "rate_limit", count=2, status=status, retry_after=3)
    answers = [client.get(META, headers=basic_auth()) for _ in range(3)]
    assert [a.status_code for a in answers] == [status, status, 200]
    assert [a.headers.get("Retry-After") for a in answers] == ["3", "3", None]
    assert answers[0].headers["X-BambooHR-Error-Message"]


def test_personio_rate_limit_is_a_429_with_the_v1_envelope(client, state, perso, login):
    headers = login()
    state.inject_fault(perso, "rate_limit", retry_after=0)
    response = client.get(EMPLOYEES, headers=headers)
    assert response.status_code == 429 and response.headers["Retry-After"] == "0"
    assert response.get_json() == {"success": False, "error": {"code": 429, "message": "Too Many Requests"}}
    assert client.get(EMPLOYEES, headers=headers).status_code == 200


def test_a_rate_limit_can_come_without_retry_after(client, state, perso, login):
    headers = login()
    state.inject_fault(perso, "rate_limit", retry_after=None)
    response = client.get(EMPLOYEES, headers=headers)
    assert response.status_code == 429 and "Retry-After" not in response.headers


@pytest.mark.parametrize("status", [None, 502, 504], ids=["default-500", "502", "504"])
def test_server_errors(client, state, bamboo, basic_auth, status):
    state.inject_fault(bamboo, "server_error", status=status)
    response = client.get(META, headers=basic_auth())
    assert response.status_code == (status or 500) and "Retry-After" not in response.headers


def test_auth_failure_rejects_good_credentials(client, state, perso, login):
    headers = login()
    state.inject_fault(perso, "auth_failure")
    assert client.get(EMPLOYEES, headers=headers).status_code == 401
    assert client.get(EMPLOYEES, headers=headers).status_code == 200


def test_auth_failure_can_hit_the_auth_call(client, state, perso):
    state.inject_fault(perso, "auth_failure", path="/v1/auth")
    credentials = {"client_id": "cid", "client_secret": "secret"}
    assert client.post("/personio/v1/auth", json=credentials).status_code == 401
    assert client.post("/personio/v1/auth", json=credentials).status_code == 200


@pytest.mark.parametrize("provider", ["bamboohr", "personio"])
def test_bad_json_truncates_a_successful_body(client, state, bamboo, perso, basic_auth, login, provider):
    tenant, url, headers = ((bamboo, META, basic_auth()) if provider == "bamboohr"
                            else (perso, EMPLOYEES, login()))
    complete = client.get(url, headers=headers).get_data()
    state.inject_fault(tenant, "bad_json")
    broken = client.get(url, headers=headers)
    assert broken.status_code == 200 and broken.get_data() == complete[: len(complete) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.get_data())


def test_slow_requests_are_still_answered_and_logged(client, state, bamboo, basic_auth):
    state.inject_fault(bamboo, "slow", delay=0.01)
    assert client.get(META, headers=basic_auth()).status_code == 200
    assert state.request_details(bamboo)[-1].fault == "slow"


def test_faults_can_spare_other_paths(client, state, perso, login):
    headers = login()
    state.inject_fault(perso, "server_error", path="/v1/company/employees/attributes")
    assert client.get(EMPLOYEES, headers=headers).status_code == 200
    assert client.get(f"{EMPLOYEES}/attributes", headers=headers).status_code == 500


def test_request_log_records_method_path_status_query_and_safe_headers(client, state, perso, login):
    headers = {**login(), "X-Personio-App-ID": "HRSYNC"}
    client.get(EMPLOYEES, query_string={"limit": 100, "offset": 200}, headers=headers)
    assert state.request_log(perso) == [("POST", "/v1/auth", 200), ("GET", "/v1/company/employees", 200)]
    detail = state.request_details(perso)[-1]
    assert detail.query == {"limit": ["100"], "offset": ["200"]}
    assert detail.headers["X-Personio-App-ID"] == "HRSYNC" and "Authorization" not in detail.headers


def test_requests_with_spent_tokens_are_logged_for_their_tenant(client, state, login):
    tenant = state.add_personio_tenant("rot", "s", people=2, token_mode="rotating")
    headers = login("rot", "s")
    client.get(EMPLOYEES, headers=headers)
    client.get(EMPLOYEES, headers=headers)
    assert state.request_log(tenant)[-1] == ("GET", "/v1/company/employees", 403)
