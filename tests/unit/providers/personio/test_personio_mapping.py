"""Personio wire records → Employee: one test per wire case, from real payload shapes."""

import datetime as dt

import pytest

from domain.employee import EmploymentStatus
from providers.errors import ProviderError
from providers.personio_mapping import (DEFAULT_MAPPING, AbsenceTracker, employee_from_wire,
                                        remote_id_of, to_date, to_status, to_text)

from personio_wire import load

PAGE = load("employees__page_1")["data"]


def record(**attributes):
    wrapped = {key: {"label": key, "value": value, "type": "standard", "universal_id": None}
               for key, value in attributes.items()}
    return {"type": "Employee", "attributes": {"id": {"label": "ID", "value": 7, "type": "integer"},
                                               **wrapped}}


def test_active_employee_with_default_mapping():
    employee = employee_from_wire(PAGE[0], DEFAULT_MAPPING)
    assert employee.remote_id == "1"
    assert (employee.first_name, employee.last_name) == ("Alexander", "Bergmann")
    assert employee.preferred_name == "Alexander Bergmann"
    assert employee.email == "alexander.bergmann@example.org"
    assert employee.status is EmploymentStatus.ACTIVE
    assert employee.hire_date == dt.date(2014, 11, 9)
    assert employee.termination_date is None
    assert not employee.terminated


def test_leaver_has_inactive_status_and_termination_date():
    employee = employee_from_wire(PAGE[1], DEFAULT_MAPPING)
    assert employee.status is EmploymentStatus.INACTIVE
    assert employee.termination_date == dt.date(2024, 6, 30)
    assert employee.terminated
    assert employee.preferred_name is None  # "" on the wire
    assert employee.last_name == "García Márquez"


def test_inactive_without_a_readable_termination_date_is_a_leaver_all_the_same():
    employee = employee_from_wire(record(status="inactive", termination_date=None), DEFAULT_MAPPING)
    assert employee.termination_date is None and employee.marked_terminated
    assert employee.terminated
    hidden = employee_from_wire(record(status="inactive"), {"status": "status"})  # termination date not whitelisted
    assert hidden.terminated and hidden.termination_date is None


@pytest.mark.parametrize("status", ["active", "onboarding", "leave", None])
def test_only_inactive_is_a_termination_signal(status):
    employee = employee_from_wire(record(status=status, termination_date="2030-01-31T00:00:00+01:00"), DEFAULT_MAPPING)
    assert not employee.marked_terminated and not employee.terminated  # notice given, not gone yet


def test_future_hire_is_onboarding_not_terminated():
    employee = employee_from_wire(PAGE[2], DEFAULT_MAPPING)
    assert employee.status is EmploymentStatus.ONBOARDING
    assert employee.hire_date == dt.date(2030, 1, 1)
    assert not employee.terminated


def test_single_employee_record_trims_text_and_keeps_local_calendar_date():
    raw = load("employee__single")["data"]
    employee = employee_from_wire(raw, DEFAULT_MAPPING)
    assert employee.remote_id == "32180425"
    assert employee.first_name == "Søren"
    assert employee.status is EmploymentStatus.ACTIVE  # "Active" capitalised
    # 23:00 at -01:00 is already the next day in UTC; the calendar date Personio meant is the 31st.
    assert employee.hire_date == dt.date(2021, 12, 31)


@pytest.mark.parametrize("key, target, expected", [
    ("dynamic_24407", "title", "Dr"),
    ("dynamic_33400", "birth_date", dt.date(1985, 3, 21)),
    ("dynamic_21827", "languages", "English,French"),
    ("dynamic_21828", "unique_identifier", "1007"),
    ("department", "department", "Customer Support"),
    ("office", "city", "Munich"),
    ("cost_centers", "cost_centers", "Sales, Support"),
    ("weekly_working_hours", "hours", "40"),
], ids=["custom-text", "custom-date", "tags-csv", "custom-integer", "department-object",
        "office-object", "cost-center-list", "string-number"])
def test_custom_and_object_attributes_map_by_key(key, target, expected):
    employee = employee_from_wire(PAGE[0], {key: target})
    value = getattr(employee, target) if hasattr(employee, target) else employee.extra[target]
    assert value == expected


def test_targets_outside_the_employee_fields_land_in_extra():
    employee = employee_from_wire(PAGE[0], {"position": "job_title", "first_name": "first_name"})
    assert dict(employee.extra) == {"job_title": "Backend Developer"}


@pytest.mark.parametrize("key, target", [
    ("preferred_name", "preferred_name"), ("department", "city"), ("cost_centers", "city"),
    ("dynamic_24407", "title"), ("dynamic_33400", "birth_date"), ("office", "city"),
], ids=["empty-string", "empty-list-object", "empty-list", "null-text", "null-date", "null-object"])
def test_empty_values_are_none(key, target):
    employee = employee_from_wire(PAGE[1], {key: target})
    assert getattr(employee, target, None) is None
    assert target not in employee.extra


def test_tags_as_json_encoded_list_string():
    employee = employee_from_wire(PAGE[1], {"dynamic_21827": "languages"})
    assert employee.extra["languages"] == "Spanish, German"


def test_absent_attribute_yields_none_and_is_reported():
    gap = load("employees__whitelist_gap")["data"]
    tracker = AbsenceTracker(DEFAULT_MAPPING)
    employees = []
    for raw in gap:
        tracker.observe(raw)
        employees.append(employee_from_wire(raw, DEFAULT_MAPPING))
    assert [e.email for e in employees] == [None, None]
    assert [e.hire_date for e in employees] == [None, None]
    assert employees[0].status is EmploymentStatus.LEAVE
    assert tracker.absent() == {"email", "hire_date", "termination_date", "preferred_name"}


def test_attribute_present_on_any_record_is_not_reported_absent():
    tracker = AbsenceTracker(["email"])
    tracker.observe(record(first_name="A"))
    tracker.observe(record(email=None))
    assert tracker.absent() == frozenset()


def test_no_records_report_nothing():
    assert AbsenceTracker(DEFAULT_MAPPING).absent() == frozenset()


def test_first_non_empty_key_wins_for_one_field():
    raw = record(work_email="", email="x@example.org")
    employee = employee_from_wire(raw, {"work_email": "email", "email": "email"})
    assert employee.email == "x@example.org"


def test_labels_are_never_used_as_keys():
    raw = {"type": "Employee", "attributes": {"id": {"value": 9},
                                              "office": {"label": "Workplace", "value": "Berlin"}}}
    assert employee_from_wire(raw, {"Workplace": "city"}).city is None
    assert employee_from_wire(raw, {"office": "city"}).city == "Berlin"


@pytest.mark.parametrize("raw", [
    {"type": "Employee"}, {"type": "Employee", "attributes": []}, "not a record",
    {"type": "Employee", "attributes": {"first_name": {"value": "A"}}},
    {"type": "Employee", "attributes": {"id": {"value": None}}},
    {"type": "Employee", "attributes": {"id": {"value": True}}},
], ids=["no-attributes", "attributes-not-object", "not-object", "no-id", "null-id", "bool-id"])
def test_records_without_attributes_or_id_are_provider_errors(raw):
    with pytest.raises(ProviderError):
        employee_from_wire(raw, DEFAULT_MAPPING)


def test_remote_id_is_string_of_wire_integer():
    assert remote_id_of(PAGE[0]) == "1"


@pytest.mark.parametrize("value, expected", [
    ("2014-11-09T00:00:00+01:00", dt.date(2014, 11, 9)), ("2021-01-01", dt.date(2021, 1, 1)),
    (None, None), ("", None), ("0000-00-00", None), ("soon", None), (20210101, None),
], ids=["offset-timestamp", "plain-date", "null", "empty", "zero-date", "garbage", "number"])
def test_dates(value, expected):
    assert to_date(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("active", EmploymentStatus.ACTIVE), ("INACTIVE", EmploymentStatus.INACTIVE),
    ("onboarding", EmploymentStatus.ONBOARDING), ("leave", EmploymentStatus.LEAVE),
    ("retired", None), ("", None), (None, None),
], ids=["active", "upper-inactive", "onboarding", "leave", "unknown", "empty", "null"])
def test_statuses(value, expected):
    assert to_status(value) == expected


def test_unknown_status_maps_to_unknown_employee_status():
    assert employee_from_wire(record(status="retired"), {"status": "status"}).status \
        is EmploymentStatus.UNKNOWN


@pytest.mark.parametrize("value, expected", [
    (40.0, "40"), (37.5, "37.5"), (False, "false"), ({}, None), ([None, ""], None),
    ("[not json", "[not json"), ({"type": "Employee", "attributes": {"id": {"value": 1}}}, "1"),
], ids=["whole-float", "float", "bool", "empty-object", "list-of-empties", "bracket-text",
        "nested-employee"])
def test_text_conversion(value, expected):
    assert to_text(value) == expected
