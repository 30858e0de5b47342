"""Webhook benchmark: intake throughput against a bare Flask endpoint, and webhook → pending change set latency.

Throughput: gunicorn (2 sync workers, as `hrsync web`) + a private redis-server + PostgreSQL on loopback; wrk
(one thread, so the load generator leaves the server its cores) replays signed BambooHR deliveries for 100
companies, each delivery distinct (new employee id and event time). A bare Flask endpoint answering 202 gets the
same bodies under the same gunicorn config. Rounds alternate which app goes first (the machine is shared);
each server gets a warm-up run, then Redis is emptied so the measured run pays the first-delivery path of every
company again (as it would each debounce period in production), then the measured run. No worker runs, so
afterwards Redis must hold every accepted delivery's employee id, and every pending sync its committed row
and its scheduled job (zero lost). Besides req/s the server's CPU per request (gunicorn + Redis) is printed:
other load on the machine disturbs it least.

Latency: the same stack plus two `hrsync worker`s (waited for until registered) and the sandbox; a steady
trickle of webhooks (one per company, each after an HR change) with SYNC_DEBOUNCE_SECONDS=1; latency is the
time from sending the webhook to the targeted sync's commit of the pending change set, split into its parts.

    python -m bench.webhooks [--rounds 3] [--seconds 15] [--connections 16] [--companies 100] [--only ...]
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
from hrsync.config import Settings
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store import migrate
from workers.bootstrap import build_services

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


def measure(app: str, settings: Settings, services, warm: Path, measured: Path, args) -> dict:
    """Warm-up run, Redis emptied, measured run (with the server's and Redis's CPU time over it)."""
    with env.gunicorn(app, settings) as server:
        warmup = env.wrk(server.url, warm, args.warmup, args.connections)
        held = settle(settings.redis_url, services) if not os.environ.get("NOFLUSH") else {"seen": 0, "ids": 10**9, "pending": 0, "pending_complete": 0}
        web_before, redis_before = server.cpu_seconds(), env.redis_cpu_seconds(settings.redis_url)
        run = env.wrk(server.url, measured, args.seconds, args.connections)
        run["web_cpu_s"] = server.cpu_seconds() - web_before
        run["redis_cpu_s"] = env.redis_cpu_seconds(settings.redis_url) - redis_before
        run["server_cpu_s"] = run["web_cpu_s"] + run["redis_cpu_s"]
    run["stored"], run["warmup_stored"], run["warmup_accepted"] = settle(settings.redis_url, services), held, \
        warmup["accepted"]
    run["rate"] = run["requests"] / run["seconds"]
    run["cpu_ms"] = 1000 * run["server_cpu_s"] / max(1, run["requests"])
    return run


def lost(run: dict) -> int:
    """Accepted deliveries whose employee id Redis does not hold, plus pending syncs without row or job."""
    missing = 0
    for accepted, stored in ((run["accepted"], run["stored"]), (run["warmup_accepted"], run["warmup_stored"])):
        missing += max(0, accepted - stored["ids"]) + stored["pending"] - stored["pending_complete"]
    return missing


def throughput(settings: Settings, services, made, args, workdir: Path) -> list[dict]:
    rounds, first = [], 0
    per_file = MAX_RATE * max(args.warmup, args.seconds)
    for number in range(args.rounds):
        warm = write_requests(workdir / "warm.tsv", made, MAX_RATE * args.warmup, first)
        measured = write_requests(workdir / "measured.tsv", made, per_file, first + MAX_RATE * args.warmup)
        first += MAX_RATE * args.warmup + per_file
        load = common.machine_load()
        order = (HRSYNC_APP, BARE_APP) if number % 2 == 0 else (BARE_APP, HRSYNC_APP)
        runs = {app: measure(app, settings, services, warm, measured, args) for app in order}
        ours, bare = runs[HRSYNC_APP], runs[BARE_APP]
        result = {"round": number + 1, "load": load, "ours": ours, "bare": bare,
                  "ratio": ours["rate"] / bare["rate"], "cpu_ratio": bare["cpu_ms"] / ours["cpu_ms"],
                  "lost": lost(ours)}
        print_round(result)
        rounds.append(result)
    return rounds


def print_round(result: dict) -> None:
    print(f"round {result['round']} (load average {result['load'][0]:.2f}):")
    for name in ("ours", "bare"):
        run = result[name]
        print(f"  {'hrsync webhook' if name == 'ours' else 'bare Flask 202':>15}: {run['rate']:6.0f} req/s  "
              f"p50 {run['p50_ms']:6.2f} ms  p99 {run['p99_ms']:6.2f} ms  server CPU {run['cpu_ms']:.3f} ms/req "
              f"(Redis {1000 * run['redis_cpu_s'] / max(1, run['requests']):.3f})  "
              f"({run['requests']} requests, {run['refused']} non-202, {run['duplicates']} duplicates, "
              f"{run['socket_errors']} socket errors; wrk used {run['wrk_cpu_s'] / run['seconds']:.0%} of a core)")
    stored = result["ours"]["stored"]
    print(f"  ratio {result['ratio']:.0%} (CPU ratio {result['cpu_ratio']:.0%}); accepted "
          f"{result['ours']['accepted']} (+{result['ours']['warmup_accepted']} in warm-up), Redis holds "
          f"{stored['ids']} employee ids, {stored['pending']} pending syncs ({stored['pending_complete']} with row "
          f"and scheduled job); lost {result['lost']}")


def summarise(rounds: list[dict]) -> None:
    ratio = statistics.median(r["ratio"] for r in rounds)
    worst_p99 = max(r["ours"]["p99_ms"] for r in rounds)
    median_p99 = statistics.median(r["ours"]["p99_ms"] for r in rounds)
    lost_total = sum(r["lost"] for r in rounds)
    print(f"throughput ratio median {ratio:.0%} over {len(rounds)} rounds (target ≥ {TARGET_RATIO:.0%}); "
          f"CPU ratio median {statistics.median(r['cpu_ratio'] for r in rounds):.0%}; p99 median "
          f"{median_p99:.1f} ms, worst {worst_p99:.1f} ms (target ≤ {TARGET_P99_MS:.0f} ms); lost {lost_total} "
          "(target 0)")
    for r in rounds:
        common.emit("webhooks", figure="throughput", round=r["round"], load=r["load"],
                    ours_rps=round(r["ours"]["rate"]), bare_rps=round(r["bare"]["rate"]), ratio=round(r["ratio"], 3),
                    ours_p50_ms=r["ours"]["p50_ms"], ours_p99_ms=r["ours"]["p99_ms"], bare_p99_ms=r["bare"]["p99_ms"],
                    ours_cpu_ms=round(r["ours"]["cpu_ms"], 3), bare_cpu_ms=round(r["bare"]["cpu_ms"], 3),
                    lost=r["lost"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds (each: both apps)")
    parser.add_argument("--seconds", type=int, default=15, help="measured wrk run per app and round")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured wrk run before each measured one")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--samples", type=int, default=40, help="webhooks timed for the latency figure")
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between the timed webhooks")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--only", choices=("throughput", "latency"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(SandboxState()) as sandbox:
        workdir = Path(tmp)
        with env.private_redis(workdir) as redis_url, env.scratch_database(args.database, workdir) as db_url:
            migrate.upgrade(db_url)
            settings = Settings(database_url=db_url, secret_key="b" * 32,
                                encryption_keys=(Fernet.generate_key().decode(),), redis_url=redis_url,
                                bamboohr_base_url=sandbox.bamboohr_base_url, sync_debounce_seconds=1,
                                instance_path=workdir / "instance", env="test")
            services = build_services(settings)
            try:
                made = setup_companies(services, sandbox, args.companies)
                print(f"{args.companies} companies, {args.database}, gunicorn 2 sync workers, wrk 1 thread × "
                      f"{args.connections} connections, {args.warmup} s warm-up + {args.seconds} s measured, "
                      f"{os.cpu_count()} cores")
                if args.only != "latency":
                    summarise(throughput(settings, services, made, args, workdir))
                if args.only != "throughput":
                    latency(settings, services, sandbox.state, made, args, workdir)
            finally:
                services.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
