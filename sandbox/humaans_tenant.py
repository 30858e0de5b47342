"""A Humaans company in the sandbox: its access tokens (scopes and the creator's role), custom fields, a guessed
rate limit, and every behaviour research/humaans.md marks UNCONFIRMED as a switch (each named after what it decides)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string
import time
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from sandbox.people import Person
from sandbox.state import PeopleSpec, SandboxState, _check_latency
from sandbox.tenants import Tenant
from sandbox.throttle import Clock, Refusal, Window

SCOPES = ("public:read", "private:read", "private:write", "compensations:read", "compensations:write",
          "documents:read", "documents:write", "webhooks:manage")
ROLES = ("owner", "admin", "user")
# No published limit (research §7): a guess, enforced when the tenant is rate-limited.
RATE_LIMIT = (12, 2.0)
_ALPHABET = string.ascii_letters + string.digits

SWITCHES: dict[str, tuple[Any, ...] | type] = {
    # UNCONFIRMED (research/humaans.md), each a switch: flip it once a recording settles the point.
    "default_status_filter": ("all", "active"),    # a listing without a status filter: everyone, or active only
    "over_max_limit": ("clamp", "error"),          # a `$limit` past 250: clamped to 250, or a 400
    "private_without_scope": ("omitted", "null"),  # private keys for a token without private:read
    "honour_updated_at": bool,                     # `updatedAt[$gt]`-style filters on people applied, or ignored
    "error_style": ("feathers", "plain"),          # error bodies: Feathers' {name, message, code, …}, or {"error"}
    "retry_after": (None, int),                    # a 429's Retry-After in seconds (None: sent without one)
    "rehire_keeps_id": bool,                       # a rehire is the same person (id), or a new one (rehire())
    # When `status` turns offboarded: at the end date (a future end date stays active), as soon as offboarding
    # starts (a future end date reads offboarded already), or late (a past end date still reads active).
    "offboarded_status": ("at_end_date", "at_offboarding", "late"),
    "employee_id_type": ("string", "number"),      # `employeeId` as the text typed in, or a JSON number
}


@dataclass(frozen=True, slots=True)
class Grant:
    """What one access token may see: its scopes, and the role of the member who created it."""

    scopes: frozenset[str]
    role: str
    person_id: str


@dataclass(eq=False)
class HumaansTenant(Tenant):
    """A Humaans company (`key` = its company id) reached at /humaans/api/... with bearer tokens."""

    kind: ClassVar[str] = "humaans"
    tokens: dict[str, Grant] = field(default_factory=dict, repr=False)
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    default_status_filter: str = "all"
    over_max_limit: str = "clamp"
    private_without_scope: str = "omitted"
    honour_updated_at: bool = True
    error_style: str = "feathers"
    retry_after: int | None = 7
    rehire_keeps_id: bool = True
    offboarded_status: str = "at_end_date"
    employee_id_type: str = "string"

    def next_id(self) -> str:
        return person_id(self.key, secrets.token_hex(8))

    def grant(self, scopes: tuple[str, ...] = ("public:read", "private:read"), role: str = "owner",
              person: str | None = None, token: str | None = None) -> str:
        """A new access token (shown once, as in Humaans) with `scopes`, created by a member of `role`; `token`: the
        token itself, for a tool that cannot be told one (the benchmarks' processes)."""
        if role not in ROLES or not set(scopes) <= set(SCOPES):
            raise ValueError(f"role must be one of {', '.join(ROLES)} and scopes among {', '.join(SCOPES)}")
        owner = person or (self.people[0].id if self.people else "")
        token = token or f"hmn_{secrets.token_urlsafe(24)}"
        with self.lock:
            self.tokens[token] = Grant(frozenset(scopes), role, owner)
        return token

    def describe(self, base: str) -> dict[str, Any]:
        """The control API's view of the tenant (never a token)."""
        return {"company": self.key, "base_url": f"{base}/humaans", "tokens": len(self.tokens),
                "custom_fields": [f["name"] for f in self.custom_fields],
                **{name: getattr(self, name) for name in SWITCHES}}


class HumaansLimits:
    """The guessed limit: past it, a 429 with `Retry-After` when the tenant sends one."""

    def __init__(self, limit: tuple[int, float] = RATE_LIMIT, retry_after: int | None = 7,
                 clock: Clock = time.monotonic) -> None:
        self.window, self.retry_after = Window(*limit, clock=clock), retry_after

    def admit(self, path: str) -> tuple[Refusal | None, dict[str, str]]:
        admitted, _left = self.window.take()
        if admitted:
            return None, {}
        return Refusal(429, {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}), {}


def person_id(company: str, seed: Any) -> str:
    """A 24-character id like Humaans' ("VMB1yzL5uL8VvNNCJc9rykJz"), stable for a company and a seed."""
    digest = hashlib.sha256(f"{company}/{seed}".encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:24])


def custom_fields(company: str) -> list[dict[str, Any]]:
    """The company's custom fields, in the shape third-party clients show (`section`, `type` are unconfirmed)."""
    stamp = "2024-01-10T09:00:00.000Z"
    return [{"id": person_id(company, f"field-{name}"), "companyId": company, "name": name, "section": section,
             "resourceId": None, "type": kind, "config": {"choices": list(choices)} if choices else {},
             "createdAt": stamp, "updatedAt": stamp}
            for name, section, kind, choices in (
                ("Equity holder number", "employment", "text", ()),
                ("Shirt size", "basics", "select", ("S", "M", "L", "XL")),
                ("Languages", "basics", "multiselect", ("English", "Deutsch", "Français", "Español", "Italiano")))]


def add_humaans_tenant(state: SandboxState, company: str, people: PeopleSpec = 50, seed: int = 4, *,
                       today: dt.date | None = None, rate_limited: bool = False, latency: float = 0.0,
                       rate_limit: tuple[int, float] = RATE_LIMIT, **switches: Any) -> HumaansTenant:
    """A Humaans company `company` with `people`; tokens come from `tenant.grant(...)`. `rate_limited`: the guessed
    limit enforced (`rate_limit` may change it); `switches`: the unconfirmed behaviours (SWITCHES)."""
    _check_switches(switches)
    _check_latency(latency)
    records = state._people(people, seed, today, first_id=1, domain=f"{company.lower()}.example")
    for index, person in enumerate(records):
        if person.id.isdigit():
            person.id = person_id(company, f"{seed}/{index}")
    limits = HumaansLimits(rate_limit, switches.get("retry_after", 7)) if rate_limited else None
    tenant = HumaansTenant(key=company, company_id=company, people=records, custom_fields=custom_fields(company),
                           latency=latency, limits=limits, **switches)
    return state.add_tenant(tenant)


def rehire(state: SandboxState, tenant: HumaansTenant, person_id: str, start: dt.date) -> Person:
    """Hire a leaver again from `start`: the same person with a new start date (their old end date kept, an earlier
    stint's), or, when the tenant's rehires get a new id, a new person with the same names, e-mail and employee id
    beside the offboarded one. Returns the person now employed."""
    with tenant.lock:
        old = tenant.find(person_id)
        if old is None:
            raise KeyError(f"no person {person_id} in humaans tenant {tenant.key}")
        if tenant.rehire_keeps_id:
            return state.update_person(tenant, old.id, status="active", hire_date=start)
        return state.add_person(tenant, id=tenant.next_id(), first_name=old.first_name, last_name=old.last_name,
                                work_email=old.work_email, employee_number=old.employee_number, hire_date=start,
                                status="active")


def _check_switches(switches: dict[str, Any]) -> None:
    known = {f.name for f in fields(HumaansTenant)}
    for name, value in switches.items():
        accepted = SWITCHES.get(name)
        if accepted is None or name not in known:
            raise ValueError(f"unknown Humaans option {name!r}")
        if accepted is bool:
            ok = isinstance(value, bool)
        elif name == "retry_after":
            ok = value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)
        else:
            ok = value in accepted
        if not ok:
            raise ValueError(f"{name} has an unaccepted value")
