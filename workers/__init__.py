"""The worker entrypoint: RQ job functions (`workers.jobs`, found by dotted path), the job runtime and the worker
process. Its public API, for the CLI and the demo: `run_worker` (`hrsync worker`) and `install_runtime` (jobs run
in this process, e.g. by the demo's worker thread)."""

from __future__ import annotations

from redis import Redis

from core.bootstrap import Services

__all__ = ["install_runtime", "run_worker"]


def run_worker(settings, **options) -> None:
    """`hrsync worker`: see workers.process.run_worker."""
    from workers.process import run_worker as run

    run(settings, **options)


def install_runtime(services: Services, redis: Redis) -> None:
    """Jobs run in this process use these services and this Redis (a worker thread beside the app, tests)."""
    from workers import runtime

    runtime.use(runtime.JobRuntime(services, redis))
