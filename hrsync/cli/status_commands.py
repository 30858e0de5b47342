"""`hrsync status`: is the installation working, and does anything need a person? For cron and probes too."""

from __future__ import annotations

import json

import click
from redis import Redis

from core.bootstrap import build_services
from hrsync.cli.errors import user_errors
from services import operations


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--max-queue-age", default=operations.QUEUE_AGE_LIMIT, show_default=True, type=click.IntRange(1),
              help="Seconds a queue's oldest job may wait before the queue counts as not worked.")
@click.option("--max-pending-age", default=operations.PENDING_AGE_LIMIT, show_default=True, type=click.IntRange(1),
              help="Seconds a change set may wait for approval before it needs a person.")
@click.pass_obj
@user_errors
def status(app, as_json: bool, max_queue_age: int, max_pending_age: int) -> None:
    """Workers, queues, each company's last sync, integrations needing attention and pending change sets.

    Exit status: 0 healthy; 3 something needs a person (an integration needing attention, a failed last sync, a
    change set waiting too long); 4 the queues are not worked (no worker, or a job waiting too long); 5 Redis or
    the database cannot be read. The highest applies; 1 is an error of the command itself.

    Example: hrsync status --json     # from cron or a probe: non-zero when something needs a person
    """
    settings = app.settings
    services = build_services(settings)  # an unreachable or unmigrated database is a finding (5), not an error
    redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        found = operations.status(services, redis, queue_age_limit=max_queue_age,
                                  pending_age_limit=max_pending_age)
    finally:
        services.dispose()
        redis.close()
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2))
    else:
        for line in render(found):
            click.echo(line)
    raise SystemExit(found.code)


def render(found: operations.Status) -> list[str]:
    workers = "unknown" if found.workers is None else str(found.workers)
    lines = [f"hrsync status at {found.checked_at:%Y-%m-%d %H:%M:%S} UTC: "
             f"{'healthy' if found.code == operations.HEALTHY else 'NEEDS ATTENTION'} (exit {found.code})",
             f"workers alive: {workers}"]
    lines += [f"queue {q.name}: {q.depth} waiting, oldest {q.oldest_age:.0f} s" for q in found.queues]
    for company in found.companies:
        last = (f"sync {company.last_sync_id} {company.last_sync_status} ({company.last_sync_mode}, "
                f"{company.last_sync_at:%Y-%m-%d %H:%M})" if company.last_sync_id else "never synced")
        pending = (f"; change set {company.pending_changeset_id} pending since {company.pending_since:%Y-%m-%d %H:%M}"
                   if company.pending_changeset_id else "")
        lines.append(f"{company.name} ({company.provider}, {company.integration_status}): {last}{pending}")
    lines += [f"! {problem}" for problem in found.problems]
    return lines
