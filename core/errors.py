"""The errors services refuse with: tiny classes the JSON API, the HTML pages and the CLI translate."""

from __future__ import annotations

import datetime as dt


class PipelineError(Exception):
    """Base class for refusals of the queueing layer."""


class NotConfigured(PipelineError):
    """The company has no HR integration (or not for the provider asked about)."""


class QueueUnavailable(PipelineError):
    """Redis did not answer: nothing was queued; the caller should try again shortly."""


class RequestInProgress(QueueUnavailable):
    """Another request for the company's sync holds its lock: Redis answers, try again in a moment."""


class ApprovalError(Exception):
    """Base class: nothing was applied."""


class NotPending(ApprovalError):
    """The change set was already applied, superseded by a newer one, or expired."""

    def __init__(self, changeset_id: int, status: str, *, superseded_by: int | None = None,
                 applied_at: dt.datetime | None = None, applied_by: str | None = None):
        super().__init__(f"change set {changeset_id} is {status}, not pending")
        self.changeset_id, self.status = changeset_id, status
        self.superseded_by, self.applied_at, self.applied_by = superseded_by, applied_at, applied_by


class WrongPassword(ApprovalError):
    """E-mail or password did not match an approver of the company; `remaining` tries before the lock."""

    def __init__(self, remaining: int):
        super().__init__("the e-mail or password is not right")
        self.remaining = remaining


class Locked(ApprovalError):
    """Too many wrong passwords for this approver (or from this address): refused for `retry_after` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"too many wrong passwords: approving is locked; try again in {minutes(self.retry_after)}")


class LockoutUnavailable(ApprovalError):
    """The lockout store (Redis) did not answer: without it, password tries cannot be counted."""

    def __init__(self, message: str = "approving is paused for a moment; try again in a minute"):
        super().__init__(message)


class InvalidSelection(ApprovalError):
    """Excluded or resolved items that are not in the change set, or an unknown resolution."""


class ChangeSetChanged(ApprovalError):
    """The items differ from the ones the approver saw (a targeted sync merged into the set)."""


class RegistryConflict(ApprovalError):
    """Another writer changed the registry mid-apply in a way the batch cannot absorb; retry."""


def minutes(seconds: int) -> str:
    """"15 minutes", "1 minute": a wait in whole minutes, rounded up."""
    count = max(1, -(-int(seconds) // 60))
    return f"{count} minute{'s' if count != 1 else ''}"
