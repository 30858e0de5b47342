"""`hrsync web` under gunicorn: threaded workers with a read timeout and the redacting access log, on an
address checked first (gunicorn itself retries a busy port for five seconds, logging each try, then gives up)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Callable

from gunicorn import util
from gunicorn.app.base import BaseApplication

from core import logs, metrics
from core.errors import HrsyncError

from webhook_app.serving.access_log import ACCESS_LOG_FORMAT, RedactingLogger, json_logger_class
from webhook_app.serving.threads import worker_class


class CannotListen(HrsyncError):
    """The address is malformed, taken or not allowed; the message says which."""

    code = "cannot_listen"


def check_bind(bind: str) -> None:
    """Bind and release a TCP address as gunicorn will (SO_REUSEADDR); a UNIX socket path is gunicorn's to check."""
    try:
        address = util.parse_address(bind)
    except RuntimeError:
        raise CannotListen(f"{bind!r} is not an address to listen on (HOST:PORT or unix:PATH)") from None
    if not isinstance(address, tuple):
        return
    host, port = address
    family = socket.AF_INET6 if util.is_ipv6(host) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = error.strerror or str(error)
            hint = " (is another hrsync web running?)" if error.errno == errno.EADDRINUSE else ""
            raise CannotListen(f"cannot listen on {bind}: {reason.lower()}{hint}") from None


def gunicorn_options(bind: str, workers: int, threads: int, read_timeout: float,
                     metrics_dir: Path | None = None, log_format: str = "text") -> dict:
    def child_exit(_server, worker) -> None:
        # prometheus-client's multiprocess mode: a dead worker's live gauges stop counting (its counters stay).
        metrics.process_ended(worker.pid, metrics_dir)

    return {
        "bind": bind, "workers": workers, "threads": threads, "worker_class": worker_class(read_timeout),
        "logger_class": json_logger_class() if log_format == logs.JSON else RedactingLogger,
        "accesslog": "-", "access_log_format": ACCESS_LOG_FORMAT,
        # No `gunicornc` control socket: every hrsync web on a machine would share its one default path.
        "control_socket_disable": True, "child_exit": child_exit,
    }


class WebServer(BaseApplication):
    """gunicorn with the given settings; each worker process builds its own app with `load_app`."""

    def __init__(self, load_app: Callable[[], object], options: dict) -> None:
        self._load_app, self._options = load_app, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self):
        return self._load_app()


def serve(load_app: Callable[[], object], *, bind: str, workers: int, threads: int, read_timeout: float,
          before_serving: Callable[[], None] | None = None, metrics_dir: Path | None = None,
          log_format: str = "text") -> None:
    """Serve until stopped: the address checked first (CannotListen), then gunicorn's workers, each building its
    app with `load_app`."""
    check_bind(bind)
    if before_serving is not None:
        before_serving()
    WebServer(load_app, gunicorn_options(bind, workers, threads, read_timeout, metrics_dir, log_format)).run()
