"""HiBob's wire vocabulary: the fields metadata, named lists, lifecycle, and a Person as the people search renders it
(slash keys wrapping `{"value": …}` and the nested category objects, list fields as list-item ids)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any, Callable

from sandbox.hibob_tenant import HiBobTenant
from sandbox.people import Person
from sandbox.pools import DEPARTMENTS, JOB_TITLES, LOCALES

Reader = Callable[[Person, HiBobTenant], Any]
CATEGORY_NAMES = {"root": "Basic info", "work": "Work", "internal": "Lifecycle", "address": "Address",
                  "home": "Home", "personal": "Personal", "category_1720508362305": "Equity"}
LIST_TYPES = ("list", "multi-list", "hierarchy-list")
# A custom category's field: its id format is unconfirmed (research §3), so clients must take ids from metadata.
EQUITY_FIELD = "category_1720508362305.field_1720508400001"


@dataclass(frozen=True, slots=True)
class BobField:
    """One field: id (dot notation), category, display name, type, the named list of a list field, a reader."""

    id: str
    name: str
    type: str
    read: Reader
    list_id: str | None = None

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def json_path(self) -> str:
        return self.id[5:] if self.category == "root" else self.id

    @property
    def slash_key(self) -> str:
        return "/" + self.id.replace(".", "/")

    def meta(self) -> dict[str, Any]:
        """A `GET /v1/company/people/fields` element (the current shape, with categoryId/categoryDisplayName)."""
        return {"id": self.id, "categoryId": self.category, "categoryDisplayName": CATEGORY_NAMES[self.category],
                "category": self.category, "name": self.name, "description": None, "jsonPath": self.json_path,
                "type": self.type, "typeData": {"listId": self.list_id} if self.list_id else {},
                "historical": self.category in ("work", "address")}


def item_id(text: str) -> str:
    """A stable 9-digit list-item id for a list value ("255490048" style)."""
    return str(100000000 + zlib.crc32(text.encode()) % 900000000)


def lifecycle(person: Person, tenant: HiBobTenant) -> str:
    """A person's lifecycle status, normalised (`garden leave`); the tenant may set one of its own."""
    own = tenant.lifecycle.get(person.id)
    if own is not None:
        return own
    return {"onboarding": "hired", "leave": "leave", "inactive": "terminated"}.get(person.status, "employed")


def access(person: Person, tenant: HiBobTenant) -> str:
    """Active or Inactive: Hired, Terminated and (after the last day of work) garden leave are Inactive."""
    return "Inactive" if lifecycle(person, tenant) in ("hired", "terminated", "garden leave") else "Active"


def spelt(status: str, tenant: HiBobTenant) -> str:
    if tenant.lifecycle_spelling == "underscore":
        return status.replace(" ", "_")
    if tenant.lifecycle_spelling == "camel":
        first, *rest = status.split(" ")
        return first + "".join(word.capitalize() for word in rest)
    return status


def termination(person: Person, tenant: HiBobTenant) -> dt.date | None:
    ended = person.termination_date
    rehired = ended is not None and person.hire_date is not None and ended < person.hire_date
    return None if rehired and tenant.rehire_clears_termination else ended


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _number(text: str | None) -> int | None:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


def _zip(person: Person, us: bool) -> str | None:
    return person.zipcode if (person.country == "United States") == us else None


def _full_address(p: Person) -> str:
    # HiBob's formatted address joins its parts with double spaces; an empty one is five spaces ([C7][C8]).
    parts = [p.address1, p.address2, p.city, p.zipcode, p.state, p.country]
    return "  ".join(part or "" for part in parts) if p.address1 else "     "


FIELDS: tuple[BobField, ...] = (
    BobField("root.id", "Employee ID", "text", lambda p, t: p.id),
    BobField("root.firstName", "First name", "text", lambda p, t: p.first_name),
    BobField("root.surname", "Last name", "text", lambda p, t: p.last_name),
    BobField("root.secondName", "Middle name", "text", lambda p, t: p.middle_name),
    BobField("root.displayName", "Display name", "text",
             lambda p, t: f"{p.preferred_name or p.first_name} {p.last_name}"),
    BobField("root.fullName", "Full name", "text", lambda p, t: " ".join(
        x for x in (p.first_name, p.middle_name, p.last_name) if x)),
    BobField("root.email", "Email", "text", lambda p, t: p.work_email),
    BobField("root.companyId", "Company ID", "number", lambda p, t: int(t.company_id)),
    BobField("root.creationDateTime", "Creation date", "text",
             lambda p, t: p.created_at.replace(tzinfo=None).isoformat(timespec="microseconds")),
    BobField("work.employeeIdInCompany", "Employee ID in company", "number", lambda p, t: _number(p.employee_number)),
    BobField("work.startDate", "Start date", "date", lambda p, t: _day(p.hire_date)),
    BobField("work.title", "Job title", "list", lambda p, t: item_id(p.job_title) if p.job_title else None, "title"),
    BobField("work.department", "Department", "text", lambda p, t: p.department),
    BobField("work.site", "Site", "text", lambda p, t: p.office),
    BobField("work.siteId", "Site ID", "number", lambda p, t: int(item_id(p.office)) if p.office else None),
    BobField("work.custom.field_1644932887286", "Tax reference", "text", lambda p, t: p.tax_id),
    BobField("internal.lifecycleStatus", "Lifecycle status", "text", lambda p, t: spelt(lifecycle(p, t), t)),
    BobField("internal.status", "Status", "text", access),
    BobField("internal.terminationDate", "Termination date", "date", lambda p, t: _day(termination(p, t))),
    BobField("internal.terminationReason", "Termination reason", "list",
             lambda p, t: item_id("Resignation") if termination(p, t) else None, "terminationReason"),
    BobField("internal.probationEndDate", "Probation end date", "date",
             lambda p, t: _day(p.hire_date + dt.timedelta(days=182)) if p.hire_date else None),
    BobField("address.line1", "Address line 1", "text", lambda p, t: p.address1),
    BobField("address.line2", "Address line 2", "text", lambda p, t: p.address2),
    BobField("address.city", "City", "text", lambda p, t: p.city),
    BobField("address.postCode", "Post code", "text", lambda p, t: _zip(p, us=False)),
    BobField("address.zipCode", "Zip code", "text", lambda p, t: _zip(p, us=True)),
    BobField("address.usaState", "State", "text", lambda p, t: p.state),
    BobField("address.country", "Country", "text", lambda p, t: p.country),  # a name, not an ISO code
    BobField("address.fullAddress", "Full address", "text", lambda p, t: _full_address(p)),
    BobField("home.privateEmail", "Personal email", "text", lambda p, t: p.home_email),
    BobField("home.mobilePhone", "Personal mobile", "text", lambda p, t: p.phone),
    BobField("personal.birthDate", "Date of birth", "date", lambda p, t: _day(p.date_of_birth)),
    BobField("personal.nationality", "Nationality", "multi-list",
             lambda p, t: [item_id(p.nationality)] if p.nationality else [], "nationalities"),
    BobField("personal.honorific", "Title", "text", lambda p, t: "Dr" if p.academic_title else None),
    BobField(EQUITY_FIELD, "Equity holder number", "text",
             lambda p, t: f"EQ-{p.employee_number}" if p.employee_number else None),
)
FIELDS_BY_ID = {f.id: f for f in FIELDS}
# What a search without `fields` returns: the basic fields and the Work category (research §2.1, [D9]).
BASIC = tuple(f for f in FIELDS if f.category in ("root", "work"))

NAMED_LISTS: dict[str, tuple[str, ...]] = {
    "title": JOB_TITLES, "nationalities": tuple(n for *_, n in LOCALES), "terminationReason": ("Resignation",),
    "departments": DEPARTMENTS,
}


def named_list(list_id: str) -> dict[str, Any] | None:
    """A named list as `GET /v1/company/named-lists/{id}` gives it (the item shape is unconfirmed)."""
    values = NAMED_LISTS.get(list_id)
    if values is None:
        return None
    return {"name": list_id, "items": [{"id": item_id(v), "value": v, "name": v, "archived": False, "children": []}
                                       for v in values]}


def human(value: Any, bob_field: BobField) -> Any:
    """The display value: a list item's text, a date as the company shows it (DD/MM/YYYY: never parse it)."""
    if value is None:
        return None
    if bob_field.type in LIST_TYPES:
        texts = {item_id(v): v for v in NAMED_LISTS.get(bob_field.list_id or "", ())}
        return [texts.get(v, v) for v in value] if isinstance(value, list) else texts.get(value, value)
    if bob_field.type == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value) if isinstance(value, (int, float)) else value


def readable(tenant: HiBobTenant, wanted: list[BobField]) -> list[BobField]:
    """The fields the permission group may view; the id is always there (others are left out without a word)."""
    allowed = tenant.readable_categories
    return [f for f in wanted if allowed is None or f.id == "root.id" or f.category in allowed]


def employee(person: Person, tenant: HiBobTenant, shown: list[BobField], mode: str | None,
             slash: bool = True) -> dict[str, Any]:
    """One employee: per field its slash key (when asked for by name) and its nested copy; `mode` APPEND adds the
    `humanReadable` node, REPLACE sends display values instead of machine values."""
    record: dict[str, Any] = {}
    shown_human: dict[str, Any] = {}
    for bob_field in shown:
        value = bob_field.read(person, tenant)
        display = human(value, bob_field)
        value = display if mode == "REPLACE" else value
        if slash:
            wrapped = {"value": value}
            if mode == "APPEND" and tenant.slash_human_readable and display is not None:
                wrapped["humanReadable"] = display
            record[bob_field.slash_key] = wrapped
        _put(record, bob_field.json_path, value)
        if mode == "APPEND" and display is not None:
            _put(shown_human, bob_field.json_path, display)
    if mode == "APPEND":
        record["humanReadable"] = shown_human
    return record


def employee_json(person: Person, tenant: HiBobTenant, shown: list[BobField], mode: str | None,
                  slash: bool = True) -> str:
    return json.dumps(employee(person, tenant, shown, mode, slash), ensure_ascii=False, separators=(",", ":"))


def lifecycle_table(person: Person, tenant: HiBobTenant) -> list[dict[str, Any]]:
    """`GET /v1/people/{id}/lifecycle` values, past and future: hired/employed, terminated, garden leave, a rehire."""
    entries: list[tuple[dt.date | None, str]] = []
    ended, hired = person.termination_date, person.hire_date
    if ended is not None and hired is not None and ended < hired:  # a rehire: the earlier stint first
        entries += [(person.created_at.date(), "employed"), (ended, "terminated")]
    entries.append((hired, "employed"))
    status = lifecycle(person, tenant)
    if status == "garden leave":
        entries.append((tenant.last_day.get(person.id), "garden leave"))
    if ended is not None and (hired is None or ended >= hired):
        entries.append((ended, "terminated"))
    elif status not in ("employed", "hired", "terminated"):
        entries.append((None, status))
    return [{"id": index + 1, "effectiveDate": _day(day), "status": spelt(value, tenant),
             "reasonType": None, "reason": None} for index, (day, value) in enumerate(entries)]


def _put(record: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = record
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
