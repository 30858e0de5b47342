"""`hrsync demo --serve`: the last demo's console on the web, with the sandbox HR systems and a worker behind it."""

from __future__ import annotations

import shlex
import signal
import sys
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, make_server

from core.bootstrap import Services, build_services
from core.links import LinkSigner
from core.settings import Settings
from hrsync.demo import hr_systems
from hrsync.demo.companies import DEMO_PASSWORD, DemoFailed
from hrsync.demo.infra import WorkerThread, demo_redis, forget_demo_jobs
from providers.pacing import Pacer
from providers.registry import describe
from sandbox.server import QuietHandler, SandboxServer
from services import changesets, integration, users
from store.enums import UserRole
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
    """The demo's console at PUBLIC_BASE_URL's port on loopback until Ctrl-C, with everything it calls: the sandbox
    HR systems the demo companies are connected to (the same tenants and people as the demo's, their address
    handed to hrsync as the demo did) and a worker thread that runs Sync now.

    The same Redis as the demo: REDIS_URL when it answers, else an in-process fake (shared by the web app and the
    worker thread, and counting wrong passwords), so that the console works whichever the demo had.
    """
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    if not database.is_file():
        raise DemoFailed(f"no demo database at {database}: run `hrsync demo` first")
    address = urlsplit(settings.public_base_url)
    port = address.port or (443 if address.scheme == "https" else 80)
    redis, fake = demo_redis(settings)
    with SandboxServer() as sandbox:
        settings = settings.with_provider_urls(sandbox.settings)
        services = build_services(settings, pacer=Pacer.shared(connection_pool=redis.connection_pool))
        try:
            played = _play_hr_systems(services, sandbox, hr_systems.read_employees(settings.instance_path))
            server = _listen(port, create_app(settings, redis=redis, services=services))
            with WorkerThread(services, redis) as worker:
                _serve(server, worker, echo, settings, services, sandbox, fake, played)
        finally:
            if not fake:
                forget_demo_jobs(redis, services)
            services.dispose()


def _play_hr_systems(services: Services, sandbox: SandboxServer, employees: int) -> dict[str, str]:
    """A tenant per connected demo company, answering the credentials stored in its integration, with the change
    its webhook reported in the demo; returns the companies so connected (company id → HR system)."""
    played = {}
    for company_id, provider, credentials in integration.connected_credentials(services):
        if hr_systems.plays(provider):
            tenant = hr_systems.add_tenant(sandbox.state, provider, credentials, employees)
            hr_systems.change_for_webhook(sandbox.state, provider, tenant)
            played[company_id] = describe(provider).label
    return played


def _listen(port: int, app) -> BaseWSGIServer:
    try:
        return make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    except OSError as error:
        raise DemoFailed(f"cannot serve on port {port} ({error.strerror}): stop what uses it, or run the demo "
                         "again with PUBLIC_BASE_URL=http://localhost:<another port>") from None


def _serve(server: BaseWSGIServer, worker: WorkerThread, echo: Callable[[str], None], settings: Settings,
           services: Services, sandbox: SandboxServer, fake: bool, played: dict[str, str]) -> None:
    previous = signal.signal(signal.SIGTERM, _stop)  # `kill` stops it as cleanly as Ctrl-C
    try:
        echo(f"serving the demo's console at {settings.public_base_url} until Ctrl-C")
        systems = ", ".join(sorted(set(played.values()))) or "no HR system"
        echo(f"HR systems: the sandbox's {systems} at {sandbox.url}, with the demo's employees; a worker thread "
             "runs the syncs")
        echo("queue: an in-process fake Redis (development only)" if fake else f"queue: Redis at {settings.redis_url}")
        for line in console_sign_ins(services, settings.public_base_url, list(played)):
            echo(line)
        for line in _pending_links(services, settings):
            echo(line)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
    if worker.errors:
        raise DemoFailed(f"the worker thread stopped: {worker.errors[0]!r}")


def console_sign_ins(services: Services, public_base_url: str, company_ids: list[str]) -> list[str]:
    """The console's address and who signs in there: each company's admins, with the demo password."""
    lines = [f"the console: open {public_base_url.rstrip('/')}/login and sign in with the demo password "
             f"{DEMO_PASSWORD!r} as"]
    admins = {integration.read_state(services, company_id).company.name:
              [user.email for user in users.list_users(services, company_id)
               if user.role is UserRole.ADMIN and user.has_password] for company_id in company_ids}
    return lines + [f"  {name}: {', '.join(emails)}" for name, emails in sorted(admins.items())]


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt


def _pending_links(services: Services, settings: Settings) -> list[str]:
    """Each pending change set's approve link, signed with these settings (valid whatever the demo used)."""
    signer = LinkSigner.for_settings(settings)
    return [f"open {signer.url(pending.changeset_id)} and sign in as {', '.join(pending.approvers)} with the demo "
            f"password {DEMO_PASSWORD!r}" for pending in changesets.pending_approvals(services)] or [
        "no change set is pending any more"]
