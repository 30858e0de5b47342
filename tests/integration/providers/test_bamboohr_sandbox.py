"""The BambooHR provider against the sandbox over real HTTP: fetches, cursors, retries, auth and webhooks."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from providers.bamboohr import CURSOR_OVERLAP, BambooHRProvider, parse_cursor
from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable, WebhookRejected

API_KEY = "key-123-acme"
REPORT = "/v1/reports/custom"


@pytest.fixture
def state(sandbox):
    sandbox.state.reset()
    yield sandbox.state
    sandbox.state.reset()


@pytest.fixture
def tenant(state):
    return state.add_bamboohr_tenant(subdomain="acme", api_key=API_KEY, people=60, seed=7)


@pytest.fixture
def connect(sandbox):
    """Build providers against the sandbox with fast backoff; all are closed after the test."""
    built: list[BambooHRProvider] = []

    def build(api_key: str = API_KEY, subdomain: str = "acme", **settings) -> BambooHRProvider:
        options = {"backoff_factor": 0.01, "timeout": 10.0, **settings}
        provider = BambooHRProvider(credentials={"subdomain": subdomain, "api_key": api_key},
                                    settings=ProviderSettings(base_url=sandbox.bamboohr_base_url, **options))
        built.append(provider)
        return provider

    yield build
    for provider in built:
        provider.close()


def _log(state, tenant, path: str = REPORT) -> list[int]:
    return [record.status for record in state.request_log(tenant) if record.path == path]


def test_full_fetch_includes_leavers_and_future_hires(connect, state, tenant):
    employees = {e.remote_id: e for e in connect().iter_employees()}

    people = {p.id: p for p in tenant.people}
    assert set(employees) == set(people)
    assert {i for i, e in employees.items() if e.terminated} == {i for i, p in people.items() if p.terminated}
    assert any(p.terminated for p in people.values())  # the seed must exercise the leaver case
    for remote_id, person in people.items():
        assert employees[remote_id].hire_date == person.hire_date
        assert employees[remote_id].last_name == person.last_name
    assert _log(state, tenant) == [200]
    detail = state.request_details(tenant)[0]
    assert detail.headers["Content-Type"] == "application/json"
    assert detail.query == {"format": ["JSON"]}


def test_changed_since_returns_updates_terminations_inserts_and_deletions(connect, state, tenant):
    provider = connect()
    first = provider.changed_since(None)
    assert set(first.remote_ids) == {p.id for p in tenant.people}
    updated, leaver, deleted = (p.id for p in tenant.people[:3])
    # The cursor is re-read with an overlap: people changed just before it may come back once more.
    overlap = {p.id for p in tenant.people if p.updated_at > parse_cursor(first.cursor) - CURSOR_OVERLAP}

    state.update_person(tenant, updated, last_name="Neumann")
    state.terminate_person(tenant, leaver, "2026-01-31")
    state.delete_person(tenant, deleted)
    hired = state.add_person(tenant, first_name="Zoë", last_name="Brandt", hire_date="2026-03-01")
    second = provider.changed_since(first.cursor)

    assert set(second.remote_ids) - overlap == {updated, leaver, deleted, hired.id}
    assert second.cursor >= first.cursor
    fetched = {e.remote_id: e for e in provider.fetch_employees(second.remote_ids)}
    assert set(fetched) == set(second.remote_ids) - {deleted}  # the deleted one is gone
    assert fetched[updated].last_name == "Neumann"
    assert fetched[leaver].terminated


def test_fetch_by_ids_is_one_request_and_skips_unknown_ids(connect, state, tenant):
    wanted = [p.id for p in tenant.people[5:8]]

    employees = list(connect().fetch_employees([*wanted, "999999"]))

    assert sorted(e.remote_id for e in employees) == sorted(wanted)
    assert _log(state, tenant) == [200]


def test_leavers_stay_leavers_when_the_key_cannot_read_termination_dates(connect, state):
    tenant = state.add_bamboohr_tenant(subdomain="acme", api_key=API_KEY, people=60, seed=7,
                                       hidden_fields={"terminationDate"})
    employees = {e.remote_id: e for e in connect().iter_employees()}

    leavers = {p.id for p in tenant.people if p.terminated}
    assert leavers  # the seed must exercise the leaver case
    assert {i for i, e in employees.items() if e.terminated} == leavers  # by the employment status alone
    assert all(e.termination_date is None for e in employees.values())
    assert {i for i, e in employees.items() if e.marked_terminated} == leavers


def test_field_listing_and_hidden_fields(connect, state):
    tenant = state.add_bamboohr_tenant(subdomain="acme", api_key=API_KEY, people=10, seed=3,
                                       hidden_fields={"hireDate", "homeEmail"})
    provider = connect()

    keys = {field.key for field in provider.list_fields()}
    employees = list(provider.iter_employees())

    assert {"firstName", "lastName", "workEmail", "dateOfBirth", "4001"} <= keys
    assert "hireDate" not in keys
    assert len(employees) == 10 and all(e.hire_date is None for e in employees)
    assert provider.fetch_report().absent_fields == {"hireDate"}
    assert tenant.hidden_fields == {"hireDate", "homeEmail"}


@pytest.mark.parametrize("fault", [
    pytest.param({"kind": "rate_limit", "status": 429, "retry_after": 1}, id="429-retry-after"),
    pytest.param({"kind": "rate_limit", "status": 503, "retry_after": 1}, id="503-throttle-retry-after"),
    pytest.param({"kind": "server_error", "status": 502}, id="502"),
])
def test_throttling_is_retried_until_it_passes(connect, state, tenant, fault):
    state.inject_fault(tenant, count=2, path=REPORT, **fault)

    employees = list(connect().iter_employees())

    assert len(employees) == len(tenant.people)
    assert _log(state, tenant) == [fault["status"], fault["status"], 200]


def test_retries_are_capped_then_unavailable(connect, state, tenant):
    state.inject_fault(tenant, kind="server_error", status=503, count=10, path=REPORT)

    with pytest.raises(ProviderUnavailable, match="503"):
        list(connect(max_retries=2).iter_employees())

    assert _log(state, tenant) == [503, 503, 503]


def test_a_wrong_key_is_an_actionable_auth_error(connect, state, tenant):
    with pytest.raises(ProviderAuthError) as caught:
        connect(api_key="not-the-key").list_fields()

    assert "BambooHR rejected the API key for subdomain acme" in str(caught.value)
    assert "not-the-key" not in str(caught.value)
    assert _log(state, tenant, "/v1/meta/fields") == [401]  # not retried


def test_an_unknown_subdomain_says_so(connect, state, tenant):
    with pytest.raises(ProviderError, match="subdomain 'globex'"):
        connect(subdomain="globex").list_fields()


def test_a_truncated_answer_is_a_provider_error(connect, state, tenant):
    state.inject_fault(tenant, kind="bad_json", count=1, path=REPORT)

    with pytest.raises(ProviderError, match="not JSON"):
        list(connect().iter_employees())


def test_a_slow_server_times_out_as_unavailable(connect, state, tenant):
    state.inject_fault(tenant, kind="slow", delay=1.0, count=5, path="/v1/meta/fields")

    with pytest.raises(ProviderUnavailable):
        connect(timeout=0.2, max_retries=1).list_fields()


def test_an_unreachable_server_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    provider = BambooHRProvider(credentials={"subdomain": "acme", "api_key": API_KEY},
                                settings=ProviderSettings(base_url=f"http://127.0.0.1:{port}/{{subdomain}}",
                                                          max_retries=1, backoff_factor=0.01))
    try:
        with pytest.raises(ProviderUnavailable, match="could not reach BambooHR"):
            provider.list_fields()
    finally:
        provider.close()


class _Receiver(BaseHTTPRequestHandler):
    """Keeps each delivery's raw body and headers, answers 202 like hrsync's endpoint."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.deliveries.append((body, dict(self.headers.items())))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)  # bound and listening once constructed
    server.deliveries = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("event, expected_event", [
    pytest.param("employee.updated", "employee.updated", id="event-based"),
    pytest.param("employee_with_fields.updated", "employee.updated", id="field-based"),
])
def test_a_signed_sandbox_webhook_verifies(connect, sandbox, tenant, receiver, event, expected_event):
    person_id = tenant.people[0].id
    url = f"http://127.0.0.1:{receiver.server_address[1]}/webhooks/bamboohr/1"

    response = sandbox.send_bamboohr_webhook(tenant, url, "whsec-acme", [person_id], event=event)

    assert response.status_code == 202
    body, headers = receiver.deliveries[-1]
    notice = connect().verify_webhook(body, headers, "whsec-acme", now=time.time())
    assert (notice.event, notice.remote_ids) == (expected_event, (person_id,))
    with pytest.raises(WebhookRejected):
        connect().verify_webhook(body, headers, "another-secret", now=time.time())


@pytest.mark.parametrize("variant", [
    pytest.param({"integer_ids": True}, id="integer-ids"),
    pytest.param({"wrapped_values": True}, id="values-wrapped-as-value"),
    pytest.param({"integer_ids": True, "wrapped_values": True}, id="both"),
])
def test_the_client_reads_every_real_variant_alike(state, connect, variant):
    plain = state.add_bamboohr_tenant(subdomain="plain", api_key=API_KEY, people=25, seed=9)
    other = state.add_bamboohr_tenant(subdomain="variant", api_key=API_KEY, people=25, seed=9, **variant)

    def without_domain(employees):  # the two companies' people differ only in their e-mail domain
        return [dataclasses.replace(e, email=e.email.split("@")[0] if e.email else None) for e in employees]

    expected = without_domain(connect(subdomain=plain.subdomain).iter_employees())
    read = without_domain(connect(subdomain=other.subdomain).iter_employees())

    assert read == expected and len(read) == 25


def test_no_changes_come_as_an_empty_list_and_read_as_none(state, tenant, connect):
    answer = connect().client.changed_since("2099-01-01T00:00:00Z")

    assert answer["employees"] == []
    assert connect().changed_since("2099-01-01T00:00:00+00:00").remote_ids == ()


def test_a_rate_limited_company_is_throttled_as_bamboohr_does_today(state, connect):
    """BambooHR publishes no figure; the sandbox's guess throttles with 503 and Retry-After (429 from 2026-09-16)."""
    limited = state.add_bamboohr_tenant(subdomain="limited", api_key=API_KEY, people=3, seed=9, rate_limited=True)
    unpaced = connect(subdomain="limited", max_retries=0)

    with pytest.raises(ProviderUnavailable):
        for _ in range(25):
            unpaced.client.meta_fields()

    refused = [d for d in state.request_details(limited) if d.status == 503]
    assert len(refused) == 1 and len(state.request_log(limited)) == 21
