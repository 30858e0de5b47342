"""Run the sandbox: SandboxServer (in-process, free loopback port) and `serve()` for `hrsync sandbox`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandbox import webhooks
from sandbox.app import create_sandbox_app
from sandbox.state import SandboxState
from sandbox.systems import SYSTEMS, settings_for
from sandbox.tenants import BambooHRTenant, PersonioTenant, Tenant


class QuietHandler(WSGIRequestHandler):
    """No access log line per request: a 50k-employee fetch would drown the console."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class SandboxServer:
    """A threaded WSGI server for the sandbox on 127.0.0.1, in a daemon thread, polled until it answers."""

    def __init__(self, state: SandboxState | None = None, host: str = "127.0.0.1", port: int = 0,
                 ready_timeout: float = 10.0):
        self.state = state if state is not None else SandboxState()
        self._host, self._port, self._ready_timeout = host, port, ready_timeout
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not running")
        return f"http://{self._host}:{self._server.port}"

    @property
    def settings(self) -> dict[str, str]:
        """hrsync's address settings (variable → URL) pointing every faked HR system here."""
        return settings_for(self.url)

    @property
    def bamboohr_base_url(self) -> str:
        """The BAMBOOHR_BASE_URL template: the client fills in `{subdomain}` and appends /v1/..."""
        return f"{self.url}/bamboohr/{{subdomain}}"

    @property
    def personio_base_url(self) -> str:
        return f"{self.url}/personio"

    @property
    def hibob_base_url(self) -> str:
        return f"{self.url}/hibob"

    @property
    def hibob_sandbox_base_url(self) -> str:
        """Bob's sandbox environment (service users created there)."""
        return f"{self.url}/hibob-sandbox"

    @property
    def humaans_base_url(self) -> str:
        return f"{self.url}/humaans"

    def start(self) -> "SandboxServer":
        app = create_sandbox_app(self.state)
        self._server = make_server(self._host, self._port, app, threaded=True, request_handler=QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sandbox-server", daemon=True)
        self._thread.start()
        self._wait_until_ready()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self._ready_timeout
        while True:
            try:
                if requests.get(f"{self.url}/_sandbox/health", timeout=1).ok:
                    return
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox did not answer within {self._ready_timeout} s")
            self._idle.wait(0.02)

    def send_bamboohr_webhook(self, tenant: BambooHRTenant, target_url: str, secret: str,
                              person_ids: str | Iterable[str], event: str = "employee.updated",
                              **options: Any) -> requests.Response:
        """A signed BambooHR delivery (one per id for event-based events; the last response is returned);
        `encoding="form"` and `style="fusebit"` send the real variants (sandbox.webhooks.send_bamboohr)."""
        return webhooks.send_bamboohr(tenant, target_url, secret, person_ids, event, **options)

    def send_personio_webhook(self, tenant: PersonioTenant, target_url: str, token: str, person_id: str,
                              event: str = "person.updated", **options: Any) -> requests.Response:
        """A Personio v2 delivery with `token` verbatim in `Authorization`."""
        return webhooks.send_personio(tenant, target_url, token, person_id, event, **options)

    def send_personio_registered(self, tenant: PersonioTenant, person_id: str,
                                 event: str = "person.updated") -> list[tuple[str, int | None]]:
        """A change as Personio reports it: to every webhook registered through its v2 API that takes `event`."""
        return webhooks.send_personio_registered(tenant, person_id, event)


def default_tenants(employees: int, seed: int = 1, *, rate_limited: bool = True,
                    state: SandboxState | None = None) -> tuple[SandboxState, dict[str, Tenant]]:
    """One tenant of every faked system (sandbox.systems; kind → tenant), `employees` people each, fresh secrets, the
    n-th system's people from seed + n; by default they enforce the systems' published rate limits, as the real
    ones do."""
    state = state if state is not None else SandboxState()
    tenants = {kind: system.add_tenant(state, employees, seed + offset, rate_limited)
               for offset, (kind, system) in enumerate(SYSTEMS.items())}
    return state, tenants


def default_state(employees: int, seed: int = 1, *,
                  rate_limited: bool = True) -> tuple[SandboxState, BambooHRTenant, PersonioTenant]:
    """One BambooHR company (`acme`) and one Personio credential, `employees` people each, fresh secrets; by
    default they enforce the systems' published rate limits, as the real ones do."""
    state = SandboxState()
    bamboo = SYSTEMS["bamboohr"].add_tenant(state, employees, seed, rate_limited)
    perso = SYSTEMS["personio"].add_tenant(state, employees, seed + 1, rate_limited)
    return state, bamboo, perso


def serve(port: int = 8081, employees: int = 100, *, host: str = "127.0.0.1", seed: int = 1,
          echo: Callable[[str], None] = print, rate_limited: bool = True) -> None:
    """`hrsync sandbox`: serve a default tenant of every faked HR system until interrupted."""
    state, tenants = default_tenants(employees, seed, rate_limited=rate_limited)
    server = make_server(host, port, create_sandbox_app(state), threaded=True, request_handler=QuietHandler)
    url = f"http://{host}:{server.port}"
    # These are throwaway sandbox credentials; printing them is the point of this command.
    echo(f"hrsync sandbox on {url} ({employees} employees per tenant); Ctrl-C stops it")
    for kind, system in SYSTEMS.items():
        tenant = tenants[kind]
        echo(f"  {system.label:<9} {system.banner(url, tenant, system.credentials(tenant))}")
    echo(f"  control   {url}/_sandbox/tenants")
    limits = "; ".join(f"{system.label}: {system.limits}" for system in SYSTEMS.values() if system.limits)
    echo("  rate limits " + (f"as published ({limits})" if rate_limited else "off"))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
