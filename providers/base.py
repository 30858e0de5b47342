"""The one interface every HR provider implements, and the value types it speaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable, Iterator, Mapping, Protocol, Sequence

from domain.employee import Employee

if TYPE_CHECKING:
    from providers.pacing import Pacer

# source field key (the provider's own) → hrsync employee field (domain.employee.MAPPABLE_FIELDS)
FieldMapping = Mapping[str, str]

# Called as a fetch goes: (employees fetched so far, total if the API tells it).
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """Deployment settings a client needs (from core.settings.Settings), not per company."""

    base_url: str
    timeout: float = 30.0
    # The HR system's own test environment, for connections that ask for it (a HiBob service user of Bob's
    # sandbox); "" when the deployment names none.
    sandbox_base_url: str = ""
    max_retries: int = 5
    backoff_factor: float = 0.5
    # Keeps calls within the HR system's published rate limits (providers.pacing); None: unpaced.
    pacer: "Pacer | None" = None
    # Told of every call's outcome (providers.http.ObservedSession): the final status ("error": no answer) and
    # what was retried on the way (statuses, or "error"); None: nobody listens. The deployment's metrics.
    observer: "Callable[[str, list[str]], None] | None" = None


@dataclass(frozen=True, slots=True)
class SourceField:
    """A field the HR system offers for mapping; `readable` is False when the credential can't see it."""

    key: str
    label: str
    type: str | None = None
    readable: bool = True


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """What an authenticated webhook delivery says: whose record changed, and its dedupe key.

    No `remote_ids`: the event names nobody hrsync can fetch, and the company gets an incremental sync;
    `payload_keys` then says what the payload held instead (its keys, never its values), for the log.
    """

    event: str
    delivery_id: str
    remote_ids: tuple[str, ...] = ()
    payload_keys: tuple[str, ...] = ()
    # A delivery that asks for nothing but a 2xx (HiBob's "Ping test" when a webhook is set up): no dedupe, no sync.
    acknowledge_only: bool = False


@dataclass(frozen=True, slots=True)
class ChangedSince:
    """Remote ids changed since a cursor, and the cursor to pass next time."""

    remote_ids: tuple[str, ...]
    cursor: str


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What a fetch learnt besides employees: mapped source fields the HR data never carried."""

    absent_fields: frozenset[str] = field(default_factory=frozenset)
    # Ids asked for by name that the HR system did not know, where that may mean "another kind of id" rather
    # than "deleted" (Personio webhooks name v2 person ids, read through v1): the sync looks for the change
    # with an incremental fetch instead.
    unresolved_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class RegisteredWebhook:
    """A webhook as the HR system lists it (never its token)."""

    id: str
    url: str
    events: tuple[str, ...] = ()
    description: str = ""


class WebhookRegistrar(Protocol):
    """What a provider whose description declares `Webhooks.registration` also implements: its webhooks, managed
    through the HR system's API with the company's credentials. Each call raises ProviderAuthError (credentials
    refused), WebhookRegistrationRefused (the HR system refused this webhook call, saying why), ProviderUnavailable
    or ProviderError, with messages a person can act on and no secret."""

    def list_webhooks(self) -> list[RegisteredWebhook]:
        """Every webhook the HR system holds for this company."""

    def create_webhook(self, url: str, token: str, events: Sequence[str], description: str) -> RegisteredWebhook:
        """A new enabled webhook posting `events` to `url`, sending `token` with every delivery."""

    def delete_webhook(self, webhook_id: str) -> None:
        """Remove one webhook (one the HR system no longer knows counts as removed)."""


class HRProvider(Protocol):
    """One company's connection to one HR system. Constructing it does no I/O."""

    name: ClassVar[str]
    label: ClassVar[str]
    require_hire_date: ClassVar[bool]
    default_mapping: ClassVar[FieldMapping]

    def verify_credentials(self) -> "Sequence[str] | None":
        """One cheap authenticated call proving that the credentials open this company's HR data.

        Raises ProviderAuthError (credentials refused), ProviderUnavailable (unreachable, 5xx) or
        ProviderError (an answer, but not the company's: e.g. no company at that address); each
        message names what to fix and holds no secret. Returns warnings (none, or None, when all is well):
        what the credentials open but cannot see (leavers, private fields), each saying what to change.
        """

    def iter_employees(self, progress: Progress | None = None) -> Iterator[Employee]:
        """Stream every employee (active and inactive), page by page."""

    def changed_since(self, cursor: str | None) -> ChangedSince:
        """Remote ids changed since `cursor` (None: since the beginning)."""

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        """Fetch the named employees; ids the HR system no longer knows are left out."""

    def list_fields(self) -> list[SourceField]:
        """Source fields available for the mapping (Load Personio fields / BambooHR metadata)."""

    def fetch_report(self) -> FetchReport:
        """What the last fetch learnt about missing fields (whitelist gaps)."""

    def verify_webhook(self, body: bytes, headers: Mapping[str, str], secret: str,
                       now: float) -> ChangeNotice:
        """Authenticate a raw delivery with the company's webhook secret and parse it.

        Raises WebhookRejected (bad or missing signature/token, stale timestamp) or
        MalformedWebhook (authentic but not understood). Never reads the network.
        """

    def close(self) -> None:
        """Release the HTTP session."""
