"""`hrsync web` and `hrsync worker`: the two long-running processes of the Procfile."""

from __future__ import annotations

import logging

import click

from hrsync.cli.errors import user_errors


@click.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Address to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per worker process: requests served at once by each.")
@click.option("--read-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a client may stall while sending a request (or reading 64 KiB of the answer) before "
                   "its connection is closed.")
@click.pass_obj
@user_errors
def web(app, bind: str, workers: int, threads: int, read_timeout: float) -> None:
    """Serve the hrsync web app with gunicorn (threaded workers; put a buffering proxy in front: README).

    Example: hrsync web --bind 0.0.0.0:8000 --workers 4
    """
    from webhook_app import serve

    serve(app.settings, bind=bind, workers=workers, threads=threads, read_timeout=read_timeout,
          before_serving=app.log_progress)


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

    It checks the database first, then says which database, Redis, queues and HR systems it works with.

    Example: hrsync worker            # several may run on several machines
    """
    from hrsync.cli.admin_support import require_schema
    from workers import run_worker

    settings = app.settings
    require_schema(settings.database_url)
    echo = click.echo
    if settings.log_format == "json":
        # The banner goes with the log lines, one JSON object each, so that the output is all JSON.
        app.log_progress()
        echo = logging.getLogger("workers.banner").info
    run_worker(settings, burst=burst, maintenance_interval=maintenance_interval, name=name, echo=echo,
               before_work=app.log_progress)
