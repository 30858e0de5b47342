"""One sync, start to finish: fetch from the HR system, match, and store the change set."""

from __future__ import annotations

import gc
import logging
import time
from time import perf_counter  # durations for the metrics (time.monotonic paces the progress rows)
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from core import errors, metrics
from core.bootstrap import Services
from domain.changeset import ChangeSet
from domain.decisions import Decisions
from domain.employee import Employee
from domain.matching import match
from providers.base import HRProvider
from providers.errors import ProviderError, ProviderUnavailable
from services.sync_progress import LiveProgress, Phase
from store.db import transaction
from store.enums import SyncMode
from store.repositories import changesets, companies, decisions, integrations, stakeholders, sync_runs

log = logging.getLogger(__name__)

# Progress rows are written every PROGRESS_EVERY employees, but at most once per PROGRESS_SECONDS: fresh enough
# for a progress bar, and a 50k-employee fetch does not pay a hundred commits (~1 s on PostgreSQL) for it.
PROGRESS_EVERY = 500
PROGRESS_SECONDS = 1.0

OnProgress = Callable[[int, "int | None"], None]

# Among a targeted sync's remote ids: an authentic webhook named nobody hrsync can fetch (SPEC §5), so the sync
# also fetches what changed since the company's last cursor, as an incremental sync would. Never a real id.
WHOLE_COMPANY = "*"


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    sync_id: int
    changeset_id: int | None
    counts: dict[str, int]
    changeset: ChangeSet


@dataclass(frozen=True, slots=True)
class _Plan:
    company_id: str
    provider: str
    mode: SyncMode
    remote_ids: tuple[str, ...]
    credentials: dict
    mapping: dict[str, str] | None
    cursor: str | None
    trigger: str  # the row's (store.enums.SyncTrigger): the metrics' label
    options: dict[str, bool] | None = None  # the company's provider options


def execute_sync(services: Services, sync_id: int, on_progress: OnProgress | None = None, *,
                 will_retry: bool = False, live: LiveProgress | None = None) -> SyncOutcome:
    """Run sync `sync_id`; provider errors mark it failed (registry and pending set untouched) and re-raise.

    With `will_retry` (a retry is scheduled), a transient provider error leaves the run queued instead. `live`
    receives the phase and the fetched count for people following the sync (services.sync_progress).
    """
    try:
        return _execute(services, sync_id, on_progress, will_retry, live)
    finally:
        if live is not None:
            live.clear()  # ended or back in the queue: the row tells which


def _execute(services: Services, sync_id: int, on_progress: OnProgress | None, will_retry: bool,
             live: LiveProgress | None) -> SyncOutcome:
    started = perf_counter()
    plan = _start(services, sync_id)
    provider = services.provider_factory(plan.provider, plan.credentials, plan.mapping, options=plan.options)
    if live is not None:
        live.phase(Phase.FETCHING)
        on_progress = _teed(on_progress, live)
    try:
        with _collector_paused():
            employees, cursor_after = _fetch(services, provider, plan, sync_id, on_progress, live)
            metrics.sync_phase("fetch", perf_counter() - started)
            if live is not None:
                live.phase(Phase.MATCHING)
            outcome = _record(services, sync_id, plan, provider, employees, cursor_after, live)
    except ProviderUnavailable as error:
        if will_retry:
            _requeue(services, sync_id, plan.company_id, error)
        else:
            _fail(services, sync_id, plan.company_id, error)
        _ended(plan, "retrying" if will_retry else "failed", started)
        raise
    except ProviderError as error:
        _fail(services, sync_id, plan.company_id, error)
        _ended(plan, "failed", started)
        raise
    finally:
        provider.close()
    _ended(plan, "succeeded", started)
    metrics.recorded(plan.provider, len(employees), outcome.counts)
    return outcome


def _ended(plan: _Plan, status: str, started: float) -> None:
    metrics.sync_ended(plan.trigger, plan.mode.value, status, perf_counter() - started)


def _teed(on_progress: OnProgress | None, live: LiveProgress) -> OnProgress:
    def report(fetched: int, total: int | None) -> None:
        live.fetched(fetched, total)
        if on_progress is not None:
            on_progress(fetched, total)

    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a sync builds its (acyclic) employees, registry and change set.

    A 50k-employee sync keeps a few million objects alive; the collector re-scanning them as they pile up
    cost a fifth of the sync's CPU time. Reference counting still frees everything as usual; cycles made
    meanwhile wait for the collector's next run after the sync.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _start(services: Services, sync_id: int) -> _Plan:
    with transaction(services.session_factory) as session:
        run = sync_runs.start_run(session, sync_id)
        integration = integrations.get_integration(session, run.company_id)
        configured = integration is not None and integration.provider == run.provider
        if not configured:
            sync_runs.fail_run(session, sync_id, f"{run.provider} is not configured for this company",
                               errors.NotConfigured.code)
        else:
            credentials = integrations.get_credentials(session, services.box, run.company_id)
            # Targeted syncs too: one may have to look for its change incrementally (_targeted).
            cursor = sync_runs.last_cursor(session, run.company_id) if run.mode is not SyncMode.FULL else None
    if not configured:
        metrics.sync_ended(run.trigger.value, run.mode.value, "failed")
        raise ProviderError(f"{run.provider} is not configured for company {run.company_id}")
    log.info("sync %s (%s) of company %s started", sync_id, run.mode.value, run.company_id)
    return _Plan(run.company_id, run.provider, run.mode, run.remote_ids, credentials,
                 integration.mapping, cursor, run.trigger.value, integration.options)


def _fetch(services: Services, provider: HRProvider, plan: _Plan, sync_id: int, on_progress: OnProgress | None,
           live: LiveProgress | None = None) -> tuple[list[Employee], str | None]:
    cursor_after: list[str] = []
    if plan.mode is SyncMode.FULL:
        stream = provider.iter_employees(progress=_progress_writer(services, sync_id, on_progress))
    elif plan.mode is SyncMode.INCREMENTAL:
        stream = _incremental(provider, plan, (), cursor_after)
    else:
        stream = _targeted(provider, plan, cursor_after)
    employees = list(_counted(stream, services, sync_id, on_progress, live))
    return employees, (cursor_after[0] if cursor_after else None)


def _incremental(provider: HRProvider, plan: _Plan, known: Iterable[str], cursor_after: list[str]) -> Iterator[Employee]:
    """The employees changed since the company's cursor, besides `known` ids; the next cursor lands in `cursor_after`."""
    changed = provider.changed_since(plan.cursor)
    cursor_after.append(changed.cursor)
    return provider.fetch_employees(dict.fromkeys([*known, *changed.remote_ids]))


def _targeted(provider: HRProvider, plan: _Plan, cursor_after: list[str]) -> Iterator[Employee]:
    """The named employees — and, when a webhook named nobody or named an id the HR system does not know (an id of
    another kind, as the provider's fetch report says), what changed since the cursor: such a change is never skipped."""
    named = [remote_id for remote_id in plan.remote_ids if remote_id != WHOLE_COMPANY]
    if WHOLE_COMPANY in plan.remote_ids:
        yield from _incremental(provider, plan, named, cursor_after)
        return
    fetched: set[str] = set()
    for employee in provider.fetch_employees(named):
        fetched.add(employee.remote_id)
        yield employee
    unresolved = provider.fetch_report().unresolved_ids
    if unresolved:
        log.info("company %s: %s knows no employee %s; looking for the change with an incremental fetch",
                 plan.company_id, plan.provider, ", ".join(sorted(unresolved)))
        yield from (employee for employee in _incremental(provider, plan, (), cursor_after)
                    if employee.remote_id not in fetched)


def _counted(stream: Iterator[Employee], services: Services, sync_id: int, on_progress: OnProgress | None,
             live: LiveProgress | None = None) -> Iterator[Employee]:
    count, written = 0, time.monotonic()
    for count, employee in enumerate(stream, start=1):
        if count % PROGRESS_EVERY == 0 and time.monotonic() - written >= PROGRESS_SECONDS:
            _write_progress(services, sync_id, count, None)
            written = time.monotonic()
        if live is not None:
            live.fetched(count)
        yield employee
    _write_progress(services, sync_id, count, None)
    if on_progress is not None:
        on_progress(count, count)


def _progress_writer(services: Services, sync_id: int, on_progress: OnProgress | None) -> OnProgress:
    def report(fetched: int, total: int | None) -> None:
        if on_progress is not None:
            on_progress(fetched, total)
        if total is not None and fetched == 0:
            _write_progress(services, sync_id, 0, total)

    return report


def _write_progress(services: Services, sync_id: int, fetched: int, total: int | None) -> None:
    with transaction(services.session_factory) as session:
        sync_runs.record_progress(session, sync_id, fetched, total=total)


def _record(services: Services, sync_id: int, plan: _Plan, provider: HRProvider,
            employees: list[Employee], cursor_after: str | None, live: LiveProgress | None = None) -> SyncOutcome:
    """Match and store in one transaction: the change set appears whole or not at all."""
    owned = frozenset((plan.mapping or provider.default_mapping).values())
    targeted = plan.mode is not SyncMode.FULL
    started = perf_counter()
    with transaction(services.session_factory) as session:
        registry = stakeholders.list_stakeholders(session, plan.company_id)
        policy = companies.policy_for(session, plan.company_id, plan.provider, owned,
                                      require_hire_date=provider.require_hire_date)
        known = Decisions.of(decisions.list_decisions(session, plan.company_id, plan.provider))
        matching = perf_counter()
        result = match(employees, registry, policy, known, scope="targeted" if targeted else "full")
        matched = perf_counter() - matching
        versions = stakeholders.versions(registry)
        if live is not None:
            live.phase(Phase.STORING)
        if targeted:
            fetched_ids = [employee.remote_id for employee in employees] + [
                remote_id for remote_id in plan.remote_ids if remote_id != WHOLE_COMPANY]
            changeset_id = changesets.merge_targeted(session, plan.company_id, sync_id, result,
                                                     fetched_ids, versions)
        else:
            changeset_id = changesets.save_changeset(session, plan.company_id, sync_id, result, versions)
        sync_runs.record_progress(session, sync_id, len(employees), matched=len(employees))
        counts = result.counts()
        # Read once the fetch is over: the provider knows then which mapped fields no employee carried.
        missing = provider.fetch_report().absent_fields
        sync_runs.succeed_run(session, sync_id, counts, cursor_after, missing)
        integrations.mark_ok(session, plan.company_id)
    metrics.sync_phase("match", matched)
    metrics.sync_phase("store", perf_counter() - started - matched)
    log.info("sync %s of company %s: %s; change set %s", sync_id, plan.company_id, counts, changeset_id)
    if missing:
        log.warning("sync %s of company %s: %s sent no employee's %s", sync_id, plan.company_id, plan.provider,
                    ", ".join(sorted(missing)))
    return SyncOutcome(sync_id, changeset_id, counts, result)


def _fail(services: Services, sync_id: int, company_id: str, error: ProviderError) -> None:
    with transaction(services.session_factory) as session:
        # The integration needs attention now; the code tells what to do (services.sync_progress.ADVICE).
        sync_runs.fail_run(session, sync_id, str(error), _code(error))
    log.warning("sync %s of company %s failed: %s", sync_id, company_id, error)


def _requeue(services: Services, sync_id: int, company_id: str, error: ProviderError) -> None:
    with transaction(services.session_factory) as session:
        sync_runs.requeue_run(session, sync_id, f"{error} (will retry)", _code(error))
    log.warning("sync %s of company %s will be retried: %s", sync_id, company_id, error)


def _code(error: ProviderError) -> str:
    classified = errors.classify(error)
    return classified.code if classified is not None else errors.ProviderFailed.code
