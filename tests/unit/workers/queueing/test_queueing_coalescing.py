"""Webhook coalescing in Redis: dedupe, one pending sync per company, all-or-nothing writes, claims."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from providers.base import ChangeNotice
from store.db import transaction
from store.enums import SyncStatus
from store.errors import NotFound
from store.repositories import sync_runs
from workers import coalescing, queueing
from workers.coalescing import Intake, LazyRun
from workers.enqueue import accept_notice
from workers.errors import QueueUnavailable

from pipeline_fakes import get_run, make_company

WEEK = 7 * 24 * 3600


def _notice(*ids: str, delivery: str = "d-1") -> ChangeNotice:
    return ChangeNotice(event="employee.updated", delivery_id=delivery, remote_ids=ids)


def _counter():
    made = []

    def create() -> int:
        made.append(100 + len(made))
        return made[-1]

    return made, create


def _no_schedule(pipe, sync_id):
    pipe.set(f"test:scheduled:{sync_id}", "1")


def test_first_delivery_schedules_later_ones_join_and_repeats_are_duplicates(fake_redis):
    made, create = _counter()
    first = coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"], LazyRun(create), _no_schedule)
    joined = coalescing.record_delivery(fake_redis, "co_1", "d-2", ["8", "7"], LazyRun(create), _no_schedule)
    repeat = coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"], LazyRun(create), _no_schedule)

    assert (first, joined, repeat) == ((Intake.SCHEDULED, 100), (Intake.JOINED, 100), (Intake.DUPLICATE, None))
    assert made == [100] and fake_redis.exists("test:scheduled:100")
    assert fake_redis.smembers(coalescing.ids_key("co_1")) == {b"7", b"8"}
    assert fake_redis.get(coalescing.pending_key("co_1")) == b"100"


def test_deliveries_are_remembered_longer_than_a_week(fake_redis):
    _, create = _counter()
    coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"], LazyRun(create), _no_schedule)
    assert fake_redis.ttl(coalescing.seen_key("co_1", "d-1")) > WEEK


def test_companies_coalesce_separately(fake_redis):
    _, create = _counter()
    one = coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"], LazyRun(create), _no_schedule)
    two = coalescing.record_delivery(fake_redis, "co_2", "d-1", ["7"], LazyRun(create), _no_schedule)
    assert one == (Intake.SCHEDULED, 100) and two == (Intake.SCHEDULED, 101)


def test_a_failure_while_scheduling_records_nothing(fake_redis):
    _, create = _counter()

    def broken(pipe, sync_id):
        pipe.set("test:partial", "1")
        raise RedisConnectionError("connection reset")

    with pytest.raises(RedisConnectionError):
        coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"], LazyRun(create), broken)

    assert fake_redis.keys("*") == []  # no dedupe key: the sender's retry is accepted afresh
    again = coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"], LazyRun(create), _no_schedule)
    assert again[0] is Intake.SCHEDULED


def test_a_concurrent_delivery_that_wins_the_race_is_joined(fake_redis):
    made = []

    def create_while_another_delivery_schedules() -> int:
        fake_redis.set(coalescing.pending_key("co_1"), "55")  # the other request committed first
        made.append(56)
        return 56

    outcome = coalescing.record_delivery(fake_redis, "co_1", "d-1", ["7"],
                                         LazyRun(create_while_another_delivery_schedules), _no_schedule)

    assert outcome == (Intake.JOINED, 55) and made == [56]
    assert not fake_redis.exists("test:scheduled:56")


def test_accept_notice_discards_the_row_it_did_not_need(services, fake_redis, monkeypatch):
    company_id = make_company(services)
    real_create = sync_runs.create_run

    def create_and_lose_the_race(session, *args, **kwargs):
        fake_redis.set(coalescing.pending_key(company_id), "999")
        return real_create(session, *args, **kwargs)

    monkeypatch.setattr(sync_runs, "create_run", create_and_lose_the_race)
    intake, sync_id = accept_notice(services, fake_redis, company_id, "bamboohr", _notice("1"), debounce=0)

    assert (intake, sync_id) == (Intake.JOINED, 999)
    with transaction(services.session_factory) as session:
        assert sync_runs.active_runs(session, company_id) == []
        with pytest.raises(NotFound):
            sync_runs.get_run(session, 1)


def test_accept_notice_with_redis_down_raises_and_queues_nothing(services, fake_redis, redis_server):
    company_id = make_company(services)
    redis_server.connected = False
    with pytest.raises(QueueUnavailable):
        accept_notice(services, fake_redis, company_id, "bamboohr", _notice("1"), debounce=0)
    with transaction(services.session_factory) as session:
        assert sync_runs.active_runs(session, company_id) == []


def test_accept_notice_ignores_a_notice_without_ids(services, fake_redis):
    company_id = make_company(services)
    assert accept_notice(services, fake_redis, company_id, "personio", _notice(), debounce=0) == (None, None)
    assert fake_redis.keys("*") == []


def test_accept_notice_schedules_the_job_after_the_debounce(services, fake_redis):
    company_id = make_company(services)
    _, sync_id = accept_notice(services, fake_redis, company_id, "bamboohr", _notice("1"), debounce=30)
    registry = queueing.queue(fake_redis).scheduled_job_registry
    assert registry.get_job_ids() == [queueing.sync_job_id(sync_id)]
    assert get_run(services, sync_id).status is SyncStatus.QUEUED


def test_a_claim_ends_the_pending_state_and_survives_until_released(fake_redis):
    _, create = _counter()
    coalescing.record_delivery(fake_redis, "co_1", "d-1", ["8", "7"], LazyRun(create), _no_schedule)

    assert coalescing.claim_ids(fake_redis, "co_1", 100) == ["7", "8"]
    assert not fake_redis.exists(coalescing.pending_key("co_1"), coalescing.ids_key("co_1"))
    assert coalescing.claim_ids(fake_redis, "co_1", 100) == ["7", "8"]  # a crash before release loses nothing
    coalescing.release_claim(fake_redis, 100)
    assert coalescing.claim_ids(fake_redis, "co_1", 100) == []


def test_a_claim_leaves_another_syncs_pending_flag(fake_redis):
    fake_redis.set(coalescing.pending_key("co_1"), "101")
    fake_redis.sadd(coalescing.ids_key("co_1"), "7")
    assert coalescing.claim_ids(fake_redis, "co_1", 100) == ["7"]
    assert fake_redis.get(coalescing.pending_key("co_1")) == b"101"
