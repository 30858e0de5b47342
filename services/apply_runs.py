"""Applying a change set beside the request that asked for it, with its progress in Redis for a progress view.

The password is checked in the request (services.approvals.check_approver); the apply itself — still one
transaction, all or nothing — runs on a small thread pool of the web process, reporting its phase and how far it
got. The request waits a moment: a small change set is applied by then and answered at once; a first import of
tens of thousands of items is followed on a progress page instead. Were the process to end mid-apply, the
transaction rolls back: the progress, no longer refreshed, then says that nothing was applied.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass

from redis import Redis
from redis.exceptions import RedisError

from core.bootstrap import Services
from core.errors import HrsyncError, classify
from core.namespace import key
from domain.names import NameFormat
from services.apply_plan import Phase
from services.approvals import ApplyResult, ApprovalRequest, FollowUp, apply_changeset, propose_again

log = logging.getLogger(__name__)

PROGRESS_TTL = 24 * 3600
# A running apply refreshes its progress at least this often (the slowest phase, one bulk write, takes seconds);
# a record older than STALLED_AFTER belongs to a process that ended: its transaction was rolled back.
REFRESH_SECONDS = 0.5
STALLED_AFTER = 300
# Applies at once per web process; more wait their turn (their progress says so).
APPLIERS = 2
_pool = ThreadPoolExecutor(max_workers=APPLIERS, thread_name_prefix="hrsync-apply")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# Where each phase starts and ends on a 0–100 bar (deciding and writing take most of a big apply).
PHASE_SPANS = {Phase.WAITING.value: (0, 2), Phase.READING.value: (2, 10), Phase.LOCKING.value: (10, 15),
               Phase.DECIDING.value: (15, 55), Phase.WRITING.value: (55, 97), Phase.COMMITTING.value: (97, 99)}


@dataclass(frozen=True, slots=True)
class ApplyProgress:
    state: str
    phase: str = ""
    done: int = 0
    total: int = 0
    started_at: float = 0.0
    updated_at: float = 0.0
    message: str = ""  # a failure, in words for a person
    status: int = 0  # a failure's HTTP status
    follow_up_sync: int | None = None
    follow_up_problem: str | None = None
    follow_up_already_queued: bool = False
    name_format: str | None = None
    items: int = 0  # in the change set, and its company's name: what the progress page shows without reading
    company: str = ""  # the database (SQLite serialises transactions: a read would wait for the apply)

    @property
    def stalled(self) -> bool:
        return self.state in (QUEUED, RUNNING) and time.time() - self.updated_at > STALLED_AFTER

    @property
    def elapsed(self) -> float:
        return max(0.0, (self.updated_at if self.state in (DONE, FAILED) else time.time()) - self.started_at)

    @property
    def format(self) -> NameFormat | None:
        return NameFormat(self.name_format) if self.name_format in {f.value for f in NameFormat} else None

    @property
    def follow_up(self) -> FollowUp | None:
        if self.follow_up_sync is None and self.follow_up_problem is None:
            return None
        return FollowUp(self.follow_up_sync, self.follow_up_problem, self.follow_up_already_queued)

    @property
    def percent(self) -> int:
        """How far, 0–100, weighting the phases by what they usually take."""
        if self.state == DONE:
            return 100
        start, end = PHASE_SPANS.get(self.phase, (0, 0))
        share = self.done / self.total if self.total else 0
        return int(start + (end - start) * min(1.0, share))

    def as_json(self) -> dict:
        return {"state": "stalled" if self.stalled else self.state, "phase": self.phase, "done": self.done,
                "total": self.total, "percent": self.percent, "elapsed": round(self.elapsed, 1),
                "message": self.message}


def progress_key(namespace: str, changeset_id: int) -> str:
    return key(namespace, "apply-progress", int(changeset_id))


def read_progress(redis: Redis, namespace: str, changeset_id: int) -> ApplyProgress | None:
    """The change set's last apply as reported, or None (none started here, or Redis does not answer)."""
    try:
        raw = redis.get(progress_key(namespace, changeset_id))
    except RedisError:
        return None
    if not raw:
        return None
    try:
        return ApplyProgress(**json.loads(raw))
    except (TypeError, ValueError):
        return None


def under_way(redis: Redis, namespace: str, changeset_id: int) -> bool:
    """Whether an apply of the change set is queued or running (and has not stalled)."""
    found = read_progress(redis, namespace, changeset_id)
    return found is not None and found.state in (QUEUED, RUNNING) and not found.stalled


def start(services: Services, redis: Redis, request: ApprovalRequest, actor: str, *, items: int = 0,
          company: str = "") -> Future[tuple[ApplyResult, FollowUp | None]] | None:
    """Apply on the pool (the approver checked already); the future holds the result and the follow-up sync, or
    raises the refusal (NotPending, ChangeSetChanged, InvalidSelection, RegistryConflict…). `items` and `company`
    go with the progress for its page. None when an apply of the change set is under way already (a second click,
    another approver): its progress is the one to follow, and this one would only be refused after it."""
    namespace = services.settings.namespace
    if not _claim(redis, namespace, request.changeset_id):
        return None
    reporter = _Reporter(redis, progress_key(namespace, request.changeset_id), {"items": items, "company": company})
    reporter.write(ApplyProgress(QUEUED, started_at=time.time(), updated_at=time.time(), items=items,
                                 company=company), force=True)
    return _pool.submit(_run, services, redis, request, actor, reporter)


def _claim(redis: Redis, namespace: str, changeset_id: int) -> bool:
    """Whether this apply may run: no other is under way for the change set (one whose progress has stalled — its
    process ended — no longer counts). Without Redis, the database's row lock alone keeps applies one at a time."""
    name = key(namespace, "apply-running", int(changeset_id))
    try:
        if redis.set(name, "1", nx=True, ex=STALLED_AFTER * 12):
            return True
        if under_way(redis, namespace, changeset_id):
            return False
        redis.set(name, "1", ex=STALLED_AFTER * 12)
        return True
    except RedisError:
        return True


def _release(redis: Redis, namespace: str, changeset_id: int) -> None:
    try:
        redis.delete(key(namespace, "apply-running", int(changeset_id)))
    except RedisError:
        pass  # it expires; a finished progress frees it too


def _run(services: Services, redis: Redis, request: ApprovalRequest, actor: str,
         reporter: "_Reporter") -> tuple[ApplyResult, FollowUp | None]:
    try:
        return _apply(services, redis, request, actor, reporter)
    finally:
        _release(redis, services.settings.namespace, request.changeset_id)


def _apply(services: Services, redis: Redis, request: ApprovalRequest, actor: str,
           reporter: "_Reporter") -> tuple[ApplyResult, FollowUp | None]:
    try:
        result = apply_changeset(services, request, actor, progress=reporter.step)
        follow_up = propose_again(services, redis, result)
    except Exception as error:
        known = classify(error)
        failure = known if isinstance(known, HrsyncError) else None
        reporter.finish(FAILED, message=failure.message if failure else "the apply failed; nothing was applied",
                        status=failure.http_status if failure else 500)
        if failure is None:
            log.exception("applying change set %s failed", request.changeset_id)
        raise
    reporter.finish(DONE, done=len(result.outcomes), total=len(result.outcomes),
                    follow_up_sync=follow_up.sync_id if follow_up else None,
                    follow_up_problem=follow_up.problem if follow_up else None,
                    follow_up_already_queued=bool(follow_up and follow_up.already_queued),
                    name_format=result.name_format.value)
    return result, follow_up


class _Reporter:
    """Writes the progress to Redis, at most every REFRESH_SECONDS within a phase (a failing Redis only costs the
    progress view its figures: the apply goes on)."""

    def __init__(self, redis: Redis, name: str, context: dict):
        self.redis, self.name, self.context = redis, name, context
        self.current = ApplyProgress(QUEUED)
        self.last_write = 0.0
        self.lock = threading.Lock()

    def step(self, phase: Phase, done: int, total: int) -> None:
        now = time.time()
        changed = phase.value != self.current.phase
        self.write(ApplyProgress(RUNNING, phase.value, done, total, self.current.started_at or now, now,
                                 **self.context), force=changed)

    def finish(self, state: str, **details) -> None:
        now = time.time()
        fields = {"phase": self.current.phase, "done": self.current.done, "total": self.current.total,
                  **self.context} | details
        self.write(ApplyProgress(state, started_at=self.current.started_at or now, updated_at=now, **fields),
                   force=True)

    def write(self, progress: ApplyProgress, force: bool = False) -> None:
        with self.lock:
            self.current = progress
            if not force and progress.updated_at - self.last_write < REFRESH_SECONDS:
                return
            self.last_write = progress.updated_at
        try:
            self.redis.set(self.name, json.dumps(asdict(progress)), ex=PROGRESS_TTL)
        except RedisError:
            log.warning("the apply's progress could not be recorded (Redis did not answer)")
