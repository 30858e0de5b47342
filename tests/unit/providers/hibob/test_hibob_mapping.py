"""HiBob search records → employees: slash keys first, nested paths as fallback, machine dates, list text, leavers."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from domain.employee import EmploymentStatus
from providers.errors import ProviderError
from providers.hibob_mapping import (DEFAULT_MAPPING, FieldInfo, PresenceTracker, RecordMapper, employment,
                                     lifecycle_of, read_field, requested_fields, to_date, to_text)

TODAY = dt.date(2026, 3, 1)
ACTIVE, INACTIVE = EmploymentStatus.ACTIVE, EmploymentStatus.INACTIVE


def record(**fields) -> dict:
    """A search record with every field both ways (slash key and nested copy), as HiBob answers."""
    out: dict = {}
    for field_id, value in {"root.id": "3332883854254932743", **fields}.items():
        dotted = field_id.replace("__", ".")
        out["/" + dotted.replace(".", "/")] = {"value": value}
        node = out
        *parents, leaf = (dotted[5:] if dotted.startswith("root.") else dotted).split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def mapped(raw: dict, mapping=None, **kwargs):
    return RecordMapper(DEFAULT_MAPPING if mapping is None else mapping, TODAY, **kwargs)(raw)


def test_the_slash_key_wins_over_the_nested_copy():
    raw = record(**{"root.firstName": "John", "work.department": "Engineering"})
    raw["/work/department"] = {"value": "Human Resource"}  # the rustdoc sample disagrees with itself like this
    assert read_field(raw, "work.department") == "Human Resource"
    assert read_field(raw, "root.firstName") == "John"


def test_the_nested_copy_is_the_fallback_and_absence_is_not_a_value():
    raw = {"id": "7", "firstName": "Ada", "work": {"startDate": "2021-05-04", "employeeIdInCompany": None}}
    assert read_field(raw, "root.firstName") == "Ada"
    assert read_field(raw, "work.startDate") == "2021-05-04"
    assert read_field(raw, "work.employeeIdInCompany") is None  # present, empty
    from providers.hibob_mapping import ABSENT
    assert read_field(raw, "address.city") is ABSENT  # not there at all: the service user may not read it


def test_the_default_mapping_maps_the_standard_fields():
    employee = mapped(record(**{
        "root.firstName": "Amy", "root.surname": "Miles", "root.secondName": None, "root.email": "amy@samplebob.com",
        "work.employeeIdInCompany": 39, "address.line1": "1335 Grove Street", "address.line2": "Apt 4",
        "address.postCode": None, "address.zipCode": "11757", "address.city": "New York",
        "address.country": "United States", "work.startDate": "2015-03-20", "internal.terminationDate": None,
        "internal.lifecycleStatus": "employed", "internal.status": "Active"}))
    assert (employee.remote_id, employee.unique_identifier) == ("3332883854254932743", "39")  # a number → text
    assert (employee.first_name, employee.last_name, employee.middle_name) == ("Amy", "Miles", None)
    assert (employee.street, employee.postal_code, employee.city, employee.country) == (
        "1335 Grove Street, Apt 4", "11757", "New York", "United States")  # US sample: zipCode, not postCode
    assert (employee.hire_date, employee.status, employee.terminated) == (dt.date(2015, 3, 20), ACTIVE, False)


def test_the_private_email_stands_in_for_an_empty_work_email():
    raw = record(**{"root.email": None, "home.privateEmail": "AMiles@dayrep.com"})
    assert mapped(raw).email == "AMiles@dayrep.com"
    assert mapped(raw, {"root.firstName": "first_name", "root.surname": "last_name"}).email is None  # not mapped


@pytest.mark.parametrize("value, expected", [
    ("2021-05-04", dt.date(2021, 5, 4)), ("2021-05-04T00:00:00", dt.date(2021, 5, 4)), (None, None), ("", None),
    ("04/05/2021", None), ("05-04", None), ("20210504", None), (20210504, None), ("2021-13-40", None),
], ids=["machine", "with-time", "null", "empty", "human-readable", "short-date", "compact", "number", "impossible"])
def test_only_machine_dates_are_read(value, expected, caplog):
    with caplog.at_level(logging.WARNING):
        assert to_date(value, field="work.startDate", remote_id="7") == expected
    assert "04/05/2021" not in caplog.text  # the value itself is never logged


def test_a_display_date_in_the_record_never_becomes_a_date():
    raw = record(**{"work.startDate": "2021-05-04"})
    raw["humanReadable"] = {"work": {"startDate": "05/04/2021"}}
    assert mapped(raw).hire_date == dt.date(2021, 5, 4)


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("     ", None), ([], None), (["American"], "American"), (["Afghan", "Ukrainian"],
     "Afghan, Ukrainian"), (10, "10"), (10.0, "10"), ("  Amy\x00 ", "Amy"), (True, "true"),
    ({"displayName": "Zoe Clark", "id": "2378379584279150891"}, "Zoe Clark"),
], ids=["null", "empty", "blank-full-address", "empty-list", "multi-list", "two", "int", "float", "nul", "bool",
        "employee-reference"])
def test_empty_spellings_are_empty_and_the_rest_is_text(value, expected):
    assert to_text(value) == expected


def test_a_list_field_shows_its_text_from_human_readable_then_the_named_list():
    catalogue = {"work.title": FieldInfo("work.title", "work.title", "Job title", "list", "Work", "title")}
    mapping = {**DEFAULT_MAPPING, "work.title": "job_title"}
    raw = record(**{"work.title": "255490048"})
    asked: list[str] = []

    def named_list(list_id):
        asked.append(list_id)
        return {"255490048": "Designer"}

    assert mapped(raw, mapping, catalogue=catalogue, named_list=named_list).extra["job_title"] == "Designer"
    raw["humanReadable"] = {"work": {"title": "Product Designer"}}
    assert mapped(raw, mapping, catalogue=catalogue, named_list=named_list).extra["job_title"] == "Product Designer"
    assert asked == ["title"]  # the named list only when humanReadable did not say
    raw = record(**{"work.title": "255490048"})
    raw["/work/title"]["humanReadable"] = "Sibling text"  # a slash-key sibling (unconfirmed), read when there
    assert mapped(raw, mapping, catalogue=catalogue, named_list=named_list).extra["job_title"] == "Sibling text"
    assert mapped(record(**{"work.title": "999"}), mapping, catalogue=catalogue,
                  named_list=lambda _: {}).extra["job_title"] == "999"  # unknown item: the id, not nothing


def test_the_metadata_json_path_is_followed_for_custom_fields():
    catalogue = {"category_1.field_2": FieldInfo("category_1.field_2", "category_1.field_2", "Grant", "text")}
    raw = {"id": "1", "category_1": {"field_2": "G-7"}}
    assert mapped(raw, {"category_1.field_2": "unique_identifier"}, catalogue=catalogue).unique_identifier == "G-7"


@pytest.mark.parametrize("value", ["garden leave", "Garden leave", "garden_leave", "GARDEN-LEAVE", "gardenLeave",
                                   " garden  leave "])
def test_lifecycle_spellings_are_normalised(value):
    assert lifecycle_of(value) == "garden leave"


@pytest.mark.parametrize("lifecycle, access, hired, ended, expected", [
    ("employed", "Active", "2020-01-01", None, (ACTIVE, False, None)),
    ("hired", "Inactive", "2026-04-01", None, (EmploymentStatus.ONBOARDING, False, None)),
    ("terminated", "Inactive", "2020-01-01", "2025-12-31", (INACTIVE, True, "2025-12-31")),
    ("terminated", "Inactive", "2020-01-01", None, (INACTIVE, True, None)),
    ("garden leave", "Inactive", "2020-01-01", "2026-05-31", (INACTIVE, True, "2026-05-31")),
    ("employed", "Active", "2020-01-01", "2026-05-31", (ACTIVE, False, "2026-05-31")),
    ("leave", "Active", "2020-01-01", None, (EmploymentStatus.LEAVE, False, None)),
    ("parental leave", "Inactive", "2020-01-01", None, (EmploymentStatus.LEAVE, False, None)),
    ("sabbatical leave", "Inactive", "2020-01-01", None, (EmploymentStatus.LEAVE, False, None)),
    ("leave", "Inactive", "2020-01-01", "2026-02-01", (INACTIVE, True, "2026-02-01")),
    (None, "Inactive", "2020-01-01", "2026-03-01", (INACTIVE, True, "2026-03-01")),
    (None, "Inactive", "2020-01-01", "2026-03-02", (EmploymentStatus.UNKNOWN, False, "2026-03-02")),
    (None, "Inactive", "2020-01-01", None, (EmploymentStatus.UNKNOWN, False, None)),
    (None, "Active", "2020-01-01", None, (ACTIVE, False, None)),
    (None, None, None, None, (EmploymentStatus.UNKNOWN, False, None)),
    ("employed", "Active", "2025-06-01", "2024-12-31", (ACTIVE, False, None)),
    ("hired", "Inactive", "2026-06-01", "2024-12-31", (EmploymentStatus.ONBOARDING, False, None)),
], ids=["employed", "hired-future-joiner", "terminated", "terminated-date-unreadable", "garden-leave",
        "future-termination-not-yet", "leave", "parental-leave-inactive", "custom-leave", "leave-but-past-date",
        "no-lifecycle-inactive-past-date", "no-lifecycle-inactive-future-date", "no-lifecycle-inactive",
        "no-lifecycle-active", "nothing", "rehire-old-date-kept", "rehire-future-start"])
def test_the_leaver_rule(lifecycle, access, hired, ended, expected):
    day = lambda text: dt.date.fromisoformat(text) if text else None  # noqa: E731
    status, marked, date = employment(lifecycle, access, day(hired), day(ended), TODAY)
    assert (status, marked, date) == (expected[0], expected[1], day(expected[2]))


def test_garden_leave_per_the_companys_choice():
    status, marked, _ = employment("garden leave", "Inactive", None, dt.date(2026, 5, 1), TODAY,
                                   garden_leave_leaver=False)
    assert (status, marked) == (EmploymentStatus.LEAVE, False)


def test_a_leaver_is_terminated_for_the_domain_and_a_rehire_is_not():
    leaver = mapped(record(**{"internal.lifecycleStatus": "terminated", "internal.status": "Inactive",
                              "work.startDate": "2020-01-01", "internal.terminationDate": "2025-12-31"}))
    rehire = mapped(record(**{"internal.lifecycleStatus": "employed", "internal.status": "Active",
                              "work.startDate": "2025-06-01", "internal.terminationDate": "2024-12-31"}))
    assert leaver.terminated and leaver.termination_date == dt.date(2025, 12, 31)
    assert not rehire.terminated and rehire.termination_date is None and rehire.remote_id == leaver.remote_id


def test_the_rule_fields_are_requested_even_when_mapped_away():
    fields = requested_fields({"root.firstName": "first_name", "root.surname": "last_name"})
    assert fields[0] == "root.id"
    assert {"work.startDate", "internal.terminationDate", "internal.lifecycleStatus", "internal.status"} <= set(fields)
    assert "home.privateEmail" not in fields and "address.line2" not in fields  # fallbacks only for what is mapped
    assert {"home.privateEmail", "address.line2", "address.zipCode"} <= set(requested_fields(DEFAULT_MAPPING))


def test_a_field_absent_from_every_record_is_a_permission_gap_not_an_empty_value():
    tracker = PresenceTracker(["root.email", "address.city", "internal.terminationDate"])
    assert tracker.absent() == frozenset()  # nothing seen: nothing to judge by
    tracker.observe(record(**{"root.email": None, "internal.terminationDate": None}))
    tracker.observe(record(**{"root.email": "a@b.c"}))
    assert tracker.absent() == {"address.city"}
    employee = mapped(record(**{"root.firstName": "Amy"}))
    assert employee.city is None  # absent: left None, and the fetch report says why


@pytest.mark.parametrize("raw", [{}, {"id": ""}, {"id": None}, {"/root/id": {"value": True}}, []],
                         ids=["none", "empty", "null", "bool", "not-an-object"])
def test_a_record_without_an_id_is_an_error(raw):
    with pytest.raises(ProviderError):
        mapped(raw)
