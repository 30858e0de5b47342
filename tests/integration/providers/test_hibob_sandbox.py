"""HiBobProvider against the sandbox over real HTTP: the one search, targeted fetches, fields, verification, Bob's
sandbox host, the unconfirmed switches, faults, and pacing within the published limit."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from limits import RateLimitItemPerSecond

from domain.employee import EmploymentStatus
from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.hibob import HiBobProvider
from providers.pacing import Budget, Pacer
from sandbox.hibob_tenant import add_hibob_tenant, set_lifecycle
from tests import secret_registry

TOKEN = "bob-service-token-9f2c4e"
secret_registry.register("HiBob service user token", TOKEN)
TODAY = dt.date.today()
SEARCH = ("POST", "/v1/people/search")
FIELDS = ("GET", "/v1/company/people/fields")
_ids = itertools.count(1)


@pytest.fixture
def tenant_for(sandbox):
    def make(people=3, **kwargs):
        return add_hibob_tenant(sandbox.state, f"SERVICE-{next(_ids)}", TOKEN, people=people, seed=7, **kwargs)
    return make


@pytest.fixture
def provider_for(sandbox):
    made = []

    def make(tenant, token=TOKEN, mapping=None, environment=None, **settings):
        options = {"backoff_factor": 0.01, "timeout": 5.0, **settings}
        credentials = {"service_user_id": tenant.service_user_id, "service_user_token": token}
        if environment:
            credentials["environment"] = environment
        provider = HiBobProvider(credentials, ProviderSettings(base_url=sandbox.hibob_base_url,
                                                               sandbox_base_url=sandbox.hibob_sandbox_base_url,
                                                               **options), mapping=mapping)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


def calls(sandbox, tenant, method_path=None):
    return [(m, p, s) for m, p, s in sandbox.state.request_log(tenant) if method_path in (None, (m, p))]


def statuses(sandbox, tenant, method_path):
    return [s for *_, s in calls(sandbox, tenant, method_path)]


def expected_leaver(person, tenant) -> bool:
    lifecycle = tenant.lifecycle.get(person.id)
    rehired = person.termination_date and person.hire_date and person.termination_date < person.hire_date
    return lifecycle == "garden leave" or (person.status == "inactive" and not rehired)


def test_a_full_fetch_is_one_search_of_everyone_active_and_inactive(sandbox, tenant_for, provider_for):
    tenant = tenant_for(300)
    employees = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    assert set(employees) == {p.id for p in tenant.people}
    for person in tenant.people:
        employee = employees[person.id]
        assert (employee.first_name, employee.last_name) == (person.first_name, person.last_name)
        assert employee.email == (person.work_email or person.home_email)
        assert employee.hire_date == person.hire_date
        assert employee.terminated == expected_leaver(person, tenant), person
        if person.status == "onboarding":
            assert employee.status is EmploymentStatus.ONBOARDING
    assert sum(e.terminated for e in employees.values()) > 0
    assert any(tenant.lifecycle.get(p) == "garden leave" for p in employees)  # the generated quirks are there
    assert calls(sandbox, tenant) == [(*FIELDS, 200), (*SEARCH, 200)]


def test_progress_reports_the_one_answer(tenant_for, provider_for):
    tenant = tenant_for(1200)
    seen = []
    assert len(list(provider_for(tenant).iter_employees(lambda done, total: seen.append((done, total))))) == 1200
    assert seen == [(0, 1200), (1000, 1200), (1200, 1200)]


def test_a_targeted_fetch_is_one_filtered_search(sandbox, tenant_for, provider_for):
    tenant = tenant_for(40)
    provider = provider_for(tenant)
    wanted = [p.id for p in tenant.people[:3]] + ["3332883854254999999"]
    assert [e.remote_id for e in provider.fetch_employees(wanted)] == wanted[:3]
    assert provider.fetch_report().unresolved_ids == frozenset()  # an id HiBob lacks is no other kind of id
    assert statuses(sandbox, tenant, SEARCH) == [200]


def test_many_ids_are_read_from_one_unfiltered_search(sandbox, tenant_for, provider_for):
    tenant = tenant_for(250)
    wanted = [p.id for p in tenant.people[:150]]
    assert sorted(e.remote_id for e in provider_for(tenant).fetch_employees(wanted)) == sorted(wanted)
    assert statuses(sandbox, tenant, SEARCH) == [200]


def test_an_incremental_sync_lists_everyone_once(sandbox, tenant_for, provider_for):
    """No changed-since query: every id is reported, and the fetch that follows reuses the listing."""
    tenant = tenant_for(30)
    provider = provider_for(tenant)
    changed = provider.changed_since("2026-01-01T00:00:00+00:00")
    assert sorted(changed.remote_ids) == sorted(p.id for p in tenant.people)
    assert dt.datetime.fromisoformat(changed.cursor).tzinfo is not None
    assert len(list(provider.fetch_employees(changed.remote_ids))) == 30
    assert statuses(sandbox, tenant, SEARCH) == [200]
    list(provider.fetch_employees(changed.remote_ids[:2]))  # the listing serves one fetch only
    assert statuses(sandbox, tenant, SEARCH) == [200, 200]


def test_hidden_categories_are_a_reported_gap_never_blanks(sandbox, tenant_for, provider_for):
    tenant = tenant_for(20, readable_categories=["root", "work", "internal"])
    provider = provider_for(tenant)
    employees = list(provider.iter_employees())
    assert {"address.line1", "address.city", "address.postCode", "address.country"} <= \
        provider.fetch_report().absent_fields
    assert all(e.city is None and e.street is None for e in employees) and all(e.first_name for e in employees)
    fields = {f.key: f for f in provider.list_fields()}
    assert fields["address.city"].label == "City (Address)" and not fields["address.city"].readable
    assert fields["root.firstName"].readable and fields["work.title"].type == "list"
    warnings = provider.verify_credentials()
    assert len(warnings) == 1 and "Address" in warnings[0] and "Home" not in warnings[0]


def test_the_mapping_view_marks_keys_hibob_does_not_list(tenant_for, provider_for):
    tenant = tenant_for(5)
    mapping = {**HiBobProvider.default_mapping, "work.custom.field_999": "phone"}
    field = next(f for f in provider_for(tenant, mapping=mapping).list_fields() if f.key == "work.custom.field_999")
    assert not field.readable


def test_list_fields_read_their_text_and_custom_categories_their_value(tenant_for, provider_for):
    tenant = tenant_for(10, quirks=False)
    mapping = {**HiBobProvider.default_mapping, "work.title": "job_title", "personal.nationality": "nationality",
               "category_1720508362305.field_1720508400001": "equity_number"}
    employees = {e.remote_id: e for e in provider_for(tenant, mapping=mapping).iter_employees()}
    for person in tenant.people:
        employee = employees[person.id]
        assert employee.extra["job_title"] == person.job_title and employee.nationality == person.nationality
        if person.employee_number:
            assert employee.extra["equity_number"] == f"EQ-{person.employee_number}"


def test_verification_reads_the_field_list_then_searches_small(sandbox, tenant_for, provider_for):
    """Everyone's id and status, then the mapped fields of a sample: never the whole company's fields."""
    tenant = tenant_for(30)
    assert provider_for(tenant).verify_credentials() == ()
    assert calls(sandbox, tenant) == [(*FIELDS, 200), (*SEARCH, 200), (*SEARCH, 200)]


@pytest.mark.parametrize("people", [3, 60])
def test_verification_warns_when_the_population_hides_leavers(tenant_for, provider_for, people):
    """Softly, whatever the company's size: a company that never had a leaver may ignore it, and is told so."""
    (warning,) = provider_for(tenant_for(people, population="everyone")).verify_credentials()
    assert "Employed" in warning and "Hired" in warning and "Terminated" in warning
    assert "If your company has had leavers" in warning and "you may ignore this" in warning


def test_a_small_company_showing_its_leavers_gets_no_warning(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3, quirks=False)
    sandbox.state.update_person(tenant, tenant.people[0].id, status="inactive",
                                termination_date=TODAY - dt.timedelta(days=30))
    assert provider_for(tenant).verify_credentials() == ()


def test_a_service_user_in_no_permission_group_is_told_the_checklist(sandbox, tenant_for, provider_for):
    """HiBob answers 200 with nobody: the credentials work, yet nothing would ever sync."""
    tenant = tenant_for(30, population="none")
    (warning,) = provider_for(tenant).verify_credentials()
    assert "nobody" in warning and "permission group" in warning and "Employed, Hired and Terminated" in warning
    assert statuses(sandbox, tenant, SEARCH) == [200]


def test_a_wrong_token_stops_at_once_without_a_retry(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    with pytest.raises(ProviderAuthError, match=f"service user {tenant.service_user_id}") as caught:
        provider_for(tenant, token="not-the-token-at-all").verify_credentials()
    assert TOKEN not in str(caught.value) and "not-the-token-at-all" not in str(caught.value)
    assert "permission group" in str(caught.value) and "Employed, Hired and Terminated" in str(caught.value)
    assert calls(sandbox, tenant) == [(*FIELDS, 401)]  # repeated refusals get callers blocked by HiBob's firewall


def test_a_refusal_shows_the_permission_checklist(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "auth_failure", status=403, path="/v1/people/search")
    with pytest.raises(ProviderAuthError, match="Employed, Hired and Terminated"):
        list(provider_for(tenant).iter_employees())
    assert statuses(sandbox, tenant, SEARCH) == [403]


def test_a_service_user_of_bobs_sandbox_is_reached_there(sandbox, tenant_for, provider_for):
    tenant = tenant_for(4, environment="sandbox")
    assert len(list(provider_for(tenant, environment="sandbox").iter_employees())) == 4
    with pytest.raises(ProviderAuthError):
        list(provider_for(tenant).iter_employees())
    with pytest.raises(ProviderError, match="production or sandbox"):
        provider_for(tenant, environment="staging")


@pytest.mark.parametrize("spelling", ["space", "underscore", "camel"])
def test_garden_leave_is_a_leaver_whatever_its_spelling(tenant_for, provider_for, sandbox, spelling):
    tenant = tenant_for(3, quirks=False, lifecycle_spelling=spelling)
    person = next(p for p in tenant.people if p.status == "active")
    sandbox.state.update_person(tenant, person.id, termination_date=TODAY + dt.timedelta(days=40))
    set_lifecycle(sandbox.state, tenant, person.id, "garden leave", TODAY - dt.timedelta(days=3))
    (employee,) = provider_for(tenant).fetch_employees([person.id])
    assert employee.terminated and employee.termination_date == TODAY + dt.timedelta(days=40)


@pytest.mark.parametrize("clears", [False, True])
def test_a_rehire_keeps_its_id_and_is_no_leaver(tenant_for, provider_for, sandbox, clears):
    tenant = tenant_for(2, quirks=False, rehire_clears_termination=clears)
    person = tenant.people[0]
    sandbox.state.update_person(tenant, person.id, status="active", hire_date=TODAY - dt.timedelta(days=30),
                                termination_date=TODAY - dt.timedelta(days=400))
    (employee,) = provider_for(tenant).fetch_employees([person.id])
    assert (employee.remote_id, employee.terminated, employee.termination_date) == (person.id, False, None)
    assert employee.hire_date == TODAY - dt.timedelta(days=30)


def test_a_future_termination_is_not_a_leaver_yet(tenant_for, provider_for, sandbox):
    tenant = tenant_for(2, quirks=False)
    person = tenant.people[0]
    sandbox.state.update_person(tenant, person.id, status="active", termination_date=TODAY + dt.timedelta(days=10))
    (employee,) = provider_for(tenant).fetch_employees([person.id])
    assert employee.status is EmploymentStatus.ACTIVE and not employee.terminated


def test_the_slash_key_human_readable_sibling_is_read_when_sent(tenant_for, provider_for):
    tenant = tenant_for(3, quirks=False, slash_human_readable=True)
    mapping = {**HiBobProvider.default_mapping, "work.title": "job_title"}
    assert {e.extra["job_title"] for e in provider_for(tenant, mapping=mapping).iter_employees()} == {
        p.job_title for p in tenant.people}


def test_server_errors_are_transient_and_bad_json_is_an_error(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "server_error", count=2, status=503, retry_after=None,
                               path="/v1/people/search")
    with pytest.raises(ProviderUnavailable):
        list(provider_for(tenant, max_retries=1).iter_employees())
    assert statuses(sandbox, tenant, SEARCH) == [503, 503]
    sandbox.state.inject_fault(tenant, "bad_json", path="/v1/people/search")
    with pytest.raises(ProviderError, match="not JSON"):
        list(provider_for(tenant).iter_employees())


def test_a_429_waits_for_the_window_to_reset(sandbox, tenant_for, provider_for):
    """No Retry-After (undocumented): the client waits for X-RateLimit-Reset and tries again."""
    tenant = tenant_for(2, rate_limited=True, search_limit=(2, 2.0))
    provider = provider_for(tenant, max_retries=2)
    for person in tenant.people + tenant.people[:1]:
        list(provider.fetch_employees([person.id]))
    assert statuses(sandbox, tenant, SEARCH) == [200, 200, 429, 200]


@pytest.fixture
def scaled_budget(monkeypatch):
    """HiBob's 50 searches a minute, shortened to 5 per 2 s in the sandbox and in the client's budget alike, so
    that a test can go past the limit in seconds."""
    monkeypatch.setattr("providers.hibob_client.HIBOB_SEARCH", Budget("hibob-search-test",
                                                                      (RateLimitItemPerSecond(4, 2),)))
    return (5, 2.0)


def test_paced_searches_past_the_limit_get_no_429(sandbox, tenant_for, provider_for, scaled_budget):
    tenant = tenant_for(2, rate_limited=True, search_limit=scaled_budget)
    provider = provider_for(tenant, pacer=Pacer.local(), max_retries=0)
    for _ in range(11):
        list(provider.fetch_employees([tenant.people[0].id]))
    assert statuses(sandbox, tenant, SEARCH) == [200] * 11


def test_unpaced_the_same_searches_are_refused_with_the_three_headers(sandbox, tenant_for, provider_for,
                                                                      scaled_budget):
    tenant = tenant_for(2, rate_limited=True, search_limit=scaled_budget)
    provider = provider_for(tenant, max_retries=0)
    with pytest.raises(ProviderUnavailable, match="429"):
        for _ in range(11):
            list(provider.fetch_employees([tenant.people[0].id]))
    assert statuses(sandbox, tenant, SEARCH) == [200] * 5 + [429]
