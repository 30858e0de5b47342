"""PersonioProvider against the sandbox over real HTTP: pagination, tokens, faults, whitelist, webhooks."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from domain.employee import EmploymentStatus
from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable, WebhookRejected
from providers.personio import PersonioProvider
from providers.personio_client import PAGE_SIZE
from sandbox.throttle import PERSONIO_BURST, PERSONIO_PER_SECOND, TokenBucket

SECRET = "sandbox-secret-9f2c"
_ids = itertools.count(1)

AUTH = ("POST", "/v1/auth")
LIST = ("GET", "/v1/company/employees")


@pytest.fixture
def tenant_for(sandbox):
    """Make a Personio credential in the sandbox with its own client id."""
    def make(people=3, **kwargs):
        return sandbox.state.add_personio_tenant(client_id=f"cid-{next(_ids)}", client_secret=SECRET,
                                                 people=people, seed=7, **kwargs)
    return make


@pytest.fixture
def provider_for(sandbox):
    """A provider for a sandbox tenant; settings overrides as kwargs (small backoff by default)."""
    made = []

    def make(tenant, secret=SECRET, mapping=None, **settings):
        options = {"backoff_factor": 0.01, "timeout": 5.0, **settings}
        provider = PersonioProvider({"client_id": tenant.client_id, "client_secret": secret},
                                    ProviderSettings(base_url=sandbox.personio_base_url, **options),
                                    mapping=mapping)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


def calls(sandbox, tenant, method_path):
    return [status for method, path, status in sandbox.state.request_log(tenant)
            if (method, path) == method_path]


@pytest.mark.parametrize("people, pages", [(0, 1), (1, 1), (PAGE_SIZE, 2), (PAGE_SIZE + 1, 2)],
                         ids=["zero", "one", "exactly-page-max", "page-max-plus-one"])
def test_pagination_boundaries(sandbox, tenant_for, provider_for, people, pages):
    tenant = tenant_for(people)
    employees = list(provider_for(tenant).iter_employees())
    assert sorted(e.remote_id for e in employees) == sorted(p.id for p in tenant.people)
    assert calls(sandbox, tenant, LIST) == [200] * pages
    queries = [d.query for d in sandbox.state.request_details(tenant) if d.path == LIST[1]]
    assert [q["offset"] for q in queries] == [[str(i * PAGE_SIZE)] for i in range(pages)]
    assert all(q["limit"] == [str(PAGE_SIZE)] for q in queries)


def test_mapped_values_match_the_people_served(tenant_for, provider_for):
    tenant = tenant_for(40)
    by_id = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    for person in tenant.people:
        employee = by_id[person.id]
        assert (employee.first_name, employee.last_name) == (person.first_name, person.last_name)
        assert employee.hire_date == person.hire_date
        assert employee.termination_date == person.termination_date
        assert employee.status is EmploymentStatus(person.status)
        assert employee.terminated == person.terminated


def test_progress_counts_up_to_the_total(tenant_for, provider_for):
    tenant = tenant_for(PAGE_SIZE + 20)
    seen = []
    list(provider_for(tenant).iter_employees(lambda done, total: seen.append((done, total))))
    assert seen == [(PAGE_SIZE, PAGE_SIZE + 20), (PAGE_SIZE + 20, PAGE_SIZE + 20)]


@pytest.mark.parametrize("token_mode", ["reusable", "rotating"])
def test_one_authentication_serves_the_whole_sync(sandbox, tenant_for, provider_for, token_mode):
    tenant = tenant_for(2 * PAGE_SIZE + 5, token_mode=token_mode)
    provider = provider_for(tenant)
    assert len(list(provider.iter_employees())) == 2 * PAGE_SIZE + 5
    ids = [p.id for p in tenant.people[:3]]
    assert [e.remote_id for e in provider.fetch_employees(ids)] == ids
    provider.list_fields()
    provider.changed_since(None)
    assert calls(sandbox, tenant, AUTH) == [200]
    assert all(status == 200 for *_, status in sandbox.state.request_log(tenant))


def test_parallel_requests_share_one_token(sandbox, tenant_for, provider_for):
    tenant = tenant_for(16)
    provider = provider_for(tenant)
    start = threading.Barrier(8)
    fetched: list[str] = []

    def fetch(ids):
        start.wait(timeout=5)
        fetched.extend(e.remote_id for e in provider.fetch_employees(ids))

    chunks = [[p.id for p in tenant.people[i::8]] for i in range(8)]
    threads = [threading.Thread(target=fetch, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(fetched) == sorted(p.id for p in tenant.people)
    assert calls(sandbox, tenant, AUTH) == [200]


def test_the_app_id_header_and_a_json_auth_body(sandbox, tenant_for, provider_for):
    tenant = tenant_for(1)
    list(provider_for(tenant).iter_employees())
    details = sandbox.state.request_details(tenant)
    assert all(d.headers.get("X-Personio-App-ID") == "HRSYNC" for d in details)
    auth = next(d for d in details if d.path == "/v1/auth")
    assert auth.query == {} and auth.headers["Content-Type"] == "application/json"


def test_rejected_token_reauthenticates_once_and_recovers(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "auth_failure", count=1, path="/v1/company/employees")
    assert len(list(provider_for(tenant).iter_employees())) == 3
    assert calls(sandbox, tenant, AUTH) == [200, 200]
    assert calls(sandbox, tenant, LIST) == [401, 200]


def test_second_rejection_is_an_auth_error_after_exactly_one_reauthentication(sandbox, tenant_for,
                                                                              provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "auth_failure", count=5, path="/v1/company/employees")
    with pytest.raises(ProviderAuthError, match=f"client id {tenant.client_id}") as caught:
        list(provider_for(tenant).iter_employees())
    assert SECRET not in str(caught.value)
    assert calls(sandbox, tenant, AUTH) == [200, 200]
    assert calls(sandbox, tenant, LIST) == [401, 401]


def test_expired_tokens_are_replaced(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    provider = provider_for(tenant)
    list(provider.iter_employees())
    tenant.expire_tokens()  # e.g. credentials regenerated or the 24 h passed early
    assert len(list(provider.iter_employees())) == 3
    assert calls(sandbox, tenant, AUTH) == [200, 200]


def test_wrong_secret_is_an_auth_error_without_the_secret(sandbox, tenant_for, provider_for):
    tenant = tenant_for(1)
    with pytest.raises(ProviderAuthError, match="rejected the client credentials") as caught:
        list(provider_for(tenant, secret="not-the-secret").iter_employees())
    assert "not-the-secret" not in str(caught.value) and "not-the-secret" not in repr(caught.value)


def test_429_with_retry_after_is_retried(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "rate_limit", count=1, status=429, retry_after=1,
                               path="/v1/company/employees")
    assert len(list(provider_for(tenant).iter_employees())) == 3
    assert calls(sandbox, tenant, LIST) == [429, 200]


def test_persistent_throttling_becomes_unavailable(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "rate_limit", count=10, status=429, retry_after=1,
                               path="/v1/company/employees")
    with pytest.raises(ProviderUnavailable):
        list(provider_for(tenant, max_retries=1).iter_employees())
    assert calls(sandbox, tenant, LIST) == [429, 429]


@pytest.mark.parametrize("status, retried", [(503, True), (502, True), (500, True), (501, False)],
                         ids=["503-retried", "502-retried", "500-retried", "501-not-retried"])
def test_server_errors(sandbox, tenant_for, provider_for, status, retried):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "server_error", count=1, status=status,
                               path="/v1/company/employees")
    provider = provider_for(tenant)
    if retried:
        assert len(list(provider.iter_employees())) == 3
        assert calls(sandbox, tenant, LIST) == [status, 200]
    else:
        with pytest.raises(ProviderUnavailable, match=str(status)):
            list(provider.iter_employees())


def test_truncated_json_is_a_provider_error(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "bad_json", count=1, path="/v1/company/employees")
    with pytest.raises(ProviderError, match="invalid JSON") as caught:
        list(provider_for(tenant).iter_employees())
    assert type(caught.value) is ProviderError


def test_slow_answers_time_out_as_unavailable(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "slow", count=10, delay=1.0, path="/v1/company/employees")
    with pytest.raises(ProviderUnavailable):
        list(provider_for(tenant, timeout=0.2, max_retries=1).iter_employees())


def test_unreachable_host_is_unavailable():
    provider = PersonioProvider({"client_id": "c", "client_secret": SECRET},
                                ProviderSettings(base_url="http://127.0.0.1:9", max_retries=1,
                                                 backoff_factor=0.01, timeout=1))
    with pytest.raises(ProviderUnavailable):
        list(provider.iter_employees())
    provider.close()


READABLE = {"first_name", "last_name", "status", "dynamic_1009"}


def test_leavers_stay_leavers_when_the_termination_date_is_not_readable(tenant_for, provider_for):
    tenant = tenant_for(60, readable_attributes=READABLE)
    employees = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    leavers = {p.id for p in tenant.people if p.terminated}
    assert leavers  # the seed must exercise the leaver case
    assert {i for i, e in employees.items() if e.terminated} == leavers  # by Personio's "inactive" alone
    assert all(e.termination_date is None for e in employees.values())


def test_whitelist_gaps_are_reported_not_blanked(tenant_for, provider_for):
    tenant = tenant_for(5, readable_attributes=READABLE)
    provider = provider_for(tenant)
    employees = list(provider.iter_employees())
    assert all(e.email is None and e.hire_date is None for e in employees)
    assert all(e.first_name for e in employees)
    assert provider.fetch_report().absent_fields == {"email", "hire_date", "termination_date",
                                                     "preferred_name"}


def test_field_listing_marks_hidden_mapped_attributes(tenant_for, provider_for):
    tenant = tenant_for(5, readable_attributes=READABLE)
    mapping = {"first_name": "first_name", "email": "email", "dynamic_1009": "unique_identifier"}
    fields = {f.key: f for f in provider_for(tenant, mapping=mapping).list_fields()}
    assert fields["first_name"].readable and fields["dynamic_1009"].readable
    assert fields["dynamic_1009"].label == "Personalnummer"
    assert fields["email"].readable is False
    assert "hire_date" not in fields  # neither listed nor mapped


def test_full_field_listing_has_custom_attributes_by_key(tenant_for, provider_for):
    fields = {f.key: f for f in provider_for(tenant_for(3)).list_fields()}
    assert fields["office"].label == "Workplace"
    assert fields["dynamic_1001"].type == "date"
    assert all(f.readable for f in fields.values())


def test_custom_attribute_mapping(tenant_for, provider_for):
    tenant = tenant_for(10)
    mapping = {"dynamic_1009": "unique_identifier", "dynamic_1001": "birth_date",
               "dynamic_1006": "city", "department": "department"}
    by_id = {e.remote_id: e for e in provider_for(tenant, mapping=mapping).iter_employees()}
    for person in tenant.people:
        employee = by_id[person.id]
        assert employee.unique_identifier == (person.employee_number or None)
        assert employee.birth_date == person.date_of_birth
        assert employee.city == (person.city or None)
        assert employee.extra.get("department") == (person.department or None)


def test_fetch_by_id_leaves_out_unknown_ids(tenant_for, provider_for):
    tenant = tenant_for(4)
    wanted = [tenant.people[2].id, "999999", tenant.people[0].id]
    fetched = list(provider_for(tenant).fetch_employees(wanted))
    assert [e.remote_id for e in fetched] == [tenant.people[2].id, tenant.people[0].id]


def test_changed_since_names_the_updated_person(sandbox, tenant_for, provider_for):
    tenant = tenant_for(30)
    provider = provider_for(tenant)
    first = provider.changed_since(None)
    assert len(first.remote_ids) == 30
    changed = tenant.people[4]
    sandbox.state.update_person(tenant, changed.id, last_name="Neumann")
    later = provider.changed_since(first.cursor)
    assert changed.id in later.remote_ids
    assert len(later.remote_ids) < 30
    assert dt.datetime.fromisoformat(later.cursor) >= dt.datetime.fromisoformat(first.cursor)


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.deliveries.append((body, dict(self.headers.items())))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """A loopback endpoint collecting webhook deliveries as (raw body, headers)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.deliveries = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.parametrize("event", ["person.updated", "person.created", "employment.terminated"])
def test_webhook_sent_by_the_sandbox_verifies(sandbox, tenant_for, provider_for, receiver, event):
    tenant = tenant_for(3)
    person = tenant.people[1]
    url = f"http://127.0.0.1:{receiver.server_address[1]}/webhooks/personio/1"
    response = sandbox.send_personio_webhook(tenant, url, "whk-token-1", person.id, event=event)
    assert response.status_code == 202
    ((body, headers),) = receiver.deliveries
    provider = provider_for(tenant)
    notice = provider.verify_webhook(body, headers, "whk-token-1", now=0.0)
    assert notice.event == event
    assert notice.remote_ids == (person.id,)
    assert [e.remote_id for e in provider.fetch_employees(notice.remote_ids)] == [person.id]
    with pytest.raises(WebhookRejected):
        provider.verify_webhook(body, headers, "whk-token-2", now=0.0)


def test_a_full_fetch_of_more_than_fifteen_pages_under_personios_limits_gets_no_429(sandbox, tenant_for,
                                                                                     provider_for):
    """The sandbox enforces Personio's published limits (bursts of 15, 5 a second); the pacer keeps within."""
    from providers.pacing import Pacer

    tenant = tenant_for(people=PAGE_SIZE * 17 + 5, rate_limited=True)
    provider = provider_for(tenant, pacer=Pacer.local(), max_retries=0)

    employees = list(provider.iter_employees())

    assert len(employees) == PAGE_SIZE * 17 + 5
    statuses = [status for _method, _path, status in sandbox.state.request_log(tenant)]
    assert len(statuses) >= 19 and set(statuses) == {200}


def test_without_the_pacer_the_same_fetch_is_refused_past_the_burst(sandbox, tenant_for, provider_for):
    """What the sandbox's limits catch: the unpaced client's 16th request in a second is a 429 (no Retry-After)."""
    tenant = tenant_for(people=PAGE_SIZE * 17 + 5, rate_limited=True)
    # The bucket's clock stands still: under load the unpaced requests can be slower than its refill of 5 a
    # second, and then none would be refused although the client never paced itself.
    tenant.limits.listing = TokenBucket(PERSONIO_BURST, PERSONIO_PER_SECOND, clock=lambda: 0.0)
    provider = provider_for(tenant, max_retries=0)

    with pytest.raises(ProviderUnavailable):
        list(provider.iter_employees())
    refused = [d for d in sandbox.state.request_details(tenant) if d.status == 429]
    assert refused


@pytest.mark.parametrize("options", [
    pytest.param({"attribute_style": "label_value"}, id="attributes-as-label-and-value"),
    pytest.param({"invalid_token_status": 403, "token_mode": "rotating"}, id="403-for-a-spent-token"),
    pytest.param({"updated_since_paging": False}, id="updated-since-ignores-limit-and-offset"),
], )
def test_the_client_copes_with_every_real_variant(sandbox, tenant_for, provider_for, options):
    tenant = tenant_for(people=PAGE_SIZE + 30, **options)
    for person in tenant.people[:PAGE_SIZE + 10]:
        sandbox.state.update_person(tenant, person.id, last_name=person.last_name + "-Neu")
    provider = provider_for(tenant)

    employees = list(provider.iter_employees())
    changed = provider.changed_since("2024-05-01T10:00:00+00:00").remote_ids

    assert len(employees) == PAGE_SIZE + 30 and all(e.remote_id and e.status for e in employees)
    assert len(changed) >= PAGE_SIZE + 10
