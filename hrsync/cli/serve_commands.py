"""`hrsync web` and `hrsync worker`: the two long-running processes of the Procfile."""

from __future__ import annotations

import click

from hrsync.cli.errors import user_errors

QUEUES = ("sync", "default")


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
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
@click.pass_obj
@user_errors
def worker(app, burst: bool) -> None:
    """Run an RQ worker (with the scheduler) on the `sync` and `default` queues.

    Example: hrsync worker            # several may run on several machines
    """
    from redis import Redis
    from rq import Queue, Worker
    from rq.serializers import JSONSerializer

    connection = Redis.from_url(app.settings.redis_url)
    queues = [Queue(name, connection=connection, serializer=JSONSerializer) for name in QUEUES]
    Worker(queues, connection=connection, serializer=JSONSerializer).work(
        burst=burst, with_scheduler=True)
