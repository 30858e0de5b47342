"""The web process's intake scheduler thread: schedules what was accepted, sweeps orphans, ends when idle.

The thread writes sync rows while the test reads them: an SQLite file here (a connection per thread).
"""

from __future__ import annotations

import threading
import time

import pytest

from core import coalescing
from services.intake import IntakeScheduler
from tests.plugin import make_test_settings

from pipeline_fakes import NAMESPACE as NS, get_run, make_company


@pytest.fixture
def settings(tmp_path):
    return make_test_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'intake.db'}", secret_key="k" * 32,
                              namespace=NS)


def _pending_sync(redis, company_id: str, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        value = redis.get(coalescing.pending_key(NS, company_id))
        if value not in (None, coalescing.NEW.encode()):
            return int(value)
        assert time.monotonic() < deadline, f"company {company_id}: no sync scheduled (pending flag {value})"
        threading.Event().wait(0.02)


def _accept(redis, company_id: str, now: float | None = None) -> None:
    assert coalescing.accept(redis, NS, company_id, "d-1", ["1"], time.time() if now is None else now) == "scheduled"


def test_a_submitted_company_gets_its_sync_from_the_thread(services, fake_redis):
    """Invariant: the accepted delivery's sync is created and scheduled without the request's help."""
    company_id = make_company(services)
    scheduler = IntakeScheduler(services, fake_redis, debounce=0, sweep_every=0.05, grace=5)
    _accept(fake_redis, company_id)

    scheduler.submit(company_id, "bamboohr")

    run = get_run(services, _pending_sync(fake_redis, company_id))
    assert run.company_id == company_id and fake_redis.zcard(coalescing.unscheduled_key(NS)) == 0


def test_a_running_scheduler_sweeps_the_orphans_of_a_dead_process(services, fake_redis):
    """Invariant: nothing accepted is lost when the accepting process died before scheduling."""
    orphan, mine = make_company(services, name="Orphan AG"), make_company(services, name="Mine AG")
    _accept(fake_redis, orphan, now=time.time() - 60)  # accepted by a process that then died
    _accept(fake_redis, mine)
    scheduler = IntakeScheduler(services, fake_redis, debounce=0, sweep_every=0.05, grace=5)

    scheduler.submit(mine, "bamboohr")

    assert _pending_sync(fake_redis, orphan) != _pending_sync(fake_redis, mine)
    assert fake_redis.zcard(coalescing.unscheduled_key(NS)) == 0


def test_an_idle_scheduler_ends_its_thread_and_the_next_delivery_starts_one(services, fake_redis):
    first, second = make_company(services, name="First AG"), make_company(services, name="Second AG")
    scheduler = IntakeScheduler(services, fake_redis, debounce=0, sweep_every=0.02, grace=5, idle_exit=0.1)
    _accept(fake_redis, first)
    scheduler.submit(first, "bamboohr")
    _pending_sync(fake_redis, first)
    deadline = time.monotonic() + 10
    while scheduler.running:
        assert time.monotonic() < deadline, "the idle scheduler thread did not end"
        threading.Event().wait(0.02)

    _accept(fake_redis, second)
    scheduler.submit(second, "bamboohr")

    _pending_sync(fake_redis, second)
