"""`hrsync web` and `hrsync worker`: the two long-running processes of the Procfile."""

from __future__ import annotations

import click

from hrsync.cli.errors import UserError, user_errors


@click.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Address to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@click.pass_obj
@user_errors
def web(app, bind: str, workers: int) -> None:
    """Serve the hrsync web app with gunicorn.

    Example: hrsync web --bind 0.0.0.0:8000 --workers 4
    """
    from gunicorn.app.base import BaseApplication

    from webhook_app import create_app

    settings = app.settings

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return create_app(settings)

    _Server().run()


@click.command()
@click.option("--burst", is_flag=True, help="Run the queued jobs (and those due), then exit.")
@click.option("--maintenance-interval", default=60, show_default=True, type=click.IntRange(1, 3600),
              help="Seconds between housekeeping runs: retrying jobs of workers that died, freeing their "
                   "per-company slots.")
@click.option("--name", default=None, help="Worker name shown by `rq info` (default: generated).")
@click.pass_obj
@user_errors
def worker(app, burst: bool, maintenance_interval: int, name: str | None) -> None:
    """Run an RQ worker (with the scheduler) on this installation's `sync` and `default` queues.

    It runs only the jobs of its own installation (HRSYNC_NAMESPACE, by default derived from DATABASE_URL).

    Example: hrsync worker            # several may run on several machines
    """
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    from workers import jobs, legacy, queueing, runtime
    from workers.bootstrap import build_services

    settings = app.settings
    runtime.configure(settings)
    jobs.preload()
    connection = Redis.from_url(settings.redis_url)
    try:
        connection.ping()
    except RedisConnectionError:
        raise UserError("cannot reach Redis (check REDIS_URL)") from None
    services = build_services(settings)  # its own: pooled connections must not reach the forked work horses
    try:
        legacy.adopt(services, connection)  # jobs queued before this installation had a namespace
    finally:
        services.dispose()
    worker_ = queueing.make_worker(connection, settings.namespace, maintenance_interval=maintenance_interval,
                                   name=name, work_horse_killed_handler=jobs.on_work_horse_killed)
    worker_.work(burst=burst, with_scheduler=True)
