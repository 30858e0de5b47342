"""BambooHRProvider: construction rules, fetches, cursors, field listing and the fetch report."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from domain.employee import EmploymentStatus
from providers.bamboohr import BambooHRProvider
from providers.bamboohr_mapping import DEFAULT_MAPPING, requested_fields
from providers.bamboohr_webhook import sign
from providers.base import ProviderSettings
from providers.errors import ProviderError
from providers.registry import get_provider

API_KEY = "k3y-0f-acme-5ecret"
REPORT = "/api/v1/reports/custom"
CHANGED = "/api/v1/employees/changed"


def _build(provider_settings, **credentials):
    return BambooHRProvider(credentials=credentials, settings=provider_settings)


@pytest.mark.parametrize("credentials, missing", [
    pytest.param({"api_key": API_KEY}, "subdomain", id="no-subdomain"),
    pytest.param({"subdomain": "acme"}, "api_key", id="no-key"),
    pytest.param({"subdomain": " ", "api_key": " "}, "subdomain, api_key", id="blank-both"),
])
def test_missing_credentials_are_named(provider_settings, credentials, missing):
    with pytest.raises(ProviderError, match=f"missing: {missing}"):
        _build(provider_settings, **credentials)


@pytest.mark.parametrize("subdomain", [
    pytest.param("acme.evil.example", id="other-host"),
    pytest.param("acme@evil.example", id="userinfo"),
    pytest.param("ac me", id="space"),
    pytest.param("-acme", id="leading-hyphen"),
    pytest.param("acme#", id="fragment"),
    pytest.param("ácme", id="non-ascii"),
    pytest.param(API_KEY + "_", id="pasted-key"),
])
def test_subdomains_that_could_escape_the_url_template_are_refused(provider_settings, subdomain):
    with pytest.raises(ProviderError) as caught:
        _build(provider_settings, subdomain=subdomain, api_key=API_KEY)

    assert subdomain not in str(caught.value)


@pytest.mark.parametrize("typed", ["acme", "ACME", " acme ", "acme.bamboohr.com", "https://acme.bamboohr.com/home"])
def test_pasted_company_urls_become_the_subdomain(provider_settings, typed):
    provider = _build(provider_settings, subdomain=typed, api_key=API_KEY)

    assert provider.client.base_url == "https://acme.bamboohr.com/api"


def test_unknown_mapping_targets_are_refused(provider_settings):
    with pytest.raises(ProviderError, match="shoe_size"):
        BambooHRProvider(credentials={"subdomain": "acme", "api_key": API_KEY}, settings=provider_settings,
                         mapping={"firstName": "first_name", "customShoe": "shoe_size"})


def test_base_url_must_have_a_subdomain_slot():
    with pytest.raises(ProviderError, match="subdomain"):
        _build(ProviderSettings(base_url="https://api.bamboohr.com/api"), subdomain="acme", api_key=API_KEY)


def test_construction_does_no_io(provider_settings, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the constructor sent a request")
    monkeypatch.setattr(requests.Session, "send", no_network)

    provider = _build(provider_settings, subdomain="acme", api_key=API_KEY)

    assert provider.fetch_report().absent_fields == frozenset()


def test_repr_shows_no_key(make_provider):
    provider = make_provider()

    assert API_KEY not in repr(provider)
    assert repr(provider) == "BambooHRProvider(subdomain='acme')"


def test_registry_builds_it_with_the_bamboohr_rules(provider_settings):
    provider = get_provider("bamboohr", {"subdomain": "acme", "api_key": API_KEY}, provider_settings)

    assert isinstance(provider, BambooHRProvider)
    assert provider.require_hire_date is True
    assert provider.mapping == dict(DEFAULT_MAPPING)


def test_full_fetch_reads_active_and_inactive_from_the_custom_report(make_provider, fake_api, load_json):
    fake_api.answer("POST", REPORT, body=load_json("custom_report__active_and_inactive.json"))
    calls = []

    employees = list(make_provider().iter_employees(progress=lambda done, total: calls.append((done, total))))

    assert [(e.remote_id, e.status, e.terminated) for e in employees] == [
        ("4", EmploymentStatus.ACTIVE, False), ("7", EmploymentStatus.INACTIVE, True),
        ("9", EmploymentStatus.INACTIVE, False)]
    assert fake_api.json_bodies()[0]["fields"] == requested_fields(DEFAULT_MAPPING)
    assert calls == [(3, 3)]


def test_progress_is_reported_every_hundred(make_provider, fake_api):
    rows = [{"id": str(n), "firstName": f"P{n}", "status": "Active"} for n in range(1, 251)]
    fake_api.answer("POST", REPORT, body={"employees": rows})
    calls = []

    assert len(list(make_provider().iter_employees(progress=lambda *call: calls.append(call)))) == 250
    assert calls == [(100, 250), (200, 250), (250, 250)]


def test_rows_without_id_are_skipped(make_provider, fake_api):
    fake_api.answer("POST", REPORT, body={"employees": [{"id": None, "firstName": "X"}, "junk", {"id": "3"}]})

    assert [e.remote_id for e in make_provider().iter_employees()] == ["3"]


@pytest.mark.parametrize("fetch", [
    pytest.param(lambda provider: provider.iter_employees(), id="full"),
    pytest.param(lambda provider: provider.fetch_employees(["3", "5"]), id="by-ids"),
])
def test_a_person_the_report_lists_twice_is_read_once(make_provider, fake_api, fetch):
    """`filterDuplicates: "no"` may repeat a person (one row per history-table row): not two employees."""
    rows = [{"id": "3", "firstName": "Ana", "lastName": "Silva", "status": "Active", "hireDate": "2020-01-06"},
            {"id": 3, "firstName": "Ana", "lastName": "Silva", "status": "Active", "hireDate": "2020-01-06"},
            {"id": "5", "firstName": "Ben", "lastName": "Okafor", "status": "Active", "hireDate": "2021-03-01"},
            {"id": "3", "firstName": "Ana", "lastName": "Silva", "status": "Active", "hireDate": "2020-01-06"}]
    fake_api.answer("POST", REPORT, body={"employees": rows})

    assert [e.remote_id for e in fetch(make_provider())] == ["3", "5"]


def test_fields_hidden_from_every_employee_are_reported(make_provider, fake_api, load_json):
    fake_api.answer("POST", REPORT, body=load_json("custom_report__hidden_fields.json"))
    fake_api.answer("GET", "/api/v1/meta/fields", body=load_json("meta_fields.json"))
    provider = make_provider()

    list(provider.iter_employees())

    assert provider.fetch_report().absent_fields == {"hireDate"}  # homeEmail is read, but not mapped
    readable = {field.key: field.readable for field in provider.list_fields()}
    assert readable["hireDate"] is False and readable["firstName"] is True


def test_an_empty_report_teaches_nothing_about_fields(make_provider, fake_api):
    fake_api.answer("POST", REPORT, body={"employees": []})
    provider = make_provider()

    assert list(provider.iter_employees()) == []
    assert provider.fetch_report().absent_fields == frozenset()


def test_list_fields_uses_aliases_and_ids(make_provider, fake_api, load_json):
    fake_api.answer("GET", "/api/v1/meta/fields", body=load_json("meta_fields.json"))

    fields = {field.key: field for field in make_provider().list_fields()}

    assert fields["dateOfBirth"].label == "Birth Date" and fields["dateOfBirth"].type == "date"
    assert fields["4020.1"].label == "Completed - Category"
    assert fields["maritalStatus"].label == "Marital Status (deprecated)"
    assert all(field.readable for field in fields.values())


def _since(fake_api) -> str:
    return parse_qs(urlsplit(fake_api.requests[-1].url).query)["since"][0]


def test_changed_since_the_beginning(make_provider, fake_api, load_json):
    fake_api.answer("GET", CHANGED, body=load_json("changed__since.json"))

    changed = make_provider().changed_since(None)

    assert _since(fake_api) == "2011-01-01T00:00:00Z"
    assert changed.remote_ids == ("3", "5", "12")  # the deleted one too, in numeric order
    assert changed.cursor == "2011-06-02T19:26:23Z"


@pytest.mark.parametrize("cursor, sent", [
    pytest.param("2026-01-31T18:42:00Z", "2026-01-31T18:41:30Z", id="utc"),
    pytest.param("2026-01-31T19:42:00+01:00", "2026-01-31T18:41:30Z", id="offset"),
    pytest.param("2026-01-31T18:42:00+0000", "2026-01-31T18:41:30Z", id="offset-without-colon"),
])
def test_changed_since_overlaps_the_cursor(make_provider, fake_api, load_json, cursor, sent):
    fake_api.answer("GET", CHANGED, body=load_json("changed__none.json"))

    changed = make_provider().changed_since(cursor)

    assert _since(fake_api) == sent
    assert changed == changed.__class__(remote_ids=(), cursor="2026-01-31T18:42:00Z")


def test_the_cursor_never_goes_backwards(make_provider, fake_api, load_json):
    fake_api.answer("GET", CHANGED, body=load_json("changed__since.json"))  # latest is 2011

    assert make_provider().changed_since("2026-01-31T18:42:00Z").cursor == "2026-01-31T18:42:00Z"


def test_without_latest_the_newest_change_is_the_cursor(make_provider, fake_api, load_json):
    answer = load_json("changed__since.json")
    del answer["latest"]
    fake_api.answer("GET", CHANGED, body=answer)

    assert make_provider().changed_since("2011-06-01T00:00:00Z").cursor == "2011-06-02T19:26:23Z"


def test_a_garbled_cursor_is_a_provider_error(make_provider):
    with pytest.raises(ProviderError, match="cursor"):
        make_provider().changed_since("last tuesday")


def test_fetch_by_ids_is_one_filtered_report(make_provider, fake_api, load_json):
    fake_api.answer("POST", REPORT, body=load_json("custom_report__active_and_inactive.json"))

    employees = list(make_provider().fetch_employees(["9", "7", "7", " 9 ", "not-an-id"]))

    assert fake_api.json_bodies() == [{"title": "hrsync", "fields": requested_fields(DEFAULT_MAPPING),
                                       "filterDuplicates": "no", "filters": {"employeeIds": [7, 9]}}]
    assert [e.remote_id for e in employees] == ["7", "9"]  # "4" came back unasked and is left out


def test_fetch_by_ids_batches_large_sets(make_provider, fake_api):
    fake_api.answer("POST", REPORT, body={"employees": []})

    assert list(make_provider().fetch_employees(str(n) for n in range(1, 1202))) == []
    assert [len(body["filters"]["employeeIds"]) for body in fake_api.json_bodies()] == [500, 500, 201]


def test_fetch_of_no_ids_sends_nothing(make_provider, fake_api):
    assert list(make_provider().fetch_employees([])) == []
    assert fake_api.requests == []


def test_verify_webhook_delegates(make_provider, load_bytes):
    body = load_bytes("webhook__employee_updated.json")
    sent = {"X-BambooHR-Signature": sign("s3cret", body, "1769885000"), "X-BambooHR-Timestamp": "1769885000"}

    notice = make_provider().verify_webhook(body, sent, "s3cret", now=1769885010.0)

    assert notice.remote_ids == ("67890",)
    assert json.loads(body)["type"] == notice.event
