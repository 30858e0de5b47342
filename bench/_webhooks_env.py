"""Processes for bench/webhooks.py: a private redis-server, a scratch database, gunicorn, `hrsync worker`s, wrk.

Besides wall-clock figures it reads CPU time (gunicorn's processes from /proc, Redis from INFO, wrk from
rusage): on a shared machine the CPU spent per request is the figure other load disturbs least.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import requests
from redis import Redis
from rq import Worker
from rq.scheduler import RQScheduler

from core import queueing
from core.settings import Settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not _safe(check):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {timeout} s")
        time.sleep(0.05)


def _safe(check) -> bool:
    try:
        return bool(check())
    except Exception:  # not up yet
        return False


@contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: Redis(port=port).ping(), 10, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def child_env(settings: Settings) -> dict[str, str]:
    return {**settings.to_env(), "PATH": f"{BIN}:/usr/bin:/bin"}


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the gunicorn master and its workers."""
        return sum(_process_cpu(pid) for pid in (self.pid, *_children(self.pid)))


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue  # the process ended meanwhile
    return found


def _stat_fields(pid: int) -> list[str]:
    # Fields after the command name (which may hold spaces): state, ppid, … utime is 11, stime 12.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _process_cpu(pid: int) -> float:
    try:
        fields = _stat_fields(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu_seconds(redis_url: str) -> float:
    info = Redis.from_url(redis_url).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


@contextmanager
def gunicorn(app: str, settings: Settings, workers: int = 2) -> Iterator[Server]:
    """`app` served like `hrsync web`: gunicorn sync workers on loopback (no access log for either app)."""
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                "--log-level", "warning", app], env=child_env(settings),
                               cwd=Path(__file__).resolve().parent.parent)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.post(f"{url}/webhooks/bamboohr/warmup", timeout=1).status_code < 500, 30, app)
        wait_for(lambda: len(_children(process.pid)) >= workers, 30, f"{app} workers")
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def workers(settings: Settings, count: int, logdir: Path) -> Iterator[None]:
    """`count` `hrsync worker`s, yielded once all are registered and one holds the scheduler lock."""
    processes = []
    for number in range(count):
        log = open(logdir / f"worker{number}.log", "wb")
        processes.append((subprocess.Popen([str(BIN / "hrsync"), "worker", "--maintenance-interval", "5"],
                                           env=child_env(settings), stdout=log, stderr=subprocess.STDOUT), log))
    try:
        connection = Redis.from_url(settings.redis_url)
        wait_for(lambda: len(Worker.all(connection=connection)) >= count, 60, "hrsync workers")
        sync_queue = queueing.queue(connection, settings.namespace).name
        wait_for(lambda: connection.exists(RQScheduler.get_locking_key(sync_queue)), 60, "RQ scheduler")
        yield
    finally:
        for process, log in processes:
            process.terminate()
        for process, log in processes:
            process.wait(timeout=30)
            log.close()


def wrk(url: str, requests_file: Path, seconds: float, connections: int, threads: int = 1) -> dict:
    """One wrk run; its own CPU time is in the result (`wrk_cpu_s`), to show it did not starve the server."""
    script = Path(__file__).resolve().parent / "_webhooks.lua"
    env = {**os.environ, "HRSYNC_BENCH_REQUESTS": str(requests_file), "HRSYNC_BENCH_THREADS": str(threads)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([shutil.which("wrk") or "wrk", "-t", str(threads), "-c", str(connections),
                           "-d", f"{seconds}s", "--latency", "-s", str(script), url],
                          env=env, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wrk_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result
