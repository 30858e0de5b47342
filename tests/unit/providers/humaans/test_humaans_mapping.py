"""Humaans people → employees: statuses and leavers, dates, the address from its parts, custom values, refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from domain.employee import EmploymentStatus
from providers.errors import ProviderError, WebhookRejected
from providers.humaans import HumaansProvider
from providers.humaans_mapping import (DEFAULT_MAPPING, PresenceTracker, RecordMapper, employment, read_keys,
                                       to_date, to_text)

TODAY = dt.date(2026, 3, 1)
REAL = Path(__file__).resolve().parents[4].parent / "shared" / "fixtures" / "real"
KELSEY = json.loads((REAL / "humaans_people_list_exhumaans.json").read_text())["data"][0]


def mapped(record: dict, mapping=None):
    return RecordMapper(DEFAULT_MAPPING if mapping is None else mapping, TODAY)(record)


def test_the_golden_person_maps_with_the_default_mapping():
    employee = mapped(KELSEY)
    assert (employee.remote_id, employee.unique_identifier) == ("VMB1yzL5uL8VvNNCJc9rykJz", None)  # employeeId null
    assert (employee.first_name, employee.middle_name, employee.last_name, employee.preferred_name) == (
        "Kelsey", None, "Wicks", None)
    assert employee.email == "kelsey@acme.com"
    assert (employee.street, employee.postal_code, employee.city, employee.country) == (
        "58 Stroude Road", "SK11 1EN", "Siddington", "GB")  # the country from countryCode
    assert (employee.hire_date, employee.termination_date) == (dt.date(2018, 3, 10), None)
    assert (employee.status, employee.terminated) == (EmploymentStatus.ACTIVE, False)


def test_the_calendar_feed_token_is_never_read_even_when_mapped():
    employee = mapped(KELSEY, {**DEFAULT_MAPPING, "calendarFeedToken": "phone"})
    assert employee.phone is None and "bb6LCUqG4BAOZWKXQQB9a8H9" not in repr(employee)
    assert "calendarFeedToken" not in read_keys({**DEFAULT_MAPPING, "calendarFeedToken": "phone"})


@pytest.mark.parametrize("status, ended, expected", [
    ("active", None, (EmploymentStatus.ACTIVE, False)),
    ("newHire", None, (EmploymentStatus.ONBOARDING, False)),
    ("offboarded", "2025-12-31", (EmploymentStatus.INACTIVE, True)),
    ("offboarded", None, (EmploymentStatus.INACTIVE, True)),
    ("active", "2026-03-01", (EmploymentStatus.INACTIVE, True)),
    ("active", "2026-04-30", (EmploymentStatus.ACTIVE, False)),
    ("someNewStatus", None, (EmploymentStatus.UNKNOWN, False)),
    (None, None, (EmploymentStatus.UNKNOWN, False)),
], ids=["active", "new-hire", "offboarded", "offboarded-no-date", "past-end-date", "future-end-date-not-yet",
        "unknown", "none"])
def test_the_leaver_rule(status, ended, expected):
    employee = mapped({**KELSEY, "status": status, "employmentEndDate": ended})
    assert (employee.status, employee.terminated) == expected


def test_an_end_date_before_the_start_date_is_an_earlier_stint():
    assert employment("active", dt.date(2025, 6, 1), dt.date(2024, 12, 31), TODAY) == (
        EmploymentStatus.ACTIVE, False, None)


def test_the_personal_email_and_the_country_name_are_fallbacks():
    employee = mapped({**KELSEY, "email": None, "countryCode": None})
    assert (employee.email, employee.country) == ("kwicks@example.com", "United Kingdom")


def test_custom_values_and_lists_are_text():
    record = {**KELSEY, "custom.f1": ["English", "Deutsch"], "custom.f2": "EQ-7"}
    employee = mapped(record, {**DEFAULT_MAPPING, "custom.f1": "nationality", "custom.f2": "unique_identifier",
                               "teams": "team_names"})
    assert (employee.nationality, employee.unique_identifier) == ("English, Deutsch", "EQ-7")
    assert employee.extra["team_names"] == "Moonshot, Growth Pod"


@pytest.mark.parametrize("value, expected", [("2018-03-10", dt.date(2018, 3, 10)), (None, None), ("", None),
                                             ("10/03/2018", None), ("2020-01-28T08:44:42.000Z", dt.date(2020, 1, 28))])
def test_dates(value, expected):
    assert to_date(value) == expected


@pytest.mark.parametrize("value, expected", [(None, None), ("", None), (" x\x00 ", "x"), ([], None), (3, "3")])
def test_text(value, expected):
    assert to_text(value) == expected


def test_a_key_absent_from_every_person_is_unknown_not_empty():
    tracker = PresenceTracker(["address", "email"])
    tracker.observe({"id": "a", "email": None})
    assert tracker.absent() == {"address"}
    assert mapped({k: v for k, v in KELSEY.items() if k != "address"}).street is None


@pytest.mark.parametrize("record", [{}, {"id": None}, {"id": ""}, {"id": 7}], ids=["none", "null", "empty", "number"])
def test_a_person_without_an_id_is_an_error(record):
    with pytest.raises(ProviderError):
        mapped(record)


@pytest.mark.parametrize("headers", [{}, {"x-humaans-signature": "sha256=00"}, {"Authorization": "Bearer x"}])
def test_webhooks_are_refused_whatever_they_carry(headers):
    """No confirmed format: hrsync guesses no signature scheme and relies on the scheduled syncs."""
    body = json.dumps({"event": "person.updated", "data": {"id": "VMB1yzL5uL8VvNNCJc9rykJz"}}).encode()
    with pytest.raises(WebhookRejected, match="scheduled syncs"):
        HumaansProvider.verify_webhook(body, headers, "any-secret-at-all", now=0.0)
    assert HumaansProvider.webhooks_supported is False
