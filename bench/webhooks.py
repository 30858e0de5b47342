"""Webhook benchmark: intake throughput against a bare Flask endpoint, and webhook → pending change set latency.

Throughput: gunicorn (2 sync workers, as `hrsync web`) + a private redis-server + PostgreSQL on loopback; wrk
replays signed BambooHR deliveries for 100 companies (each delivery distinct: new employee id and event time),
then the same requests against a bare Flask endpoint answering 202 under the same gunicorn config. No worker
runs meanwhile, so Redis must hold every accepted delivery afterwards (zero lost).

Latency: the same stack plus two `hrsync worker`s and the sandbox; a steady trickle of webhooks (one per
company, each after an HR change) with SYNC_DEBOUNCE_SECONDS=1; latency is the time from sending the webhook to
the targeted sync's commit of the pending change set.

    python -m bench.webhooks [--seconds 10] [--connections 16] [--companies 100] [--database postgresql|sqlite]
Needs `wrk` (apt-get install wrk) and `redis-server`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

import requests
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from redis import Redis

from bench import _webhooks_env as env
from hrsync.config import Settings
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store import migrate, passwords
from store.db import transaction
from store.models import SyncRunRow
from store.repositories import companies, integrations
from workers.bootstrap import build_services

BARE_APP, HRSYNC_APP = "bench._bare_app:app", "webhook_app:create_app()"


def setup_companies(services, sandbox: SandboxServer, count: int) -> list[tuple[str, str, object]]:
    """`count` companies on BambooHR sandbox tenants; returns (company id, webhook secret, tenant)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._hasher = lambda: cheap  # approver passwords are not what this measures
    made = []
    for number in range(count):
        tenant = sandbox.state.add_bamboohr_tenant(f"bench{number}", f"key-{number}", 20, seed=number)
        with transaction(services.session_factory) as session:
            company_id = companies.create_company(session, f"Bench {number}", f"cfo{number}@bench.example",
                                                  "pw").company_id
            integrations.set_integration(session, services.box, company_id, "bamboohr",
                                         {"subdomain": tenant.subdomain, "api_key": tenant.api_key})
            secret = integrations.set_webhook_secret(session, services.box, company_id)
        made.append((company_id, secret, tenant))
    return made


def write_requests(path: Path, made, count: int) -> None:
    """`count` distinct signed deliveries, round-robin over the companies (employee ids never repeat)."""
    moment, stamp = dt.datetime.now(dt.timezone.utc), str(int(time.time()))
    with path.open("w") as out:
        for number in range(count):
            company_id, secret, tenant = made[number % len(made)]
            event = bamboohr_event(tenant, str(1_000_000 + number), "employee.updated",
                                   moment + dt.timedelta(milliseconds=number), changed_fields=["lastName"])
            body = json.dumps(event, separators=(",", ":"))
            signature = sign_bamboohr(body.encode(), stamp, secret)
            out.write(f"/webhooks/bamboohr/{company_id}\t{stamp}\t{signature}\t{body}\n")


def recorded(redis_url: str) -> dict[str, int]:
    client = Redis.from_url(redis_url)
    seen = sum(1 for _ in client.scan_iter("hrsync:seen:*", count=1000))
    ids = sum(client.scard(key) for key in client.scan_iter("hrsync:ids:*", count=1000))
    pending = sum(1 for _ in client.scan_iter("hrsync:pending:*", count=1000))
    client.flushdb()
    return {"seen": seen, "ids": ids, "pending": pending}


def throughput(settings: Settings, made, args, workdir: Path) -> None:
    requests_file = workdir / "requests.tsv"
    write_requests(requests_file, made, args.requests)
    with env.gunicorn(HRSYNC_APP, settings) as url:
        ours = env.wrk(url, requests_file, args.seconds, args.connections)
    stored = recorded(settings.redis_url)
    with env.gunicorn(BARE_APP, settings) as url:
        bare = env.wrk(url, requests_file, args.seconds, args.connections)
    for name, run in (("hrsync webhook", ours), ("bare Flask 202", bare)):
        print(f"{name:>15}: {run['requests'] / run['seconds']:8.0f} req/s  p50 {run['p50_ms']:6.2f} ms  "
              f"p99 {run['p99_ms']:6.2f} ms  ({run['requests']} requests, {run['refused']} non-202, "
              f"{run['socket_errors']} socket errors)")
    ratio = (ours["requests"] / ours["seconds"]) / (bare["requests"] / bare["seconds"])
    lost = max(0, ours["accepted"] - stored["seen"])
    print(f"throughput ratio {ratio:.0%} (target ≥ 60%); p99 {ours['p99_ms']:.1f} ms (target ≤ 50 ms)")
    print(f"accepted {ours['accepted']} new + {ours['duplicates']} duplicate deliveries; Redis holds "
          f"{stored['seen']} deliveries, {stored['ids']} employee ids, {stored['pending']} pending syncs; "
          f"lost {lost} (target 0)")


def latency(settings: Settings, services, made, samples: int, workdir: Path) -> None:
    with env.gunicorn(HRSYNC_APP, settings) as url, env.workers(settings, 2, workdir):
        sent = {}
        for company_id, secret, tenant in made[:samples]:
            person = tenant.people[0]
            sandbox_state.update_person(tenant, person.id, last_name=person.last_name + "-Neu")
            body = json.dumps(bamboohr_event(tenant, person.id, "employee.updated",
                                             dt.datetime.now(dt.timezone.utc))).encode()
            stamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
                       "X-BambooHR-Signature": sign_bamboohr(body, stamp, secret)}
            sent[company_id] = dt.datetime.now(dt.timezone.utc)
            assert requests.post(f"{url}/webhooks/bamboohr/{company_id}", data=body, headers=headers,
                                 timeout=10).status_code == 202
            time.sleep(0.25)  # a steady trickle, not a burst: each sample sees an idle pipeline
        finished = wait_finished(services, sent)
    seconds = sorted((finished[c] - sent[c]).total_seconds() for c in sent)
    p95 = seconds[min(len(seconds) - 1, int(round(0.95 * len(seconds))) - 1)]
    print(f"webhook → pending change set (debounce 1 s, 2 workers, {len(seconds)} webhooks): "
          f"p50 {statistics.median(seconds):.2f} s  p95 {p95:.2f} s  max {seconds[-1]:.2f} s (target p95 ≤ 3 s)")


def wait_finished(services, sent: dict, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        with transaction(services.session_factory) as session:
            rows = session.query(SyncRunRow.company_id, SyncRunRow.finished_at).filter(
                SyncRunRow.company_id.in_(list(sent)), SyncRunRow.status == "succeeded").all()
        finished = {company_id: at for company_id, at in rows}
        if len(finished) == len(sent) or time.monotonic() > deadline:
            return finished
        time.sleep(0.2)


sandbox_state: SandboxState


def main(argv: list[str] | None = None) -> int:
    global sandbox_state
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--companies", type=int, default=100)
    parser.add_argument("--requests", type=int, default=60_000, help="distinct signed deliveries to replay")
    parser.add_argument("--samples", type=int, default=40, help="webhooks timed for the latency figure")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(SandboxState()) as sandbox:
        workdir, sandbox_state = Path(tmp), sandbox.state
        with env.private_redis(workdir) as redis_url, env.scratch_database(args.database, workdir) as db_url:
            migrate.upgrade(db_url)
            settings = Settings(database_url=db_url, secret_key="b" * 32,
                                encryption_keys=(Fernet.generate_key().decode(),), redis_url=redis_url,
                                bamboohr_base_url=sandbox.bamboohr_base_url, sync_debounce_seconds=1,
                                instance_path=workdir / "instance", env="test")
            services = build_services(settings)
            made = setup_companies(services, sandbox, args.companies)
            print(f"{args.companies} companies, {args.database}, gunicorn 2 workers, wrk {args.connections} "
                  f"connections × {args.seconds} s")
            throughput(settings, made, args, workdir)
            latency(settings, services, made, min(args.samples, len(made)), workdir)
            services.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
