"""What metrics and JSON logging cost per webhook: in-process CPU per accepted delivery, with and without.

The web app (the fast path a signed BambooHR delivery takes) is called as WSGI in this process against a private
redis-server and an SQLite file, one request after another, each a distinct delivery for one of the companies
(all already pending, so every measured delivery is "joined": one Redis script, as most deliveries of a burst).
Each request also writes the line gunicorn's access log writes for it, through the root logger's handler
configured as LOG_FORMAT says (to /dev/null). Four conditions in alternating rounds, so that background load on a
shared machine falls on all alike; the figure is the least over rounds of this process's CPU time (all threads)
per request (other load only ever adds to it: the least is the steadiest figure on a shared machine):

- base: metrics not counted (their calls replaced by no-ops), text log lines;
- metrics: prometheus-client in multiprocess mode (PROMETHEUS_MULTIPROC_DIR files), text lines;
- json: no metrics, JSON lines (python-json-logger);
- both: metrics and JSON lines, as deploy/ runs it.

Then the same, served: two `hrsync web` (one gunicorn worker each, the redacting access log on) side by side —
one counting in memory with text log lines, one counting into PROMETHEUS_MULTIPROC_DIR with LOG_FORMAT=json, as
deploy/ runs it — loaded by wrk in alternating slices with distinct deliveries (bench/webhooks.py's); the figure is
the servers' CPU per request (gunicorn and Redis), the denominator the target speaks of.

The correlation id each request binds (a uuid4 unless nginx sends one) is part of every condition; its own cost is
timed apart and added to the overhead. The parts are also timed alone (best of five): the metric calls of one
accepted delivery, and one access line formatted as JSON rather than text. Target: metrics + JSON logging under
5 % of the intake's CPU — of the served intake's (gunicorn and Redis included: bench/webhooks.py's server CPU per
request, given with --served-cpu-ms) and, stricter, of the in-process figure here.

    python -m bench.observability [--requests 2000] [--rounds 7] [--companies 50]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import logging
import os
import subprocess
import tempfile
import time
import timeit
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

from cryptography.fernet import Fernet
from redis import Redis

from bench import _common as common
from bench import _webhooks_env as env
from bench._webhooks_setup import setup_companies
from core import logs, metrics
from core.bootstrap import build_services
from core.settings import Settings
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store import migrate
from webhook_app import create_app
from webhook_app.serving.access_log import ACCESS_LOG_FORMAT

TARGET = 0.05
CONDITIONS = ("base", "metrics", "json", "both")
# What gunicorn's access line is made of (its atoms), as RedactingLogger passes them to the access logger.
ATOMS = {"h": "127.0.0.1", "l": "-", "u": "-", "t": "[02/Dec/2026:10:00:00 +0000]",
         "r": "POST /webhooks/bamboohr/co_0123456789abcdef HTTP/1.1", "s": "202", "b": "61", "f": "-",
         "a": "BambooHR-Webhooks/1.0", "M": "1"}


def deliveries(made, count: int, first: int) -> list[tuple[dict, bytes]]:
    """`count` distinct signed deliveries (WSGI environ without its input, body), round-robin over the companies."""
    moment, stamp = dt.datetime.now(dt.timezone.utc), str(int(time.time()))
    built = []
    for number in range(first, first + count):
        company_id, secret, tenant = made[number % len(made)]
        event = bamboohr_event(tenant, str(1_000_000 + number), "employee.updated",
                               moment + dt.timedelta(milliseconds=number), changed_fields=["lastName"])
        body = json.dumps(event, separators=(",", ":")).encode()
        built.append(({"REQUEST_METHOD": "POST", "PATH_INFO": f"/webhooks/bamboohr/{company_id}", "QUERY_STRING": "",
                       "SERVER_NAME": "bench", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
                       "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(), "CONTENT_TYPE": "application/json",
                       "CONTENT_LENGTH": str(len(body)), "HTTP_X_BAMBOOHR_TIMESTAMP": stamp,
                       "HTTP_X_BAMBOOHR_SIGNATURE": sign_bamboohr(body, stamp, secret)}, body))
    return built


def serve(app, batch: list[tuple[dict, bytes]], access: logging.Logger) -> tuple[float, int]:
    """CPU seconds of this process for the batch, and how many were answered 202."""
    answered = []

    def start_response(status, headers, exc_info=None):
        answered.append(status[:3])

    started = time.process_time()
    for environ, body in batch:
        request = dict(environ)
        request["wsgi.input"] = io.BytesIO(body)
        for _chunk in app(request, start_response):
            pass
        access.info(ACCESS_LOG_FORMAT, ATOMS)
    return time.process_time() - started, answered.count("202")


def condition(name: str, real_webhook, handler: logging.Handler) -> None:
    metrics.webhook = real_webhook if name in ("metrics", "both") else (lambda *args, **kwargs: None)
    handler.setFormatter(logs.formatter(logs.JSON if name in ("json", "both") else logs.TEXT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="deliveries per condition and round")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--slices", type=int, default=6, help="served: wrk runs per server, alternating")
    parser.add_argument("--seconds", type=int, default=4, help="served: length of one slice")
    parser.add_argument("--companies", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, SandboxServer(SandboxState()) as sandbox:
        workdir = Path(tmp)
        with env.private_redis(workdir) as redis_url:
            result = measure(args, workdir, redis_url, sandbox)
            result["served"] = served(args, workdir, redis_url, sandbox)
    report(result, args)
    return 0


def measure(args, workdir: Path, redis_url: str, sandbox) -> dict:
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    migrate.upgrade(db_url)
    settings = Settings(database_url=db_url, secret_key="b" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                        redis_url=redis_url, provider_urls={"BAMBOOHR_BASE_URL": sandbox.bamboohr_base_url}, sync_debounce_seconds=3600,
                        instance_path=workdir / "instance", env="test", metrics_dir=workdir / "metrics")
    services = build_services(settings)
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 (closed with the process)
    handler.addFilter(logs.CorrelationFilter())
    access = logging.getLogger("gunicorn.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    try:
        made = setup_companies(services, sandbox, args.companies)
        app = create_app(settings, redis=Redis.from_url(redis_url), services=services)
        real_webhook, first = metrics.webhook, 0
        warm = deliveries(made, max(args.companies * 2, 500), first)  # every company pending, every secret cached
        first += len(warm)
        for name in CONDITIONS:
            condition(name, real_webhook, handler)
            serve(app, warm[:len(warm) // len(CONDITIONS)], access)
        cpu: dict[str, list[float]] = {name: [] for name in CONDITIONS}
        for number in range(args.rounds):
            order = CONDITIONS if number % 2 == 0 else tuple(reversed(CONDITIONS))
            for name in order:
                batch = deliveries(made, args.requests, first)
                first += len(batch)
                condition(name, real_webhook, handler)
                seconds, accepted = serve(app, batch, access)
                assert accepted == len(batch), f"{name}: {accepted} of {len(batch)} accepted"
                cpu[name].append(seconds / len(batch))
        metrics.webhook = real_webhook
        parts = timed_parts(handler)
    finally:
        access.removeHandler(handler)
        services.dispose()
    return {"cpu_us": {name: min(values) * 1e6 for name, values in cpu.items()},
            "rounds_us": {name: [round(value * 1e6, 1) for value in values] for name, values in cpu.items()},
            **parts}


def served(args, workdir: Path, redis_url: str, sandbox) -> dict[str, float]:
    """CPU per request (gunicorn + Redis, µs) of `hrsync web` without and with multiprocess metrics + JSON lines."""
    from bench.webhooks import write_requests

    db_url = f"sqlite:///{workdir / 'served.db'}"
    migrate.upgrade(db_url)
    plain = Settings(database_url=db_url, secret_key="b" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                     redis_url=redis_url, provider_urls={"BAMBOOHR_BASE_URL": sandbox.bamboohr_base_url}, sync_debounce_seconds=3600,
                     instance_path=workdir / "served-instance", env="test")
    observed = dataclasses.replace(plain, log_format="json", metrics_dir=workdir / "served-metrics")
    services = build_services(plain)
    try:
        made = setup_companies(services, sandbox, args.companies)
    finally:
        services.dispose()
    cpu: dict[str, list[float]] = {"plain": [], "observed": []}
    with _web(plain, workdir / "plain.log") as plain_server, _web(observed, workdir / "observed.log") as obs_server:
        servers, first = {"plain": plain_server, "observed": obs_server}, 0
        warm = write_requests(workdir / "warm.tsv", made, 2000, first)
        first += 2000
        for server in servers.values():
            env.wrk(server.url, warm, 2, 8)
        for number in range(args.slices):
            batch = write_requests(workdir / "slice.tsv", made, 2500 * args.seconds, first)
            first += 2500 * args.seconds
            for name in ("plain", "observed") if number % 2 == 0 else ("observed", "plain"):
                before = servers[name].cpu_seconds() + env.redis_cpu_seconds(redis_url)
                run = env.wrk(servers[name].url, batch, args.seconds, 8)
                spent = servers[name].cpu_seconds() + env.redis_cpu_seconds(redis_url) - before
                cpu[name].append(spent / max(1, run["requests"]) * 1e6)
    return {name: min(values) for name, values in cpu.items()} | {
        f"{name}_slices": [round(value) for value in values] for name, values in cpu.items()}


@contextmanager
def _web(settings: Settings, log: Path) -> Iterator[env.Server]:
    """`hrsync web --workers 1` with these settings (its log to `log`)."""
    port = env.free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen([str(env.BIN / "hrsync"), "web", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                                   env=env.child_env(settings), stdout=sink, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            env.wait_for(lambda: requests.get(f"{url}/healthz", timeout=1).ok, 60, "hrsync web")
            yield env.Server(url, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def timed_parts(handler: logging.Handler) -> dict[str, float]:
    """µs of each added part alone, best of five: the correlation id, one delivery's metric calls (a counter and
    the latency histogram), one access line as JSON minus as text."""
    def best(function, number: int = 20000) -> float:
        return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6

    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, ACCESS_LOG_FORMAT, (ATOMS,), None)
    logs.CorrelationFilter().filter(record)
    text, json_lines = logs.formatter(logs.TEXT), logs.formatter(logs.JSON)
    return {"bind_us": best(lambda: logs.bind(None, "webhook")),
            "metric_calls_us": best(lambda: metrics.webhook("bamboohr", "joined", 0.0004)),
            "json_line_us": best(lambda: json_lines.format(record)) - best(lambda: text.format(record))}


def report(result: dict, args) -> None:
    cpu, bind = result["cpu_us"], result["bind_us"]
    base = cpu["base"]
    print(f"webhook intake, in-process CPU per accepted delivery (least of {args.rounds} rounds × {args.requests} "
          f"requests, {args.companies} companies, {os.cpu_count()} cores; load {common.machine_load()[0]:.2f})")
    for name in CONDITIONS:
        extra = cpu[name] - base
        print(f"  {name:>8}: {cpu[name]:7.1f} µs  ({extra:+6.1f} µs, {extra / base:+6.1%})   rounds "
              f"{' '.join(f'{value:.0f}' for value in result['rounds_us'][name])}")
    measured = cpu["both"] - base + bind
    parts = result["metric_calls_us"] + result["json_line_us"] + bind
    plain, observed = result["served"]["plain"], result["served"]["observed"]
    served = plain
    print(f"  served (hrsync web, 1 worker, access log; gunicorn + Redis CPU per request, least of "
          f"{args.slices} slices): in-memory counters + text lines {plain:.0f} µs, multiprocess metrics + JSON "
          f"lines {observed:.0f} µs ({observed - plain:+.0f} µs, {(observed - plain) / plain:+.1%}); slices "
          f"{result['served']['plain_slices']} / {result['served']['observed_slices']}")
    print(f"  parts alone: metric calls {result['metric_calls_us']:.1f} µs + JSON instead of text line "
          f"{result['json_line_us']:.1f} µs + correlation id {bind:.1f} µs = {parts:.1f} µs")
    print(f"  metrics + JSON logging per webhook: {measured:+.1f} µs measured ({parts:.1f} µs from the parts) = "
          f"{measured / base:.1%} ({parts / base:.1%}) of the in-process intake, {measured / served:.1%} "
          f"({parts / served:.1%}) of the served intake's {served:.0f} µs (target < {TARGET:.0%})")
    print(f"  served with and without: {(observed - plain) / plain:+.1%} (target < {TARGET:.0%})")
    common.emit("observability", base_us=round(base, 1), metrics_us=round(cpu["metrics"], 1),
                json_us=round(cpu["json"], 1), both_us=round(cpu["both"], 1), bind_us=round(bind, 2),
                metric_calls_us=round(result["metric_calls_us"], 2), json_line_us=round(result["json_line_us"], 2),
                in_process_share=round(measured / base, 4), parts_in_process_share=round(parts / base, 4),
                served_share=round(measured / served, 4), parts_served_share=round(parts / served, 4),
                served_plain_us=round(plain, 1), served_observed_us=round(observed, 1),
                served_overhead=round((observed - plain) / plain, 4),
                target=TARGET, rounds=args.rounds, requests=args.requests)


if __name__ == "__main__":
    raise SystemExit(main())
