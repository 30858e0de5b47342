"""What jobs run with in a worker process: settings → services, Redis, link signer (built lazily, per process).

The worker command calls `configure(settings)`; RQ forks a work horse per job, and each process
builds its own engine and connections on first use (pools must not cross a fork). Tests install a
ready `JobRuntime` with `use()`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from redis import Redis

from core.bootstrap import Services, build_services
from core.links import LinkSigner
from core.settings import Settings


@dataclass
class JobRuntime:
    services: Services
    redis: Redis

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def link_signer(self) -> LinkSigner:
        settings = self.settings
        return LinkSigner.for_settings(settings)


_state: dict = {"settings": None, "runtime": None, "pid": None}


def configure(settings: Settings) -> None:
    """Settings for the jobs of this process and its forks (the worker command calls this once)."""
    _state.update(settings=settings, runtime=None, pid=None)


def use(runtime: JobRuntime) -> None:
    """Install a ready runtime (tests: in-memory database, fakeredis)."""
    _state.update(settings=runtime.settings, runtime=runtime, pid=os.getpid())


def current() -> JobRuntime:
    """This process's runtime, built on first use after a fork."""
    if _state["runtime"] is None or _state["pid"] != os.getpid():
        settings = _state["settings"] or Settings.from_env()
        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=10)
        _state.update(runtime=JobRuntime(build_services(settings), redis), pid=os.getpid())
    return _state["runtime"]
