"""A sync that committed its change set but lost Redis before queueing the approvers' e-mail, then retried.

The job runs in this process against the real database and Redis (db 4); the first attempt talks to a Redis
that is not there, as a worker does when Redis goes away between the commit and the notification.
"""

from __future__ import annotations

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.job import Job

from store.enums import SyncStatus
from core import queueing
from workers import runtime
from services.syncs import request_sync
from workers.jobs import run_sync

from faults_support import crew
from tests.integration.pipeline.pipeline_env import free_port
from tests.integration.pipeline.pipeline_support import add_company, runs_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def use_runtime(monkeypatch, services):
    monkeypatch.setattr(runtime, "_state", dict(runtime._state))  # restored afterwards
    return lambda redis: runtime.use(runtime.JobRuntime(services, redis))


def test_a_retry_after_the_commit_queues_the_notification_the_first_attempt_lost(services, sandbox, redis,
                                                                                   use_runtime):
    """Invariant: nothing accepted is lost, the approvers' e-mail included; and nothing is sent twice."""
    company = add_company(services, sandbox, people=crew(3))
    sync_id = request_sync(services, redis, company.id)
    gone = Redis(port=free_port(), socket_connect_timeout=0.5)

    use_runtime(gone)
    with pytest.raises(RedisConnectionError):
        run_sync(sync_id)
    (run,) = runs_of(services, company.id)
    assert run.status is SyncStatus.SUCCEEDED and run.changeset_id is not None
    notify_id = queueing.notify_job_id(services.settings.namespace, sync_id)
    assert not Job.exists(notify_id, connection=redis)

    use_runtime(redis)
    first, second = run_sync(sync_id), run_sync(sync_id)  # RQ's retry, and one more for good measure

    assert first == second == {"sync_id": sync_id, "changeset_id": run.changeset_id, "counts": {}}
    assert queueing.queue(redis, services.settings.namespace, queueing.DEFAULT_QUEUE).job_ids == [notify_id]
    notice = Job.fetch(notify_id, connection=redis, serializer=queueing.JSONSerializer)
    assert notice.args == [run.changeset_id, sync_id]
