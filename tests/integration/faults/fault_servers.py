"""Servers of the fault tests' own, free to stop, crash and restart: PostgreSQL, a durable Redis, `hrsync web`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import requests
from redis import Redis

from tests import secret_registry
from tests.integration.pipeline.pipeline_env import HRSYNC, REDIS_SERVER, free_port, wait_until


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    return versions[-1]


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder on a free port (trust auth, loopback only).

    The server refuses to run as root, so as root its commands run as the `postgres` user.
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hrsync-pg-"))
        self.data, self.port, self.bin = self.root / "data", free_port(), _pg_bin()

    def _run(self, tool: str, *args: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, str(self.bin / tool), *args], check=True, capture_output=True, timeout=60)

    def init(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        return self

    def start(self) -> "PrivatePostgres":
        """Start and wait until it accepts connections (`pg_ctl -w` polls for us)."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session (open transactions roll back); `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)


class DurableRedis:
    """A redis-server of the test's own whose data outlives a restart: AOF, fsync on every write.

    This is how production must run Redis: a 202 promises the event is durably queued.
    """

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "DurableRedis":
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            wait_until(lambda: _loaded(client), 15, "private redis up with its data loaded")
        except BaseException:
            self.stop()
            raise
        finally:
            client.close()
        return self

    def stop(self) -> None:
        """SIGTERM: Redis finishes the AOF and exits; wait for it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)


def _loaded(client: Redis) -> bool:
    try:
        return client.info("persistence").get("loading") == 0
    except Exception:  # not up yet, or still loading the AOF
        return False


class HrsyncWeb:
    """`hrsync web` (gunicorn with one worker process, unless `args` say otherwise) on a free port, as production
    serves the app; its output (gunicorn's access log included) goes to the suite's secret scan."""

    def __init__(self, settings, log_path: Path, args: tuple[str, ...] = ("--workers", "1")) -> None:
        self.settings, self.log_path, self.port, self.args = settings, log_path, free_port(), args
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "HrsyncWeb":
        env = {**self.settings.to_env(), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [HRSYNC, "web", "--bind", f"127.0.0.1:{self.port}", *self.args], env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        secret_registry.capture_file(self.log_path)
        try:
            wait_until(lambda: self._ready() or self.process.poll() is not None, 60, "hrsync web up")
            assert self.process.poll() is None, self.log()
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        try:  # a loaded machine may take seconds over the first request (the app is imported lazily)
            return requests.get(f"{self.url}/healthz", timeout=5).ok and bool(self.worker_pids())
        except requests.RequestException:
            return False

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master) that serve requests."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

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
