"""A real SandboxServer over HTTP: lifecycle, both APIs with `requests`, control API, faults, webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import threading

import pytest
import requests

from sandbox.server import SandboxServer, default_state


def test_server_answers_on_a_free_loopback_port_and_stops(sandbox):
    url = sandbox.url
    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    assert requests.get(f"{url}/_sandbox/health", timeout=5).json() == {"ok": True}
    sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/health", timeout=5)


def test_two_servers_run_side_by_side():
    with SandboxServer() as one, SandboxServer() as two:
        assert one.url != two.url
        one.state.add_bamboohr_tenant("acme", "k", people=1)
        tenants = requests.get(f"{two.url}/_sandbox/tenants", timeout=5).json()
        assert tenants == []


def test_bamboohr_custom_report_over_http(sandbox):
    tenant = sandbox.state.add_bamboohr_tenant("acme", "key-123", people=500, seed=3)
    base = sandbox.bamboohr_base_url.format(subdomain="acme")
    response = requests.post(f"{base}/v1/reports/custom", params={"format": "JSON"}, auth=("key-123", "x"),
                             json={"title": "all", "fields": ["firstName", "status", "terminationDate"]},
                             headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 200
    rows = response.json()["employees"]
    assert [r["id"] for r in rows] == [p.id for p in tenant.people]
    assert {r["status"] for r in rows} == {"Active", "Inactive"}


def test_personio_pagination_over_http_with_rotating_tokens(sandbox):
    tenant = sandbox.state.add_personio_tenant("cid", "secret", people=230, token_mode="rotating")
    session, base = requests.Session(), sandbox.personio_base_url
    token = session.post(f"{base}/v1/auth", json={"client_id": "cid", "client_secret": "secret"},
                         timeout=5).json()["data"]["token"]
    authorization, ids, offset = f"Bearer {token}", [], 0
    while True:
        response = session.get(f"{base}/v1/company/employees", params={"limit": 100, "offset": offset},
                               headers={"Authorization": authorization}, timeout=10)
        assert response.status_code == 200
        authorization = response.headers["Authorization"]
        data = response.json()["data"]
        ids += [str(e["attributes"]["id"]["value"]) for e in data]
        if len(data) < 100:
            break
        offset += 100
    assert ids == [p.id for p in tenant.people]
    assert sandbox.state.request_log(tenant).count(("POST", "/v1/auth", 200)) == 1


def test_parallel_requests_share_a_reusable_token(sandbox):
    sandbox.state.add_personio_tenant("cid", "secret", people=800)
    base = sandbox.personio_base_url
    token = requests.post(f"{base}/v1/auth", json={"client_id": "cid", "client_secret": "secret"},
                          timeout=5).json()["data"]["token"]
    pages: dict[int, list] = {}

    def fetch(offset: int) -> None:
        response = requests.get(f"{base}/v1/company/employees", params={"limit": 100, "offset": offset},
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
        pages[offset] = response.json()["data"] if response.status_code == 200 else []

    threads = [threading.Thread(target=fetch, args=(offset,)) for offset in range(0, 800, 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(pages[offset]) for offset in pages) == 800


def test_control_api_over_http_drives_what_the_apis_serve(sandbox):
    control, base = f"{sandbox.url}/_sandbox", sandbox.bamboohr_base_url.format(subdomain="acme")
    assert requests.post(f"{control}/bamboohr", json={"subdomain": "acme", "api_key": "k", "people": 3},
                         timeout=5).status_code == 201
    requests.patch(f"{control}/bamboohr/acme/people/2", json={"first_name": "Zoë"}, timeout=5)
    requests.post(f"{control}/bamboohr/acme/faults", json={"kind": "rate_limit", "status": 503}, timeout=5)
    headers = {"Accept": "application/json"}
    throttled = requests.get(f"{base}/v1/employees/2", auth=("k", "x"), headers=headers, timeout=5)
    assert throttled.status_code == 503 and throttled.headers["Retry-After"] == "1"
    employee = requests.get(f"{base}/v1/employees/2", auth=("k", "x"), headers=headers, timeout=5).json()
    assert employee["firstName"] == "Zoë"
    log = requests.get(f"{control}/bamboohr/acme/requests", timeout=5).json()
    assert [(r["path"], r["status"]) for r in log] == [("/v1/employees/2", 503), ("/v1/employees/2", 200)]


def test_a_slow_fault_outlasts_a_short_client_timeout(sandbox):
    tenant = sandbox.state.add_bamboohr_tenant("acme", "k", people=2)
    sandbox.state.inject_fault(tenant, "slow", delay=1.0)
    url = sandbox.bamboohr_base_url.format(subdomain="acme") + "/v1/meta/fields"
    with pytest.raises(requests.ReadTimeout):
        requests.get(url, auth=("k", "x"), timeout=0.2)
    assert requests.get(url, auth=("k", "x"), timeout=5).status_code == 200


def test_bamboohr_webhooks_arrive_signed(sandbox, receiver):
    tenant = sandbox.state.add_bamboohr_tenant("acme", "k", people=5)
    sandbox.state.update_person(tenant, "2", last_name="Núñez")
    response = sandbox.send_bamboohr_webhook(tenant, receiver.url, "whsec-1", ["2", "3"])
    assert response.status_code == 202 and len(receiver.deliveries) == 2
    headers, body = receiver.deliveries[0]
    expected = hmac.new(b"whsec-1", body + headers["X-BambooHR-Timestamp"].encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-BambooHR-Signature"], expected)
    assert json.loads(body)["data"] == {"companyId": tenant.company_id, "employeeId": "2",
                                        "changedFields": ["lastName"]}


def test_bamboohr_field_based_webhook_is_one_delivery(sandbox, receiver):
    tenant = sandbox.state.add_bamboohr_tenant("acme", "k", people=5)
    sandbox.send_bamboohr_webhook(tenant, receiver.url, "s", ["1", "2"], event="employee_with_fields.updated")
    assert [e["id"] for e in json.loads(receiver.deliveries[0][1])["employees"]] == ["1", "2"]
    assert len(receiver.deliveries) == 1


def test_personio_webhook_carries_the_token_verbatim(sandbox, receiver):
    tenant = sandbox.state.add_personio_tenant("cid", "secret", people=2)
    sandbox.send_personio_webhook(tenant, receiver.url, "my-webhook-token", "100002")
    headers, body = receiver.deliveries[0]
    assert headers["Authorization"] == "my-webhook-token"
    document = json.loads(body)
    assert (document["event_name"], document["payload"]) == ("person.updated", {"id": "100002"})


def test_control_api_sends_webhooks_and_reports_unreachable_targets(sandbox, receiver):
    control = f"{sandbox.url}/_sandbox"
    requests.post(f"{control}/personio", json={"client_id": "cid", "client_secret": "s", "people": 2}, timeout=5)
    sent = requests.post(f"{control}/personio/cid/webhooks", timeout=10, json={
        "target_url": receiver.url, "token": "t", "person_id": "100001", "event": "person.created"}).json()
    assert sent == {"status": 202, "body": ""}
    assert json.loads(receiver.deliveries[0][1])["event_name"] == "person.created"
    closed = SandboxServer().start()
    dead_url = closed.url + "/nowhere"
    closed.stop()
    failed = requests.post(f"{control}/personio/cid/webhooks", timeout=10, json={
        "target_url": dead_url, "token": "t", "person_id": "100001"})
    assert failed.status_code == 502


def test_default_state_makes_fresh_credentials():
    _, bamboo_one, perso_one = default_state(2)
    _, bamboo_two, perso_two = default_state(2)
    assert bamboo_one.api_key != bamboo_two.api_key and perso_one.client_secret != perso_two.client_secret


def test_serve_prints_working_base_urls_and_credentials():
    process = subprocess.Popen([sys.executable, "-u", "-c",
                                "from sandbox.server import serve; serve(port=0, employees=7)"],
                               stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        words = dict(w.split("=", 1) for line in lines[1:] for w in line.split() if "=" in w)
        base = words["BAMBOOHR_BASE_URL"].format(subdomain=words["subdomain"])
        fields = requests.get(f"{base}/v1/meta/fields", auth=(words["api_key"], "x"), timeout=10)
        assert fields.status_code == 200
        token = requests.post(f"{words['PERSONIO_BASE_URL']}/v1/auth", timeout=10, json={
            "client_id": words["client_id"], "client_secret": words["client_secret"]}).json()["data"]["token"]
        page = requests.get(f"{words['PERSONIO_BASE_URL']}/v1/company/employees", timeout=10,
                            headers={"Authorization": f"Bearer {token}"}).json()
        assert page["metadata"]["total_elements"] == 7
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_serve_prints_working_hibob_and_humaans_credentials():
    process = subprocess.Popen([sys.executable, "-u", "-c",
                                "from sandbox.server import serve; serve(port=0, employees=7)"],
                               stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for _ in range(5)]
        bob, humaans = lines[3].split(), lines[4].split()
        words = dict(w.split("=", 1) for w in bob + humaans if "=" in w)
        found = requests.post(f"{bob[bob.index('URL') + 1]}/v1/people/search", timeout=10,
                              json={"fields": ["root.id"], "showInactive": True},
                              auth=(words["service_user_id"], words["service_user_token"])).json()
        assert len(found["employees"]) == 7
        people = requests.get(f"{humaans[humaans.index('URL') + 1]}/api/people", timeout=10,
                              headers={"Authorization": f"Bearer {words['access_token']}"}).json()
        assert people["total"] == 7
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
