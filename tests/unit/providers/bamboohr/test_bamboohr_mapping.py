"""BambooHR wire → Employee: one test per distinct wire case in tests/fixtures/bamboohr."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from domain.employee import MAPPABLE_FIELDS, EmploymentStatus
from providers.bamboohr_mapping import (DEFAULT_MAPPING, SUPPORT_FIELDS, clean, employee_from_wire, requested_fields,
                                        terminated_status)


@pytest.fixture
def record(load_json):
    def find(fixture: str, remote_id: str) -> dict:
        rows = load_json(fixture)["employees"]
        return next(row for row in rows if str(row["id"]) == remote_id)
    return find


def test_active_employee_maps_every_default_field(record):
    employee = employee_from_wire(record("custom_report__active_and_inactive.json", "4"), DEFAULT_MAPPING)

    assert employee.remote_id == "4"
    assert employee.unique_identifier == "1001"
    assert (employee.first_name, employee.last_name, employee.preferred_name) == ("Anna", "Müller", "Anni")
    assert employee.middle_name is None
    assert employee.email == "anna.mueller@acme.example"
    assert (employee.street, employee.postal_code, employee.city, employee.country) == (
        "Hauptstraße 5", "10115", "Berlin", "Germany")
    assert employee.hire_date == dt.date(2019, 4, 1)
    assert employee.termination_date is None  # "0000-00-00"
    assert employee.status is EmploymentStatus.ACTIVE
    assert not employee.terminated
    assert employee.extra == {"employmentHistoryStatus": "Full-Time"}


def test_inactive_with_termination_date_is_a_leaver(record):
    employee = employee_from_wire(record("custom_report__active_and_inactive.json", "7"), DEFAULT_MAPPING)

    assert employee.status is EmploymentStatus.INACTIVE
    assert employee.termination_date == dt.date(2024, 3, 31)
    assert employee.terminated


def test_future_hire_is_inactive_but_not_a_leaver(record):
    raw = record("custom_report__active_and_inactive.json", "9")
    employee = employee_from_wire(raw, DEFAULT_MAPPING)

    assert employee.status is EmploymentStatus.INACTIVE
    assert employee.hire_date == dt.date(2030, 9, 1)
    assert employee.termination_date is None
    assert not employee.terminated
    assert not terminated_status(raw)


@pytest.mark.parametrize("remote_id", [
    pytest.param("11", id="empty-string-hire-and-zero-termination"),
    pytest.param("12", id="string-null-hire-and-json-null-termination"),
])
def test_empty_date_spellings_mean_no_date(record, remote_id):
    employee = employee_from_wire(record("custom_report__empty_dates.json", remote_id), DEFAULT_MAPPING)

    assert employee.hire_date is None
    assert employee.termination_date is None


def test_string_null_is_no_date_but_text_stays_text(record):
    """The OpenAPI example's `middleName: 'null'` is kept as written: "null" can be someone's name, never a date."""
    employee = employee_from_wire(record("custom_report__empty_dates.json", "11"), DEFAULT_MAPPING)

    assert employee.middle_name == "null"


def test_unparseable_date_is_dropped_and_logged_without_its_value(record, caplog):
    with caplog.at_level(logging.WARNING, logger="providers.bamboohr_mapping"):
        employee = employee_from_wire(record("custom_report__empty_dates.json", "13"), DEFAULT_MAPPING)

    assert employee.hire_date is None
    assert "13" in caplog.text and "hireDate" in caplog.text
    assert "2019-13-45" not in caplog.text


def test_home_email_fills_an_empty_work_email(record):
    employee = employee_from_wire(record("custom_report__home_email_fallback.json", "21"), DEFAULT_MAPPING)

    assert employee.email == "lukas.meyer@example.org"


def test_work_email_wins_over_home_email(record):
    employee = employee_from_wire(record("custom_report__home_email_fallback.json", "22"), DEFAULT_MAPPING)

    assert employee.email == "sofia.rossi@acme.example"


def test_home_email_fallback_only_when_the_company_maps_email(record):
    mapping = {key: target for key, target in DEFAULT_MAPPING.items() if target != "email"}

    employee = employee_from_wire(record("custom_report__home_email_fallback.json", "21"), mapping)

    assert employee.email is None


def test_second_address_line_joins_the_street(record):
    employee = employee_from_wire(record("custom_report__address_lines.json", "31"), DEFAULT_MAPPING)

    assert employee.street == "500 Main Street, Suite 210"


def test_second_address_line_alone_is_not_a_street(record):
    employee = employee_from_wire(record("custom_report__address_lines.json", "32"), DEFAULT_MAPPING)

    assert employee.street is None
    assert employee.extra["address2"] == "Apt 4"


@pytest.mark.parametrize("remote_id", [pytest.param("41", id="null-status"), pytest.param("42", id="unknown-word")])
def test_status_other_than_active_or_inactive_is_unknown(record, remote_id):
    employee = employee_from_wire(record("custom_report__unknown_status.json", remote_id), DEFAULT_MAPPING)

    assert employee.status is EmploymentStatus.UNKNOWN
    assert not employee.terminated


def test_wrapped_values_and_numeric_ids_are_unwrapped_to_strings(record):
    employee = employee_from_wire(record("custom_report__wrapped_values.json", "51"), DEFAULT_MAPPING)

    assert employee.remote_id == "51"
    assert employee.unique_identifier == "300"
    assert (employee.first_name, employee.last_name) == ("Tefi", "Adams")
    assert employee.email is None
    assert employee.postal_code == "84043"
    assert employee.hire_date == dt.date(2020, 6, 1)
    assert employee.status is EmploymentStatus.ACTIVE


def test_termination_before_the_hire_date_belongs_to_an_earlier_employment(record):
    employee = employee_from_wire(record("custom_report__rehire_and_terminated_without_date.json", "61"),
                                  DEFAULT_MAPPING)

    assert employee.hire_date == dt.date(2026, 2, 1)
    assert employee.termination_date is None
    assert not employee.terminated


def test_terminated_status_without_a_date_is_a_leaver_whose_date_is_unknown(record, caplog):
    raw = record("custom_report__rehire_and_terminated_without_date.json", "62")
    with caplog.at_level(logging.INFO, logger="providers.bamboohr_mapping"):
        employee = employee_from_wire(raw, DEFAULT_MAPPING)

    assert employee.status is EmploymentStatus.INACTIVE
    assert employee.termination_date is None and employee.marked_terminated
    assert employee.terminated  # SPEC §4: Inactive and a termination signal, here the employment status
    assert "62" in caplog.text and "without a readable termination date" in caplog.text


def test_rule_fields_are_read_even_when_the_mapping_leaves_them_out():
    raw = {"id": "8", "firstName": "Ada", "hireDate": "2020-02-02", "status": "Inactive",
           "terminationDate": "2024-01-01"}

    employee = employee_from_wire(raw, {"firstName": "first_name"})

    assert employee.first_name == "Ada"
    assert employee.hire_date == dt.date(2020, 2, 2)
    assert employee.terminated


def test_custom_field_ids_map_like_aliases():
    employee = employee_from_wire({"id": "8", "4020.1": "Swiss"}, {"4020.1": "nationality"})

    assert employee.nationality == "Swiss"


@pytest.mark.parametrize("spelling", ["Null", "NULL", "null"])
def test_a_surname_null_is_kept(spelling):
    """Only dates and statuses read "null" as no value: for a name it is the name."""
    employee = employee_from_wire({"id": "11", "firstName": "Jennifer", "lastName": spelling, "middleName": "null",
                                   "hireDate": "null", "terminationDate": "NULL", "status": "Active"},
                                  DEFAULT_MAPPING)

    assert (employee.last_name, employee.middle_name) == (spelling, "null")
    assert (employee.hire_date, employee.termination_date) == (None, None)


def test_a_record_without_id_is_refused():
    with pytest.raises(ValueError):
        employee_from_wire({"id": None, "firstName": "Nobody"}, DEFAULT_MAPPING)


@pytest.mark.parametrize("value, expected", [
    pytest.param(None, None, id="none"),
    pytest.param("", None, id="empty"),
    pytest.param("  null ", "null", id="string-null-is-text"),
    pytest.param("0000-00-00", None, id="zero-date"),
    pytest.param({"value": " x "}, "x", id="wrapped"),
    pytest.param({"value": None}, None, id="wrapped-none"),
    pytest.param(42, "42", id="number"),
    pytest.param(["a"], None, id="list"),
    pytest.param(" Müller ", "Müller", id="stripped"),
])
def test_clean(value, expected):
    assert clean(value) == expected


@pytest.mark.parametrize("raw, leaver, undated", [
    pytest.param({"status": "Inactive", "terminationDate": "2024-01-31"}, True, False, id="inactive-with-date"),
    pytest.param({"status": "Inactive", "employmentHistoryStatus": "Terminated"}, True, True, id="terminated-status"),
    pytest.param({"status": "Inactive", "employmentHistoryStatus": "terminated ", "terminationDate": "31.01.2024"},
                 True, True, id="terminated-status-unreadable-date"),
    pytest.param({"status": "Inactive", "terminationDate": "0000-00-00"}, False, False, id="future-hire"),
    pytest.param({"status": "Active", "terminationDate": "2030-01-31"}, False, False, id="active-with-notice"),
    pytest.param({"status": "Active", "employmentHistoryStatus": "Terminated"}, False, False, id="active-terminated"),
    pytest.param({"status": "Inactive", "employmentHistoryStatus": "Terminated", "hireDate": "2026-02-01",
                  "terminationDate": "2022-01-31"}, False, False, id="rehire-starting-later"),
])
def test_leaver_rule(raw, leaver, undated):
    employee = employee_from_wire({"id": "5", **raw}, DEFAULT_MAPPING)

    assert employee.terminated is leaver
    assert employee.marked_terminated is undated


def test_requested_fields_cover_mapping_rules_and_fallbacks():
    fields = requested_fields({"firstName": "first_name"})

    assert fields[0] == "id"
    assert len(fields) == len(set(fields))
    assert {"firstName", "hireDate", "terminationDate", "status", *SUPPORT_FIELDS} <= set(fields)


def test_default_mapping_targets_only_mappable_fields():
    assert set(DEFAULT_MAPPING.values()) <= set(MAPPABLE_FIELDS)
    assert DEFAULT_MAPPING["employeeNumber"] == "unique_identifier"
