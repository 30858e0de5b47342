"""One error hierarchy: each refusal has one code, one HTTP status and one message a person can act on.

Services raise these classes. The layers below core (domain, store, providers) keep their own tiny classes, which
`classify` maps onto this hierarchy in one table. Each edge translates them in one place: the JSON error handler and
the HTML error page (webhook_app/errors.py) and the CLI's `user_errors` decorator (hrsync/cli/errors.py). An edge
adds at most its own `hints` entry (how to do it from there: an option, a route) and, for operators only (the CLI
prints it, the web app logs it), `detail`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from domain import errors as domain_errors
from providers import errors as provider_errors
from store import errors as store_errors

# Seconds a client should wait before asking again when a service is briefly unavailable (Retry-After).
RETRY_AFTER_SECONDS = 10
# A pause announced as "try again in a minute".
A_MINUTE = 60
# PostgreSQL's "undefined table" and "undefined column": a schema older than the code (`hrsync db upgrade`).
_SCHEMA_MISSING = frozenset({"42P01", "42703"})

JSON, HTML, CLI = "json", "html", "cli"


class HrsyncError(Exception):
    """Base class: `code` (for machines), `http_status`, `title` (an error page's heading) and the message."""

    code = "error"
    http_status = 500
    title = "Something went wrong"
    message = "something went wrong"
    # Seconds to wait before trying again (the Retry-After header); None: not a matter of waiting.
    retry_after: int | None = None
    # Per edge (JSON, HTML, CLI): how to do it from there, added after the message.
    hints: Mapping[str, str] = {}

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        if message is not None:
            self.message = message
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def text(self, edge: str) -> str:
        """The message as `edge` shows it: with that edge's hint, if the class has one."""
        hint = self.hints.get(edge)
        return f"{self.message} ({hint})" if hint else self.message

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}

    def details(self) -> dict | None:
        """Per-field messages for the JSON answer (refused input), else None."""
        return None


class ConfigError(HrsyncError):
    """The environment asks for something hrsync refuses to run with."""

    code, title = "invalid_configuration", "hrsync is not configured correctly"


# 400, 415 and 422: the request cannot be taken as sent.

class BadRequest(HrsyncError):
    code, http_status, title = "invalid_request", 400, "The request cannot be used"


class InvalidJson(BadRequest):
    code = "invalid_json"


class MalformedDelivery(BadRequest):
    """A webhook that authenticated but whose body is not understood."""

    code = "malformed_webhook"


class UnsupportedMediaType(HrsyncError):
    code, http_status, title = "unsupported_media_type", 415, "The request cannot be used"


class Invalid(HrsyncError):
    """Input refused by a rule; `field_details` (marshmallow's shape) name the fields."""

    code, http_status, title = "invalid_request", 422, "This cannot be done as asked"

    def __init__(self, message: str | None = None, *, field_details: dict | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.field_details = field_details

    def details(self) -> dict | None:
        return self.field_details


class InvalidField(Invalid):
    """Refused because of one input field, which `field` names (dotted for nested ones)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field_details={field: [message]})
        self.field = field

    def text(self, edge: str) -> str:
        # Machines get the field first (README: "settings.name_format: Must be one of: …").
        return f"{self.field}: {super().text(edge)}" if edge == JSON else super().text(edge)


class CredentialsRejected(InvalidField):
    """The HR system refused the credentials, or knows no company at that address: nothing was saved."""

    code = "credentials_rejected"

    def __init__(self, message: str) -> None:
        super().__init__("credentials", message)


class MappingRejected(InvalidField):
    """A field mapping refused because of one field."""

    code = "invalid_mapping"


class InvalidSelection(Invalid):
    """Excluded or resolved items that are not in the change set, or an unknown resolution."""


# 401: who is asking could not be established.

class Unauthorized(HrsyncError):
    code, http_status, title = "unauthorized", 401, "Not signed in"


class TokenRefused(Unauthorized):
    """No bearer token, or not a valid one (the answer names the scheme to use)."""

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class WrongPassword(Unauthorized):
    """E-mail or password did not match an approver of the company; `remaining` tries before the lock."""

    code = "wrong_password"

    def __init__(self, remaining: int, lock_seconds: int) -> None:
        self.remaining = remaining
        if remaining <= 0:
            message = f"the e-mail or password is not right; approving is now locked for {minutes(lock_seconds)}"
        else:
            message = f"the e-mail or password is not right ({remaining} tries left before approving is locked)"
        super().__init__(message)


class SignInFailed(Unauthorized):
    """E-mail or password did not match a user with a password; `remaining` tries before the lock."""

    code, title = "sign_in_failed", "Not signed in"

    def __init__(self, remaining: int, lock_seconds: int) -> None:
        self.remaining = remaining
        if remaining <= 0:
            message = f"the e-mail or password is not right; signing in is now locked for {minutes(lock_seconds)}"
        else:
            message = f"the e-mail or password is not right ({remaining} tries left before signing in is locked)"
        super().__init__(message)


class WebhookRefused(Unauthorized):
    """A webhook delivery failed authentication."""

    code = "webhook_rejected"


class MetricsRefused(Unauthorized):
    """`/metrics` without the metrics token, from an address not allowed (or neither is configured)."""

    code = "metrics_refused"
    message = ("send the metrics token as 'Authorization: Bearer <token>' (METRICS_TOKEN), or scrape from an "
               "address in METRICS_ALLOW_FROM")

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


# 403: known, but not allowed to.

class Forbidden(HrsyncError):
    """A signed-in user whose role does not allow the page or action."""

    code, http_status, title = "forbidden", 403, "Not allowed"
    message = "this page is for the company's admins"
    hints = {HTML: "Ask an admin of your company if you need it"}


# 404 and 410.

class NotFound(HrsyncError):
    code, http_status, title, message = "not_found", 404, "Not found", "not found"


class UnknownCompany(NotFound):
    code, message = "unknown_company", "no company with this id"


class InvalidLink(NotFound):
    """Tampered, malformed or signed with another key."""

    code, title, message = "invalid_link", "This link is not valid", "the approve link is incomplete or was changed"
    hints = {HTML: "Open it again from the e-mail you received; if it still fails, ask for a new sync"}


class ExpiredLink(HrsyncError):
    """Authentic but older than the allowed age; `changeset_id` is the change set it names (if it names one)."""

    code, http_status, title = "link_expired", 410, "This link has expired"
    hints = {HTML: "The next sync sends a new link to the approvers"}

    def __init__(self, changeset_id: int | None, max_age: int | None = None) -> None:
        self.changeset_id = changeset_id
        days = max(1, (max_age or 0) // 86400)
        super().__init__(f"approve links are valid for {days} day{'s' if days != 1 else ''}" if max_age
                         else "this approve link has expired")


class InvalidPasswordLink(InvalidLink):
    code, title, message = "invalid_link", "This link is not valid", "the set-password link is incomplete or was changed"
    hints = {HTML: "Open it again from the e-mail you received; if it still fails, ask an admin of your company to "
                   "send a new one"}


class ExpiredPasswordLink(HrsyncError):
    code, http_status, title = "link_expired", 410, "This link has expired"
    hints = {HTML: "Ask an admin of your company to send a new one (Users › Reset password)"}

    def __init__(self, max_age: int) -> None:
        days = max(1, max_age // 86400)
        super().__init__(f"set-password links are valid for {days} day{'s' if days != 1 else ''}")


class UsedPasswordLink(HrsyncError):
    """Authentic and unexpired, but spent: used once already, or a newer link was sent since."""

    code, http_status, title = "link_used", 410, "This link was already used"
    message = "this set-password link was already used, or a newer one was sent since"
    hints = {HTML: "Sign in with your password; if you do not know it, ask an admin of your company to reset it"}


# 409: the state of things does not allow it now.

class Conflict(HrsyncError):
    code, http_status, title = "conflict", 409, "This cannot be done now"


class NotConfigured(Conflict):
    """The company has no HR integration (or not the one asked about)."""

    code, message = "provider_not_configured", "this company has no HR integration yet"
    hints = {JSON: "set one with PUT /api/v1/integration", CLI: "run `hrsync integration set` first"}


class OtherProvider(NotConfigured):
    """A webhook from an HR system the company is not connected to (told to its sender: no set-up hint)."""

    hints: Mapping[str, str] = {}


class WebhooksNotSupported(NotFound):
    """A delivery for an HR system whose webhooks hrsync does not accept (the registry says it has none)."""

    code = "webhooks_not_supported"
    message = "hrsync accepts no webhooks from this HR system; scheduled syncs keep its companies in step"


class WebhookSecretNotSet(Conflict):
    code = "webhook_secret_not_set"
    message = "no webhook secret is configured for this company; create one in the integration settings"


class RegistrationUnsupported(Conflict):
    """The company's HR system is not one whose webhook hrsync registers itself (its description says so)."""

    code = "webhook_registration_unsupported"
    message = "hrsync cannot register this HR system's webhook: set it up in the HR system as the steps say"
    hints = {JSON: "GET /api/v1/integration shows the webhook URL to set up"}


class DuplicateStakeholder(Conflict):
    code = "duplicate_stakeholder"


class DuplicateCompany(Conflict):
    code = "duplicate_company"


class DuplicateUser(InvalidField):
    """The company already has a user with this e-mail."""

    code, http_status = "duplicate_user", 409

    def __init__(self, message: str) -> None:
        super().__init__("email", message)


class LastAdmin(Conflict):
    """The change would leave the company without an admin."""

    code = "last_admin"
    message = "a company needs at least one admin: make another user an admin first"


class NotPending(Conflict):
    """The change set was already applied, superseded by a newer one, or expired: nothing was applied."""

    def __init__(self, changeset_id: int, status: str, message: str, *, superseded_by: int | None = None,
                 applied_at: dt.datetime | None = None, applied_by: str | None = None) -> None:
        super().__init__(message)
        self.changeset_id, self.status = changeset_id, status
        self.superseded_by, self.applied_at, self.applied_by = superseded_by, applied_at, applied_by

    @staticmethod
    def of(changeset_id: int, status: str, *, superseded_by: int | None = None,
           applied_at: dt.datetime | None = None, applied_by: str | None = None) -> "NotPending":
        """The refusal for a change set in `status` (applied, superseded or expired)."""
        known = {"superseded_by": superseded_by, "applied_at": applied_at, "applied_by": applied_by}
        if status == "applied":
            when = applied_at.isoformat() if applied_at else "?"
            return AlreadyApplied(changeset_id, status, f"change set {changeset_id} was already applied by "
                                                        f"{applied_by} at {when}", **known)
        if status == "superseded":
            return Superseded(changeset_id, status, f"change set {changeset_id} was superseded by change set "
                                                    f"{superseded_by}; approve that one instead", **known)
        return ChangeSetExpired(changeset_id, status, f"change set {changeset_id} has expired", **known)


class AlreadyApplied(NotPending):
    code = "already_applied"


class Superseded(NotPending):
    code = "superseded"


class ChangeSetExpired(NotPending):
    code = "expired"


class ChangeSetChanged(Conflict):
    """The items differ from the ones the approver saw (a targeted sync merged into the set)."""

    code = "changeset_changed"
    message = "the change set was updated by a newer sync since the page was opened; review it again"


class ChoicesChanged(Conflict):
    """An approver's choices changed since the page they applied from was drawn (another tab, or they were lost)."""

    code = "choices_changed"
    message = ("your choices for this change set changed since this page was loaded (in another tab?); check them "
               "and apply again")


class RegistryConflict(Conflict):
    """Another writer changed the registry mid-apply in a way the batch cannot absorb."""

    code, title = "registry_conflict", "Nothing was applied"
    message = "the registry changed while the change set was being applied; nothing was applied, try again"
    hints = {HTML: "Open the change set again and apply it once more"}


# 423 and 503: wait, then try again.

class Locked(HrsyncError):
    """Too many wrong passwords for this approver (or from this address): refused for `retry_after` seconds."""

    code, http_status, title = "locked", 423, "Approving is locked for now"
    hints = {HTML: "If you have forgotten your password, ask another approver or your hrsync administrator"}

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"too many wrong passwords: approving is locked; try again in {minutes(self.retry_after)}")


class SignInLocked(Locked):
    """Too many wrong passwords for this e-mail (or from this address) when signing in."""

    title = "Signing in is locked for now"
    hints = {HTML: "If you have forgotten your password, ask an admin of your company to reset it"}

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        HrsyncError.__init__(self, f"too many wrong passwords: signing in is locked; try again in "
                                   f"{minutes(self.retry_after)}")


class Unavailable(HrsyncError):
    """Something hrsync needs does not answer right now; nothing was changed."""

    code, http_status, title = "unavailable", 503, "hrsync is unavailable right now"
    retry_after = RETRY_AFTER_SECONDS


class QueueUnavailable(Unavailable):
    code, message = "queue_unavailable", "the job queue (Redis) did not answer: nothing was queued; try again shortly"
    hints = {CLI: "check REDIS_URL"}


class RequestInProgress(QueueUnavailable):
    """Another request for the company's sync holds its lock: Redis answers, try again in a moment."""

    message = "another request for this company's sync is still being handled; try again shortly"
    hints: Mapping[str, str] = {}


class LockoutUnavailable(Unavailable):
    """The lockout store (Redis) did not answer: without it, password tries cannot be counted."""

    code, title = "lockout_unavailable", "Approving is paused for a moment"
    message = "approving is paused for a moment; try again in a minute"
    retry_after = A_MINUTE
    hints = {HTML: "Nothing was applied, and your choices are still on the previous page if you go back"}


class SignInPaused(LockoutUnavailable):
    title, message = "Signing in is paused for a moment", "signing in is paused for a moment; try again in a minute"
    hints: Mapping[str, str] = {}


class DatabaseUnavailable(Unavailable):
    """The database cannot be reached, is busy, or lacks the schema (`detail`: the driver's first line)."""

    code, message = "database_unavailable", "cannot reach the database"
    retry_after = 30
    hints = {JSON: "nothing was changed; try again", HTML: "Nothing was changed: please try again in a minute",
             CLI: "check DATABASE_URL"}


class CronDisabled(Unavailable):
    code, message = "cron_disabled", "cron routes are disabled until CRON_TOKEN is set"
    retry_after = None


class ProviderUnavailable(Unavailable):
    """The HR system is throttling, failing or unreachable."""

    code = "provider_unavailable"
    retry_after = A_MINUTE


class CannotVerify(ProviderUnavailable):
    """The HR system could not be reached to check new credentials: nothing was saved."""

    hints = {JSON: 'to save them unchecked, send "verify": false', CLI: "to save them unchecked, add --no-verify"}


# 502: the HR system answered, but not usefully.

class ProviderFailed(HrsyncError):
    code, http_status, title = "provider_error", 502, "The HR system answered with an error"


class ProviderAuthFailed(ProviderFailed):
    code = "provider_auth_failed"


class WebhookRegistrationRefused(ProviderFailed):
    """The HR system refused to create (or replace) the company's webhook; the message says why and what to change.
    Nothing was changed in hrsync: the stored webhook secret is the one from before."""

    code, title = "webhook_registration_refused", "The HR system refused the webhook"


def minutes(seconds: int) -> str:
    """"15 minutes", "1 minute": a wait in whole minutes, rounded up."""
    count = max(1, -(-int(seconds) // 60))
    return f"{count} minute{'s' if count != 1 else ''}"


def database_unavailable(error: Exception) -> bool:
    """The database cannot be reached, is busy, or lacks the schema: the service is unavailable, not broken."""
    if isinstance(error, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, ProgrammingError) and getattr(error.orig, "sqlstate", None) in _SCHEMA_MISSING


def first_line(error: BaseException) -> str:
    """The driver's first line: it names the problem (host and port, a missing table), never a password;
    SQLAlchemy's own text would add the statement and its parameters."""
    orig = getattr(error, "orig", None) or error
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


# The lower layers' errors, most specific first: (their class, how it reads in this hierarchy).
_LOWER: tuple[tuple[type[Exception], Any], ...] = (
    (store_errors.NotFound, NotFound),
    (store_errors.DuplicateStakeholder, DuplicateStakeholder),
    (store_errors.DuplicateCompany, DuplicateCompany),
    (store_errors.DuplicateUser, DuplicateUser),
    (store_errors.InvalidCursor, lambda message: InvalidField("cursor", message)),
    ((store_errors.StaleVersion, store_errors.InvalidTransition), Conflict),
    ((store_errors.UndecryptableSecret, store_errors.InvalidEncryptionKey), ConfigError),
    (store_errors.StoreError, Invalid),
    (domain_errors.DomainError, Invalid),
    (provider_errors.WebhookRejected, WebhookRefused),
    (provider_errors.MalformedWebhook, MalformedDelivery),
    (provider_errors.UnknownProvider, lambda message: InvalidField("provider", message)),
    (provider_errors.WebhookRegistrationRefused, WebhookRegistrationRefused),
    (provider_errors.ProviderAuthError, ProviderAuthFailed),
    (provider_errors.ProviderUnavailable, ProviderUnavailable),
    (provider_errors.ProviderError, ProviderFailed),
    ((RedisConnectionError, RedisTimeoutError),
     lambda message: QueueUnavailable("cannot reach Redis", detail=(message.splitlines() or [None])[0])),
)


def classify(error: BaseException) -> HrsyncError | None:
    """`error` as this hierarchy reads it (itself if it is one already); None: a fault, not a refusal."""
    if isinstance(error, HrsyncError):
        return error
    for lower, translated in _LOWER:
        if isinstance(error, lower):
            # Lower-layer messages are written for people and hold no secret (providers/errors.py, store/errors.py).
            return translated(str(error))
    if isinstance(error, Exception) and database_unavailable(error):
        return DatabaseUnavailable(detail=first_line(error))
    return None
