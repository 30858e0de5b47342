"""The installation's state as Prometheus gauges, read at scrape time: queues and workers from Redis, pending change
sets and integrations needing attention from the database (core.metrics counts what happens; this reads what is)."""

from __future__ import annotations

import datetime as dt
import logging

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer

from core import queueing

log = logging.getLogger(__name__)

# A pending change set older than each of these (in days) is counted (hrsync_pending_changesets_older_than).
PENDING_AGE_DAYS = (1, 3, 7)


class InstallationCollector(Collector):
    """Gauges read at scrape time: queue depth and oldest job age per queue, workers alive (Redis); pending change
    sets and their age, integrations needing attention (the database, through `read_database`: a callable giving
    (integrations needing attention, when each pending change set was made)). A source that cannot be read leaves
    its gauges out (the alerts read an absent series as such) and says so in hrsync_state_readable."""

    NAMES = ("hrsync_queue_depth", "hrsync_queue_oldest_job_age_seconds", "hrsync_workers_alive",
             "hrsync_integrations_needing_attention", "hrsync_pending_changesets",
             "hrsync_pending_changeset_oldest_age_seconds", "hrsync_pending_changesets_older_than",
             "hrsync_state_readable")

    def __init__(self, redis: Redis, namespace: str, read_database) -> None:
        self._redis, self._namespace, self._read_database = redis, namespace, read_database

    def describe(self):
        # Registering reads only the names: no Redis or database round trip until a scrape.
        return [GaugeMetricFamily(name, "") for name in self.NAMES]

    def collect(self):
        readable = GaugeMetricFamily("hrsync_state_readable", "Whether the scrape could read each source of the "
                                     "state gauges (redis, database)", labels=["source"])
        families = self._queues(readable) + self._database(readable)
        return [*families, readable]

    def _queues(self, readable: GaugeMetricFamily) -> list:
        depth = GaugeMetricFamily("hrsync_queue_depth", "Jobs waiting in each queue", labels=["queue"])
        oldest = GaugeMetricFamily("hrsync_queue_oldest_job_age_seconds", "Age of the oldest job waiting in each "
                                   "queue (0 when empty)", labels=["queue"])
        try:
            for name in queueing.QUEUE_NAMES:
                count, age = queue_state(self._redis, self._namespace, name)
                depth.add_metric([name], count)
                oldest.add_metric([name], age)
            alive = queueing.workers_running(self._redis, self._namespace)
        except Exception as error:  # Redis away
            log.warning("metrics: Redis not readable (%s)", type(error).__name__)
            readable.add_metric(["redis"], 0)
            return []
        readable.add_metric(["redis"], 1)
        workers = GaugeMetricFamily("hrsync_workers_alive", "Workers of this installation registered in Redis",
                                    value=alive)
        return [depth, oldest, workers]

    def _database(self, readable: GaugeMetricFamily) -> list:
        try:
            attention, pending = self._read_database()
        except Exception as error:  # the database away
            log.warning("metrics: database not readable (%s)", type(error).__name__)
            readable.add_metric(["database"], 0)
            return []
        readable.add_metric(["database"], 1)
        now = dt.datetime.now(dt.timezone.utc)
        ages = [(now - since).total_seconds() for since in pending]
        older = GaugeMetricFamily("hrsync_pending_changesets_older_than", "Change sets waiting for approval longer "
                                  "than the given number of days", labels=["days"])
        for days in PENDING_AGE_DAYS:
            older.add_metric([str(days)], sum(1 for age in ages if age > days * 86400))
        return [
            GaugeMetricFamily("hrsync_integrations_needing_attention", "HR integrations whose last sync failed or "
                              "whose credentials were saved unchecked", value=attention),
            GaugeMetricFamily("hrsync_pending_changesets", "Change sets waiting for approval", value=len(ages)),
            GaugeMetricFamily("hrsync_pending_changeset_oldest_age_seconds", "Age of the oldest change set waiting "
                              "for approval (0 when none)", value=max(ages, default=0.0)),
            older,
        ]


def queue_state(redis: Redis, namespace: str, name: str) -> tuple[int, float]:
    """(jobs waiting, age in seconds of the oldest) of one of the installation's queues."""
    queue = queueing.queue(redis, namespace, name)
    count = queue.count
    if not count:
        return 0, 0.0
    for job_id in queue.get_job_ids(0, 5):  # the first may have been taken meanwhile
        try:
            enqueued = Job.fetch(job_id, connection=redis, serializer=JSONSerializer).enqueued_at
        except Exception:  # gone since: the next one is the oldest
            continue
        if enqueued is not None:
            if enqueued.tzinfo is None:
                enqueued = enqueued.replace(tzinfo=dt.timezone.utc)
            return count, max(0.0, (dt.datetime.now(dt.timezone.utc) - enqueued).total_seconds())
    return count, 0.0
