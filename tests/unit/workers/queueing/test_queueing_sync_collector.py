"""A sync pauses the cyclic garbage collector while it runs and always leaves it as it found it."""

from __future__ import annotations

import gc

import pytest

from providers.errors import ProviderError, ProviderUnavailable
from store.db import transaction
from store.repositories import sync_runs
from services.sync_run import execute_sync

from pipeline_fakes import employee, make_company


@pytest.fixture
def collector_state():
    """Restores the collector whatever a test leaves behind (it is process-wide)."""
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def queued_sync(services) -> int:
    company_id = make_company(services)
    with transaction(services.session_factory) as session:
        return sync_runs.create_run(session, company_id, "bamboohr", "full").id


def test_collector_is_paused_during_the_sync_and_enabled_after(services, hr, collector_state):
    """Invariant: collection is paused only while the sync runs; a worker's collector is back on afterwards."""
    gc.enable()
    during = []
    hr.add(employee("1", "Ada", "Lovelace", "E1"))
    hr.during_fetch = lambda: during.append(gc.isenabled())

    outcome = execute_sync(services, queued_sync(services))

    assert outcome.counts["create"] == 1
    assert during == [False]
    assert gc.isenabled()


@pytest.mark.parametrize("error", [ProviderError("refused"), ProviderUnavailable("down")], ids=["error", "unavailable"])
def test_collector_is_enabled_again_after_a_failed_sync(services, hr, collector_state, error):
    """Invariant: a failing sync does not leave the worker process without garbage collection."""
    gc.enable()
    hr.errors.append(error)

    with pytest.raises(type(error)):
        execute_sync(services, queued_sync(services))

    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled(services, hr, collector_state):
    """Invariant: the sync restores the previous state rather than forcing collection on."""
    gc.disable()
    hr.add(employee("1", "Ada", "Lovelace", "E1"))

    execute_sync(services, queued_sync(services))

    assert not gc.isenabled()
