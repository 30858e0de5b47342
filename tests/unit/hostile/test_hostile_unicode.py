"""Text that passes validation but no storage or header can carry (issue 12 item 6): a lone UTF-16 surrogate in any
JSON string, and a credential outside ASCII. Both are a 422 naming the field, and nothing is stored."""

from __future__ import annotations

import json

import pytest

LONE = "\ud800"
CASES = [  # (method, path, body, the field the error names)
    ("PUT", "/api/v1/integration", {"settings": {"ex_employee_group": f"Ex{LONE}"}}, "settings.ex_employee_group"),
    ("POST", "/api/v1/stakeholders", {"name": f"Anna {LONE}", "group": "Investors"}, "name"),
    ("POST", "/cron/resync", {"company_id": f"co_{LONE}"}, "company_id"),
    ("POST", "/api/v1/integration/webhook-secret", {"secret": "w" * 20 + "\udc00"}, "secret"),
    ("PUT", "/api/v1/integration/mapping", {"mapping": [{"source": "firstName", "target": "first_name"},
                                                        {"source": f"x{LONE}", "target": "last_name"}]},
     "mapping.1.source"),
]


@pytest.mark.parametrize("method, path, body, field", CASES, ids=[case[3] for case in CASES])
def test_a_lone_surrogate_is_a_422_naming_the_field(client, target, snapshot, method, path, body, field):
    """It used to pass validation and then fail inside the database driver: a 500."""
    before = snapshot()
    auth = target.cron_auth if path.startswith("/cron/") else target.auth
    answer = client.open(path, method=method, data=json.dumps(body), headers={**auth, "Content-Type": "application/json"})
    assert answer.status_code == 422, answer.get_data()[:300]
    error = answer.json["error"]
    assert error["code"] == "invalid_request" and error["message"].startswith(f"{field}: text must not contain a "
                                                                              "lone surrogate")
    assert list(error["details"]) == [field]
    assert snapshot() == before


def test_a_lone_surrogate_in_a_key_names_the_object_holding_it(client, target, snapshot):
    before = snapshot()
    answer = client.put("/api/v1/integration", data=json.dumps({"settings": {f"name{LONE}": 1}}),
                        headers={**target.auth, "Content-Type": "application/json"})
    assert answer.status_code == 422
    assert answer.json["error"]["message"].startswith("settings: text must not contain a lone surrogate")
    assert answer.json["error"]["message"].endswith("(in a key)") and snapshot() == before


@pytest.mark.parametrize("provider, credentials, field", [
    ("bamboohr", {"subdomain": "acme", "api_key": "3f2a\u2011b7c9d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8"}, "api_key"),
    ("personio", {"client_id": "papi-client", "client_secret": "papi\u00a0secret-0123456789"}, "client_secret"),
    ("personio", {"client_id": "papi\u2026", "client_secret": "papi-secret-0123456789"}, "client_id"),
], ids=["bamboohr-non-breaking-hyphen", "personio-no-break-space", "personio-ellipsis"])
def test_a_credential_outside_ascii_is_a_422_naming_the_field(client, target, snapshot, provider, credentials, field):
    """A pasted non-breaking hyphen was accepted, then every call to the HR system failed as an internal error
    (HTTP Basic auth and headers carry Latin-1 at most; HR systems issue ASCII)."""
    before = snapshot()
    answer = client.put("/api/v1/integration", json={"provider": provider, "credentials": credentials},
                        headers=target.auth)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["message"].startswith(f"credentials.{field}: {field} must be the plain ASCII text")
    assert snapshot() == before
