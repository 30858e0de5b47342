"""The RQ worker hrsync runs: RQ's forking worker, made to ride out a Redis outage while a job runs."""

from __future__ import annotations

import threading

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker
from rq.exceptions import InvalidJobOperation
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.queue import Queue
from rq.serializers import JSONSerializer
from rq.utils import now

from core.queueing import QUEUE_NAMES, queue

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# Seconds between pings while Redis is away: quick to notice its return, doubling up to a cap.
FIRST_PING, LAST_PING = 0.5, 15.0


class SyncWorker(Worker):
    """While its work horse runs a job, RQ's worker writes heartbeats to Redis and afterwards reads what
    became of the job; a Redis outage at either moment makes it quit, leaving the job "started" and its
    company's slot taken until the heartbeat expires. This one waits for Redis instead, then goes on
    watching the horse, or settles a job whose horse ended meanwhile as a killed one (retried by RQ)."""

    def monitor_work_horse(self, job: Job, queue: Queue, execution: Execution) -> None:
        while True:
            try:
                return super().monitor_work_horse(job, queue, execution)
            except REDIS_DOWN as error:
                self.log.warning("Worker %s: Redis went away while job %s ran (%s); waiting for it",
                                 self.name, job.id, error)
                self.await_redis(error)
                if not self._horse_pid:  # the horse ended (and was reaped) while Redis was away
                    return self._settle(job, queue, execution)
                self._renew(job, execution)

    def await_redis(self, error: Exception) -> None:
        """Block until Redis answers again; a stop request while waiting gives up (re-raising `error`)."""
        pause, interval = threading.Event(), FIRST_PING
        while True:
            try:
                self.connection.ping()
                return
            except REDIS_DOWN:
                if self._stop_requested:
                    raise error from None
                pause.wait(interval)
                interval = min(interval * 2, LAST_PING)

    def _renew(self, job: Job, execution: Execution) -> None:
        """The horse still works: renew its heartbeat now, before another worker takes the job for dead."""
        try:
            self.maintain_heartbeats(job, execution)
        except REDIS_DOWN:
            pass  # gone again: monitoring runs into it and waits once more

    def _settle(self, job: Job, queue: Queue, execution: Execution) -> None:
        """What RQ does for a horse that died without recording its job: the failure path and its retries."""
        try:
            status = job.get_status(refresh=True)
        except InvalidJobOperation:
            return  # the job finished and its result already expired
        if status in (JobStatus.FINISHED, JobStatus.FAILED):
            return
        job.ended_at = now()
        reason = "Work-horse ended while Redis was unreachable; its outcome was not recorded"
        self.log.warning("Worker %s: job %s failed (%s)", self.name, job.id, reason)
        self.handle_work_horse_killed(job, None, None, None)
        self.handle_job_failure(job, queue=queue, exc_string=reason, execution=execution)


def make_worker(redis: Redis, namespace: str, *, maintenance_interval: int = 60, name: str | None = None,
                work_horse_killed_handler=None) -> SyncWorker:
    """A worker on the installation's two queues; maintenance every interval: retrying jobs of dead workers,
    freeing their per-company slots, taking over the scheduler when its worker is gone."""
    queues = [queue(redis, namespace, queue_name) for queue_name in QUEUE_NAMES]
    # An idle worker blocks in BLPOP for worker_ttl - 15 s and runs maintenance only in between.
    return SyncWorker(queues, connection=redis, serializer=JSONSerializer, name=name,
                      maintenance_interval=maintenance_interval, worker_ttl=maintenance_interval + 15,
                      work_horse_killed_handler=work_horse_killed_handler)
