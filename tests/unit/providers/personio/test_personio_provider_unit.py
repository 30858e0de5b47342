"""PersonioProvider over a scripted transport: requests sent, status branching, pagination, reports."""

import datetime as dt
import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from providers.base import ProviderSettings, SourceField
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.personio import PersonioProvider
from providers.personio_client import PAGE_SIZE
from providers.personio_mapping import DEFAULT_MAPPING, employee_from_wire

from personio_fakes import FakePersonio, make_record
from personio_wire import load

SECRET = "s3cret-value"


def people(n):
    return [make_record(i, first_name=f"F{i}", last_name=f"L{i}", email=f"p{i}@example.org",
                        status="active", hire_date="2020-01-01T00:00:00+01:00", termination_date=None,
                        preferred_name=None) for i in range(1, n + 1)]


def employee_queries(transport):
    return [parse_qs(urlsplit(r.url).query) for r in transport.requests
            if urlsplit(r.url).path == "/v1/company/employees"]


def test_auth_posts_json_body_and_every_call_names_the_app(personio_provider):
    provider, transport = personio_provider(FakePersonio(people(1)))
    list(provider.iter_employees())
    auth, listing = transport.requests
    assert urlsplit(auth.url).path == "/v1/auth" and urlsplit(auth.url).query == ""
    assert auth.headers["Content-Type"] == "application/json"
    assert json.loads(auth.body) == {"client_id": "cid-42", "client_secret": SECRET}
    assert listing.headers["Authorization"] == "Bearer papi-1"
    assert all(r.headers["X-Personio-App-ID"] == "HRSYNC" for r in transport.requests)


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (PAGE_SIZE - 1, 1), (PAGE_SIZE, 2),
                                          (PAGE_SIZE + 1, 2), (2 * PAGE_SIZE, 3)],
                         ids=["zero", "one", "max-minus-one", "exactly-max", "max-plus-one", "two-full"])
def test_pagination_boundaries(personio_provider, count, pages):
    provider, transport = personio_provider(FakePersonio(people(count)))
    employees = list(provider.iter_employees())
    assert [e.remote_id for e in employees] == [str(i) for i in range(1, count + 1)]
    queries = employee_queries(transport)
    assert [q["offset"] for q in queries] == [[str(PAGE_SIZE * i)] for i in range(pages)]
    assert all(q["limit"] == [str(PAGE_SIZE)] for q in queries)


def test_progress_reports_running_count_and_total(personio_provider):
    provider, _ = personio_provider(FakePersonio(people(150)))
    calls = []
    list(provider.iter_employees(lambda done, total: calls.append((done, total))))
    assert calls == [(100, 150), (150, 150)]


def test_records_shifting_between_pages_are_yielded_once(personio_provider):
    fake = FakePersonio(people(PAGE_SIZE))
    shifted = people(PAGE_SIZE + 1)[PAGE_SIZE - 1:]  # the last of page one again, then a new one
    fake.script("/v1/company/employees",
                (200, {"success": True, "data": fake.records}, {}),
                (200, {"success": True, "data": shifted}, {}))
    provider, _ = personio_provider(fake)
    ids = [e.remote_id for e in provider.iter_employees()]
    assert len(ids) == len(set(ids)) == PAGE_SIZE + 1


def test_offset_ignored_by_server_is_an_error_not_a_loop(personio_provider):
    fake = FakePersonio()
    full = {"success": True, "data": people(PAGE_SIZE)}
    fake.script("/v1/company/employees", (200, full, {}), (200, full, {}))
    provider, _ = personio_provider(fake)
    with pytest.raises(ProviderError, match="repeated"):
        list(provider.iter_employees())


def test_rotating_token_from_response_header_is_used_next(personio_provider):
    fake = FakePersonio(people(PAGE_SIZE + 1))
    page_one = {"success": True, "data": fake.records[:PAGE_SIZE]}
    fake.script("/v1/company/employees", (200, page_one, {"Authorization": "Bearer papi-rotated"}))
    provider, transport = personio_provider(fake)
    list(provider.iter_employees())
    sent = [r.headers.get("Authorization") for r in transport.requests[1:]]
    assert sent == ["Bearer papi-1", "Bearer papi-rotated"]
    assert fake.issued == 1


def test_401_reauthenticates_once_and_retries(personio_provider):
    fake = FakePersonio(people(2))
    fake.script("/v1/company/employees", (401, load("error__unauthorized"), {}))
    provider, transport = personio_provider(fake)
    assert len(list(provider.iter_employees())) == 2
    assert fake.issued == 2
    assert transport.requests[-1].headers["Authorization"] == "Bearer papi-2"


@pytest.mark.parametrize("status", [401, 403])
def test_second_refusal_is_an_auth_error_naming_the_client_not_the_secret(personio_provider, status):
    fake = FakePersonio(people(2))
    refusal = (status, load("error__unauthorized"), {})
    fake.script("/v1/company/employees", refusal, refusal)
    provider, _ = personio_provider(fake)
    with pytest.raises(ProviderAuthError) as caught:
        list(provider.iter_employees())
    assert "cid-42" in str(caught.value) and SECRET not in str(caught.value)
    assert "papi-" not in str(caught.value)
    assert fake.issued == 2


@pytest.mark.parametrize("answer", [
    (401, {"success": False, "error": {"code": 401, "message": "Wrong credentials"}}, {}),
    (403, {"success": False, "error": {"code": 403, "message": "Forbidden"}}, {}),
    (200, {"success": False, "error": {"code": 0, "message": "you could not be authenticated"}}, {}),
    (200, {"success": True, "data": {}}, {}),
], ids=["401", "403", "success-false", "no-token"])
def test_refused_credentials(personio_provider, answer):
    fake = FakePersonio(people(1))
    fake.script("/v1/auth", answer)
    provider, _ = personio_provider(fake)
    with pytest.raises(ProviderAuthError, match="rejected the client credentials for client id cid-42"):
        list(provider.iter_employees())


def test_missing_credentials_fail_before_any_request():
    with pytest.raises(ProviderAuthError):
        PersonioProvider({"client_id": "cid"}, ProviderSettings(base_url="http://personio.test"))


@pytest.mark.parametrize("answer, error, text", [
    ((422, {"success": False, "error": {"code": 422, "message": "Supervisor with ID 1 not found"}}, {}),
     ProviderError, "422.*Supervisor with ID 1 not found"),
    ((400, {"personio_trace_id": "t", "errors": [{"title": "Bad", "detail": "limit too big"}]}, {}),
     ProviderError, "400.*limit too big"),
    ((200, b"<html>maintenance</html>", {}), ProviderError, "invalid JSON"),
    ((200, b"[" * 5000 + b"]" * 5000, {}), ProviderError, "invalid JSON"),
    ((200, b'{"success": true, "data": ["\xff\xfe"]}', {}), ProviderError, "invalid JSON"),
    ((200, b'{"success": true, "data": [NaN]}', {}), ProviderError, "invalid JSON"),
    ((200, {"success": False, "error": {"message": "kaputt"}}, {}), ProviderError, "kaputt"),
    ((200, {"success": True, "data": {"not": "a list"}}, {}), ProviderError, "without a list"),
    ((500, b"oops", {}), ProviderUnavailable, "500"),
    ((503, b"", {}), ProviderUnavailable, "503"),
    ((429, {"success": False}, {}), ProviderUnavailable, "429"),
], ids=["422-v1-message", "400-v2-detail", "invalid-json", "nested-5000-deep", "not-utf8", "nan",
        "success-false", "data-not-list",
        "500", "503", "429"])
def test_error_answers(personio_provider, answer, error, text):
    fake = FakePersonio()
    fake.script("/v1/company/employees", answer)
    provider, _ = personio_provider(fake)
    with pytest.raises(error, match=text) as caught:
        list(provider.iter_employees())
    assert type(caught.value) is error


def test_error_messages_are_scrubbed_of_secret_and_token(personio_provider):
    fake = FakePersonio()
    echo = {"success": False, "error": {"message": f"bad secret {SECRET} with token papi-1"}}
    fake.script("/v1/company/employees", (400, echo, {}))
    provider, _ = personio_provider(fake)
    with pytest.raises(ProviderError) as caught:
        list(provider.iter_employees())
    assert SECRET not in str(caught.value) and "papi-1" not in str(caught.value)


def test_nothing_secret_in_logs_or_reprs(personio_provider, caplog):
    caplog.set_level(logging.DEBUG)
    fake = FakePersonio(people(1))
    fake.script("/v1/company/employees", (401, {}, {}))
    provider, _ = personio_provider(fake)
    list(provider.iter_employees())
    texts = [caplog.text, repr(provider), repr(provider._client), repr(provider._client._tokens)]
    assert not any(SECRET in t or "papi-" in t for t in texts)


def test_fetch_by_id_skips_unknown_ids_and_quotes_paths(personio_provider):
    provider, transport = personio_provider(FakePersonio(people(3)))
    employees = list(provider.fetch_employees(["2", "404", "2", "3", "../auth"]))
    assert [e.remote_id for e in employees] == ["2", "3"]
    paths = [urlsplit(r.url).path for r in transport.requests[1:]]
    assert paths[-1] == "/v1/company/employees/..%2Fauth"
    assert paths.count("/v1/company/employees/2") == 1


def test_whitelist_gap_is_reported_not_blanked(personio_provider):
    fake = FakePersonio(load("employees__whitelist_gap")["data"])
    provider, _ = personio_provider(fake)
    assert provider.fetch_report().absent_fields == frozenset()
    employees = list(provider.iter_employees())
    assert all(e.hire_date is None for e in employees)
    assert provider.fetch_report().absent_fields == {"email", "hire_date", "termination_date",
                                                     "preferred_name"}
    list(provider.fetch_employees(["14"]))
    assert "email" in provider.fetch_report().absent_fields


def test_list_fields_marks_hidden_mapped_attributes(personio_provider):
    fake = FakePersonio(load("employees__whitelist_gap")["data"], attributes=load("attributes")["data"])
    provider, _ = personio_provider(fake, mapping={"first_name": "first_name", "email": "email",
                                                   "dynamic_99": "unique_identifier"})
    fields = {f.key: f for f in provider.list_fields()}
    assert fields["first_name"] == SourceField("first_name", "First Name", "standard", True)
    assert fields["office"].label == "Workplace"
    assert fields["dynamic_2"] == SourceField("dynamic_2", "Marital status", "list", False)
    assert not fields["email"].readable  # listed, but the records leave it out
    assert fields["dynamic_99"] == SourceField("dynamic_99", "dynamic_99", None, False)  # not listed


def test_list_fields_without_employees_trusts_the_listing(personio_provider):
    fake = FakePersonio([], attributes=load("attributes")["data"])
    provider, _ = personio_provider(fake)
    fields = {f.key: f for f in provider.list_fields()}
    assert all(fields[key].readable for key in ("first_name", "email", "dynamic_3"))
    assert fields["preferred_name"].readable is False  # default mapping key missing from the listing


def test_changed_since_sends_naive_utc_with_overlap_and_returns_start_as_cursor(personio_provider):
    start = dt.datetime(2024, 5, 1, 12, 0, 30, 999, tzinfo=dt.timezone.utc)
    provider, transport = personio_provider(FakePersonio(people(3)), utcnow=lambda: start)
    changed = provider.changed_since("2024-05-01T10:00:00+02:00")
    assert changed.remote_ids == ("1", "2", "3")
    assert changed.cursor == "2024-05-01T12:00:30+00:00"
    (query,) = employee_queries(transport)
    assert query["updated_since"] == ["2024-05-01T07:45:00"]
    assert query["limit"] == [str(PAGE_SIZE)] and query["offset"] == ["0"]


@pytest.mark.parametrize("cursor", [None, "", "not a time"], ids=["none", "empty", "garbage"])
def test_changed_since_without_usable_cursor_lists_every_id(personio_provider, cursor):
    provider, transport = personio_provider(FakePersonio(people(2)))
    assert provider.changed_since(cursor).remote_ids == ("1", "2")
    assert "updated_since" not in employee_queries(transport)[0]


class IgnoresPagingWhenUpdatedSince(FakePersonio):
    """Personio as its spec describes `updated_since`: limit and offset ignored, every match on every page."""

    def __init__(self, records, changed):
        super().__init__(records)
        self.changed = changed

    def __call__(self, request):
        url = urlsplit(request.url)
        if url.path == "/v1/company/employees" and "updated_since" in parse_qs(url.query):
            return 200, {"success": True, "metadata": {"total_elements": len(self.changed)},
                         "data": self.changed}, {}
        return super().__call__(request)


def test_an_updated_since_listing_that_repeats_its_page_falls_back_to_every_id(personio_provider):
    """The sync used to fail ("repeated the employees page at offset …"): every id instead, as the full diff."""
    everyone = people(260)
    provider, transport = personio_provider(IgnoresPagingWhenUpdatedSince(everyone, everyone[:150]))

    changed = provider.changed_since("2024-05-01T10:00:00+00:00")

    assert changed.remote_ids == tuple(str(i) for i in range(1, 261))
    queries = [("updated_since" in query, query["offset"][0]) for query in employee_queries(transport)]
    assert queries[0] == (True, "0") and queries[-3:] == [(False, "0"), (False, "100"), (False, "200")]


def test_many_changed_ids_are_read_from_the_listing_not_one_request_each(personio_provider):
    everyone = people(260)
    provider, transport = personio_provider(IgnoresPagingWhenUpdatedSince(everyone, everyone[:150]))
    changed = provider.changed_since("2024-05-01T10:00:00+00:00")
    transport.requests.clear()

    employees = list(provider.fetch_employees(changed.remote_ids[:200]))

    assert [e.remote_id for e in employees] == [str(i) for i in range(1, 201)]
    assert len(transport.requests) == 3  # three listing pages, not two hundred employee requests
    assert provider.fetch_report().unresolved_ids == frozenset()


def test_ids_personio_does_not_know_are_reported_unresolved(personio_provider):
    """A webhook may name a v2 person id that v1 answers 404 for: the sync then looks incrementally."""
    provider, _ = personio_provider(FakePersonio(people(3)))

    assert [e.remote_id for e in provider.fetch_employees(["2", "990000001"])] == ["2"]
    assert provider.fetch_report().unresolved_ids == {"990000001"}


def test_token_is_shared_by_every_call_of_a_provider(personio_provider):
    fake = FakePersonio(people(250), attributes=load("attributes")["data"])
    provider, _ = personio_provider(fake)
    list(provider.iter_employees())
    list(provider.fetch_employees(["1", "2"]))
    provider.list_fields()
    provider.changed_since(None)
    assert fake.issued == 1


ODD_UNMAPPED = {"gender": {"label": "Gender", "value": ["x", {"y": [1, 2.5, None]}], "type": "list"},
                "dynamic_9": "a bare value", "office": {"value": {"type": "Office", "attributes": {"id": 1}}},
                "team": None, "position": [1, 2, 3], "größe": {"label": "Größe", "value": "L"}}


@pytest.mark.parametrize("mapping", [None, {"first_name": "first_name", "office": "city", "dynamic_9": "phone",
                                            "gender": "nationality", "absent_key": "street"},
                                     {"first_name": "first_name", "größe": "city", "absent_key": "street"}],
                         ids=["default-mapping", "mapping-odd-attributes", "mapping-a-non-ascii-key"])
def test_the_listing_builds_only_mapped_attributes_yet_maps_exactly_as_the_whole_record(personio_provider,
                                                                                         mapping):
    records = load("employees__page_1")["data"] + [make_record(901, first_name="Zoë", last_name="Ünal")]
    for record in records:
        record["attributes"].update(ODD_UNMAPPED)
    provider, _ = personio_provider(FakePersonio(records), mapping=mapping)
    expected = [employee_from_wire(record, mapping or DEFAULT_MAPPING) for record in records]
    assert list(provider.iter_employees()) == expected
    assert provider.fetch_report().absent_fields == ({"absent_key"} if mapping else frozenset())
    assert mapping is None or "größe" not in mapping or all(e.city == "L" for e in expected)


@pytest.mark.parametrize("record, text", [
    ({"type": "Employee", "attributes": [1, 2]}, "without attributes"),
    ({"type": "Employee"}, "without attributes"),
    ("not a record", "without attributes"),
    ({"attributes": {"first_name": {"value": "No id"}}}, "without an id"),
], ids=["attributes-a-list", "no-attributes", "record-a-string", "no-id"])
def test_records_the_listing_cannot_read_are_refused_as_before(personio_provider, record, text):
    provider, _ = personio_provider(FakePersonio(people(2) + [record]))
    with pytest.raises(ProviderError, match=text):
        list(provider.iter_employees())
