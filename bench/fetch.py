"""Fetch benchmark: a full fetch of 10k and 50k employees from the sandbox through the real provider clients.

The sandbox runs in its own process (warmed before timing). Every measurement runs in a fresh spawned process,
so its peak memory is its own: growth = peak RSS (getrusage ru_maxrss) minus the RSS just before the fetch
(/proc/self/status VmRSS), both after imports and client construction.

Per provider and size: the bare `requests` download of the same pages (and the JSON parse of them, timed
separately), the provider streamed and only counted, and the provider collected into a list. Personio uses the
demo's mapping (ten attributes, three of them custom); BambooHR its default one. `make bench` takes the list
figure from bench/fullsync.py's run instead (same sandbox, same functions).

    python -m bench.fetch [--sizes 10000,50000] [--runs 1]
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any

from bench import _common as common

PROVIDERS = ("bamboohr", "personio")


def fetch(provider: str, url: str, size: int, keep: bool) -> dict[str, float]:
    """The real client's full fetch (in a fresh process): streamed and counted, or collected into a list."""
    return timed_fetch(provider, url, size, keep)[0]


def timed_fetch(provider: str, url: str, size: int, keep: bool) -> tuple[dict[str, float], list]:
    """The fetch figures and, when `keep`, the employees themselves."""
    client = common.make_provider(provider, url, size, common.mapping_for(provider))
    gc.collect()
    before = common.rss_now()
    start, cpu = time.perf_counter(), time.process_time()
    if keep:
        employees = list(client.iter_employees())
        count = len(employees)
    else:
        employees, count = [], sum(1 for _ in client.iter_employees())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    client.close()
    return {"count": count, "seconds": seconds, "cpu": cpu, "growth": common.peak_rss() - before,
            "peak": common.peak_rss()}, employees


def record(provider: str, size: int, bare: dict, listed: dict, counted: dict | None = None) -> dict[str, Any]:
    """One fetch figure: the client's list fetch against the bare download of the same pages."""
    row = {"provider": provider, "employees": size, "seconds": round(listed["seconds"], 3),
           "cpu_s": round(listed["cpu"], 3), "per_second": round(size / listed["seconds"]),
           "growth_mb": round(common.mib(listed["growth"]), 1), "peak_rss_mb": round(common.mib(listed["peak"]), 1),
           "download_s": round(bare["seconds"], 3), "parse_s": round(bare["parse"], 3), "requests": bare["requests"],
           "download_mb": round(common.mib(bare["bytes"]), 1), "load": common.machine_load()}
    if counted is not None:
        row |= {"count_only_s": round(counted["seconds"], 3),
                "count_only_growth_mb": round(common.mib(counted["growth"]), 1)}
    common.emit("fetch", **row)
    return row


def measure(ctx: Any, url: str, sizes: list[int], runs: int) -> list[dict[str, Any]]:
    rows = []
    for provider in PROVIDERS:
        for size in sizes:
            mapping = common.mapping_for(provider)
            common.isolated(ctx, common.download, provider, url, size, mapping)  # warms the sandbox, untimed
            bare = common.best(ctx, runs, common.download, provider, url, size, mapping)
            counted = common.best(ctx, runs, fetch, provider, url, size, False)
            listed = common.best(ctx, runs, fetch, provider, url, size, True)
            assert counted["count"] == listed["count"] == size, (provider, size, counted, listed)
            rows.append(record(provider, size, bare, listed, counted))
            print(f"  measured {provider} {size}", flush=True)
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    print("\nprovider   employees | bare requests: reqs  MiB  download s  +parse s | "
          "client count-only: s  peak growth MiB | client list: s  emp/s  cpu s  peak growth MiB")
    for row in rows:
        print(f"{row['provider']:9} {row['employees']:10} | {row['requests']:17} {row['download_mb']:5.0f} "
              f"{row['download_s']:10.2f} {row['parse_s']:9.2f} | {row.get('count_only_s', 0):19.2f} "
              f"{row.get('count_only_growth_mb', 0):16.0f} | {row['seconds']:14.2f} {row['per_second']:6.0f} "
              f"{row['cpu_s']:6.2f} {row['growth_mb']:16.0f}")
    print("\nPeak growth = peak RSS of the measuring process (getrusage ru_maxrss) minus its RSS just before the "
          "fetch;\neach measurement runs in a fresh process. 'count-only' streams employees and keeps none; "
          "'list' keeps them all,\nso list minus count-only is the result list itself.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--runs", type=int, default=1, help="repeat each measurement, keep the fastest")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    ctx = common.spawn_context()
    with common.sandbox_process(ctx, {provider: sizes for provider in PROVIDERS}) as url:
        rows = measure(ctx, url, sizes, args.runs)
    report(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
