"""A HiBob company in the sandbox: one service user, its permission group, HiBob's limits and the unconfirmed
behaviours of research/hibob.md as switches (each named after what it decides)."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from sandbox.people import Person
from sandbox.state import PeopleSpec, SandboxState, _check_latency
from sandbox.tenants import Tenant
from sandbox.throttle import Clock, Refusal, Window

ENVIRONMENTS = ("production", "sandbox")
LIFECYCLES = ("employed", "hired", "terminated", "garden leave", "leave", "parental leave")
# How multi-word lifecycle statuses are spelt in machine values: the lifecycle table writes "garden leave" [C3];
# the people search's spelling is unconfirmed.
SPELLINGS = ("space", "underscore", "camel")
# employee.updated names the changed fields under `fieldUpdates` [W10], or `fieldUpdatesIds` [C10]: unconfirmed.
FIELD_UPDATES_KEYS = ("fieldUpdates", "fieldUpdatesIds")
# Table events carry effectiveDate (historical tables) or id only since 24 March 2026, both (null when irrelevant)
# before [W13].
TABLE_ENTRY_FORMATS = ("2026", "legacy")
# The population ("who to access") of the service user's permission group: everyone HiBob holds (Employed, Hired
# and Terminated selected by condition, as Ledgy asks), "Everyone", which means the active employees only [D8], or
# none: a service user in no permission group, whose searches answer 200 with nobody [D2][D4].
POPULATIONS = ("all", "everyone", "none")
SEARCH_LIMIT = (50, 60.0)  # people search: 50 a minute [D16]
METADATA_LIMIT = (50, 60.0)  # fields and named lists: 50 a minute [D18]

SWITCHES: dict[str, tuple[Any, ...] | type] = {
    # UNCONFIRMED (research/hibob.md), each a switch: flip it once a recording settles the point.
    "lowercase_human_readable": bool,   # "append"/"replace" accepted like APPEND/REPLACE (the Ruby gem sends them)
    "slash_human_readable": bool,       # under APPEND, slash keys get a `humanReadable` sibling too
    "rehire_clears_termination": bool,  # a rehire's old internal.terminationDate is cleared
    "single_read_inactive": bool,       # POST /v1/people/{id} returns Inactive employees too
    "retry_after": bool,                # a 429 carries Retry-After besides the X-RateLimit-* headers
    "signed_ping": bool,                # the "Ping test" deliveries carry a Bob-Signature
    "lifecycle_spelling": SPELLINGS,
    "field_updates_key": FIELD_UPDATES_KEYS,
    "table_entry_format": TABLE_ENTRY_FORMATS,
}


@dataclass(eq=False)
class HiBobTenant(Tenant):
    """A HiBob company reached by one service user (`key` = its id) at /hibob (or /hibob-sandbox: Bob's sandbox)."""

    kind: ClassVar[str] = "hibob"
    token: str = field(default="", repr=False)
    environment: str = "production"
    # The permission group: categories it may view (None: all; `root` is Basic info) and its population.
    readable_categories: frozenset[str] | None = None
    population: str = "all"
    # People's lifecycle beyond what the shared Person says (garden leave, parental leave), and garden leavers'
    # last day of work.
    lifecycle: dict[str, str] = field(default_factory=dict)
    last_day: dict[str, dt.date] = field(default_factory=dict)
    lowercase_human_readable: bool = True
    slash_human_readable: bool = False
    rehire_clears_termination: bool = False
    single_read_inactive: bool = True
    retry_after: bool = False
    signed_ping: bool = False
    lifecycle_spelling: str = "space"
    field_updates_key: str = "fieldUpdates"
    table_entry_format: str = "2026"

    @property
    def service_user_id(self) -> str:
        return self.key

    def describe(self, base: str) -> dict[str, Any]:
        """The control API's view of the tenant (never the token)."""
        prefix = "hibob" if self.environment == "production" else "hibob-sandbox"
        return {"service_user_id": self.key, "base_url": f"{base}/{prefix}", "environment": self.environment,
                "readable_categories": None if self.readable_categories is None else sorted(self.readable_categories),
                "population": self.population, **{name: getattr(self, name) for name in SWITCHES}}


class HiBobLimits:
    """HiBob's published per-minute limits; answers carry X-RateLimit-Limit, -Remaining and -Reset (epoch)."""

    def __init__(self, search: tuple[int, float] = SEARCH_LIMIT, metadata: tuple[int, float] = METADATA_LIMIT,
                 retry_after: bool = False, clock: Clock = time.monotonic) -> None:
        self.search, self.metadata = Window(*search, clock=clock), Window(*metadata, clock=clock)
        self.retry_after, self._clock = retry_after, clock

    def admit(self, path: str) -> tuple[Refusal | None, dict[str, str]]:
        window = self.search if path == "/v1/people/search" else (
            self.metadata if path.startswith("/v1/company/") else None)
        if window is None:
            return None, {}
        admitted, left = window.take()
        with window.lock:
            oldest = window.times[0] if window.times else self._clock()
        reset = time.time() + max(oldest + window.seconds - self._clock(), 0.0)
        headers = {"X-RateLimit-Limit": str(window.limit), "X-RateLimit-Remaining": str(max(left, 0)),
                   "X-RateLimit-Reset": str(int(reset) + 1)}
        if admitted:
            return None, headers
        return Refusal(429, {**headers, **({"Retry-After": str(int(reset - time.time()) + 1)}
                                           if self.retry_after else {})}), headers


def add_hibob_tenant(state: SandboxState, service_user_id: str, token: str, people: PeopleSpec = 50, seed: int = 3,
                     *, environment: str = "production", readable_categories: Any = None, population: str = "all",
                     company_id: str | None = None, today: dt.date | None = None, rate_limited: bool = False,
                     latency: float = 0.0, search_limit: tuple[int, float] = SEARCH_LIMIT, quirks: bool = True,
                     **switches: Any) -> HiBobTenant:
    """A HiBob company whose service user `service_user_id` authenticates with `token` (HTTP Basic).

    `readable_categories`: the categories its permission group may view (None: all); `population` "all",
    "everyone" (active employees only) or "none" (in no permission group: searches find nobody); `rate_limited`:
    HiBob's published limits enforced (`search_limit` may shorten the search's window for a test); `quirks`: a few generated people on garden leave, rehired after a
    termination, or leaving on a future date. `switches`: the unconfirmed behaviours (SWITCHES).
    """
    _check_options(environment, population, readable_categories, switches)
    _check_latency(latency)
    today = today or dt.date.today()
    records = state._people(people, seed, today, first_id=3332883854254930000 + seed * 100000,
                            domain=f"{service_user_id.lower()}.example")
    tenant = HiBobTenant(key=service_user_id, company_id=company_id or str(636192 + seed), people=records, token=token,
                         environment=environment, population=population, latency=latency,
                         readable_categories=None if readable_categories is None else frozenset(readable_categories),
                         limits=HiBobLimits(search_limit, retry_after=bool(switches.get("retry_after")))
                         if rate_limited else None, **switches)
    if quirks and isinstance(people, int):
        _quirks(tenant, random.Random(seed), today)
    return state.add_tenant(tenant)


def set_lifecycle(state: SandboxState, tenant: HiBobTenant, person_id: str, status: str,
                  last_day: dt.date | str | None = None) -> Person:
    """Give a person a HiBob lifecycle status of its own (garden leave with its last day of work, parental leave…)."""
    if status not in LIFECYCLES:
        raise ValueError(f"lifecycle status must be one of {', '.join(LIFECYCLES)}")
    with tenant.lock:
        person = tenant.find(person_id)
        if person is None:
            raise KeyError(f"no person {person_id} in hibob tenant {tenant.key}")
        tenant.lifecycle[person.id] = status
        if last_day is not None:
            tenant.last_day[person.id] = dt.date.fromisoformat(last_day) if isinstance(last_day, str) else last_day
        tenant.touch()
        return person


def _quirks(tenant: HiBobTenant, rng: random.Random, today: dt.date) -> None:
    """About one person in a hundred each: on garden leave, rehired (the old termination date kept), leaving later."""
    for person in tenant.people:
        roll = rng.random()
        if person.status == "active" and roll < 0.01:
            person.termination_date = today + dt.timedelta(days=rng.randrange(20, 90))
            tenant.lifecycle[person.id] = "garden leave"
            tenant.last_day[person.id] = today - dt.timedelta(days=rng.randrange(1, 20))
        elif person.status == "active" and roll < 0.02:
            person.termination_date = today + dt.timedelta(days=rng.randrange(20, 90))
        elif person.terminated and roll < 0.1 and person.termination_date < today - dt.timedelta(days=40):
            person.hire_date = person.termination_date + dt.timedelta(days=rng.randrange(10, 40))
            person.status = "active" if person.hire_date <= today else "onboarding"


def _check_options(environment: str, population: str, readable_categories: Any, switches: dict[str, Any]) -> None:
    if environment not in ENVIRONMENTS or population not in POPULATIONS:
        raise ValueError(f"environment must be one of {', '.join(ENVIRONMENTS)}, "
                         f"population one of {', '.join(POPULATIONS)}")
    if readable_categories is not None and (isinstance(readable_categories, str) or not all(
            isinstance(c, str) for c in readable_categories)):
        raise ValueError("readable_categories must be a list of category ids")
    known = {f.name for f in fields(HiBobTenant)}
    for name, value in switches.items():
        accepted = SWITCHES.get(name)
        if accepted is None or name not in known:
            raise ValueError(f"unknown HiBob option {name!r}")
        wrong = not isinstance(value, bool) if accepted is bool else value not in accepted
        if wrong:
            raise ValueError(f"{name} must be {'true or false' if accepted is bool else ' or '.join(accepted)}")
