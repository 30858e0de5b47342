"""bench/webhooks.py's latency figure: webhook sent → targeted sync's pending change set committed."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

import requests
from sqlalchemy import select

from bench import _common as common
from bench import _webhooks_env as env
from core.settings import Settings
from sandbox.state import SandboxState
from sandbox.webhooks import bamboohr_event, sign_bamboohr
from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.models import SyncRunRow

TARGET_P95_S = 3.0


def latency(settings: Settings, services, state: SandboxState, made, args, workdir: Path) -> dict:
    """One webhook per company (after an HR change), `args.spacing` apart, two workers already waiting;
    then the workers' capacity: a burst of webhooks for `args.burst` other companies at once."""
    samples = made[:min(args.samples, len(made))]
    burst = made[len(samples):len(samples) + args.burst]
    load = common.machine_load()
    with env.gunicorn("webhook_app:create_app()", settings) as server, env.workers(settings, 2, workdir):
        sent = {}
        for company_id, secret, tenant in samples:
            sent[company_id] = _send(server.url, state, company_id, secret, tenant)
            time.sleep(args.spacing)  # a steady trickle, paced by the sender: not a wait for the system
        runs = wait_finished(services, sent)
        result = report(sent, runs, load, args.spacing)
        if burst:
            started = dt.datetime.now(dt.timezone.utc)
            burst_sent = {company_id: _send(server.url, state, company_id, secret, tenant)
                          for company_id, secret, tenant in burst}
            burst_runs = wait_finished(services, burst_sent)
            result.update(report_capacity(started, burst_runs, len(burst)))
    common.emit("webhooks", **result)
    return result


def _send(url: str, state: SandboxState, company_id: str, secret: str, tenant) -> dt.datetime:
    person = tenant.people[0]
    state.update_person(tenant, person.id, last_name=person.last_name + "-Neu")
    body = json.dumps(bamboohr_event(tenant, person.id, "employee.updated", dt.datetime.now(dt.timezone.utc))).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
               "X-BambooHR-Signature": sign_bamboohr(body, stamp, secret)}
    sent = dt.datetime.now(dt.timezone.utc)
    answer = requests.post(f"{url}/webhooks/bamboohr/{company_id}", data=body, headers=headers, timeout=10)
    assert answer.status_code == 202, answer.text
    return sent


def wait_finished(services, sent: dict, timeout: float = 120) -> dict:
    """company → (created, started, finished) of its succeeded targeted sync, polled until all are in."""
    deadline = time.monotonic() + timeout
    while True:
        with transaction(services.session_factory) as session:
            rows = session.execute(select(SyncRunRow.company_id, SyncRunRow.created_at, SyncRunRow.started_at,
                                          SyncRunRow.finished_at).where(
                SyncRunRow.company_id.in_(list(sent)), SyncRunRow.mode == SyncMode.TARGETED.value,
                SyncRunRow.status == SyncStatus.SUCCEEDED.value)).all()
        runs = {company_id: (created, started, finished) for company_id, created, started, finished in rows}
        if len(runs) == len(sent) or time.monotonic() > deadline:
            return runs
        time.sleep(0.2)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered))) - 1))]


def report(sent: dict, runs: dict, load: list[float], spacing: float) -> dict:
    done = [company for company in sent if company in runs]
    total = [(runs[c][2] - sent[c]).total_seconds() for c in done]
    created = [(runs[c][0] - sent[c]).total_seconds() for c in done]
    queued = [(runs[c][1] - runs[c][0]).total_seconds() for c in done]
    running = [(runs[c][2] - runs[c][1]).total_seconds() for c in done]
    p95 = _percentile(total, 0.95)
    print(f"webhook → pending change set (debounce 1 s, 2 workers, {len(done)}/{len(sent)} webhooks {spacing} s "
          f"apart, load {load[0]:.2f}): p50 {statistics.median(total):.2f} s  p95 {p95:.2f} s  max {max(total):.2f} s "
          f"(target p95 ≤ {TARGET_P95_S:.0f} s)")
    print(f"  of which: sync row created p50 {1000 * statistics.median(created):.0f} ms after the webhook; "
          f"debounce + scheduler + queue p50 {statistics.median(queued):.2f} s (p95 {_percentile(queued, 0.95):.2f});"
          f" the sync itself p50 {statistics.median(running):.2f} s (p95 {_percentile(running, 0.95):.2f})")
    return {"figure": "latency", "samples": len(sent), "finished": len(done), "spacing_s": spacing, "load": load,
            "p50_s": round(statistics.median(total), 3), "p95_s": round(p95, 3), "max_s": round(max(total), 3),
            "created_p50_ms": round(1000 * statistics.median(created)),
            "queued_p50_s": round(statistics.median(queued), 3), "sync_p50_s": round(statistics.median(running), 3)}


def report_capacity(started: dt.datetime, runs: dict, count: int) -> dict:
    """A burst of `count` webhooks for as many companies: how fast two workers turn them into change sets."""
    last = max(finished for _created, _started, finished in runs.values())
    seconds = (last - started).total_seconds()
    print(f"capacity: {len(runs)}/{count} webhooks sent at once (one per company) → change sets in {seconds:.1f} s "
          f"= {len(runs) / seconds:.2f} targeted syncs/s with 2 workers (each also mails its approvers); a steadier "
          f"stream than that queues, and its latency grows with the queue")
    return {"burst": count, "burst_finished": len(runs), "burst_seconds": round(seconds, 2),
            "syncs_per_s": round(len(runs) / seconds, 2)}
