"""Real processes for the pipeline tests: the web app on a free port, `hrsync worker` subprocesses, a private Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import requests
from redis import Redis
from rq import Worker
from werkzeug.serving import make_server

from sandbox.server import QuietHandler
from tests import secret_registry
from webhook_app import create_app

HRSYNC = str(Path(sys.executable).with_name("hrsync"))
REDIS_SERVER = "/usr/bin/redis-server"


class Deadline(AssertionError):
    """A condition did not come true in time."""


def wait_until(condition: Callable[[], object], timeout: float = 30.0, what: str = "condition") -> object:
    """Poll `condition` until it returns something truthy (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Deadline(f"{what} not reached within {timeout} s")
        pause.wait(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    """The Flask app in a threaded WSGI server on loopback, as `hrsync web` would serve it."""

    def __init__(self, settings, services=None):
        self.app = create_app(settings, services=services)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def __enter__(self) -> "WebServer":
        self._thread.start()
        wait_until(lambda: _answers(f"{self.url}/healthz"), 10, "web app up")
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:  # refused, or too slow on a loaded machine: not up yet
        return False


class WorkerProcess:
    """`hrsync worker` as a subprocess with the test's settings; stopped (or killed) by the test."""

    def __init__(self, settings, name: str, log_dir: Path, *, burst: bool = False):
        self.name, self.settings, self.burst = name, settings, burst
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        env = {**self.settings.to_env(), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        command = [HRSYNC, "worker", "--name", self.name, "--maintenance-interval", "1"]
        if self.burst:
            command.append("--burst")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        secret_registry.capture_file(self.log_path)  # the leak scan reads the worker's output at the end
        if not self.burst:
            redis = Redis.from_url(self.settings.redis_url)
            wait_until(lambda: self._registered(redis) or self.process.poll() is not None, 20,
                       f"worker {self.name} registered")
            assert self.process.poll() is None, self.log()
        return self

    def _registered(self, redis: Redis) -> bool:
        return any(worker.name == self.name for worker in Worker.all(connection=redis))

    def wait(self, timeout: float = 30) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class PrivateRedis:
    """A redis-server of the test's own on a free port, so that stopping it harms nobody else."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.log_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), 10, "private redis up")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # not up yet
        return False
