"""HumaansProvider against the sandbox over real HTTP: pages until `total`, the two listings, single people, custom
fields, verification warnings, the unconfirmed switches, faults, and pacing within the guessed limit."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from domain.employee import EmploymentStatus
from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderUnavailable
from providers.humaans import HumaansProvider
from providers.humaans_client import PAGE_SIZE
from providers.pacing import Pacer
from sandbox.humaans_tenant import add_humaans_tenant, rehire
from tests import secret_registry

PEOPLE = ("GET", "/api/people")
_ids = itertools.count(1)


@pytest.fixture
def tenant_for(sandbox):
    def make(people=3, **kwargs):
        return add_humaans_tenant(sandbox.state, f"company-{next(_ids)}", people=people, seed=9, **kwargs)
    return make


@pytest.fixture
def provider_for(sandbox):
    made = []

    def make(tenant, token=None, mapping=None, **settings):
        token = token or tenant.grant()
        secret_registry.register("Humaans access token", token)
        provider = HumaansProvider({"access_token": token}, ProviderSettings(
            base_url=sandbox.humaans_base_url, **{"backoff_factor": 0.01, "timeout": 5.0, **settings}),
            mapping=mapping)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


def details(sandbox, tenant, method_path=PEOPLE):
    return [d for d in sandbox.state.request_details(tenant) if (d.method, d.path) == method_path]


@pytest.mark.parametrize("people", [0, 1, PAGE_SIZE, PAGE_SIZE + 1, 3 * PAGE_SIZE + 7])
def test_pages_until_total_then_new_hires_and_offboarded_people(sandbox, tenant_for, provider_for, people):
    tenant = tenant_for(people)
    employees = list(provider_for(tenant).iter_employees())
    assert sorted(e.remote_id for e in employees) == sorted(p.id for p in tenant.people)  # each once
    first = [d.query for d in details(sandbox, tenant) if "status[$in]" not in d.query]
    assert [q["$skip"] for q in first] == [[str(i * PAGE_SIZE)] for i in range(max(1, -(-people // PAGE_SIZE)))]
    assert all(q["$limit"] == [str(PAGE_SIZE)] for q in first)
    second = [d.query for d in details(sandbox, tenant) if "status[$in]" in d.query]
    assert second and second[0]["status[$in]"] == ["newHire", "offboarded"]


def test_mapped_values_and_leavers(tenant_for, provider_for, sandbox):
    tenant = tenant_for(150)
    today = dt.date.today()
    future = tenant.people[3]
    sandbox.state.update_person(tenant, future.id, status="active", termination_date=today + dt.timedelta(days=9))
    by_id = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    for person in tenant.people:
        employee = by_id[person.id]
        assert (employee.first_name, employee.last_name, employee.unique_identifier) == (
            person.first_name, person.last_name, person.employee_number)
        assert (employee.street, employee.city, employee.postal_code) == tuple(
            (value or "").strip() or None for value in (person.address1, person.city, person.zipcode))
        assert employee.hire_date == person.hire_date and len(employee.country or "XX") == 2
        assert employee.terminated == (person.status == "inactive")
        if person.status == "onboarding":
            assert employee.status is EmploymentStatus.ONBOARDING
    assert by_id[future.id].status is EmploymentStatus.ACTIVE and not by_id[future.id].terminated


def _leaver_and_stayer(sandbox, tenant):
    today = dt.date.today()
    leaver, stayer = tenant.people[0], tenant.people[1]
    sandbox.state.update_person(tenant, leaver.id, status="inactive", hire_date=today - dt.timedelta(days=900),
                                termination_date=today - dt.timedelta(days=20))
    sandbox.state.update_person(tenant, stayer.id, status="active", hire_date=today - dt.timedelta(days=900),
                                termination_date=today + dt.timedelta(days=30))
    return leaver, stayer


def test_a_past_end_date_is_a_leaver_even_while_the_status_still_reads_active(sandbox, tenant_for, provider_for):
    """`offboarded_status="late"`: Humaans turns the status later than the end date; the end date decides."""
    tenant = tenant_for(4, offboarded_status="late")
    leaver, stayer = _leaver_and_stayer(sandbox, tenant)
    assert provider_for(tenant)._client.person(leaver.id)["status"] == "active"  # the fake does as switched
    by_id = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    assert by_id[leaver.id].terminated and by_id[leaver.id].termination_date == leaver.termination_date
    assert not by_id[stayer.id].terminated


@pytest.mark.parametrize("switch", ["at_end_date", "at_offboarding"])
def test_an_offboarded_status_is_a_leaver_with_its_end_date_whenever_it_turns(sandbox, tenant_for, provider_for,
                                                                             switch):
    """At the end date, or as soon as offboarding starts (the end date still ahead): a leaver with that end date for
    the approver to see; before either, someone leaving on a future date is no leaver yet."""
    tenant = tenant_for(4, offboarded_status=switch)
    leaver, stayer = _leaver_and_stayer(sandbox, tenant)
    by_id = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    assert by_id[leaver.id].terminated and by_id[leaver.id].termination_date == leaver.termination_date
    assert by_id[stayer.id].terminated == (switch == "at_offboarding")
    assert by_id[stayer.id].termination_date == stayer.termination_date


@pytest.mark.parametrize("keeps_id", [True, False])
def test_a_rehire_is_read_whether_it_keeps_its_id_or_gets_a_new_one(sandbox, tenant_for, provider_for, keeps_id):
    """Same id: employed again, the old end date an earlier stint's. New id: the offboarded person stays a leaver and
    the new one is employed, with the same e-mail and employee id for the matching to link (approval decides)."""
    tenant = tenant_for(4, rehire_keeps_id=keeps_id)
    leaver, _ = _leaver_and_stayer(sandbox, tenant)
    start = dt.date.today() - dt.timedelta(days=5)
    rehired = rehire(sandbox.state, tenant, leaver.id, start)
    by_id = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    assert (rehired.id == leaver.id) == keeps_id and len(by_id) == 4 + (not keeps_id)
    again = by_id[rehired.id]
    assert (again.terminated, again.termination_date, again.hire_date) == (False, None, start)
    assert (again.email, again.unique_identifier) == (leaver.work_email, leaver.employee_number)
    if not keeps_id:
        assert by_id[leaver.id].terminated and by_id[leaver.id].termination_date == leaver.termination_date


def test_a_numeric_employee_id_is_read_as_a_text_identifier(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3, employee_id_type="number")
    sandbox.state.update_person(tenant, tenant.people[0].id, employee_number="00042")
    assert provider_for(tenant)._client.person(tenant.people[0].id)["employeeId"] == 42  # a JSON number
    by_id = {e.remote_id: e for e in provider_for(tenant).iter_employees()}
    assert by_id[tenant.people[0].id].unique_identifier == "42"
    assert all(isinstance(e.unique_identifier, (str, type(None))) for e in by_id.values())


def test_when_the_api_lists_active_people_only_the_second_listing_finds_the_rest(tenant_for, provider_for):
    tenant = tenant_for(120, default_status_filter="active")
    employees = list(provider_for(tenant).iter_employees())
    assert sorted(e.remote_id for e in employees) == sorted(p.id for p in tenant.people)
    assert any(e.terminated for e in employees) and any(e.status is EmploymentStatus.ONBOARDING for e in employees)


def test_a_few_ids_are_read_one_by_one_and_unknown_ones_left_out(sandbox, tenant_for, provider_for):
    tenant = tenant_for(250)
    wanted = [p.id for p in tenant.people[:2]] + ["NoSuchPerson000000000000"]
    assert [e.remote_id for e in provider_for(tenant).fetch_employees(wanted)] == wanted[:2]
    singles = [d for d in sandbox.state.request_details(tenant) if d.path.startswith("/api/people/")]
    assert [d.status for d in singles] == [200, 200, 404]


def test_many_ids_come_from_the_listing(sandbox, tenant_for, provider_for):
    tenant = tenant_for(150)
    wanted = [p.id for p in tenant.people[:40]]
    assert sorted(e.remote_id for e in provider_for(tenant).fetch_employees(wanted)) == sorted(wanted)
    assert not [d for d in sandbox.state.request_details(tenant) if d.path.startswith("/api/people/")]


def test_an_incremental_sync_lists_once(sandbox, tenant_for, provider_for):
    tenant = tenant_for(130)
    provider = provider_for(tenant)
    changed = provider.changed_since(None)
    listed = len(details(sandbox, tenant))
    assert len(list(provider.fetch_employees(changed.remote_ids))) == 130
    assert len(details(sandbox, tenant)) == listed


def test_a_total_that_changes_mid_listing_restarts_it_once(sandbox, tenant_for, provider_for):
    tenant = tenant_for(2 * PAGE_SIZE + 5)
    provider = provider_for(tenant)
    added = []

    def hire_after_the_first_page(response, *args, **kwargs):
        if "%24skip=0" in response.url and not added and "status" not in response.url:
            added.append(sandbox.state.add_person(tenant, first_name="Mid", last_name="Listing",
                                                  hire_date=dt.date(2020, 1, 1)))
        return response

    provider._client._session.hooks["response"].append(hire_after_the_first_page)
    employees = [e.remote_id for e in provider.iter_employees()]
    assert sorted(employees) == sorted(p.id for p in tenant.people) and len(employees) == len(set(employees))
    skips = [d.query["$skip"][0] for d in details(sandbox, tenant) if "status[$in]" not in d.query]
    assert skips == ["0", "100", "0", "100", "200"]


def test_custom_fields_are_joined_in(sandbox, tenant_for, provider_for):
    tenant = tenant_for(30)
    equity = next(f for f in tenant.custom_fields if f["name"] == "Equity holder number")
    mapping = {**HumaansProvider.default_mapping, f"custom.{equity['id']}": "unique_identifier"}
    mapping.pop("employeeId")
    provider = provider_for(tenant, mapping=mapping)
    by_id = {e.remote_id: e for e in provider.iter_employees()}
    for person in tenant.people:
        assert by_id[person.id].unique_identifier == (f"EQ-{person.employee_number}" if person.employee_number
                                                      else None)
    person = tenant.people[0]
    (one,) = provider.fetch_employees([person.id])
    assert one.unique_identifier == by_id[person.id].unique_identifier
    queries = [d.query for d in sandbox.state.request_details(tenant) if d.path == "/api/custom-values"]
    assert {"customFieldId": [equity["id"]], "$limit": ["100"], "$skip": ["0"]} in queries
    assert any(q.get("personId") == [person.id] for q in queries)


def test_load_fields_lists_person_keys_and_custom_fields(tenant_for, provider_for):
    tenant = tenant_for(5)
    fields = {f.key: f for f in provider_for(tenant).list_fields()}
    assert fields["employmentStartDate"].type == "date" and fields["address"].label == "Address (street) (private data)"
    assert all(f.readable for f in fields.values())
    assert {f.label for k, f in fields.items() if k.startswith("custom.")} == {
        "Equity holder number (custom, employment)", "Shirt size (custom, basics)", "Languages (custom, basics)"}
    public = {f.key: f for f in provider_for(tenant, token=tenant.grant(("public:read",))).list_fields()}
    assert not public["address"].readable and not public["personalEmail"].readable and public["email"].readable


def test_without_private_read_the_gap_is_reported_not_blanked(tenant_for, provider_for):
    tenant = tenant_for(20)
    provider = provider_for(tenant, token=tenant.grant(("public:read",)))
    employees = list(provider.iter_employees())
    assert provider.fetch_report().absent_fields == {"address", "postcode", "city", "countryCode"}
    assert all(e.status is EmploymentStatus.ACTIVE for e in employees)  # leavers invisible: hence the warning


def test_verification_accepts_a_full_token(sandbox, tenant_for, provider_for):
    tenant = tenant_for(40)
    assert provider_for(tenant).verify_credentials() == ()
    assert [d.path for d in sandbox.state.request_details(tenant)][0] == "/api/me"


def test_a_full_token_in_a_company_without_new_hires_or_leavers_gets_no_scope_warning(sandbox, tenant_for,
                                                                                      provider_for):
    tenant = tenant_for(12)
    for person in tenant.people:
        sandbox.state.update_person(tenant, person.id, status="active", termination_date=None)
    assert provider_for(tenant).verify_credentials() == ()


def test_verification_warns_of_a_user_role_token(tenant_for, provider_for):
    tenant = tenant_for(40)
    (warning,) = provider_for(tenant, token=tenant.grant(role="user", person=tenant.people[2].id)).verify_credentials()
    assert "one person" in warning and "Owner or Admin" in warning


@pytest.mark.parametrize("private_without_scope", ["omitted", "null"])
def test_verification_warns_of_a_token_without_private_read(tenant_for, provider_for, private_without_scope):
    tenant = tenant_for(40, private_without_scope=private_without_scope)
    (warning,) = provider_for(tenant, token=tenant.grant(("public:read",))).verify_credentials()
    assert "private:read" in warning and "leavers" in warning


def test_refusals_are_auth_errors_without_the_token(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    with pytest.raises(ProviderAuthError, match="rejected the access token") as caught:
        provider_for(tenant, token="hmn_not-a-real-token-123").verify_credentials()
    assert "hmn_not-a-real-token-123" not in str(caught.value)
    with pytest.raises(ProviderAuthError, match="public:read and private:read"):
        provider_for(tenant, token=tenant.grant(("webhooks:manage",))).verify_credentials()


def test_a_429_with_retry_after_is_retried(sandbox, tenant_for, provider_for):
    tenant = tenant_for(3)
    sandbox.state.inject_fault(tenant, "rate_limit", count=1, status=429, retry_after=1, path="/api/people")
    assert len(list(provider_for(tenant).iter_employees())) == 3
    assert [d.status for d in details(sandbox, tenant)][:2] == [429, 200]


def test_paced_a_long_listing_gets_no_429_from_the_guessed_limit(sandbox, tenant_for, provider_for):
    """Five a second (the research's guess) stays within the sandbox's guessed 12 per 2 s."""
    tenant = tenant_for(25 * PAGE_SIZE, rate_limited=True)
    assert len(list(provider_for(tenant, pacer=Pacer.local(), max_retries=0).iter_employees())) == 25 * PAGE_SIZE
    assert {d.status for d in sandbox.state.request_details(tenant)} == {200}


def test_unpaced_the_same_listing_is_refused(sandbox, tenant_for, provider_for):
    tenant = tenant_for(25 * PAGE_SIZE, rate_limited=True)
    with pytest.raises(ProviderUnavailable, match="429"):
        list(provider_for(tenant, max_retries=0).iter_employees())
    assert [d.status for d in sandbox.state.request_details(tenant)][-1] == 429
