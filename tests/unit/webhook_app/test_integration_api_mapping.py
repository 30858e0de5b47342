"""GET /api/v1/integration/fields and GET|PUT /api/v1/integration/mapping: checked against the HR system."""

from __future__ import annotations

import pytest
from admin_fakes import fake_hr  # noqa: F401  (fixture)

from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable

URL = "/api/v1/integration"
PERSONIO = {"provider": "personio", "credentials": {"client_id": "papi-client-1", "client_secret": "papi-secret-xyz"}}
GOOD = [{"source": "first_name", "target": "first_name"}, {"source": "last_name", "target": "last_name"},
        {"source": "dynamic_1009", "target": "unique_identifier"}, {"source": "dynamic_1006", "target": "city"}]


@pytest.fixture
def personio_company(client, company, fake_hr):
    assert client.put(URL, json=PERSONIO, headers=company.auth).status_code == 200
    return company


def put_mapping(client, company, rows):
    return client.put(f"{URL}/mapping", json={"mapping": rows}, headers=company.auth)


def test_fields_list_the_hr_systems_fields_with_readability_and_mapping(client, personio_company, fake_hr):
    answer = client.get(f"{URL}/fields", headers=personio_company.auth)
    assert answer.status_code == 200
    assert answer.json["provider"] == "personio"
    by_key = {row["key"]: row for row in answer.json["fields"]}
    assert by_key["first_name"] == {"key": "first_name", "label": "First name", "type": "standard",
                                    "readable": True, "mapped_to": "first_name"}
    assert by_key["dynamic_1006"]["readable"] is False and by_key["dynamic_1006"]["mapped_to"] is None
    assert fake_hr.calls[-1][1] == PERSONIO["credentials"]  # the provider got the decrypted credentials


@pytest.mark.parametrize("error, status, code", [
    (ProviderAuthError("Personio rejected the client id papi-client-1"), 502, "provider_auth_failed"),
    (ProviderUnavailable("Personio answered 503 after 5 tries"), 503, "provider_unavailable"),
    (ProviderError("Personio answered something unexpected"), 502, "provider_error"),
], ids=["auth", "unavailable", "other"])
def test_fields_report_hr_system_failures(client, personio_company, fake_hr, error, status, code):
    fake_hr.error = error
    answer = client.get(f"{URL}/fields", headers=personio_company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    assert answer.json["error"]["message"] == str(error)
    assert ("Retry-After" in answer.headers) is (status == 503)


@pytest.mark.parametrize("route", ["fields", "mapping"])
def test_without_an_integration_there_is_nothing_to_map(client, company, fake_hr, route):
    answer = client.get(f"{URL}/{route}", headers=company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "provider_not_configured")


def test_the_default_mapping_shows_until_one_is_set(client, personio_company):
    answer = client.get(f"{URL}/mapping", headers=personio_company.auth)
    assert answer.status_code == 200
    assert answer.json["default"] is True and answer.json["provider"] == "personio"
    assert {"source": "email", "target": "email"} in answer.json["mapping"]


def test_a_valid_mapping_is_stored_and_names_what_the_credential_cannot_read(client, personio_company):
    answer = put_mapping(client, personio_company, GOOD)
    assert answer.status_code == 200, answer.json
    assert answer.json == {"provider": "personio", "default": False, "mapping": GOOD, "unreadable": ["dynamic_1006"]}
    shown = client.get(f"{URL}/mapping", headers=personio_company.auth).json
    assert shown["mapping"] == GOOD and shown["default"] is False


def row(source, target):
    return {"source": source, "target": target}


NAMES = [row("first_name", "first_name"), row("last_name", "last_name")]


@pytest.mark.parametrize("rows, code, field", [
    ([*NAMES, row("email", "e_mail")], "invalid_mapping", "e_mail"),
    ([*NAMES, row("email", "first_name")], "invalid_mapping", "first_name"),
    ([*NAMES, row("first_name", "preferred_name")], "invalid_mapping", "first_name"),
    ([row("first_name", "first_name"), row("email", "email")], "invalid_mapping", "last_name"),
    ([*NAMES, row("dynamic_4711", "city")], "invalid_mapping", "dynamic_4711"),
    ([*NAMES, row("", "city")], "invalid_request", "mapping.2.source"),
    ([*NAMES, {"source": "email"}], "invalid_request", "mapping.2.target"),
    ([*NAMES, {"source": "email", "target": "email", "note": "x"}], "invalid_request", "mapping.2.note"),
    ([*NAMES, {"source": 5, "target": "email"}], "invalid_request", "mapping.2.source"),
    ([], "invalid_request", "mapping"),
], ids=["unknown-target", "target-from-two-sources", "source-mapped-twice", "required-target-missing",
        "unknown-source", "empty-source", "row-without-target", "row-with-extra-field", "number-source",
        "empty-mapping"])
def test_refused_mappings_name_the_field_and_change_nothing(client, personio_company, rows, code, field):
    answer = put_mapping(client, personio_company, rows)
    assert (answer.status_code, answer.json["error"]["code"]) == (422, code)
    assert answer.json["error"]["message"].startswith(f"{field}: ")
    assert client.get(f"{URL}/mapping", headers=personio_company.auth).json["default"] is True


def test_a_mapping_needs_the_hr_system_to_answer(client, personio_company, fake_hr):
    fake_hr.error = ProviderUnavailable("Personio did not answer")
    answer = put_mapping(client, personio_company, GOOD)
    assert (answer.status_code, answer.json["error"]["code"]) == (503, "provider_unavailable")
    assert client.get(f"{URL}/mapping", headers=personio_company.auth).json["default"] is True


def test_mapping_body_must_be_a_list_of_rows(client, personio_company):
    answer = client.put(f"{URL}/mapping", json={"mapping": {"first_name": "first_name"}},
                        headers=personio_company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (422, "invalid_request")
    assert answer.json["error"]["message"].startswith("mapping: ")


def test_another_companys_mapping_is_out_of_reach(client, personio_company, other_company):
    put_mapping(client, personio_company, GOOD)
    answer = client.get(f"{URL}/mapping", headers=other_company.auth)
    assert (answer.status_code, answer.json["error"]["code"]) == (409, "provider_not_configured")
