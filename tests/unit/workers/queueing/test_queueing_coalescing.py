"""Webhook coalescing and intake: dedupe, one pending sync per company, scheduling off the request, sweeps, claims."""

from __future__ import annotations

import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from sqlalchemy import select

from providers.base import ChangeNotice
from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.models import IntegrationRow, SyncRunRow
from core import coalescing, queueing
from services import intake
from services.sync_run import WHOLE_COMPANY
from core.coalescing import Intake
from core.errors import QueueUnavailable

from pipeline_fakes import NAMESPACE as NS, get_run, make_company

WEEK = 7 * 24 * 3600


def _notice(*ids: str, delivery: str = "d-1") -> ChangeNotice:
    return ChangeNotice(event="employee.updated", delivery_id=delivery, remote_ids=ids)


def _accept(redis, company_id: str, delivery: str, *ids: str, now: float | None = None) -> Intake:
    return coalescing.accept(redis, NS, company_id, delivery, ids, time.time() if now is None else now)


def _mark(pipe, company_id: str, sync_id: int) -> None:
    pipe.set(f"test:scheduled:{sync_id}", company_id)


def _listed(redis) -> dict[str, float]:
    return {key.decode(): score for key, score in redis.zrange(coalescing.unscheduled_key(NS), 0, -1, withscores=True)}


def _rows(services, company_id: str) -> list[int]:
    with transaction(services.session_factory) as session:
        return list(session.scalars(select(SyncRunRow.id).where(SyncRunRow.company_id == company_id)))


def test_the_first_delivery_makes_a_sync_due_later_ones_join_and_repeats_are_duplicates(fake_redis):
    """Invariant: one pending sync per company; every accepted delivery's ids are gathered for it."""
    first = _accept(fake_redis, "co_1", "d-1", "7", now=1000.0)
    joined = _accept(fake_redis, "co_1", "d-2", "8", "7", now=1001.0)
    repeat = _accept(fake_redis, "co_1", "d-1", "7", now=1002.0)

    assert (first, joined, repeat) == (Intake.SCHEDULED, Intake.JOINED, Intake.DUPLICATE)
    assert fake_redis.smembers(coalescing.ids_key(NS, "co_1")) == {b"7", b"8"}
    assert fake_redis.get(coalescing.pending_key(NS, "co_1")) == coalescing.NEW.encode()
    assert _listed(fake_redis) == {"co_1": 1000.0}


def test_deliveries_are_remembered_longer_than_a_week(fake_redis):
    _accept(fake_redis, "co_1", "d-1", "7")
    assert fake_redis.ttl(coalescing.seen_key(NS, "co_1", "d-1")) > WEEK


def test_companies_coalesce_separately(fake_redis):
    assert _accept(fake_redis, "co_1", "d-1", "7") is _accept(fake_redis, "co_2", "d-1", "7") is Intake.SCHEDULED
    assert set(_listed(fake_redis)) == {"co_1", "co_2"}


def test_a_delivery_naming_50000_employees_is_stored_whole(fake_redis):
    """Issue 12 item 3: a script cannot pass ~8,000 values to one command; every id must still be stored."""
    ids = [str(number) for number in range(1, 50_001)]

    assert coalescing.accept(fake_redis, NS, "co_1", "d-big", ids, 1000.0) is Intake.SCHEDULED
    assert coalescing.accept(fake_redis, NS, "co_1", "d-big", ids, 1001.0) is Intake.DUPLICATE

    assert fake_redis.scard(coalescing.ids_key(NS, "co_1")) == 50_000
    assert fake_redis.get(coalescing.pending_key(NS, "co_1")) == coalescing.NEW.encode()
    assert _listed(fake_redis) == {"co_1": 1000.0}
    assert fake_redis.keys(f"hrsync:{NS}:staged:*") == []  # nothing staged is left behind, not even by the repeat


@pytest.mark.parametrize("count", [3, 50_000], ids=["few ids", "many ids"])
def test_a_delivery_refused_half_way_is_not_a_duplicate_when_retried(fake_redis, count):
    """Redis does not roll a failing script back: `seen` must come after every write that can fail."""
    ids = [str(number) for number in range(1, count + 1)]
    fake_redis.set(coalescing.ids_key(NS, "co_1"), "not a set")  # storing the ids fails (WRONGTYPE)

    with pytest.raises(ResponseError):
        coalescing.accept(fake_redis, NS, "co_1", "d-1", ids, 1000.0)
    assert not fake_redis.exists(coalescing.seen_key(NS, "co_1", "d-1"))
    assert not fake_redis.exists(coalescing.pending_key(NS, "co_1")) and _listed(fake_redis) == {}

    fake_redis.delete(coalescing.ids_key(NS, "co_1"))
    assert coalescing.accept(fake_redis, NS, "co_1", "d-1", ids, 1001.0) is Intake.SCHEDULED  # the sender's retry
    assert fake_redis.scard(coalescing.ids_key(NS, "co_1")) == count


def test_scheduling_makes_the_row_the_pending_sync_once(fake_redis):
    """Invariant: of two processes scheduling the same due sync, exactly one job exists afterwards."""
    _accept(fake_redis, "co_1", "d-1", "7")

    assert coalescing.schedule(fake_redis, NS, [("co_1", 100)], _mark) == [True]
    assert coalescing.schedule(fake_redis, NS, [("co_1", 101)], _mark) == [False]

    assert fake_redis.get(coalescing.pending_key(NS, "co_1")) == b"100" and _listed(fake_redis) == {}
    assert fake_redis.exists("test:scheduled:100") and not fake_redis.exists("test:scheduled:101")
    assert _accept(fake_redis, "co_1", "d-2", "8") is Intake.JOINED  # joins sync 100


def test_several_companies_are_scheduled_at_once_each_at_most_once(fake_redis):
    for company_id in ("co_1", "co_2", "co_3"):
        _accept(fake_redis, company_id, "d-1", "7")
    coalescing.schedule(fake_redis, NS, [("co_2", 99)], _mark)  # another process was first for co_2

    assert coalescing.schedule(fake_redis, NS, [("co_1", 100), ("co_2", 101), ("co_3", 102)], _mark) == [True, False,
                                                                                                       True]
    assert [fake_redis.get(coalescing.pending_key(NS, c)) for c in ("co_1", "co_2", "co_3")] == [b"100", b"99", b"102"]
    assert not fake_redis.exists("test:scheduled:101") and _listed(fake_redis) == {}


def test_a_failure_while_recording_the_jobs_changes_nothing(fake_redis):
    _accept(fake_redis, "co_1", "d-1", "7")
    _accept(fake_redis, "co_2", "d-1", "7")

    def broken(pipe, company_id, sync_id):
        pipe.set(f"test:partial:{company_id}", "1")
        if company_id == "co_2":
            raise RedisConnectionError("connection reset")

    with pytest.raises(RedisConnectionError):
        coalescing.schedule(fake_redis, NS, [("co_1", 100), ("co_2", 101)], broken)

    assert fake_redis.keys("test:*") == [] and set(_listed(fake_redis)) == {"co_1", "co_2"}
    assert fake_redis.get(coalescing.pending_key(NS, "co_1")) == coalescing.NEW.encode()


def test_a_due_entry_is_leased_by_one_sweeper_for_a_grace_period(fake_redis):
    _accept(fake_redis, "co_old", "d-1", "7", now=1000.0)
    _accept(fake_redis, "co_young", "d-1", "7", now=1009.0)

    assert coalescing.due(fake_redis, NS, 1005.0, 10) == ["co_old"]
    assert coalescing.lease(fake_redis, NS, "co_old", 1005.0, 1010.0) is True
    assert coalescing.lease(fake_redis, NS, "co_old", 1005.0, 1010.0) is False  # the other sweeper
    assert coalescing.lease(fake_redis, NS, "co_young", 1005.0, 1010.0) is False
    assert coalescing.due(fake_redis, NS, 1005.0, 10) == []
    assert coalescing.due(fake_redis, NS, 1015.0, 10) == ["co_young", "co_old"]  # the lease ran out


def test_forgetting_clears_only_an_unscheduled_flag(fake_redis):
    _accept(fake_redis, "co_1", "d-1", "7")
    fake_redis.set(coalescing.pending_key(NS, "co_2"), "55")
    coalescing.forget(fake_redis, NS, "co_1")
    coalescing.forget(fake_redis, NS, "co_2")
    assert not fake_redis.exists(coalescing.pending_key(NS, "co_1")) and _listed(fake_redis) == {}
    assert fake_redis.get(coalescing.pending_key(NS, "co_2")) == b"55"


def test_accept_notice_with_redis_down_raises_and_records_nothing(fake_redis, redis_server):
    redis_server.connected = False
    with pytest.raises(QueueUnavailable):
        intake.accept_notice(fake_redis, NS, "co_1", _notice("1"))
    redis_server.connected = True
    assert fake_redis.keys("*") == []


def test_accept_notice_turns_a_notice_without_ids_into_an_incremental_request(fake_redis):
    """SPEC §5: an authentic event naming nobody is never dropped: the company's sync fetches incrementally."""
    assert intake.accept_notice(fake_redis, NS, "co_1", _notice()) is coalescing.Intake.SCHEDULED
    assert fake_redis.smembers(coalescing.ids_key(NS, "co_1")) == {WHOLE_COMPANY.encode()}


def test_scheduling_commits_the_row_then_schedules_its_job_after_the_debounce(services, fake_redis):
    """Invariant: the DB row is committed before its job exists; the job waits for the debounce."""
    company_id = make_company(services)
    intake.accept_notice(fake_redis, NS, company_id, _notice("1"))

    (sync_id,) = intake.schedule_companies(services, fake_redis, [(company_id, "bamboohr")], debounce=30)

    run = get_run(services, sync_id)
    assert run.status is SyncStatus.QUEUED and run.mode is SyncMode.TARGETED and run.provider == "bamboohr"
    registry = queueing.queue(fake_redis, NS).scheduled_job_registry
    assert registry.get_job_ids() == [queueing.sync_job_id(NS, sync_id)]
    assert registry.get_scheduled_time(queueing.sync_job_id(NS, sync_id)).timestamp() > time.time() + 20
    assert fake_redis.get(coalescing.pending_key(NS, company_id)) == str(sync_id).encode()


def test_scheduling_what_another_process_scheduled_leaves_no_row(services, fake_redis):
    company_id = make_company(services)
    intake.accept_notice(fake_redis, NS, company_id, _notice("1"))
    first = intake.schedule_companies(services, fake_redis, [(company_id, "bamboohr")], debounce=0)

    assert intake.schedule_companies(services, fake_redis, [(company_id, "bamboohr")], debounce=0) == []
    assert _rows(services, company_id) == first


def test_redis_failing_after_the_row_fails_it_and_keeps_the_company_listed(services, fake_redis, monkeypatch):
    """Invariant: nothing accepted is lost and no row waits as queued for a job that was never queued."""
    company_id = make_company(services)
    intake.accept_notice(fake_redis, NS, company_id, _notice("1"))

    def broken(*args, **kwargs):
        raise RedisConnectionError("connection reset by peer")

    monkeypatch.setattr(queueing, "schedule_sync", broken)
    with pytest.raises(RedisConnectionError):
        intake.schedule_companies(services, fake_redis, [(company_id, "bamboohr")], debounce=0)

    (sync_id,) = _rows(services, company_id)
    assert get_run(services, sync_id).status is SyncStatus.FAILED and set(_listed(fake_redis)) == {company_id}
    assert fake_redis.smembers(coalescing.ids_key(NS, company_id)) == {b"1"}


def test_a_sweep_schedules_orphans_only_and_drops_companies_without_integration(services, fake_redis):
    """Invariant: a sync whose accepting process died is scheduled by another after the grace period."""
    orphan = make_company(services, "personio", name="Orphan AG")
    young, gone = make_company(services, name="Young AG"), make_company(services, name="Gone AG")
    now = time.time()
    _accept(fake_redis, orphan, "d-1", "1", now=now - 60)
    _accept(fake_redis, young, "d-1", "1", now=now)
    _accept(fake_redis, gone, "d-1", "1", now=now - 60)
    with transaction(services.session_factory) as session:
        session.delete(session.scalars(select(IntegrationRow).where(IntegrationRow.company_id == gone)).one())

    (sync_id,) = intake.sweep(services, fake_redis, debounce=0, grace=5)

    assert _rows(services, orphan) == [sync_id]
    assert get_run(services, sync_id).provider == "personio"
    assert fake_redis.get(coalescing.pending_key(NS, orphan)) == str(sync_id).encode()
    assert set(_listed(fake_redis)) == {young} and _rows(services, young) == []
    assert not fake_redis.exists(coalescing.pending_key(NS, gone))


def test_a_claim_ends_the_pending_state_and_survives_until_released(fake_redis):
    _accept(fake_redis, "co_1", "d-1", "8", "7")
    coalescing.schedule(fake_redis, NS, [("co_1", 100)], _mark)

    assert coalescing.claim_ids(fake_redis, NS, "co_1", 100) == ["7", "8"]
    assert not fake_redis.exists(coalescing.pending_key(NS, "co_1"), coalescing.ids_key(NS, "co_1"))
    assert coalescing.claim_ids(fake_redis, NS, "co_1", 100) == ["7", "8"]  # a crash before release loses nothing
    coalescing.release_claim(fake_redis, NS, 100)
    assert coalescing.claim_ids(fake_redis, NS, "co_1", 100) == []


def test_a_claim_leaves_another_syncs_pending_flag(fake_redis):
    fake_redis.set(coalescing.pending_key(NS, "co_1"), "101")
    fake_redis.sadd(coalescing.ids_key(NS, "co_1"), "7")
    assert coalescing.claim_ids(fake_redis, NS, "co_1", 100) == ["7"]
    assert fake_redis.get(coalescing.pending_key(NS, "co_1")) == b"101"
