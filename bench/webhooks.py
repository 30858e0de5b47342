"""Webhook benchmark: intake throughput against a bare Flask endpoint, and webhook → pending change set latency.

Throughput: gunicorn (2 sync workers, as `hrsync web`) + a private redis-server + PostgreSQL on loopback; wrk
(one thread, so the load generator leaves the server its cores) replays signed BambooHR deliveries for 100
companies, each delivery distinct (new employee id and event time). A bare Flask endpoint answering 202, under
the same gunicorn config, gets the same bodies. Both servers run side by side and wrk loads them in turn, in
short alternating slices: on a shared machine both then see the same background load. Before each of hrsync's
slices Redis is emptied, so every company pays its first-delivery path again (as it does each debounce period in
production; `--keep-pending` measures without). No worker runs, so after each slice Redis must hold every accepted delivery's employee id, and
every pending sync its committed row and its scheduled job (zero lost). Besides req/s the server's CPU time per
request (gunicorn + Redis) is printed: other load on the machine disturbs it least.

Latency: the same stack plus two `hrsync worker`s (waited for until registered) and the sandbox; a steady
trickle of webhooks (one per company, each after an HR change) with SYNC_DEBOUNCE_SECONDS=1; latency is the
time from sending the webhook to the targeted sync's commit of the pending change set, split into its parts.
Then the workers' capacity: a burst of webhooks for as many other companies at once.

    python -m bench.webhooks [--slices 8] [--seconds 5] [--connections 16] [--companies 100] [--only ...]
Needs `wrk` (apt-get install wrk) and `redis-server`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

from bench import _common as common
from bench import _webhooks_env as env
from bench._webhooks_latency import latency
from bench._webhooks_setup import settle, setup_companies
from core.bootstrap import build_services
from core.settings import Settings
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store import migrate

BARE_APP, HRSYNC_APP = "bench._bare_app:app", "webhook_app:create_app()"
# Enough distinct deliveries that wrk never wraps around to repeats (a repeat is a cheaper path).
MAX_RATE = 5000
TARGET_RATIO, TARGET_P99_MS = 0.60, 50.0


def write_requests(path: Path, made, count: int, first: int) -> Path:
    """`count` distinct signed deliveries, round-robin over the companies (employee ids from `first` on)."""
    moment, stamp = dt.datetime.now(dt.timezone.utc), str(int(time.time()))
    with path.open("w") as out:
        for number in range(first, first + count):
            company_id, secret, tenant = made[number % len(made)]
            event = bamboohr_event(tenant, str(1_000_000 + number), "employee.updated",
                                   moment + dt.timedelta(milliseconds=number), changed_fields=["lastName"])
            body = json.dumps(event, separators=(",", ":"))
            signature = sign_bamboohr(body.encode(), stamp, secret)
            out.write(f"/webhooks/bamboohr/{company_id}\t{stamp}\t{signature}\t{body}\n")
    return path


def run_slice(server: env.Server, settings: Settings, services, requests_file: Path, args, ours: bool) -> dict:
    """One measured wrk run against `server`, with the CPU time gunicorn and Redis spent meanwhile."""
    web_before, redis_before = server.cpu_seconds(), env.redis_cpu_seconds(settings.redis_url)
    run = env.wrk(server.url, requests_file, args.seconds, args.connections)
    run["web_cpu_s"] = server.cpu_seconds() - web_before
    run["redis_cpu_s"] = env.redis_cpu_seconds(settings.redis_url) - redis_before
    run["lost"] = lost(run["accepted"], settle(settings.redis_url, services, empty=not args.keep_pending)) \
        if ours else 0
    return run


def lost(accepted: int, stored: dict) -> int:
    """Accepted deliveries whose employee id Redis does not hold, plus pending syncs without row or job.
    (Kept pending across slices, Redis holds the earlier slices' ids too: `ids` counts only new ones.)"""
    return max(0, accepted - stored["ids"]) + stored["pending"] - stored["pending_complete"]


def throughput(settings: Settings, services, made, args, workdir: Path) -> dict:
    runs: dict[str, list[dict]] = {"ours": [], "bare": []}
    load_before, first = common.machine_load(), 0
    with env.gunicorn(HRSYNC_APP, settings) as ours, env.gunicorn(BARE_APP, settings) as bare:
        servers = {"ours": ours, "bare": bare}
        warm = write_requests(workdir / "warm.tsv", made, MAX_RATE * args.warmup, first)
        first += MAX_RATE * args.warmup
        warm_lost = {name: lost(env.wrk(server.url, warm, args.warmup, args.connections)["accepted"],
                                settle(settings.redis_url, services, empty=not args.keep_pending))
                     for name, server in servers.items()}
        for number in range(args.slices):
            deliveries = write_requests(workdir / "slice.tsv", made, MAX_RATE * args.seconds, first)
            first += MAX_RATE * args.seconds
            for name in ("ours", "bare") if number % 2 == 0 else ("bare", "ours"):
                runs[name].append(run_slice(servers[name], settings, services, deliveries, args, name == "ours"))
    result = {name: totals(slices) for name, slices in runs.items()}
    result["ours"]["lost"] += warm_lost["ours"]
    result["load"] = [load_before, common.machine_load()]
    report_throughput(result, args)
    return result


def totals(slices: list[dict]) -> dict:
    requests, seconds = sum(s["requests"] for s in slices), sum(s["seconds"] for s in slices)
    p99 = sorted(s["p99_ms"] for s in slices)
    return {"requests": requests, "rate": requests / seconds, "rates": [s["requests"] / s["seconds"] for s in slices],
            "p50_ms": statistics.median(s["p50_ms"] for s in slices), "p99_median_ms": statistics.median(p99),
            "p99_worst_ms": p99[-1], "p99s": [s["p99_ms"] for s in slices],
            "cpu_ms": 1000 * sum(s["web_cpu_s"] + s["redis_cpu_s"] for s in slices) / max(1, requests),
            "redis_cpu_ms": 1000 * sum(s["redis_cpu_s"] for s in slices) / max(1, requests),
            "wrk_core_share": sum(s["wrk_cpu_s"] for s in slices) / seconds,
            "accepted": sum(s["accepted"] for s in slices), "duplicates": sum(s["duplicates"] for s in slices),
            "refused": sum(s["refused"] for s in slices), "errors": sum(s["socket_errors"] for s in slices),
            "lost": sum(s["lost"] for s in slices)}


def report_throughput(result: dict, args) -> None:
    ours, bare = result["ours"], result["bare"]
    regime = "companies already pending" if args.keep_pending else "Redis emptied before each hrsync slice"
    print(f"throughput: {args.slices} alternating slices of {args.seconds} s per app, {regime} (load average "
          f"{result['load'][0][0]:.2f} before, {result['load'][1][0]:.2f} after)")
    for name, run in (("hrsync webhook", ours), ("bare Flask 202", bare)):
        print(f"  {name:>15}: {run['rate']:6.0f} req/s  p50 {run['p50_ms']:6.2f} ms  p99 {run['p99_median_ms']:6.2f} "
              f"ms (median of slices; worst {run['p99_worst_ms']:.1f})  server CPU {run['cpu_ms']:.3f} ms/req "
              f"(Redis {run['redis_cpu_ms']:.3f})  [{run['requests']} requests, {run['refused']} non-202, "
              f"{run['duplicates']} duplicates, {run['errors']} socket errors; wrk used "
              f"{run['wrk_core_share']:.0%} of a core]")
        print(f"  {'':>15}  req/s per slice {' '.join(f'{r:.0f}' for r in run['rates'])}; p99 per slice "
              f"{' '.join(f'{p:.0f}' for p in run['p99s'])} ms")
    ratio, cpu_ratio = ours["rate"] / bare["rate"], bare["cpu_ms"] / ours["cpu_ms"]
    print(f"  throughput ratio {ratio:.0%} (target ≥ {TARGET_RATIO:.0%}); CPU-per-request ratio {cpu_ratio:.0%}; "
          f"p99 {ours['p99_median_ms']:.1f} ms (target ≤ {TARGET_P99_MS:.0f} ms); accepted {ours['accepted']}, "
          f"lost {ours['lost']} (target 0)")
    common.emit("webhooks", figure="throughput", regime=regime, load=result["load"], ours_rps=round(ours["rate"]),
                bare_rps=round(bare["rate"]), ratio=round(ratio, 3), cpu_ratio=round(cpu_ratio, 3),
                ours_p50_ms=ours["p50_ms"], ours_p99_ms=ours["p99_median_ms"], ours_p99_worst_ms=ours["p99_worst_ms"],
                bare_p99_ms=bare["p99_median_ms"], ours_cpu_ms=round(ours["cpu_ms"], 3),
                bare_cpu_ms=round(bare["cpu_ms"], 3), accepted=ours["accepted"], lost=ours["lost"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slices", type=int, default=8, help="measured wrk runs per app, alternating")
    parser.add_argument("--seconds", type=int, default=5, help="length of one slice")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured wrk run per app first")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--samples", type=int, default=40, help="webhooks timed for the latency figure")
    parser.add_argument("--spacing", type=float, default=0.25, help="seconds between the timed webhooks")
    parser.add_argument("--burst", type=int, default=20, help="webhooks sent at once to measure worker capacity")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--only", choices=("throughput", "latency"))
    parser.add_argument("--keep-pending", action="store_true",
                        help="do not empty Redis between slices: no first deliveries in the measured runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(SandboxState()) as sandbox:
        workdir = Path(tmp)
        with env.private_redis(workdir) as redis_url, common.scratch_database(args.database, workdir) as db_url:
            migrate.upgrade(db_url)
            settings = Settings(database_url=db_url, secret_key="b" * 32,
                                encryption_keys=(Fernet.generate_key().decode(),), redis_url=redis_url,
                                provider_urls={"BAMBOOHR_BASE_URL": sandbox.bamboohr_base_url}, sync_debounce_seconds=1,
                                instance_path=workdir / "instance", env="test")
            services = build_services(settings)
            try:
                made = setup_companies(services, sandbox, args.companies)
                print(f"{args.companies} companies, {args.database}, gunicorn 2 sync workers, wrk 1 thread × "
                      f"{args.connections} connections, {os.cpu_count()} cores")
                if args.only != "latency":
                    throughput(settings, services, made, args, workdir)
                if args.only != "throughput":
                    latency(settings, services, sandbox.state, made, args, workdir)
            finally:
                services.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
