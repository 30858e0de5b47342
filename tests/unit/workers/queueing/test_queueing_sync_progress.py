"""Progress rows during a full fetch: every PROGRESS_EVERY employees, at most once per PROGRESS_SECONDS, and the end."""

from __future__ import annotations

import types

from store.db import transaction
from store.repositories import sync_runs
from services import sync_run as sync
from services.sync_run import PROGRESS_EVERY, PROGRESS_SECONDS, execute_sync

from pipeline_fakes import ScriptedProvider, employee, make_company


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


class TimedProvider(ScriptedProvider):
    """Each employee takes `per_employee` seconds of the fake clock to arrive."""

    def __init__(self, hr, name, clock: Clock, per_employee: float):
        super().__init__(hr, name)
        self.clock, self.per_employee = clock, per_employee

    def iter_employees(self, progress=None):
        for person in super().iter_employees(progress):
            self.clock.now += self.per_employee
            yield person


def test_progress_is_written_at_most_once_per_interval_and_at_the_end(services, hr, monkeypatch):
    """Invariant: a long fetch reports progress regularly but not on every batch; the final count is always stored."""
    clock = Clock()
    monkeypatch.setattr(sync, "time", types.SimpleNamespace(monotonic=clock.monotonic))
    total = 10 * PROGRESS_EVERY
    hr.add(*(employee(str(n), f"F{n}", f"L{n}", f"E{n}") for n in range(1, total + 1)))
    # One batch of PROGRESS_EVERY employees takes 0.4 intervals: every third batch is due a write.
    per_employee = 0.4 * PROGRESS_SECONDS / PROGRESS_EVERY
    services.provider_factory = lambda name, credentials, mapping, **_: TimedProvider(hr, name, clock, per_employee)
    written = []
    monkeypatch.setattr(sync, "_write_progress",
                        lambda services, sync_id, fetched, total: written.append(fetched))
    company_id = make_company(services)
    with transaction(services.session_factory) as session:
        sync_id = sync_runs.create_run(session, company_id, "bamboohr", "full").id

    execute_sync(services, sync_id)

    assert written == [3 * PROGRESS_EVERY, 6 * PROGRESS_EVERY, 9 * PROGRESS_EVERY, total]
