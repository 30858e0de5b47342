"""`hrsync demo --serve`: the last demo's database on the web, so that its pending change set can be approved."""

from __future__ import annotations

import shlex
import signal
import sys
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from werkzeug.serving import make_server

from core.bootstrap import Services, build_services
from core.links import LinkSigner
from core.settings import Settings
from hrsync.demo.companies import DEMO_PASSWORD, DemoFailed
from hrsync.demo.infra import demo_redis, forget_demo_jobs
from services import changesets
from webhook_app import create_app

DEFAULT_PUBLIC_BASE_URL = "http://localhost:8000"


def serve_command(instance_path: Path, public_base_url: str) -> str:
    """The closing instruction, runnable as printed from any directory, without an activated virtualenv."""
    env = f"HRSYNC_INSTANCE_PATH={shlex.quote(str(instance_path.resolve()))}"
    if public_base_url != DEFAULT_PUBLIC_BASE_URL:
        env += f" PUBLIC_BASE_URL={shlex.quote(public_base_url)}"
    return f"{env} {shlex.quote(hrsync_executable())} demo --serve"


def hrsync_executable() -> str:
    """The hrsync running now, by absolute path (`.venv/bin/hrsync` after `make demo`)."""
    script = Path(sys.argv[0])
    if script.name == "hrsync" and script.is_file():
        return str(script.absolute())
    beside = Path(sys.executable).with_name("hrsync")  # not resolved: a venv's python is a symlink
    return str(beside) if beside.is_file() else "hrsync"


def serve_demo(settings: Settings, echo: Callable[[str], None]) -> None:
    """Serve the demo's database at PUBLIC_BASE_URL's port on loopback until Ctrl-C.

    The same Redis as the demo: REDIS_URL when it answers, else an in-process fake (approving counts
    wrong passwords there), so that the approve page works whichever the demo had.
    """
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    if not database.is_file():
        raise DemoFailed(f"no demo database at {database}: run `hrsync demo` first")
    address = urlsplit(settings.public_base_url)
    port = address.port or (443 if address.scheme == "https" else 80)
    services = build_services(settings)
    redis, fake = demo_redis(settings)
    try:
        server = make_server("127.0.0.1", port, create_app(settings, redis=redis, services=services), threaded=True)
    except OSError as error:
        services.dispose()
        raise DemoFailed(f"cannot serve on port {port} ({error.strerror}): stop what uses it, or run the demo "
                         "again with PUBLIC_BASE_URL=http://localhost:<another port>") from None
    previous = signal.signal(signal.SIGTERM, _stop)  # `kill` stops it as cleanly as Ctrl-C
    try:
        echo(f"serving the demo database at {settings.public_base_url} until Ctrl-C")
        echo("queue: an in-process fake Redis (development only)" if fake else f"queue: Redis at {settings.redis_url}")
        for line in _pending_links(services, settings):
            echo(line)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        if not fake:
            forget_demo_jobs(redis, services)
        services.dispose()


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def _pending_links(services: Services, settings: Settings) -> list[str]:
    """Each pending change set's approve link, signed with these settings (valid whatever the demo used)."""
    signer = LinkSigner.for_settings(settings)
    return [f"open {signer.url(pending.changeset_id)} and sign in as {', '.join(pending.approvers)} with the demo "
            f"password {DEMO_PASSWORD!r}" for pending in changesets.pending_approvals(services)] or [
        "no change set is pending any more"]
