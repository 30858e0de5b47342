"""Prometheus metrics (prometheus-client): what the processes count, and the installation's state read at scrape time.

Counters and histograms are counted where things happen (services, core, the providers' HTTP session). With
`PROMETHEUS_MULTIPROC_DIR` (core.settings: `metrics_dir`) every process — each gunicorn worker, each RQ worker and
its work horses — writes its samples to files there, and `/metrics` adds them up (the client's multiprocess mode);
gunicorn's `child_exit` hook marks a dead worker's files. Gauges of the installation's state (queues, workers,
pending change sets, integrations) are read from Redis and the database at scrape time (core.state_gauges).

Label values come from small fixed sets (providers, outcomes, kinds, statuses, queue names): never a company,
e-mail, id or any text from a request.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess, values
from prometheus_client.registry import Collector

from core.settings import publish_metrics_dir

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
SLOW = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)

# Webhook refusals by core.errors code → the outcome label; anything else is "error".
WEBHOOK_REFUSALS = {
    "webhook_rejected": "unauthorized", "malformed_webhook": "malformed", "unknown_company": "unknown_company",
    "provider_not_configured": "not_configured", "webhook_secret_not_set": "secret_not_set",
    "queue_unavailable": "unavailable", "database_unavailable": "unavailable", "too_large": "too_large",
}

# One histogram for both the deliveries and the intake's latency: its _count is the deliveries by provider and
# outcome. A counter beside it would be a third file write per webhook (bench/observability.py).
WEBHOOK_DELIVERIES = Histogram("hrsync_webhook_delivery_seconds", "Webhook deliveries by provider and outcome — "
                               "accepted (scheduled, joined, duplicate) or refused (the reason) — and the time the "
                               "web process took to answer each (_count: the deliveries)", ["provider", "outcome"],
                               buckets=FAST)
SYNCS = Counter("hrsync_syncs", "Syncs ended, by trigger, mode and status (succeeded, failed, retrying)",
                ["trigger", "mode", "status"])
SYNC_SECONDS = Histogram("hrsync_sync_duration_seconds", "Duration of a sync that ended, by mode", ["mode"],
                         buckets=SLOW)
SYNC_PHASE_SECONDS = Histogram("hrsync_sync_phase_seconds", "Duration of a sync's phases: fetch, match, store",
                               ["phase"], buckets=SLOW)
EMPLOYEES_FETCHED = Counter("hrsync_employees_fetched", "Employees fetched from the HR systems", ["provider"])
CHANGESET_ITEMS = Counter("hrsync_changeset_items", "Items of the change sets syncs recorded, by kind", ["kind"])
HR_CALLS = Counter("hrsync_hr_calls", "Calls to the HR systems by provider and final HTTP status ('error': no "
                   "answer)", ["provider", "status"])
HR_RETRIES = Counter("hrsync_hr_call_retries", "Retries of calls to the HR systems by provider and what was "
                     "retried (an HTTP status such as 429, or 'error')", ["provider", "reason"])
APPROVALS = Counter("hrsync_approvals", "Approval attempts: applied, wrong_password, locked", ["outcome"])

_OWN = (WEBHOOK_DELIVERIES, SYNCS, SYNC_SECONDS, SYNC_PHASE_SECONDS, EMPLOYEES_FETCHED,
        CHANGESET_ITEMS, HR_CALLS, HR_RETRIES, APPROVALS)


# Labelled children by (metric, label values): `labels()` costs more than the count itself on the webhooks' hot
# path (bench/observability.py). Emptied whenever the value class changes (use_directory).
_children: dict[tuple, object] = {}


def _child(metric, *values: str):
    try:
        return _children[(metric, values)]
    except KeyError:
        return _children.setdefault((metric, values), metric.labels(*values))


def webhook(provider: str, outcome: str, seconds: float = 0.0) -> None:
    """One delivery answered in `seconds` (0: refused before it was read)."""
    _child(WEBHOOK_DELIVERIES, provider, outcome).observe(seconds)


def webhook_refusal(code: str | None) -> str:
    """The outcome label of a refused delivery, from its core.errors code."""
    return WEBHOOK_REFUSALS.get(code or "", "error")


def sync_ended(trigger: str, mode: str, status: str, seconds: float | None = None) -> None:
    SYNCS.labels(trigger, mode, status).inc()
    if seconds is not None:
        SYNC_SECONDS.labels(mode).observe(seconds)


def sync_phase(phase: str, seconds: float) -> None:
    SYNC_PHASE_SECONDS.labels(phase).observe(seconds)


def recorded(provider: str, fetched: int, item_counts: Mapping[str, int]) -> None:
    """A sync's change set was stored: the employees it fetched and its items by kind."""
    EMPLOYEES_FETCHED.labels(provider).inc(fetched)
    for kind, count in item_counts.items():
        if count:
            CHANGESET_ITEMS.labels(kind).inc(count)


def approval(outcome: str) -> None:
    APPROVALS.labels(outcome).inc()


class HrCalls:
    """The providers' call observer (providers.base.ProviderSettings.observer) for one provider."""

    def __init__(self, provider: str) -> None:
        self.provider = provider

    def __call__(self, status: str, retried: Iterable[str]) -> None:
        HR_CALLS.labels(self.provider, status).inc()
        for reason in retried:
            HR_RETRIES.labels(self.provider, reason).inc()


# Which files this process writes: its pid, or (in a forked child that runs after its siblings, never beside them: an
# RQ work horse) one name shared by every such child of the same parent (see use_directory).
_identity: dict[str, str | None] = {"name": None}


def _process_identifier() -> str:
    return _identity["name"] or str(os.getpid())


def use_directory(directory: Path | None, *, children_in_turn: bool = False) -> None:
    """Count into `directory` (multiprocess mode) from now on, in this process and the ones it forks.

    Processes started with PROMETHEUS_MULTIPROC_DIR are in this mode from the client's import on; this also serves
    settings built in code (tests, the benchmark). Samples counted before, in this process, are dropped.

    `children_in_turn` (an RQ worker: one work horse at a time): the children this process forks write one file
    between them, each opening it afresh, instead of a file per child (per job) that would pile up in the
    directory and slow every scrape."""
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    if children_in_turn:
        parent = os.getpid()
        os.register_at_fork(after_in_child=lambda: _identity.update(name=f"{parent}-children"))
    if not publish_metrics_dir(directory) and values.ValueClass is not values.MutexValue and not children_in_turn:
        return
    values.ValueClass = values.MultiProcessValue(process_identifier=_process_identifier)
    _children.clear()
    for metric in _OWN:
        with metric._lock:  # labelled children are made again, with the new value class, on next use (the
            metric._metrics = {}  # client's clear() does this, warning that it does not delete files: none to delete)


def process_ended(pid: int, directory: Path | None) -> None:
    """gunicorn's child_exit: a dead worker's live gauges no longer count (its counters still do)."""
    if directory is not None:
        multiprocess.mark_process_dead(pid, str(directory))


def exposition(directory: Path | None, state: Collector | None = None) -> bytes:
    """The text format of every process's counters (this one's alone without a directory) and the state."""
    if directory is not None:
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted, path=str(directory))
    else:
        counted = REGISTRY
    text = generate_latest(counted)
    if state is not None:
        extra = CollectorRegistry()
        extra.register(state)
        text += generate_latest(extra)
    return text
