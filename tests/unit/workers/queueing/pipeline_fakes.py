"""A scripted HR provider and helpers for the pipeline's unit tests (companies, running jobs, reading runs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable, Iterator, Mapping

from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from rq.utils import current_timestamp
from rq.serializers import JSONSerializer

from domain.employee import Employee, EmploymentStatus
from providers.base import ChangedSince, FetchReport, SourceField
from providers.errors import ProviderError
from providers.registry import provider_class
from store.db import transaction
from store.repositories import companies, integrations, sync_runs
from core import queueing

APPROVER = "cfo@acme.example"
NAMESPACE = "unit"  # the tests' installation (their Settings name it, so that keys can be named here)


def employee(remote_id: str, first: str, last: str, number: str | None = None) -> Employee:
    return Employee(remote_id=remote_id, unique_identifier=number, first_name=first, last_name=last,
                    email=f"{first.lower()}@acme.example", hire_date=dt.date(2020, 1, 1),
                    status=EmploymentStatus.ACTIVE)


@dataclass
class ScriptedHR:
    """What the fake HR system holds; `errors` are raised by the next fetches, one each."""

    people: dict[str, Employee] = field(default_factory=dict)
    errors: list[Exception] = field(default_factory=list)
    during_fetch: Callable[[], None] | None = None
    fetched_ids: list[tuple[str, ...]] = field(default_factory=list)
    full_fetches: int = 0
    # Mapped fields the fetches found on no employee (the fetch report's).
    absent_fields: frozenset[str] = frozenset()

    def add(self, *people: Employee) -> None:
        self.people.update({person.remote_id: person for person in people})

    def factory(self, name: str, credentials: Mapping[str, str], mapping: Mapping[str, str] | None, *,
                options: Mapping[str, bool] | None = None):
        return ScriptedProvider(self, name)

    def _before_fetch(self) -> None:
        if self.errors:
            raise self.errors.pop(0)
        if self.during_fetch is not None:
            hook, self.during_fetch = self.during_fetch, None
            hook()


class ScriptedProvider:
    require_hire_date: ClassVar[bool] = False

    def __init__(self, hr: ScriptedHR, name: str):
        self.hr, self.name = hr, name
        self.label = provider_class(name).label
        self.default_mapping = provider_class(name).default_mapping

    def iter_employees(self, progress=None) -> Iterator[Employee]:
        self.hr._before_fetch()
        self.hr.full_fetches += 1
        yield from sorted(self.hr.people.values(), key=lambda e: e.remote_id)

    def changed_since(self, cursor: str | None) -> ChangedSince:
        self.hr._before_fetch()
        return ChangedSince(tuple(sorted(self.hr.people)), "cursor-1")

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        wanted = tuple(sorted(remote_ids))
        self.hr.fetched_ids.append(wanted)
        self.hr._before_fetch()
        yield from (self.hr.people[i] for i in wanted if i in self.hr.people)

    def list_fields(self) -> list[SourceField]:
        return []

    def fetch_report(self) -> FetchReport:
        return FetchReport(absent_fields=self.hr.absent_fields)

    @staticmethod
    def verify_webhook(body, headers, secret, now):
        raise ProviderError("the pipeline tests verify no webhook")

    def close(self) -> None:
        pass


def make_company(services, provider: str = "bamboohr", name: str = "Acme GmbH") -> str:
    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, name, APPROVER, "pw").company_id
        credentials = ({"subdomain": "acme", "api_key": "api-key-never-shown"} if provider == "bamboohr"
                       else {"client_id": "id", "client_secret": "client-secret-never-shown"})
        integrations.set_integration(session, services.box, company_id, provider, credentials)
        integrations.set_webhook_secret(session, services.box, company_id, "whsec-never-shown-0123456789")
    return company_id


def work(redis, rounds: int = 5) -> None:
    """Run queued and due jobs in this process, again while jobs become due (a burst only looks once)."""
    queues = [queueing.queue(redis, NAMESPACE, name) for name in queueing.QUEUE_NAMES]
    for _ in range(rounds):
        SimpleWorker(queues, connection=redis, serializer=JSONSerializer).work(burst=True, with_scheduler=True)
        due = ScheduledJobRegistry(queue=queues[0]).get_jobs_to_schedule(current_timestamp())
        if not due and not any(queue.count for queue in queues):
            return


def get_run(services, sync_id: int):
    with transaction(services.session_factory) as session:
        return sync_runs.get_run(session, sync_id)
