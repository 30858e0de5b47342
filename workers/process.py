"""The `hrsync worker` process: its job runtime, the adoption of what an older version queued, the banner and the
RQ worker on this installation's queues."""

from __future__ import annotations

from typing import Callable

from redis import Redis

from core import metrics
from core.bootstrap import build_services
from core.settings import Settings
from services import legacy
from workers import jobs, runtime
from workers.banner import banner
from workers.worker import make_worker


def run_worker(settings: Settings, *, burst: bool = False, maintenance_interval: int = 60, name: str | None = None,
               echo: Callable[[str], None] = print, before_work: Callable[[], None] | None = None) -> None:
    """Work this installation's queues (with the scheduler) until stopped, or until they are empty (`burst`).

    An unreachable Redis is refused at once (the redis-py error, which core.errors.classify reads)."""
    runtime.configure(settings)
    # The work horses it forks (one at a time) count into the web's directory, in one file between them.
    metrics.use_directory(settings.metrics_dir, children_in_turn=True)
    jobs.preload()
    connection = Redis.from_url(settings.redis_url)
    connection.ping()
    services = build_services(settings)  # its own: pooled connections must not reach the forked work horses
    try:
        legacy.adopt(services, connection)  # jobs queued before this installation had a namespace
    finally:
        services.dispose()
    worker = make_worker(connection, settings.namespace, maintenance_interval=maintenance_interval, name=name,
                         work_horse_killed_handler=jobs.on_work_horse_killed)
    for line in banner(settings, worker.name, connection.connection_pool.connection_kwargs, worker.queue_names()):
        echo(line)
    if before_work is not None:
        before_work()
    worker.work(burst=burst, with_scheduler=True)
