"""Humaans' wire vocabulary: a Person as the people endpoints render it (the key order of the golden sample
`humaans_people_list_exhumaans.json`), private keys, custom values, and the Feathers-style query filters."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any, Iterable

from sandbox.humaans_tenant import Grant, HumaansTenant
from sandbox.people import Person

# Scope private:read adds personal e-mail, birthday, home address… (research §1, [L2][P1]).
PRIVATE_KEYS = frozenset({
    "personalEmail", "phoneNumber", "formattedPhoneNumber", "personalPhoneNumber", "formattedPersonalPhoneNumber",
    "gender", "birthday", "nationality", "nationalities", "address", "city", "state", "postcode", "countryCode",
    "country", "taxId", "taxCode"})
COUNTRY_CODES = {"Germany": "DE", "Switzerland": "CH", "France": "FR", "Spain": "ES", "United States": "US",
                 "United Kingdom": "GB"}
STATUSES = {"active": "active", "leave": "active", "onboarding": "newHire", "inactive": "offboarded"}
OPERATORS = ("$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$ne")


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _stamp(moment: dt.datetime) -> str:
    """`2020-01-28T08:44:42.000Z`: UTC with milliseconds."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def status(person: Person, tenant: HumaansTenant) -> str:
    """The person's status as the tenant's `offboarded_status` switch has it turn offboarded."""
    recorded = STATUSES.get(person.status, "active")
    ended = person.termination_date
    if ended is None or (person.hire_date is not None and ended < person.hire_date):  # none, or an earlier stint's
        return recorded
    if tenant.offboarded_status == "at_offboarding":
        return "offboarded"
    if tenant.offboarded_status == "late" and recorded == "offboarded":
        return "active"
    return recorded


def employee_id(person: Person, tenant: HumaansTenant) -> str | int | None:
    """`employeeId` as typed in, or (the tenant's switch) as a JSON number: its digits."""
    number = person.employee_number
    if tenant.employee_id_type == "number" and number:
        digits = "".join(c for c in number if c.isdigit())
        return int(digits) if digits else None
    return number


def person_json(person: Person, tenant: HumaansTenant, grant: Grant) -> dict[str, Any]:
    """A person with the keys of the golden sample; private keys left out (or null) without private:read."""
    role = "admin" if person.id == grant.person_id and grant.role != "user" else "user"
    record: dict[str, Any] = {
        "id": person.id, "companyId": tenant.company_id, "firstName": person.first_name,
        "middleName": person.middle_name, "lastName": person.last_name, "preferredName": person.preferred_name,
        "email": person.work_email, "locationId": None, "remoteCity": None, "remoteRegionCode": None,
        "remoteCountryCode": None, "remoteTimezone": None, "personalEmail": person.home_email,
        "phoneNumber": person.phone, "formattedPhoneNumber": person.phone, "personalPhoneNumber": None,
        "formattedPersonalPhoneNumber": None, "gender": (person.gender or "").capitalize() or None,
        "birthday": _day(person.date_of_birth), "nationality": person.nationality,
        "nationalities": [person.nationality] if person.nationality else [],
        "spokenLanguages": list(person.languages), "address": person.address1, "city": person.city,
        "state": person.state, "postcode": person.zipcode, "countryCode": COUNTRY_CODES.get(person.country or ""),
        "country": person.country, "employmentStartDate": _day(person.hire_date),
        "firstWorkingDay": _day(person.hire_date), "employmentEndDate": _day(person.termination_date),
        "lastWorkingDay": _day(person.termination_date), "probationEndDate": None, "turnoverImpact": None,
        "leavingReason": "resigned" if person.termination_date else None, "leavingNote": None,
        "leavingFileId": None, "contractType": "Part time" if person.employment_type == "Part-Time" else "Full time",
        "employeeId": employee_id(person, tenant), "taxId": person.tax_id, "taxCode": None,
        "teams": [{"name": person.department}] if person.department else [], "status": status(person, tenant),
        "isVerified": True, "isWorkEmailHidden": False,
        # A secret of the person's calendar feed, as the real API sends it: clients must never keep it.
        "calendarFeedToken": f"{zlib.crc32(person.id.encode()):08x}{zlib.crc32(person.last_name.encode()):08x}",
        "role": role, "source": None, "sourceId": None, "timezone": "Europe/London", "payrollProvider": None,
        "createdAt": _stamp(person.created_at), "updatedAt": _stamp(person.updated_at),
    }
    if "private:read" not in grant.scopes:
        if tenant.private_without_scope == "null":
            record.update(dict.fromkeys(PRIVATE_KEYS))
        else:
            record = {key: value for key, value in record.items() if key not in PRIVATE_KEYS}
    return record


def custom_value_rows(tenant: HumaansTenant, people: Iterable[Person]) -> list[dict[str, Any]]:
    """One `/api/custom-values` row per person and custom field with a value (a list for multiple choices)."""
    readers = {"Equity holder number": lambda p: f"EQ-{p.employee_number}" if p.employee_number else None,
               "Shirt size": lambda p: ("S", "M", "L", "XL")[zlib.crc32(p.id.encode()) % 4],
               "Languages": lambda p: list(p.languages) or None}
    rows = []
    for person in people:
        for custom in tenant.custom_fields:
            value = readers[custom["name"]](person)
            if value is not None:
                rows.append({"id": f"{person.id[:12]}{custom['id'][:12]}", "personId": person.id,
                             "customFieldId": custom["id"], "resourceId": None, "value": value,
                             "createdAt": _stamp(person.created_at), "updatedAt": _stamp(person.updated_at)})
    return rows


def parse_query(args: Iterable[tuple[str, str]]) -> list[tuple[str, str, list[str]]]:
    """`field=value`, `field[$in]=a&field[$in]=b`, `field[$gt]=…` → (field, operator, values); `$limit`, `$skip` and
    other `$` options are not filters."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for key, value in args:
        if key.startswith("$"):
            continue
        name, operator = key, "="
        if key.endswith("]") and "[" in key:
            name, _, operator = key[:-1].partition("[")
        grouped.setdefault((name, operator), []).append(value)
    for (name, operator) in grouped:
        if operator != "=" and operator not in OPERATORS:
            raise ValueError(f"Invalid query operator {operator} on {name}")
    return [(name, operator, values) for (name, operator), values in grouped.items()]


def matches(record: dict[str, Any], name: str, operator: str, values: list[str]) -> bool:
    """Feathers' operators on a record's value, compared as text (ISO dates and times compare in order)."""
    value = record.get(name)
    text = None if value is None else str(value)
    if operator in ("=", "$in"):
        return text in values
    if operator in ("$nin", "$ne"):
        return text not in values
    if text is None:
        return False
    bound = values[-1]
    return {"$gt": text > bound, "$gte": text >= bound, "$lt": text < bound, "$lte": text <= bound}[operator]
