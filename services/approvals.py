"""Applying a change set: the approver's password, then every selected item in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from redis import Redis
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.bootstrap import Services
from core.errors import (ChangeSetChanged, NotConfigured, NotPending, QueueUnavailable, RegistryConflict, WrongPassword,
                         minutes)
from core.lockout import Lockout
from domain.names import NameFormat
from domain.policy import SyncPolicy
from providers import provider_class
from providers.errors import UnknownProvider
from services.apply_plan import ItemOutcome, Outcome, Phase, Plan, Progress, build_plan, claimed_values, no_progress
from services.apply_selection import Selection, touched_ids, validate_selection
from services.apply_writes import find_holders, lock_stakeholders, write_plan
from services.syncs import queue_sync
from store.db import transaction
from store.enums import ChangeSetStatus, SyncMode
from store.errors import DuplicateStakeholder, InvalidTransition, StaleVersion
from store.models import utcnow
from store.repositories import approvers, audit, changesets, companies, integrations
from store.repositories.audit import AuditEntry
from store.repositories.changeset_reads import StoredChangeSet, load_changeset

log = logging.getLogger(__name__)

# Keys of ApplyResult.counts(): the kinds written, then what was not written and why.
COUNT_ORDER = ("create", "update", "link", "leaver", "decided", "excluded", "unresolved", "skipped", "stale",
               "conflict")


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """One approver's submission; `company_id` set means "only if the change set is this company's".

    `client` is where it comes from (the web edges: the network address; the command line: COMMAND_LINE),
    for the lockout's per-client ceiling. `expected_digest` (`items_digest` of the items the approver saw)
    makes the apply refuse a set that a targeted sync changed since.
    """

    changeset_id: int
    email: str
    password: str = field(repr=False)
    client: str
    company_id: str | None = None
    name_format: NameFormat | None = None
    selection: Selection = field(default_factory=Selection)
    expected_digest: str | None = None


@dataclass(frozen=True, slots=True)
class ApplyResult:
    changeset_id: int
    applied_at: dt.datetime
    applied_by: str
    name_format: NameFormat
    outcomes: tuple[ItemOutcome, ...]
    company_id: str = ""

    def counts(self) -> dict[str, int]:
        """Items per outcome; applied ones per kind written (create, update, link, leaver)."""
        counted = Counter(outcome.applied_kind.value if outcome.outcome is Outcome.APPLIED else outcome.outcome.value
                          for outcome in self.outcomes)
        return {key: counted[key] for key in COUNT_ORDER if counted[key]}

    def with_outcome(self, outcome: Outcome | str) -> tuple[ItemOutcome, ...]:
        return tuple(entry for entry in self.outcomes if entry.outcome == outcome)


def approve(services: Services, lockout: Lockout, request: ApprovalRequest) -> ApplyResult:
    """Check the password (counting tries per approver account), then apply; raises a core.errors refusal (nothing
    applied) or store.NotFound. Only a pending change set takes tries: an old link cannot be used to lock anyone out."""
    return apply_changeset(services, request, actor=check_approver(services, lockout, request))


def check_approver(services: Services, lockout: Lockout, request: ApprovalRequest) -> str:
    """The approver's account (the actor an apply records) once the password checks out; raises WrongPassword
    (counted), Locked, NotPending or store.NotFound, and nothing is applied."""
    stored = _pending(services, request)
    attempt = lockout.reserve(stored.company_id, request.email, request.client)
    if not _password_ok(services, stored.company_id, request):
        remaining = lockout.failed(attempt)
        if attempt.number == lockout.max_tries:
            _audit_lock(services, stored, request.email, lockout.lock_seconds)
        if attempt.client_number == lockout.client_max_tries:
            log.warning("approving from client %s refused for %s s after too many wrong passwords",
                        request.client, lockout.lock_seconds)
        raise WrongPassword(remaining, lockout.lock_seconds)
    lockout.succeeded(attempt)
    return approvers.normalise_email(request.email)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The fresh sync queued after an apply left items that changed since the preview (or why there is none)."""

    sync_id: int | None
    problem: str | None = None
    already_queued: bool = False


def approve_and_propose_again(services: Services, lockout: Lockout, redis: Redis,
                              request: ApprovalRequest) -> tuple[ApplyResult, FollowUp | None]:
    """`approve`, then queue the sync that proposes again the items that changed since the preview: the password
    was just checked (a link alone never starts one), and a sync already queued is the one that will do it."""
    result = approve(services, lockout, request)
    return result, propose_again(services, redis, result)


def propose_again(services: Services, redis: Redis, result: ApplyResult) -> FollowUp | None:
    """After an apply that left stale items: the full sync that proposes them again (or why there is none)."""
    if not result.with_outcome(Outcome.STALE):
        return None
    try:
        queued = queue_sync(services, redis, result.company_id, SyncMode.FULL, requested_by=result.applied_by)
    except NotConfigured:
        return FollowUp(None, "This company has no HR integration any more, so no sync can propose them again.")
    except QueueUnavailable:
        return FollowUp(None, "A fresh sync could not be queued just now; the next scheduled sync proposes them "
                              "again.")
    return FollowUp(queued.id, already_queued=queued.already_queued)


def apply_changeset(services: Services, request: ApprovalRequest, actor: str,
                    progress: Progress = no_progress) -> ApplyResult:
    """Everything in one transaction, the change set row locked first: a second approver waits, then fails.
    `progress(phase, done, total)` hears how far it got (for a progress view; the transaction stays one)."""
    try:
        with transaction(services.session_factory) as session:
            at = utcnow()
            progress(Phase.WAITING, 0, 0)
            try:
                changesets.mark_applied(session, request.changeset_id, actor, at)
            except InvalidTransition:
                raise _not_pending(load_changeset(session, request.changeset_id, with_items=False)) from None
            progress(Phase.READING, 0, 0)
            stored = load_changeset(session, request.changeset_id)
            plan, name_format = _plan(session, stored, request, progress)
            outcomes = write_plan(session, stored, plan, actor, at, progress)
            progress(Phase.COMMITTING, len(outcomes), len(outcomes))
    except (DuplicateStakeholder, StaleVersion, IntegrityError):
        # The rows were locked and checked, so only a writer outside the change set gets here.
        raise RegistryConflict() from None
    result = ApplyResult(stored.id, at, actor, name_format, tuple(outcomes), stored.company_id)
    log.info("change set %s applied by %s: %s", stored.id, actor, result.counts())
    return result


def _plan(session: Session, stored: StoredChangeSet, request: ApprovalRequest,
          progress: Progress) -> tuple[Plan, NameFormat]:
    """Check the request against the items, lock what it touches, and decide every item."""
    _check_items(stored, request)
    validate_selection(stored, request.selection)
    policy = _policy(session, stored)
    name_format = request.name_format or policy.name_format
    progress(Phase.LOCKING, 0, len(stored.items))
    current = lock_stakeholders(session, stored.company_id, touched_ids(stored, request.selection))
    identifiers, remote_ids = claimed_values(stored)
    holders = find_holders(session, stored.company_id, stored.provider, identifiers, remote_ids, current)
    return build_plan(stored, request.selection, current, holders, name_format, policy, progress), name_format


def _pending(services: Services, request: ApprovalRequest) -> StoredChangeSet:
    with transaction(services.session_factory) as session:
        stored = load_changeset(session, request.changeset_id, request.company_id, with_items=False)
    if stored.status is not ChangeSetStatus.PENDING:
        raise _not_pending(stored)
    return stored


def _not_pending(stored: StoredChangeSet) -> NotPending:
    return NotPending.of(stored.id, stored.status.value, superseded_by=stored.superseded_by,
                         applied_at=stored.applied_at, applied_by=stored.applied_by)


def _password_ok(services: Services, company_id: str, request: ApprovalRequest) -> bool:
    with transaction(services.session_factory) as session:
        return approvers.verify_approver(session, company_id, request.email, request.password)


def _audit_lock(services: Services, stored: StoredChangeSet, email: str, seconds: int) -> None:
    entry = AuditEntry(actor=approvers.normalise_email(email)[:320] or "unknown", action="lock_approval",
                       change_set_id=stored.id,
                       detail=f"too many wrong passwords: this approver is locked for {minutes(seconds)}")
    with transaction(services.session_factory) as session:
        audit.append(session, stored.company_id, entry)
    log.warning("an approver of company %s is locked after too many wrong passwords (link of change set %s)",
                stored.company_id, stored.id)


def items_digest(item_ids: Iterable[int]) -> str:
    """A short fingerprint of a change set's item ids (a merge replaces items, so their ids change).

    Taken from how many there are, the smallest, the largest and their sum — what the database sums up for a
    page without reading every id (changeset_reads.item_id_figures): ids only grow, so a merge that adds items
    raises the largest, and one that removes items lowers the count."""
    ids = list(item_ids)
    return digest_of_figures(len(ids), min(ids, default=0), max(ids, default=0), sum(ids))


def digest_of_figures(count: int, smallest: int, largest: int, total: int) -> str:
    return hashlib.sha256(f"{count}:{smallest}:{largest}:{total}".encode()).hexdigest()[:32]


def _check_items(stored: StoredChangeSet, request: ApprovalRequest) -> None:
    expected = request.expected_digest
    if expected is not None and items_digest(entry.id for entry in stored.items) != expected:
        raise ChangeSetChanged()


def _policy(session: Session, stored: StoredChangeSet) -> SyncPolicy:
    integration = integrations.get_integration(session, stored.company_id)
    if integration is not None and integration.provider == stored.provider and integration.mapping:
        owned = integration.mapping.values()
    else:
        try:
            owned = provider_class(stored.provider).default_mapping.values()
        except UnknownProvider:
            owned = ()
    return companies.policy_for(session, stored.company_id, stored.provider, owned)
