"""What the demo runs in its own process: the web app on a free port, Redis (real or fake), a worker thread."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import fakeredis
import requests
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from rq.timeouts import TimerDeathPenalty
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from core import queueing
from core.bootstrap import Services
from core.settings import Settings
from services import syncs
from workers import install_runtime

WORKER_PAUSE = 0.2


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # the demo narrates; one access line per webhook would only get in the way


def demo_folder(base: Settings) -> Settings:
    """The demo's own folder under the instance path, its SQLite database there, and no e-mail; a namespace of its
    own too (derived from its database), so that a worker of another installation on the same Redis never takes
    the demo's jobs."""
    folder = base.instance_path / "demo"
    return dataclasses.replace(base, database_url=f"sqlite:///{(folder / 'hrsync.db').resolve()}",
                               instance_path=folder, smtp_url=None, namespace="")


def demo_redis(settings: Settings) -> tuple[Redis, bool]:
    """Redis at REDIS_URL when it answers, else an in-process fake; the flag says which (True: fake)."""
    real = Redis.from_url(settings.redis_url, socket_connect_timeout=0.5, socket_timeout=5)
    try:
        real.ping()
        return real, False
    except RedisError:
        real.close()
        return fakeredis.FakeRedis(server=fakeredis.FakeServer()), True


class AppServer:
    """The real hrsync Flask app, served by werkzeug on a free loopback port in a daemon thread."""

    def __init__(self, app, host: str = "127.0.0.1"):
        self._server: BaseWSGIServer = make_server(host, 0, app, threaded=True, request_handler=_Quiet)
        self.url = f"http://{host}:{self._server.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="hrsync-demo-web", daemon=True)

    def __enter__(self) -> "AppServer":
        self._thread.start()
        requests.get(f"{self.url}/healthz", timeout=5).raise_for_status()  # the socket listens already
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _ThreadWorker(SimpleWorker):
    """A worker that runs jobs in the calling thread: signals (handlers, SIGALRM timeouts) are the main
    thread's only, so timeouts use timer threads and Ctrl-C stays with the demo."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


class WorkerThread:
    """`hrsync worker` in a thread: bursts over both queues (the scheduler moves due jobs) until stopped."""

    def __init__(self, services: Services, redis: Redis):
        self._redis, self._namespace = redis, services.settings.namespace
        self._stop = threading.Event()
        self.errors: list[BaseException] = []
        install_runtime(services, redis)
        self._thread = threading.Thread(target=self._run, name="hrsync-demo-worker", daemon=True)

    def __enter__(self) -> "WorkerThread":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        queues = [queueing.queue(self._redis, self._namespace, name) for name in queueing.QUEUE_NAMES]
        while not self._stop.is_set():
            try:
                _ThreadWorker(queues, connection=self._redis, serializer=JSONSerializer).work(
                    burst=True, with_scheduler=True, logging_level="WARNING")
            except Exception as error:  # reported by the demo; the thread must not die silently
                self.errors.append(error)
                return
            self._stop.wait(WORKER_PAUSE)


def forget_demo_jobs(redis: Redis, services: Services) -> None:
    """Drop the jobs of the demo database's syncs from a real Redis: it outlives the demo database (wiped each
    run), where the next run's sync 1 would otherwise meet this run's job `sync-1`."""
    syncs.forget_jobs(services, redis)
