"""Every real payload in `../shared/fixtures/real/` (official docs and specs, recordings of open-source clients)
through the clients: decoding, mapping and webhook verification, each with what must come out.

The table EXPECTATIONS holds one check per file. A file without one fails the suite (a new real variant must be
looked at), and so does a file of a provider this table does not know.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Callable

import pytest
import requests

from domain.employee import EmploymentStatus
from providers.bamboohr import BambooHRProvider
from providers.bamboohr_mapping import DEFAULT_MAPPING as BAMBOOHR_MAPPING, employee_from_wire
from providers.bamboohr_webhook import sign, verify_webhook as verify_bamboohr
from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderUnavailable
from providers.hibob import HiBobProvider
from providers.hibob_webhook import sign as sign_hibob, verify_webhook as verify_hibob
from providers.humaans import HumaansProvider
from providers.personio import PersonioProvider
from providers.personio_webhook import verify_webhook as verify_personio
from sandbox.app import create_sandbox_app
from sandbox.hibob_tenant import add_hibob_tenant
from sandbox.state import SandboxState
from tests import secret_registry

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "real"
SUPPORTED = ("bamboohr_", "personio_", "hibob_", "humaans_")
NOT_PAYLOADS = {"README.md"}
API_KEY, CLIENT_SECRET, WEBHOOK_SECRET = "real-fixtures-api-key", "real-fixtures-secret", "real-fixtures-whsec"
BOB_TOKEN, HUMAANS_TOKEN = "real-fixtures-bob-token", "real-fixtures-humaans-token"
secret_registry.register("fixture-test credential", API_KEY, CLIENT_SECRET, WEBHOOK_SECRET, BOB_TOKEN, HUMAANS_TOKEN)


def payload_files() -> list[str]:
    return sorted(p.name for p in REAL.iterdir() if not p.name.endswith(".src") and p.name not in NOT_PAYLOADS)


def raw(name: str) -> bytes:
    return (REAL / name).read_bytes()


def document(name: str) -> Any:
    return json.loads(raw(name))


# -- transports: a client's HTTP answered with a fixture ---------------------------------------------------------

class Canned(requests.adapters.BaseAdapter):
    """Answers each request from `answer(request) -> (status, body bytes)`; records the requests."""

    def __init__(self, answer: Callable[[requests.PreparedRequest], tuple[int, bytes]]) -> None:
        super().__init__()
        self.answer, self.requests = answer, []

    def send(self, request, **kwargs):
        self.requests.append(request)
        status, body = self.answer(request)
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = status, body, request.url, request
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self) -> None:
        pass


def bamboohr(answer, mapping=None) -> BambooHRProvider:
    provider = BambooHRProvider({"subdomain": "acme", "api_key": API_KEY},
                                ProviderSettings(base_url="https://{subdomain}.bamboohr.com/api", max_retries=0),
                                mapping=mapping)
    provider.client.session.mount("https://", Canned(answer))
    return provider


AUTH_OK = json.dumps({"success": True, "data": {"token": "papi-fixture", "expires_in": 86400}}).encode()


def personio(answer, mapping=None) -> tuple[PersonioProvider, Canned]:
    """A Personio provider whose /v1/auth succeeds (unless `answer` handles it) and whose other calls `answer`."""
    def route(request):
        answered = answer(request)
        if answered is None and request.path_url.startswith("/v1/auth"):
            return 200, AUTH_OK
        return answered

    transport = Canned(route)
    session = requests.Session()
    session.mount("https://", transport)
    provider = PersonioProvider({"client_id": "fixture-client", "client_secret": CLIENT_SECRET},
                                ProviderSettings(base_url="https://api.personio.de", max_retries=0), mapping=mapping,
                                session=session)
    return provider, transport


def hibob(answer, mapping=None) -> tuple[HiBobProvider, Canned]:
    """A HiBob provider over `answer`; the fields metadata is an empty list unless `answer` handles it."""
    def route(request):
        answered = answer(request)
        return (200, b"[]") if answered is None and request.path_url.startswith("/v1/company/people/fields") \
            else answered

    transport = Canned(route)
    session = requests.Session()
    session.mount("https://", transport)
    provider = HiBobProvider({"service_user_id": "SERVICE-7", "service_user_token": BOB_TOKEN},
                             ProviderSettings(base_url="https://api.hibob.com", max_retries=0), mapping=mapping,
                             session=session, today=lambda: dt.date(2026, 3, 1))
    return provider, transport


def humaans(answer, mapping=None) -> tuple[HumaansProvider, Canned]:
    transport = Canned(answer)
    session = requests.Session()
    session.mount("https://", transport)
    provider = HumaansProvider({"access_token": HUMAANS_TOKEN},
                               ProviderSettings(base_url="https://app.humaans.io", max_retries=0), mapping=mapping,
                               session=session, today=lambda: dt.date(2026, 3, 1))
    return provider, transport


def searched(*names: str) -> bytes:
    """HiBob's search answer holding the employees of the named files (legacy reads are nested like a search's)."""
    return json.dumps({"employees": [document(name) for name in names]}).encode()


def on(path_prefix: str, status: int, body: bytes):
    return lambda request: (status, body) if request.path_url.startswith(path_prefix) else None


def signed(body: bytes, stamp: str = "1769885000", **extra: str) -> dict[str, str]:
    return {"X-BambooHR-Timestamp": stamp, "X-BambooHR-Signature": sign(WEBHOOK_SECRET, body, stamp), **extra}


def bamboohr_notice(name: str, content_type: str = "application/json"):
    body = raw(name)
    return verify_bamboohr(body, signed(body, **{"Content-Type": content_type}), WEBHOOK_SECRET, now=1769885030.0)


# -- BambooHR ----------------------------------------------------------------------------------------------------

def check_bamboohr_changed(name: str) -> None:
    provider = bamboohr(lambda request: (200, raw(name)))
    changed = provider.changed_since(None)
    assert changed.remote_ids == ("3", "4", "5", "10")
    assert changed.cursor == "2011-06-02T19:26:23Z"


def check_bamboohr_custom_report(name: str) -> None:
    mapping = {"employeeNumber": "unique_identifier", "hireDate": "hire_date", "fullName2": "last_name"}
    employees = list(bamboohr(lambda request: (200, raw(name)), mapping).iter_employees())
    assert [(e.remote_id, e.unique_identifier, e.hire_date) for e in employees] == [
        ("123", "00001", dt.date(2010, 12, 15)), ("124", "00002", dt.date(2008, 10, 13)),
        ("125", "00003", dt.date(2011, 3, 4))]
    assert employees[0].last_name == "Person, Test"


def check_bamboohr_directory(name: str) -> None:
    (row,) = document(name)["employees"]  # hrsync never reads the directory; its rows map all the same
    employee = employee_from_wire(row, BAMBOOHR_MAPPING)
    assert (employee.remote_id, employee.first_name, employee.last_name) == ("123", "Test", "Person")
    assert employee.email == "test@testperson.com" and employee.status is EmploymentStatus.UNKNOWN


def check_bamboohr_employee_faros(name: str) -> None:
    record = bamboohr(lambda request: (200, raw(name))).client.employee("109", ["firstName"])
    employee = employee_from_wire(record, BAMBOOHR_MAPPING)
    assert (employee.remote_id, employee.unique_identifier) == ("109", "10000000")
    assert (employee.first_name, employee.middle_name, employee.last_name, employee.preferred_name) == (
        "yen", "hoang", "hai", "yen")
    assert employee.email == "yenhh8@gmail.com" and employee.status is EmploymentStatus.ACTIVE
    assert (employee.hire_date, employee.termination_date) == (dt.date(2020, 11, 11), None)  # "0000-00-00" empty
    assert (employee.street, employee.postal_code, employee.city, employee.country) == (
        "Ha noi, 32 dai tu", "10000", "ha noi", "Viet Nam")
    assert not employee.terminated and "state" not in employee.extra  # "" is no value


def check_bamboohr_employee_pybamboohr(name: str) -> None:
    employee = employee_from_wire(document(name), BAMBOOHR_MAPPING)
    assert (employee.remote_id, employee.email, employee.first_name) == ("123", "user@test.com", None)


def check_bamboohr_meta_fields(name: str) -> None:
    fields = bamboohr(lambda request: (200, raw(name))).list_fields()
    assert [(f.key, f.label, f.type) for f in fields] == [
        ("customSecondaryLanguage1", "Secondary Language", "list"), ("1610", "Self-service access", "employee_access"),
        ("4374", "Serial #", "text"), ("customShirtsize", "Shirt size", "list")]


def check_bamboohr_company_event(name: str) -> None:
    notice = bamboohr_notice(name)
    assert (notice.event, notice.remote_ids) == ("company.updated", ())  # names nobody: an incremental sync


def bamboohr_event_check(event: str, employee_id: str):
    def check(name: str) -> None:
        notice = bamboohr_notice(name)
        assert (notice.event, notice.remote_ids) == (event, (employee_id,))
    return check


def check_bamboohr_event_form(name: str) -> None:
    notice = bamboohr_notice(name, "application/x-www-form-urlencoded")
    assert (notice.event, notice.remote_ids) == ("employee.updated", ("67890",))


def check_bamboohr_field_based(name: str) -> None:
    notice = bamboohr_notice(name)
    assert (notice.event, notice.remote_ids) == ("employee.updated", ("12345",))


def check_bamboohr_fusebit_known_answer(name: str) -> None:
    """Fusebit's recorded delivery: BambooHR's own signature over these exact bytes, with the key of its test."""
    body, headers = raw("bamboohr_webhook_fusebit_body.json"), document("bamboohr_webhook_fusebit_headers.json")
    key = headers.pop("_privateKey_from_test")
    notice = verify_bamboohr(body, headers, key, now=int(headers["x-bamboohr-timestamp"]) + 30)
    assert (notice.event, notice.remote_ids) == ("employee.changed", ("5",))  # no action, no timestamp
    with pytest.raises(Exception, match="signature"):
        verify_bamboohr(body + b" ", headers, key, now=int(headers["x-bamboohr-timestamp"]) + 30)


# -- Personio ----------------------------------------------------------------------------------------------------

def check_personio_ada(name: str) -> None:
    """personio-py's recording: attributes as only {label, value}, `""` empties, an LMT offset."""
    provider, _ = personio(on("/v1/company/employees/2040614", 200, raw(name)))
    (employee,) = provider.fetch_employees(["2040614"])
    assert (employee.remote_id, employee.first_name, employee.last_name) == ("2040614", "Ada", "Lovelace")
    assert (employee.email, employee.status) == ("ada@example.org", EmploymentStatus.ACTIVE)
    assert (employee.hire_date, employee.termination_date, employee.terminated) == (dt.date(1835, 2, 1), None, False)


def check_personio_empty_list(name: str) -> None:
    provider, _ = personio(on("/v1/company/employees", 200, raw(name)))
    assert list(provider.iter_employees()) == []


def check_personio_attributes(name: str) -> None:
    provider, _ = personio(lambda request: (200, raw(name)) if "attributes" in request.path_url else (
        (200, b'{"success": true, "data": []}') if request.path_url.startswith("/v1/company") else None))
    fields = {f.key: f for f in provider.list_fields()}
    assert [(k, fields[k].label, fields[k].type) for k in ("first_name", "dynamic_1", "dynamic_2", "dynamic_3")] == [
        ("first_name", "First Name", "standard"), ("dynamic_1", "IBAN", "standard"),
        ("dynamic_2", "Marital status", "list"), ("dynamic_3", "Language Skills", "tags")]
    assert not fields["email"].readable  # mapped by default, not among this credential's attributes


def check_personio_auth(name: str) -> None:
    provider, transport = personio(lambda request: (200, raw(name)) if request.path_url.startswith("/v1/auth")
                                   else (200, b'{"success": true, "data": []}'))
    list(provider.iter_employees())
    token = document(name)["data"]["token"]
    assert transport.requests[-1].headers["Authorization"] == f"Bearer {token}"


def check_personio_employee_404(name: str) -> None:
    provider, _ = personio(on("/v1/company/employees/", 404, raw(name)))
    assert list(provider.fetch_employees(["99"])) == []
    assert provider.fetch_report().unresolved_ids == {"99"}  # a v2 id? the sync looks incrementally


def check_personio_single(name: str) -> None:
    provider, _ = personio(on("/v1/company/employees/1", 200, raw(name)),
                           mapping={"first_name": "first_name", "last_name": "last_name", "email": "email",
                                    "status": "status", "hire_date": "hire_date", "dynamic_180883": "birth_date"})
    (employee,) = provider.fetch_employees(["1"])
    assert (employee.remote_id, employee.first_name, employee.last_name) == ("1", "Alexander", "Bergmann")
    assert employee.hire_date == dt.date(2014, 11, 9) and employee.birth_date is not None


def check_personio_listing(name: str) -> None:
    provider, _ = personio(on("/v1/company/employees", 200, raw(name)))
    (employee,) = provider.iter_employees()
    assert (employee.remote_id, employee.first_name, employee.preferred_name) == ("1", "Alexander",
                                                                                  "Alexander Bergmann")
    assert (employee.email, employee.status) == ("alexander.bergmann@demo.email", EmploymentStatus.ACTIVE)
    assert (employee.hire_date, employee.termination_date) == (dt.date(2014, 11, 9), None)


def check_personio_projection(name: str) -> None:
    """A page that says limit 1 while 17 exist: a short page ends the listing (page counters are not trusted)."""
    provider, transport = personio(on("/v1/company/employees", 200, raw(name)))
    assert [e.remote_id for e in provider.iter_employees()] == ["1"]
    assert len([r for r in transport.requests if "/v1/company/employees" in r.path_url]) == 1


def check_personio_updated_since(name: str) -> None:
    provider, _ = personio(on("/v1/company/employees", 200, raw(name)))
    assert provider.changed_since("2024-05-01T10:00:00+00:00").remote_ids == ("1",)


def check_personio_error_401(name: str) -> None:
    provider, _ = personio(on("/v1/auth", 401, raw(name)))
    with pytest.raises(ProviderAuthError, match="fixture-client") as caught:
        list(provider.iter_employees())
    assert CLIENT_SECRET not in str(caught.value)


def check_personio_error_403(name: str) -> None:
    provider, transport = personio(on("/v1/company/employees", 403, raw(name)))
    with pytest.raises(ProviderAuthError, match="allow the credential to read employees"):
        list(provider.iter_employees())
    assert [r.path_url.split("?")[0] for r in transport.requests].count("/v1/auth") == 2  # re-authenticated once


def personio_v2_error_check(status: int, expected: type[Exception] | None):
    def check(name: str) -> None:
        provider, _ = personio(on("/v1/company/employees/", status, raw(name)))
        if expected is None:
            assert list(provider.fetch_employees(["7"])) == []
        else:
            with pytest.raises(expected):
                list(provider.fetch_employees(["7"]))
    return check


def check_personio_webhook_envelope(name: str) -> None:
    """The published schema with its (unpublished) payload left empty: authentic, names nobody → incremental."""
    notice = verify_personio(raw(name), {"Authorization": WEBHOOK_SECRET}, WEBHOOK_SECRET)
    assert (notice.event, notice.remote_ids, notice.payload_keys) == ("person.updated", (), ())


def check_personio_webhook_headers(name: str) -> None:
    headers = dict(line.split(": ", 1) for line in raw(name).decode().splitlines() if ": " in line)
    assert headers["Content-Type"] == "application/json" and "verbatim" in headers["Authorization"]
    body = raw("personio_v2_webhook_envelope_schema_min.json")
    assert verify_personio(body, {**headers, "Authorization": WEBHOOK_SECRET}, WEBHOOK_SECRET).event == "person.updated"
    with pytest.raises(Exception, match="token"):
        verify_personio(body, {**headers, "Authorization": "Bearer someone-else"}, WEBHOOK_SECRET)


# -- HiBob ------------------------------------------------------------------------------------------------------

def check_hibob_samplebob(name: str) -> None:
    """Bob's demo employee: a number as employee id, the US zip code, machine dates, Active and employed."""
    provider, _ = hibob(on("/v1/people/search", 200, searched(name)))
    (employee,) = provider.iter_employees()
    assert (employee.remote_id, employee.unique_identifier) == ("2378379585948483884", "39")
    assert (employee.first_name, employee.last_name, employee.email) == (
        "Amy", "Miles", "amy.miles_200519@samplebob.com")
    assert (employee.street, employee.postal_code, employee.city, employee.country) == (
        "1335 Grove Street", "11757", "New York", "United States")
    assert (employee.hire_date, employee.status, employee.terminated) == (
        dt.date(2015, 3, 20), EmploymentStatus.ACTIVE, False)
    assert provider.fetch_report().absent_fields == frozenset()


def check_hibob_listener(name: str) -> None:
    """A middle name, no employee number, an empty address (`fullAddress` of five spaces), nothing blanked."""
    provider, _ = hibob(on("/v1/people/search", 200, searched(name)))
    (employee,) = provider.iter_employees()
    assert (employee.remote_id, employee.middle_name, employee.unique_identifier) == (
        "2834190035467633537", "Ivanovich", None)
    assert (employee.street, employee.postal_code, employee.country) == (None, None, None)
    assert (employee.hire_date, employee.status) == (dt.date(2022, 5, 9), EmploymentStatus.ACTIVE)


def check_hibob_slash_keys(name: str) -> None:
    """Slash keys first (its department disagrees with the nested copy); a list item id resolved from the named list;
    Lifecycle and Address absent from the record: a permission gap reported, never empty values."""
    metadata = json.dumps([{"id": "work.title", "jsonPath": "work.title", "type": "list", "name": "Job title",
                            "categoryDisplayName": "Work", "typeData": {"listId": "title"}}]).encode()
    lists = json.dumps({"name": "title", "items": [{"id": "255490048", "value": "Engineer", "children": []}]}).encode()

    def answer(request):
        if request.path_url.startswith("/v1/company/people/fields"):
            return 200, metadata
        if request.path_url.startswith("/v1/company/named-lists/title"):
            return 200, lists
        return on("/v1/people/search", 200, searched(name))(request)

    mapping = {**HiBobProvider.default_mapping, "work.department": "department", "work.title": "job_title"}
    provider, _ = hibob(answer, mapping)
    (employee,) = provider.iter_employees()
    assert (employee.remote_id, employee.first_name, employee.last_name, employee.unique_identifier) == (
        "0000000000000000000", "John", "Doe", "10")
    assert (employee.extra["department"], employee.extra["job_title"]) == ("Human Resource", "Engineer")
    assert employee.hire_date == dt.date(2021, 5, 4) and employee.status is EmploymentStatus.UNKNOWN
    assert {"internal.lifecycleStatus", "internal.terminationDate", "address.city"} <= \
        provider.fetch_report().absent_fields


def check_hibob_fields_metadata(name: str) -> None:
    """One element of the bare array: labelled with the category people see (the older shape has none)."""
    provider, _ = hibob(lambda request: (200, b"[" + raw(name) + b"]") if "people/fields" in request.path_url
                        else (200, b'{"employees": []}'))
    (field,) = [f for f in provider.list_fields() if f.key == document(name)["id"]]
    label = {"root.firstName": "First name (Basic info)", "personal.age": "Age (personal)"}[field.key]
    assert (field.label, field.type, field.readable) == (label, document(name)["type"], True)


def check_hibob_search_request_negative(name: str) -> None:
    """The generator's example is not a valid request (two filters, a placeholder humanReadable): the sandbox
    refuses it as HiBob would, and accepts it once its two defects are fixed."""
    state = SandboxState()
    add_hibob_tenant(state, "SERVICE-7", BOB_TOKEN, people=3)
    client = create_sandbox_app(state).test_client()
    auth = {"Authorization": requests.auth._basic_auth_str("SERVICE-7", BOB_TOKEN)}
    assert client.post("/hibob/v1/people/search", json=document(name), headers=auth).status_code == 400
    fixed = {**document(name), "filters": document(name)["filters"][:1], "humanReadable": "APPEND"}
    answer = client.post("/hibob/v1/people/search", json=fixed, headers=auth)
    assert answer.status_code == 200 and answer.get_json() == {"employees": []}  # no such ids


def check_hibob_ping(name: str) -> None:
    notice = verify_hibob(raw(name), {}, WEBHOOK_SECRET)
    assert notice.acknowledge_only and notice.remote_ids == ()


def check_hibob_v1_webhook(name: str) -> None:
    body = raw(name)
    notice = verify_hibob(body, {"bob-signature": sign_hibob(WEBHOOK_SECRET, body)}, WEBHOOK_SECRET)
    assert (notice.event, notice.remote_ids) == ("employee.created", ("2834190035467633537",))


def check_hibob_v2_table_entry(name: str) -> None:
    """Signed by `openssl dgst -sha512 -hmac real-fixtures-whsec -binary | base64` over the file's bytes."""
    known = "B5o9TcwPEcwuNRCu9fd/uqsUUByhZUdcE0NpiGydDKqxazfJ+Nh0qodNxUZpQRvuPgQupI3sCA9QXSQtcgFMig=="
    notice = verify_hibob(raw(name), {"Bob-Signature": known}, WEBHOOK_SECRET)
    assert (notice.event, notice.remote_ids) == ("table.entry.created", ("3332883854254932743",))


# -- Humaans -----------------------------------------------------------------------------------------------------

def check_humaans_people(name: str) -> None:
    """The golden person, listed twice (without a status filter, then new hires and offboarded people): once."""
    provider, transport = humaans(on("/api/people", 200, raw(name)))
    (employee,) = provider.iter_employees()
    assert (employee.remote_id, employee.first_name, employee.last_name) == ("VMB1yzL5uL8VvNNCJc9rykJz", "Kelsey",
                                                                             "Wicks")
    assert (employee.country, employee.hire_date, employee.status) == ("GB", dt.date(2018, 3, 10),
                                                                       EmploymentStatus.ACTIVE)
    assert [r.headers["Authorization"] for r in transport.requests] == [f"Bearer {HUMAANS_TOKEN}"] * 2
    assert "status%5B%24in%5D=newHire" in transport.requests[1].path_url


EXPECTATIONS: dict[str, Callable[[str], None]] = {
    "bamboohr_changed_200_docs.json": check_bamboohr_changed,
    "bamboohr_custom_report_pybamboohr.json": check_bamboohr_custom_report,
    "bamboohr_directory_pybamboohr.json": check_bamboohr_directory,
    "bamboohr_employee_get_faros.json": check_bamboohr_employee_faros,
    "bamboohr_employee_get_pybamboohr.json": check_bamboohr_employee_pybamboohr,
    "bamboohr_meta_fields_faros.json": check_bamboohr_meta_fields,
    "bamboohr_webhook_company_updated_spec.json": check_bamboohr_company_event,
    "bamboohr_webhook_event_created_spec.json": bamboohr_event_check("employee.created", "100"),
    "bamboohr_webhook_event_deleted_spec.json": bamboohr_event_check("employee.deleted", "100"),
    "bamboohr_webhook_event_form_docs.txt": check_bamboohr_event_form,
    "bamboohr_webhook_event_updated_docs.json": bamboohr_event_check("employee.updated", "67890"),
    "bamboohr_webhook_event_updated_spec.json": bamboohr_event_check("employee.updated", "100"),
    "bamboohr_webhook_field_based_docs.json": check_bamboohr_field_based,
    "bamboohr_webhook_fusebit_body.json": check_bamboohr_fusebit_known_answer,
    "bamboohr_webhook_fusebit_headers.json": check_bamboohr_fusebit_known_answer,
    "personio_py_employee_ada.json": check_personio_ada,
    "personio_py_empty_list.json": check_personio_empty_list,
    "personio_v1_attributes_200.json": check_personio_attributes,
    "personio_v1_auth_200.json": check_personio_auth,
    "personio_v1_employee_404.json": check_personio_employee_404,
    "personio_v1_employee_single_200.json": check_personio_single,
    "personio_v1_employees_attributes_projection_200.json": check_personio_projection,
    "personio_v1_employees_list_200.json": check_personio_listing,
    "personio_v1_employees_updated_since_200.json": check_personio_updated_since,
    "personio_v1_employees_updated_since_with_attributes_200.json": check_personio_updated_since,
    "personio_v1_error_401.json": check_personio_error_401,
    "personio_v1_error_403.json": check_personio_error_403,
    "personio_v2_error_InternalServerError.json": personio_v2_error_check(500, ProviderUnavailable),
    "personio_v2_error_ResourceNotFound.json": personio_v2_error_check(404, None),
    "personio_v2_error_ServiceUnavailable.json": personio_v2_error_check(503, ProviderUnavailable),
    "personio_v2_webhook_envelope_schema_min.json": check_personio_webhook_envelope,
    "personio_v2_webhook_headers.txt": check_personio_webhook_headers,
    "hibob_employee_samplebob_siemplify.json": check_hibob_samplebob,
    "hibob_fields_metadata_personal_age_changelog.json": check_hibob_fields_metadata,
    "hibob_fields_metadata_root_firstname_changelog.json": check_hibob_fields_metadata,
    "hibob_people_get_v1_include_human_readable_listener.json": check_hibob_listener,
    "hibob_people_read_slash_keys_rustdoc.json": check_hibob_slash_keys,
    "hibob_people_search_request_spec_example.json": check_hibob_search_request_negative,
    "hibob_webhook_ping_test_json.json": check_hibob_ping,
    "hibob_webhook_v1_employee_created_listener.json": check_hibob_v1_webhook,
    "hibob_webhook_v2_table_entry_created_lifecycle_changelog.json": check_hibob_v2_table_entry,
    "humaans_people_list_exhumaans.json": check_humaans_people,
}


def test_the_real_fixtures_are_there():
    """CI runs a fresh clone with ../shared beside it: an empty table would pass every check below vacuously."""
    assert REAL.is_dir(), f"{REAL} is missing: the real payloads live in ../shared/fixtures/real/"
    assert len([n for n in payload_files() if n.startswith(SUPPORTED)]) >= len(EXPECTATIONS)


@pytest.mark.parametrize("name", payload_files() if REAL.is_dir() else [])
def test_every_real_payload(name):
    assert name.startswith(SUPPORTED), f"{name}: a provider this table does not know"
    assert name in EXPECTATIONS, f"{name} has no expectation: look at this real variant and add one"
    EXPECTATIONS[name](name)
