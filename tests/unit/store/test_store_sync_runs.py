"""Sync runs: lifecycle transitions, progress, cursor."""

from __future__ import annotations

import pytest

from store.enums import SyncMode, SyncStatus
from store.errors import InvalidTransition, NotFound
from store.repositories import sync_runs


@pytest.fixture
def run(session, company_id):
    return sync_runs.create_run(session, company_id, "personio", "targeted", remote_ids=["9", "3", "9"])


def test_new_run_is_queued(run):
    assert run.status is SyncStatus.QUEUED and run.mode is SyncMode.TARGETED
    assert run.remote_ids == ("3", "9")
    assert (run.fetched, run.matched, run.total, run.counts) == (0, 0, None, {})


def test_happy_path(session, company_id, run):
    started = sync_runs.start_run(session, run.id)
    assert started.status is SyncStatus.RUNNING and started.started_at is not None
    sync_runs.record_progress(session, run.id, fetched=40, total=100)
    sync_runs.record_progress(session, run.id, fetched=100, matched=100)
    session.expire_all()
    progressed = sync_runs.get_run(session, run.id)
    assert (progressed.fetched, progressed.matched, progressed.total) == (100, 100, 100)
    done = sync_runs.succeed_run(session, run.id, {"create": 2}, cursor_after="c-1")
    assert done.status is SyncStatus.SUCCEEDED and done.counts == {"create": 2}
    assert done.finished_at >= done.started_at
    assert sync_runs.last_cursor(session, company_id) == "c-1"


def test_failed_run_keeps_its_reason_and_may_be_retried(session, run):
    sync_runs.start_run(session, run.id)
    sync_runs.record_progress(session, run.id, fetched=5)
    failed = sync_runs.fail_run(session, run.id, "Personio answered 503")
    assert failed.status is SyncStatus.FAILED and failed.error == "Personio answered 503"
    retried = sync_runs.start_run(session, run.id)
    assert retried.status is SyncStatus.RUNNING and retried.error is None and retried.fetched == 0


@pytest.mark.parametrize("path", [
    ("succeed",),
    ("start", "succeed", "start"),
    ("start", "succeed", "fail"),
    ("start", "succeed", "succeed"),
    ("fail", "succeed"),
], ids=["queued-to-succeeded", "restart-succeeded", "fail-succeeded", "succeed-twice", "failed-to-succeeded"])
def test_invalid_transitions(session, run, path):
    steps = {"start": lambda: sync_runs.start_run(session, run.id),
             "succeed": lambda: sync_runs.succeed_run(session, run.id, {}),
             "fail": lambda: sync_runs.fail_run(session, run.id, "x")}
    for step in path[:-1]:
        steps[step]()
    with pytest.raises(InvalidTransition):
        steps[path[-1]]()


def test_progress_is_ignored_unless_running(session, run):
    sync_runs.record_progress(session, run.id, fetched=7)
    session.expire_all()
    assert sync_runs.get_run(session, run.id).fetched == 0


def test_run_of_another_company_is_not_found(session, other_company_id, run):
    with pytest.raises(NotFound):
        sync_runs.get_run(session, run.id, company_id=other_company_id)
    with pytest.raises(NotFound):
        sync_runs.start_run(session, 999_999)


def test_active_runs_and_last_cursor(session, company_id, run):
    full = sync_runs.create_run(session, company_id, "personio", SyncMode.FULL)
    assert [r.id for r in sync_runs.active_runs(session, company_id)] == [run.id, full.id]
    assert sync_runs.last_cursor(session, company_id) is None
    for cursor in ("c-1", None):
        later = sync_runs.create_run(session, company_id, "personio", "incremental")
        sync_runs.start_run(session, later.id)
        sync_runs.succeed_run(session, later.id, {}, cursor_after=cursor)
    assert sync_runs.last_cursor(session, company_id) == "c-1"


def test_unknown_mode_is_refused(session, company_id):
    with pytest.raises(ValueError):
        sync_runs.create_run(session, company_id, "personio", "sometimes")
