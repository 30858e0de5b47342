"""SandboxState: the tenants, their people, injected faults and request logs; safe to share between threads."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from sandbox.people import Person, coerce_changes, generate_people
from sandbox.tenants import (ATTRIBUTE_STYLES, FAULT_KINDS, TOKEN_MODES, BambooHRTenant, Fault, PersonioTenant,
                             RequestDetail, RequestRecord, Tenant)
from sandbox.throttle import PERSONIO_V1_PER_ADDRESS_PER_MINUTE, BambooHRLimits, PersonioLimits, Window

PeopleSpec = int | Iterable[Person] | Iterable[Mapping[str, Any]]
DEFAULT_RETRY_AFTER = object()
DEFAULT_STATUS = {"rate_limit": 429, "server_error": 500, "auth_failure": 401}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _check_latency(latency: Any) -> None:
    if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency <= 30:
        raise ValueError("latency must be between 0 and 30 seconds")


def _check_keys(name: str, keys: Any) -> None:
    if isinstance(keys, (str, bytes)) or not all(isinstance(k, str) for k in keys):
        raise ValueError(f"{name} must be a list of field keys")


class SandboxState:
    """Everything the sandbox serves. Mutations go through here so that caches and change logs follow."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._bamboohr: dict[str, BambooHRTenant] = {}
        self._personio: dict[str, PersonioTenant] = {}
        # Tenants of the HR systems that bring their own modules (sandbox.hibob, sandbox.humaans), by (kind, key).
        self._others: dict[tuple[str, str], Tenant] = {}
        self._token_owner: dict[str, PersonioTenant] = {}
        # Personio's v1 limit per address: every rate-limited credential of this sandbox is called from one.
        self._personio_address = Window(PERSONIO_V1_PER_ADDRESS_PER_MINUTE, 60.0)

    # -- tenants -------------------------------------------------------------------------------
    def add_bamboohr_tenant(self, subdomain: str, api_key: str, people: PeopleSpec = 50, seed: int = 1, *,
                            hidden_fields: Iterable[str] = (), company_id: str | None = None,
                            today: dt.date | None = None, rate_limited: bool = False, throttle_status: int = 503,
                            latency: float = 0.0, integer_ids: bool = False,
                            wrapped_values: bool = False) -> BambooHRTenant:
        """A BambooHR company at /bamboohr/<subdomain> answering HTTP Basic auth with `api_key`.

        `rate_limited`: throttled past a guessed limit (sandbox.throttle) with `throttle_status` (503 as today,
        429 as from September 2026); `latency`: seconds each answer takes; `integer_ids`, `wrapped_values`: the
        real variants of ids as numbers and values as {"value": …}.
        """
        _check_keys("hidden_fields", hidden_fields)
        _check_latency(latency)
        records = self._people(people, seed, today, first_id=1, domain=f"{subdomain}.example")
        with self._lock:
            tenant = BambooHRTenant(key=subdomain, company_id=company_id or str(10000 + len(self._bamboohr)),
                                    people=records, api_key=api_key, hidden_fields=frozenset(hidden_fields),
                                    latency=latency, limits=BambooHRLimits(throttle_status) if rate_limited else None,
                                    integer_ids=integer_ids, wrapped_values=wrapped_values)
            self._bamboohr[subdomain] = tenant
        return tenant

    def add_personio_tenant(self, client_id: str, client_secret: str, people: PeopleSpec = 50, seed: int = 2, *,
                            token_mode: str = "reusable", readable_attributes: Iterable[str] | None = None,
                            token_ttl: float = 86400.0, company_id: str | None = None,
                            today: dt.date | None = None, rate_limited: bool = False, latency: float = 0.0,
                            attribute_style: str = "full", invalid_token_status: int = 403,
                            updated_since_paging: bool = True, webhooks_scope: bool = True,
                            webhook_https_only: bool = True) -> PersonioTenant:
        """A Personio credential; `readable_attributes` is the credential's whitelist (None: everything).

        `rate_limited`: Personio's published limits enforced (sandbox.throttle); `latency`: seconds each answer
        takes; `attribute_style` "label_value": attributes as only {label, value}; `invalid_token_status`: 403
        (the spec's example) or 401; `updated_since_paging` False: limit and offset ignored with updated_since;
        `webhooks_scope` False: the credential lacks personio:webhooks:*; `webhook_https_only` False: webhooks to
        http URLs are taken (a local hrsync).
        """
        if token_mode not in TOKEN_MODES:
            raise ValueError(f"token_mode must be one of {', '.join(TOKEN_MODES)}")
        if attribute_style not in ATTRIBUTE_STYLES:
            raise ValueError(f"attribute_style must be one of {', '.join(ATTRIBUTE_STYLES)}")
        if invalid_token_status not in (401, 403):
            raise ValueError("invalid_token_status must be 401 or 403")
        _check_keys("readable_attributes", readable_attributes or ())
        _check_latency(latency)
        records = self._people(people, seed, today, first_id=100001, domain=f"{client_id}.example")
        whitelist = None if readable_attributes is None else frozenset(readable_attributes)
        with self._lock:
            tenant = PersonioTenant(key=client_id, company_id=company_id or str(50000 + len(self._personio)),
                                    people=records, client_secret=client_secret, token_mode=token_mode,
                                    readable_attributes=whitelist, token_ttl=token_ttl, latency=latency,
                                    limits=PersonioLimits(self._personio_address) if rate_limited else None,
                                    attribute_style=attribute_style, invalid_token_status=invalid_token_status,
                                    updated_since_paging=updated_since_paging, webhooks_scope=webhooks_scope,
                                    webhook_https_only=webhook_https_only)
            self._personio[client_id] = tenant
        return tenant

    def bamboohr_tenant(self, subdomain: str) -> BambooHRTenant | None:
        with self._lock:
            return self._bamboohr.get(subdomain)

    def personio_tenant(self, client_id: str) -> PersonioTenant | None:
        with self._lock:
            return self._personio.get(client_id)

    def add_tenant(self, tenant: Tenant) -> Tenant:
        """Serve a tenant built by its HR system's own module; it replaces one of the same kind and key."""
        with self._lock:
            self._others[(tenant.kind, tenant.key)] = tenant
        return tenant

    def tenant(self, kind: str, key: str) -> Tenant | None:
        """A tenant added with `add_tenant`."""
        with self._lock:
            return self._others.get((kind, key))

    def tenants(self) -> list[Tenant]:
        with self._lock:
            return [*self._bamboohr.values(), *self._personio.values(), *self._others.values()]

    def reset(self) -> None:
        """Forget every tenant (control API `POST /_sandbox/reset`)."""
        with self._lock:
            self._bamboohr.clear()
            self._personio.clear()
            self._others.clear()
            self._token_owner.clear()

    # -- Personio tokens -----------------------------------------------------------------------
    def issue_token(self, tenant: PersonioTenant) -> str:
        with self._lock, tenant.lock:
            token = tenant.issue_token()
            self._token_owner[token] = tenant
            return token

    def token_owner(self, token: str) -> PersonioTenant | None:
        """The tenant a token was ever issued to (also for spent or expired tokens, for the request log)."""
        with self._lock:
            return self._token_owner.get(token)

    def spend_token(self, tenant: PersonioTenant, token: str) -> str:
        with self._lock, tenant.lock:
            echoed = tenant.spend_token(token)
            self._token_owner[echoed] = tenant
            return echoed

    # -- people --------------------------------------------------------------------------------
    def update_person(self, tenant: Tenant, person_id: str, /, **changes: Any) -> Person:
        values = coerce_changes(changes)
        with tenant.lock:
            person = self._person(tenant, person_id)
            for name, value in values.items():
                setattr(person, name, value)
            self._changed(tenant, person, tuple(values))
            return person

    def terminate_person(self, tenant: Tenant, person_id: str, date: dt.date | str) -> Person:
        """A leaver: inactive with a termination date (what BambooHR reports as an Updated change)."""
        return self.update_person(tenant, person_id, status="inactive", termination_date=date)

    def add_person(self, tenant: Tenant, /, *, id: str | None = None, **fields: Any) -> Person:
        """A new hire (BambooHR reports it as Inserted); the id is the next free one unless given."""
        values = coerce_changes(fields)
        with tenant.lock:
            if id is not None and tenant.find(str(id)) is not None:
                raise ValueError(f"person {id} already exists")
            now = _now()
            person = Person(id=str(id or tenant.next_id()), first_name=values.pop("first_name", "New"),
                            last_name=values.pop("last_name", "Person"), created_at=now, updated_at=now)
            for name, value in values.items():
                setattr(person, name, value)
            tenant.people.append(person)
            tenant.touch()
            return person

    def delete_person(self, tenant: Tenant, person_id: str) -> None:
        with tenant.lock:
            person = self._person(tenant, person_id)
            tenant.people.remove(person)
            tenant.deleted[person.id] = _now()
            tenant.touch()

    # -- faults and logs -----------------------------------------------------------------------
    def inject_fault(self, tenant: Tenant, kind: str, count: int = 1, status: int | None = None,
                     retry_after: float | None | object = DEFAULT_RETRY_AFTER, delay: float = 0.5,
                     path: str | None = None) -> Fault:
        """Misbehave on the next `count` requests of `tenant` (only those under `path`, if given).

        Rate limits carry `Retry-After: 1` unless told otherwise; `retry_after=None` sends none at all
        (whether Personio sends one is unconfirmed, so clients must cope without).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}")
        if count < 1 or delay < 0 or (status is not None and not 100 <= status <= 599):
            raise ValueError("count must be >= 1, delay >= 0 and status a valid HTTP status")
        status = status if status is not None else DEFAULT_STATUS.get(kind)
        if retry_after is DEFAULT_RETRY_AFTER:
            retry_after = 1 if kind == "rate_limit" else None
        # Retry-After carries whole seconds (RFC 9110 delay-seconds); round up, never down to "retry now".
        wait = None if retry_after is None else int(math.ceil(retry_after))
        fault = Fault(kind=kind, remaining=count, status=status, retry_after=wait, delay=delay, path=path)
        with tenant.lock:
            tenant.faults.append(fault)
        return fault

    def take_fault(self, tenant: Tenant, path: str) -> Fault | None:
        """The fault this request must suffer, if any (consumes one of its `count`)."""
        with tenant.lock:
            for fault in tenant.faults:
                if fault.matches(path):
                    fault.remaining -= 1
                    tenant.faults[:] = [f for f in tenant.faults if f.remaining > 0]
                    return fault
        return None

    def record(self, tenant: Tenant, detail: RequestDetail) -> None:
        with tenant.lock:
            tenant.log.append(detail)

    def request_log(self, tenant: Tenant) -> list[RequestRecord]:
        with tenant.lock:
            return [RequestRecord(d.method, d.path, d.status) for d in tenant.log]

    def request_details(self, tenant: Tenant) -> list[RequestDetail]:
        with tenant.lock:
            return list(tenant.log)

    def clear_request_log(self, tenant: Tenant) -> None:
        with tenant.lock:
            tenant.log.clear()

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _people(spec: PeopleSpec, seed: int, today: dt.date | None, first_id: int, domain: str) -> list[Person]:
        if isinstance(spec, int):
            return generate_people(spec, seed, today=today, first_id=first_id, email_domain=domain)
        people = []
        for index, item in enumerate(spec):
            if isinstance(item, Person):
                people.append(item)
                continue
            values = dict(item)
            person_id = str(values.pop("id", first_id + index))
            if not values.get("first_name") or not values.get("last_name"):
                raise ValueError("every person needs a first_name and a last_name")
            people.append(Person(id=person_id, **coerce_changes(values)))
        return people

    @staticmethod
    def _person(tenant: Tenant, person_id: str) -> Person:
        person = tenant.find(str(person_id))
        if person is None:
            raise KeyError(f"no person {person_id} in {tenant.kind} tenant {tenant.key}")
        return person

    @staticmethod
    def _changed(tenant: Tenant, person: Person, fields: tuple[str, ...]) -> None:
        person.updated_at = _now()
        person.changed_fields = fields
        tenant.touch()
