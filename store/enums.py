"""Lifecycle statuses the store records (the domain's kinds live in `domain`)."""

from __future__ import annotations

from enum import StrEnum


class IntegrationStatus(StrEnum):
    OK = "ok"
    NEEDS_ATTENTION = "needs_attention"


class SyncMode(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"
    TARGETED = "targeted"


class SyncTrigger(StrEnum):
    """What asked for a sync: a person (console, CLI or API), an HR system's webhook, or the cron route."""

    MANUAL = "manual"
    WEBHOOK = "webhook"
    CRON = "cron"


class SyncStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ChangeSetStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


def sql_in(column: str, values) -> str:
    """A CHECK expression limiting `column` to the enum's values."""
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"
