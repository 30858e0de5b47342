"""A fake HR provider for the admin API tests: the HRProvider interface over in-memory fields and people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Iterable, Iterator, Mapping

import pytest

from domain.employee import Employee
from providers.base import ChangedSince, ChangeNotice, FetchReport, SourceField
from providers.errors import ProviderError, WebhookRejected
from providers.registry import provider_class

PERSONIO_FIELDS = (
    SourceField("first_name", "First name", "standard"),
    SourceField("last_name", "Last name", "standard"),
    SourceField("preferred_name", "Preferred name", "standard"),
    SourceField("email", "Email", "standard"),
    SourceField("status", "Status", "standard"),
    SourceField("hire_date", "Hire date", "date"),
    SourceField("termination_date", "Termination date", "date"),
    SourceField("dynamic_1009", "Personalnummer", "standard"),
    SourceField("dynamic_1006", "Ort", "standard", readable=False),
)
BAMBOOHR_FIELDS = tuple(SourceField(key, key, "text") for key in provider_class("bamboohr").default_mapping)


@dataclass
class FakeHR:
    """What the fake HR systems answer; `error` is raised by every call when set."""

    fields: dict[str, tuple[SourceField, ...]] = field(default_factory=lambda: {
        "personio": PERSONIO_FIELDS, "bamboohr": BAMBOOHR_FIELDS})
    employees: list[Employee] = field(default_factory=list)
    error: ProviderError | None = None
    calls: list[tuple[str, dict, dict | None]] = field(default_factory=list)

    def factory(self, name: str, credentials: Mapping[str, str], mapping: Mapping[str, str] | None,
                *, verifying: bool = False, options: Mapping[str, bool] | None = None):
        self.calls.append((name, dict(credentials), None if mapping is None else dict(mapping)))
        return FakeProvider(self, name, mapping)


class FakeProvider:
    require_hire_date: ClassVar[bool] = False

    def __init__(self, hr: FakeHR, name: str, mapping: Mapping[str, str] | None):
        self.hr, self.name = hr, name
        self.label = provider_class(name).label
        self.default_mapping = provider_class(name).default_mapping
        self.mapping = dict(mapping or self.default_mapping)

    def _check(self) -> None:
        if self.hr.error is not None:
            raise self.hr.error

    def verify_credentials(self) -> None:
        self._check()

    def iter_employees(self, progress=None) -> Iterator[Employee]:
        self._check()
        yield from self.hr.employees

    def changed_since(self, cursor: str | None) -> ChangedSince:
        self._check()
        return ChangedSince(tuple(e.remote_id for e in self.hr.employees), "cursor")

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        wanted = set(remote_ids)
        return (e for e in self.iter_employees() if e.remote_id in wanted)

    def list_fields(self) -> list[SourceField]:
        self._check()
        return list(self.hr.fields[self.name])

    def fetch_report(self) -> FetchReport:
        return FetchReport()

    def verify_webhook(self, body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
        raise WebhookRejected("the fake HR system sends no webhooks")

    def close(self) -> None:
        pass


@pytest.fixture
def fake_hr(services) -> FakeHR:
    hr = FakeHR()
    services.provider_factory = hr.factory
    return hr
