"""Shared by the benchmarks: the sandbox process, isolated measurements, memory figures, JSON-lines results.

Every benchmark prints a human table and, when HRSYNC_BENCH_RESULTS names a file, appends one JSON object per
figure to it (`bench.run` sets it; `bench.report` turns the file into docs/performance.md).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

RESULTS_ENV = "HRSYNC_BENCH_RESULTS"
PG_URL = os.environ.get("HRSYNC_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
API_KEY, CLIENT_SECRET = "bench-key", "bench-secret"
# What `providers.personio_client` asks for; the download-only baseline must make the same requests.
PERSONIO_PAGE = 100
# Personio companies pick their own keys; this is the demo's (employee number, city and postal code custom).
PERSONIO_MAPPING = {"first_name": "first_name", "last_name": "last_name", "preferred_name": "preferred_name",
                    "email": "email", "status": "status", "hire_date": "hire_date",
                    "termination_date": "termination_date", "dynamic_1009": "unique_identifier",
                    "dynamic_1006": "city", "dynamic_1005": "postal_code"}


def emit(bench: str, **record: Any) -> None:
    """Append one result to the JSON-lines file named by HRSYNC_BENCH_RESULTS (nothing when unset)."""
    target = os.environ.get(RESULTS_ENV)
    if not target:
        return
    with open(target, "a", encoding="utf-8") as out:
        out.write(json.dumps({"bench": bench, **record}, default=str) + "\n")


# -- memory ------------------------------------------------------------------------------------------

def rss_now() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss() -> int:
    """This process's peak RSS. VmHWM, not ru_maxrss: a spawned child is forked from its parent before exec, and
    Linux keeps the forked copy's RSS in ru_maxrss — a big parent would inflate every child's figure."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def mib(value: float) -> float:
    return value / 2**20


# -- processes ---------------------------------------------------------------------------------------

def spawn_context() -> Any:
    return multiprocessing.get_context("spawn")


def isolated(ctx: Any, function: Callable[..., dict], *args: Any) -> dict:
    """`function(*args)` in a fresh interpreter: its peak RSS is its own, nothing cached from before."""
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(function, *args).result()


def best(ctx: Any, runs: int, function: Callable[..., dict], *args: Any) -> dict:
    return min((isolated(ctx, function, *args) for _ in range(runs)), key=lambda r: r["seconds"])


# -- scratch databases ---------------------------------------------------------------------------------

@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[str]:
    """A database of its own for one benchmark: a file in `folder` (sqlite) or a PostgreSQL database dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    import secrets

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(PG_URL)
    name = f"hrsync_bench_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# -- the sandbox -------------------------------------------------------------------------------------

def tenant_names(size: int, limited: bool = False) -> tuple[str, str]:
    """(BambooHR subdomain, Personio client id) of the sandbox tenants with `size` people; `limited`: the tenant
    with the same people that enforces the published rate limits and answers with a realistic latency."""
    suffix = f"limited-{size}" if limited else str(size)
    return f"bench{suffix}", f"bench-client-{suffix}"


def tenant_key(provider: str, size: int, limited: bool = False) -> str:
    """The sandbox tenant of `provider` with `size` people (its subdomain, client id, service user or company)."""
    subdomain, client_id = tenant_names(size, limited)
    return {"bamboohr": subdomain, "personio": client_id, "hibob": f"SERVICE-{subdomain}",
            "humaans": f"company-{subdomain}"}[provider]


Cases = dict[str, list[int]]  # provider → employee counts


def serve_sandbox(cases: Cases, conn: Any, limited: Cases | None = None, latency: float = 0.0) -> None:
    from sandbox.hibob_tenant import add_hibob_tenant
    from sandbox.humaans_tenant import add_humaans_tenant
    from sandbox.server import SandboxServer
    from sandbox.state import SandboxState

    state = SandboxState()
    for size in cases.get("bamboohr", []):
        state.add_bamboohr_tenant(tenant_names(size)[0], API_KEY, people=size, seed=size)
    unlimited = {size: state.add_personio_tenant(tenant_names(size)[1], CLIENT_SECRET, people=size, seed=size + 1)
                 for size in cases.get("personio", [])}
    for size in cases.get("hibob", []):
        add_hibob_tenant(state, tenant_key("hibob", size), API_KEY, people=size, seed=size + 2)
    for size in cases.get("humaans", []):
        add_humaans_tenant(state, tenant_key("humaans", size), people=size, seed=size + 3).grant(token=API_KEY)
    # The very same people (the registry is seeded from the unlimited twin) behind Personio's published limits
    # and a real server's latency.
    for size in (limited or {}).get("personio", []):
        people = unlimited[size].people if size in unlimited else size
        state.add_personio_tenant(tenant_names(size, True)[1], CLIENT_SECRET, people=people, seed=size + 1,
                                  rate_limited=True, latency=latency)
    with SandboxServer(state) as server:
        conn.send(server.url)
        conn.recv()  # the parent says when to stop


@contextmanager
def sandbox_process(ctx: Any, cases: Cases, limited: Cases | None = None, latency: float = 0.0) -> Iterator[str]:
    """The sandbox with a tenant per provider and size, in its own process (its CPU is not the client's); the
    `limited` cases get a rate-limited twin answering after `latency` seconds."""
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve_sandbox, args=(cases, child, limited, latency), daemon=True)
    server.start()
    try:
        yield parent.recv()
    finally:
        parent.send("stop")
        server.join(timeout=30)


def provider_settings(provider: str, url: str):
    """The provider's base URL (its registry setting) pointing at the sandbox served at `url`."""
    from providers.base import ProviderSettings
    from providers.registry import describe
    from sandbox.systems import settings_for

    return ProviderSettings(base_url=settings_for(url)[describe(provider).base_url.variable], timeout=120)


def credentials(provider: str, size: int, limited: bool = False) -> dict[str, str]:
    key = tenant_key(provider, size, limited)
    return {"bamboohr": {"subdomain": key, "api_key": API_KEY},
            "personio": {"client_id": key, "client_secret": CLIENT_SECRET},
            "hibob": {"service_user_id": key, "service_user_token": API_KEY},
            "humaans": {"access_token": API_KEY}}[provider]


def mapping_for(provider: str) -> dict[str, str] | None:
    """The field mapping every benchmark uses: the demo's for Personio, the default for the others."""
    return PERSONIO_MAPPING if provider == "personio" else None


def make_provider(provider: str, url: str, size: int, mapping: dict[str, str] | None = None):
    from providers.registry import get_provider

    return get_provider(provider, credentials(provider, size), provider_settings(provider, url), mapping)


# -- download-only: the client's HTTP requests with bare `requests` ----------------------------------

def download(provider: str, url: str, size: int, mapping: dict[str, str] | None = None,
             limited: bool = False) -> dict[str, float]:
    """The same requests as the provider client, bodies read; then their JSON parse (the clients' parser), timed
    on its own. `limited`: from the rate-limited tenant, each request paced as any client must be to get no 429
    (the published budget, `providers.pacing`, kept in this process)."""
    import requests

    from providers.personio_mapping import DEFAULT_MAPPING
    from providers.personio_paging import page_shape
    from providers.wire_json import decode, shaped_decoder

    # Personio's client builds only the mapped attributes of a listing page; BambooHR's decodes the whole report;
    # HiBob's only the requested fields' slash keys; Humaans' only the mapped keys of a page.
    shape = page_shape((DEFAULT_MAPPING if mapping is None else mapping).keys()) if provider == "personio" else None
    parse_body = {"hibob": _hibob_parser, "humaans": _humaans_parser}.get(provider, lambda _mapping: (
        decode if shape is None else shaped_decoder(shape)))(mapping)
    session = requests.Session()
    start = time.perf_counter()
    bodies = {"bamboohr": lambda: _bamboohr_bodies(session, url, size, mapping),
              "personio": lambda: _personio_bodies(session, url, size, limited),
              "hibob": lambda: _hibob_bodies(session, url, size, mapping),
              "humaans": lambda: _humaans_bodies(session, url, size, mapping)}[provider]()
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    for body in bodies:
        parse_body(body)
    parse = time.perf_counter() - start
    session.close()
    return {"seconds": seconds, "parse": parse, "bytes": sum(len(b) for b in bodies), "requests": len(bodies)}


def _bamboohr_bodies(session, url: str, size: int, mapping: dict[str, str] | None) -> list[bytes]:
    from providers.bamboohr_mapping import DEFAULT_MAPPING, requested_fields

    fields = requested_fields(DEFAULT_MAPPING if mapping is None else mapping)
    body = json.dumps({"title": "hrsync", "fields": fields, "filterDuplicates": "no"})
    response = session.post(f"{url}/bamboohr/{tenant_names(size)[0]}/v1/reports/custom", params={"format": "JSON"},
                            data=body.encode(), auth=(API_KEY, "x"),
                            headers={"Content-Type": "application/json", "Accept": "application/json"})
    response.raise_for_status()
    return [response.content]


def _personio_bodies(session, url: str, size: int, limited: bool = False) -> list[bytes]:
    from providers.pacing import PERSONIO_EMPLOYEES, Pacer, pace_key

    base = f"{url}/personio"
    client_id = tenant_names(size, limited)[1]
    token = session.post(f"{base}/v1/auth", json={"client_id": client_id,
                                                  "client_secret": CLIENT_SECRET}).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "X-Personio-App-ID": "HRSYNC"}
    pacer, key = (Pacer.local(), pace_key("personio", base, client_id)) if limited else (None, "")
    bodies = []
    # The same requests the client makes: full pages, then the short (or empty) one that ends the listing.
    for offset in range(0, size + 1, PERSONIO_PAGE):
        if pacer is not None:
            pacer.wait((PERSONIO_EMPLOYEES, key))
        response = session.get(f"{base}/v1/company/employees", params={"limit": PERSONIO_PAGE, "offset": offset},
                               headers=headers)
        response.raise_for_status()
        bodies.append(response.content)
    return bodies


def _hibob_parser(mapping: dict[str, str] | None):
    from providers.hibob_client import ID_FIELD, search_shape
    from providers.hibob_mapping import DEFAULT_MAPPING, requested_fields
    from providers.wire_json import decode, shaped_decoder

    shape = search_shape([ID_FIELD, *requested_fields(DEFAULT_MAPPING if mapping is None else mapping)])
    return decode if shape is None else shaped_decoder(shape)


def _hibob_bodies(session, url: str, size: int, mapping: dict[str, str] | None) -> list[bytes]:
    """What HiBob's client asks: the fields metadata, then one search of everyone (display texts when a mapped field
    is a list)."""
    from providers.hibob_client import FIELDS_PATH, ID_FIELD, SEARCH_PATH
    from providers.hibob_mapping import DEFAULT_MAPPING, LIST_TYPES, requested_fields

    base, auth, mapped = f"{url}/hibob", (tenant_key("hibob", size), API_KEY), DEFAULT_MAPPING if mapping is None \
        else mapping
    catalogue = session.get(base + FIELDS_PATH, auth=auth)
    catalogue.raise_for_status()
    types = {item["id"]: item.get("type") for item in catalogue.json()}
    body: dict[str, Any] = {"fields": list(dict.fromkeys([ID_FIELD, *requested_fields(mapped)])), "showInactive": True}
    if any(types.get(key) in LIST_TYPES for key in mapped):
        body["humanReadable"] = "APPEND"
    answer = session.post(base + SEARCH_PATH, data=json.dumps(body).encode(), auth=auth,
                          headers={"Content-Type": "application/json"})
    answer.raise_for_status()
    return [catalogue.content, answer.content]


def _humaans_parser(mapping: dict[str, str] | None):
    from providers.humaans_client import _shaped
    from providers.humaans_mapping import CUSTOM_PREFIX, DEFAULT_MAPPING, read_keys

    keys = [k for k in read_keys(DEFAULT_MAPPING if mapping is None else mapping) if not k.startswith(CUSTOM_PREFIX)]
    return _shaped(keys)


def _humaans_bodies(session, url: str, size: int, mapping: dict[str, str] | None) -> list[bytes]:
    """What Humaans' client asks: every page of people, then the pages of new hires and offboarded people."""
    from providers.humaans import NOT_ACTIVE
    from providers.humaans_client import PAGE_SIZE, PEOPLE_PATH

    headers, bodies = {"Authorization": f"Bearer {API_KEY}"}, []
    for params in ({}, NOT_ACTIVE):
        skip = 0
        while True:
            answer = session.get(f"{url}/humaans{PEOPLE_PATH}", params={**params, "$limit": PAGE_SIZE, "$skip": skip},
                                 headers=headers)
            answer.raise_for_status()
            bodies.append(answer.content)
            page = answer.json()
            skip += len(page["data"])
            if not page["data"] or skip >= page["total"]:
                break
    return bodies


def refused(url: str, size: int) -> int:
    """The 429 answers the rate-limited Personio tenant of `size` gave since the last call (its log is cleared)."""
    import requests

    log_url = f"{url}/_sandbox/personio/{tenant_names(size, True)[1]}/requests"
    statuses = [entry["status"] for entry in requests.get(log_url, timeout=30).json()]
    requests.delete(log_url, timeout=30)
    return statuses.count(429)


def machine_load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]
