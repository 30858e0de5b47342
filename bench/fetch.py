"""Fetch benchmark: a full fetch of 10k and 50k employees from the sandbox through the real provider clients.

The sandbox runs in its own process (its caches are warmed before timing). Every measurement runs in a fresh
spawned process, so its peak memory is its own: growth = peak RSS (getrusage ru_maxrss) minus the RSS just
before the fetch (/proc/self/status VmRSS), both after imports and client construction.

Per provider and size it prints: the bare `requests` download of the same pages (and the JSON parse of
them, timed separately), the provider streamed and only counted, and the provider collected into a list.

    python -m bench.fetch [--sizes 10000,50000] [--runs 1]
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable

PROVIDERS = ("bamboohr", "personio")
API_KEY, CLIENT_SECRET = "bench-key", "bench-secret"
PAGE = 100


def tenant_names(size: int) -> tuple[str, str]:
    return f"bench{size}", f"bench-client-{size}"


# -- the sandbox process -------------------------------------------------------------------------

def serve_sandbox(sizes: list[int], conn: Any) -> None:
    from sandbox.server import SandboxServer
    from sandbox.state import SandboxState

    state = SandboxState()
    for size in sizes:
        subdomain, client_id = tenant_names(size)
        state.add_bamboohr_tenant(subdomain, API_KEY, people=size, seed=size)
        state.add_personio_tenant(client_id, CLIENT_SECRET, people=size, seed=size + 1)
    with SandboxServer(state) as server:
        conn.send(server.url)
        conn.recv()  # the parent says when to stop


# -- measurements (each in a fresh process) ------------------------------------------------------

def rss_now() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def make_provider(provider: str, url: str, size: int):
    from providers.base import ProviderSettings
    from providers.registry import get_provider

    subdomain, client_id = tenant_names(size)
    if provider == "bamboohr":
        return get_provider("bamboohr", {"subdomain": subdomain, "api_key": API_KEY},
                            ProviderSettings(base_url=f"{url}/bamboohr/{{subdomain}}", timeout=120))
    return get_provider("personio", {"client_id": client_id, "client_secret": CLIENT_SECRET},
                        ProviderSettings(base_url=f"{url}/personio", timeout=120))


def fetch(provider: str, url: str, size: int, keep: bool) -> dict[str, float]:
    """The real client's full fetch: streamed and counted, or collected into a list."""
    client = make_provider(provider, url, size)
    gc.collect()
    before = rss_now()
    start = time.perf_counter()
    if keep:
        employees = list(client.iter_employees())
        count = len(employees)
    else:
        count = sum(1 for _ in client.iter_employees())
    seconds = time.perf_counter() - start
    client.close()
    return {"count": count, "seconds": seconds, "growth": peak_rss() - before}


def download(provider: str, url: str, size: int) -> dict[str, float]:
    """The same pages with bare `requests`: download time, then the JSON parse of them on its own."""
    import requests

    session = requests.Session()
    start = time.perf_counter()
    bodies = _bamboohr_bodies(session, url, size) if provider == "bamboohr" else _personio_bodies(session, url, size)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    for body in bodies:
        json.loads(body)
    parse = time.perf_counter() - start
    return {"seconds": seconds, "parse": parse, "bytes": sum(len(b) for b in bodies), "requests": len(bodies)}


def _bamboohr_bodies(session, url: str, size: int) -> list[bytes]:
    from providers.bamboohr_mapping import DEFAULT_MAPPING, requested_fields

    body = json.dumps({"title": "hrsync", "fields": requested_fields(DEFAULT_MAPPING), "filterDuplicates": "no"})
    response = session.post(f"{url}/bamboohr/{tenant_names(size)[0]}/v1/reports/custom", params={"format": "JSON"},
                            data=body.encode(), auth=(API_KEY, "x"),
                            headers={"Content-Type": "application/json", "Accept": "application/json"})
    response.raise_for_status()
    return [response.content]


def _personio_bodies(session, url: str, size: int) -> list[bytes]:
    base = f"{url}/personio"
    token = session.post(f"{base}/v1/auth", json={"client_id": tenant_names(size)[1],
                                                  "client_secret": CLIENT_SECRET}).json()["data"]["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    bodies = []
    # The same requests the client makes: full pages, then the short (or empty) one that ends the listing.
    for offset in range(0, size + 1, PAGE):
        response = session.get(f"{base}/v1/company/employees", params={"limit": PAGE, "offset": offset},
                               headers=headers)
        response.raise_for_status()
        bodies.append(response.content)
    return bodies


def isolated(ctx: Any, function: Callable[..., dict], *args: Any) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        return pool.submit(function, *args).result()


def best(ctx: Any, runs: int, function: Callable[..., dict], *args: Any) -> dict:
    return min((isolated(ctx, function, *args) for _ in range(runs)), key=lambda r: r["seconds"])


# -- report ----------------------------------------------------------------------------------------

def mib(value: float) -> str:
    return f"{value / 2**20:7.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--runs", type=int, default=1, help="repeat each measurement, keep the fastest")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve_sandbox, args=(sizes, child), daemon=True)
    server.start()
    try:
        url = parent.recv()
        rows = measure(ctx, url, sizes, args.runs)
    finally:
        parent.send("stop")
        server.join(timeout=30)
    report(rows)
    return 0


def measure(ctx: Any, url: str, sizes: list[int], runs: int) -> list[tuple[str, int, dict, dict, dict]]:
    rows = []
    for provider in PROVIDERS:
        for size in sizes:
            isolated(ctx, download, provider, url, size)  # warms the sandbox's render caches, untimed
            bare = best(ctx, runs, download, provider, url, size)
            counted = best(ctx, runs, fetch, provider, url, size, False)
            listed = best(ctx, runs, fetch, provider, url, size, True)
            assert counted["count"] == listed["count"] == size, (provider, size, counted, listed)
            rows.append((provider, size, bare, counted, listed))
            print(f"  measured {provider} {size}", flush=True)
    return rows


def report(rows: list[tuple[str, int, dict, dict, dict]]) -> None:
    print("\nprovider   employees | bare requests: reqs  MiB  download s  +parse s | "
          "client count-only: s  emp/s  peak growth MiB | client list: s  emp/s  peak growth MiB")
    for provider, size, bare, counted, listed in rows:
        print(f"{provider:9} {size:10} | {bare['requests']:17} {mib(bare['bytes'])} {bare['seconds']:10.2f}"
              f" {bare['parse']:9.2f} | {counted['seconds']:19.2f} {size / counted['seconds']:6.0f}"
              f" {mib(counted['growth']):>16} | {listed['seconds']:14.2f} {size / listed['seconds']:6.0f}"
              f" {mib(listed['growth']):>16}")
    print("\nPeak growth = peak RSS of the measuring process (getrusage ru_maxrss) minus its RSS just before the "
          "fetch;\neach measurement runs in a fresh process. 'count-only' streams employees and keeps none; "
          "'list' keeps them all,\nso list minus count-only is the result list itself.")


if __name__ == "__main__":
    raise SystemExit(main())
