"""Sandbox tenants (one BambooHR company or one Personio credential), their faults and request records."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from sandbox.people import Person

FAULT_KINDS = ("rate_limit", "server_error", "slow", "auth_failure", "bad_json")
TOKEN_MODES = ("reusable", "rotating")
ATTRIBUTE_STYLES = ("full", "label_value")


class RequestRecord(NamedTuple):
    """What a tenant served: compares equal to a plain (method, path, status) tuple."""

    method: str
    path: str
    status: int


@dataclass(frozen=True, slots=True)
class RequestDetail:
    """A served request with the query and the headers tests like to assert on."""

    method: str
    path: str
    status: int
    query: dict[str, list[str]]
    headers: dict[str, str]
    fault: str | None = None


@dataclass(slots=True)
class Fault:
    """A misbehaviour for the next `remaining` requests (optionally only those under `path`)."""

    kind: str
    remaining: int
    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.5
    path: str | None = None

    def matches(self, path: str) -> bool:
        return self.remaining > 0 and (self.path is None or path.startswith(self.path))


@dataclass(eq=False)
class Tenant:
    """People plus bookkeeping; `version` bumps on every change and keys the rendering caches."""

    kind: ClassVar[str] = ""
    key: str
    company_id: str
    people: list[Person]
    deleted: dict[str, dt.datetime] = field(default_factory=dict)
    version: int = 0
    faults: list[Fault] = field(default_factory=list)
    log: list[RequestDetail] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    # Seconds each answer takes (a real HR system is not on loopback), and the published rate limits
    # (sandbox.throttle) when the tenant enforces them.
    latency: float = 0.0
    limits: Any = field(default=None, repr=False)

    def find(self, person_id: str) -> Person | None:
        return self.cached("index", lambda: {p.id: p for p in self.people}).get(str(person_id))

    def cache_key(self) -> tuple[int, int, int]:
        # Person mutations made directly on records (not through the state) still invalidate caches.
        return (self.version, Person.mutations(), len(self.people))

    def cached(self, name: Any, build):
        """The value of `build()` for the current data version; older versions are dropped."""
        with self.lock:
            current = self.cache_key()
            key = (name, current)
            if key not in self.cache:
                for stale in [k for k in self.cache if k[1] != current]:
                    del self.cache[stale]
                self.cache[key] = build()
            return self.cache[key]

    def touch(self) -> None:
        self.version += 1

    def next_id(self) -> str:
        ids = [int(p.id) for p in self.people if p.id.isdigit()] + [int(i) for i in self.deleted if i.isdigit()]
        return str(max(ids, default=0) + 1)


@dataclass(eq=False)
class BambooHRTenant(Tenant):
    """A BambooHR company reached at /bamboohr/<subdomain>; `hidden_fields` mimics a limited access level."""

    kind: ClassVar[str] = "bamboohr"
    api_key: str = field(default="", repr=False)
    hidden_fields: frozenset[str] = frozenset()
    # Real variants: ids as numbers (the directory's sample), values as {"value": …} (Fusebit's recording).
    integer_ids: bool = False
    wrapped_values: bool = False

    @property
    def subdomain(self) -> str:
        return self.key


@dataclass(eq=False)
class PersonioTenant(Tenant):
    """A Personio API credential; tokens are reusable for their lifetime or single-use (rotating)."""

    kind: ClassVar[str] = "personio"
    client_secret: str = field(default="", repr=False)
    token_mode: str = "reusable"
    readable_attributes: frozenset[str] | None = None
    token_ttl: float = 86400.0
    tokens: dict[str, float] = field(default_factory=dict, repr=False)
    # Real variants: attributes as only {label, value} (personio-py's recording); a spent or expired token
    # answered 403 as in the spec's example (401 also reported); `updated_since` ignoring limit and offset, as
    # the spec says it does (False) or paged, as users report (True).
    attribute_style: str = "full"
    invalid_token_status: int = 403
    updated_since_paging: bool = True
    # The v2 webhooks management API (sandbox.personio_v2): whether the credential has the personio:webhooks:*
    # scopes, whether only https URLs are taken (as Personio; off lets a test or the demo register a local http
    # URL), and the webhooks registered, by id.
    webhooks_scope: bool = True
    webhook_https_only: bool = True
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def client_id(self) -> str:
        return self.key

    def issue_token(self) -> str:
        """A token for /v1/auth: today's API hands back the same live token for 24 h."""
        now = time.time()
        if self.token_mode == "reusable":
            live = [t for t, expires in self.tokens.items() if expires > now]
            if live:
                return live[0]
        token = f"papi-{secrets.token_urlsafe(32)}"
        self.tokens[token] = now + self.token_ttl
        return token

    def token_valid(self, token: str) -> bool:
        return self.tokens.get(token, 0.0) > time.time()

    def spend_token(self, token: str) -> str:
        """The token to echo in the response: the same one, or (rotating) a fresh one replacing it."""
        if self.token_mode == "reusable":
            return token
        self.tokens.pop(token, None)
        return self.issue_token()

    def expire_tokens(self) -> None:
        self.tokens.clear()
