"""The Personio provider: v1 Personnel Data reads, mapped to employees; v2 webhooks as triggers."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping

import requests

from domain.employee import Employee
from providers.base import (ChangedSince, ChangeNotice, FetchReport, FieldMapping, Progress,
                            ProviderSettings, RegisteredWebhook, SourceField)
from providers.description import (CredentialField, ProviderDescription, UrlSetting, WebhookRegistration, Webhooks,
                                   WebhookSecret)
from providers.errors import ProviderAuthError
from providers.personio_client import EMPLOYEES_PATH, Page, PersonioClient, RepeatedPage
from providers.personio_mapping import (DEFAULT_MAPPING, AbsenceTracker, attributes_of,
                                        RecordMapper, remote_id_of)
from providers.personio_paging import PAGE_SIZE
from providers.personio_v2 import WHERE as V2_WHERE
from providers.personio_v2 import WRITE_SCOPE, PersonioWebhooks
from providers.personio_webhook import RETRY_SPAN_SECONDS, verify_webhook

log = logging.getLogger(__name__)

# `updated_since` takes a naive ISO time whose zone Personio does not state. Sending UTC asks for a
# little *more* than needed for a company east of UTC (all of Personio's markets), and the overlap
# absorbs clock skew and Personio's reported lag; extra ids cost one fetch each and nothing else.
CURSOR_OVERLAP = dt.timedelta(minutes=15)
UPDATED_SINCE_FORMAT = "%Y-%m-%dT%H:%M:%S"

_WHERE = V2_WHERE
# The person and employment events: every change to a person's record that Personio reports (research §5).
EVENTS = ("person.created", "person.updated", "person.deleted", "employment.created", "employment.updated",
          "employment.deleted", "employment.started", "employment.terminated")
DESCRIPTION = ProviderDescription(
    name="personio",
    label="Personio",
    target="providers.personio:PersonioProvider",
    credentials=(
        CredentialField("client_id", "Client ID", f"{_WHERE}: create one and tick the employee attributes to sync"),
        CredentialField("client_secret", "Client secret", f"{_WHERE}: shown with the client ID", secret=True),
    ),
    webhooks=Webhooks(
        # Personio sends back verbatim a token we choose (auth_type=TOKEN): hrsync generates it.
        WebhookSecret.GENERATED, secret_label="webhook token",
        setup="In Personio, create a webhook (POST /v2/webhooks) with this url, auth_type TOKEN, this token, and the "
              "events person.* and employment.*.",
        steps=("Press Generate new token below and copy the token: it is shown this once.",
               "Personio sets webhooks up through its API: whoever manages your Personio API credentials creates one "
               "(POST https://api.personio.de/v2/webhooks, with a credential that has the personio:webhooks:write "
               "scope).",
               "Its body: url = the URL below, auth_type = TOKEN, token = the token you copied, status = ENABLED, "
               "description = hrsync, and enabled_events person.created, person.updated, person.deleted, "
               "employment.created, employment.updated, employment.deleted, employment.started and "
               "employment.terminated.",
               "Personio sends the token with every delivery; hrsync accepts only deliveries that carry it. A new "
               "token means updating the webhook in Personio too."),
        retry_seconds=RETRY_SPAN_SECONDS, signed=False,
        registration=WebhookRegistration(
            EVENTS, needs=f"The API credential saved on the HR integration page needs the {WRITE_SCOPE} scope "
                          f"(\"Webhooks: write\"): tick it in {_WHERE}.")),
    base_url=UrlSetting("PERSONIO_BASE_URL", "https://api.personio.de", "the API's address"),
    verification="POST /v1/auth, then one employee (limit=1): the credential may read employees",
    changed_since=True,
    readable=tuple(DEFAULT_MAPPING),
)


class PersonioProvider:
    """One company's Personio connection. Constructing it does no I/O; one token serves the whole sync."""

    description: ClassVar[ProviderDescription] = DESCRIPTION
    name: ClassVar[str] = DESCRIPTION.name
    label: ClassVar[str] = DESCRIPTION.label
    require_hire_date: ClassVar[bool] = DESCRIPTION.require_hire_date
    default_mapping: ClassVar[FieldMapping] = DEFAULT_MAPPING

    def __init__(self, credentials: Mapping[str, str], settings: ProviderSettings,
                 mapping: FieldMapping | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 utcnow: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
                 session: requests.Session | None = None):
        client_id, client_secret = _credentials(credentials)
        self._client = PersonioClient(client_id, client_secret, settings, clock=clock, session=session)
        self._webhooks = PersonioWebhooks(client_id, client_secret, self._client.send, clock)
        self._mapping = dict(DEFAULT_MAPPING if mapping is None else mapping)
        self._utcnow = utcnow
        self._tracker: AbsenceTracker | None = None
        self._unresolved: frozenset[str] = frozenset()
        self._listed: int | None = None  # employees the last listing counted (Personio's total)

    def __repr__(self) -> str:
        return f"<PersonioProvider client_id={self._client.client_id!r}>"

    def verify_credentials(self) -> None:
        """`POST /v1/auth`, then one employee (`limit=1`): the credential is accepted and may read employees."""
        self._client.get(EMPLOYEES_PATH, {"limit": 1, "offset": 0})

    def iter_employees(self, progress: Progress | None = None) -> Iterator[Employee]:
        """Every employee, active and inactive, streamed page by page (`total` from `metadata`)."""
        tracker, to_employee = self._start_fetch(), RecordMapper(self._mapping)
        fetched = 0
        for page in self._client.iter_pages(read_ahead=True, attributes=self._mapping.keys()):
            for record in page.records:
                tracker.observe(record)
                yield to_employee(record)
            fetched += len(page.records)
            if progress is not None:
                progress(fetched, page.total)

    def changed_since(self, cursor: str | None) -> ChangedSince:
        """Ids Personio reports as updated since `cursor`, and the next cursor (this request's start).

        Only a hint: `updated_since` looks at whitelisted attributes only, and users report counts that
        shift between pages and changes reported late, so the sync still fetches everything and diffs
        for correctness. No cursor (or one this provider did not write) lists every id.
        """
        started = self._utcnow().astimezone(dt.timezone.utc).replace(microsecond=0)
        since = _parse_cursor(cursor)
        if since is None:
            return ChangedSince(remote_ids=self._listed_ids({}), cursor=started.isoformat())
        try:
            ids = self._listed_ids({"updated_since": (since - CURSOR_OVERLAP).strftime(UPDATED_SINCE_FORMAT)})
        except RepeatedPage:
            # Personio's spec says limit and offset are ignored with `updated_since`; where they are, its pages
            # cannot be walked. Every id then, as the full diff lists them: slower, never wrong.
            log.info("Personio ignored the offset of an updated_since listing for client id %s; listing every "
                     "employee instead", self._client.client_id)
            ids = self._listed_ids({})
        return ChangedSince(remote_ids=ids, cursor=started.isoformat())

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        """The named employees, one `GET …/employees/{id}` each — or, when that would take more requests than
        listing everyone (Personio's whole company changed since the cursor), from the listing. Ids Personio
        does not know are left out and reported as `unresolved_ids`: a webhook may name a v2 person id."""
        tracker, to_employee = self._start_fetch(), RecordMapper(self._mapping)
        wanted = dict.fromkeys(str(i) for i in remote_ids)
        found: set[str] = set()
        for record in self._records_of(wanted):
            tracker.observe(record)
            employee = to_employee(record)
            found.add(employee.remote_id)
            yield employee
        self._unresolved = frozenset(wanted).difference(found)

    def list_fields(self) -> list[SourceField]:
        """Load Personio fields: every attribute the credential may read, custom `dynamic_*` ones too.

        A field is `readable=False` when the employee records leave it out (first page as the sample)
        or when the mapping uses a key Personio does not list: the credential's whitelist hides it, and
        the mapping view says so instead of syncing blanks.
        """
        listed = self._client.attributes()
        present = _keys_present(self._client.first_page())
        fields = [SourceField(key=a["key"], label=_label(a), type=_type(a),
                              readable=present is None or a["key"] in present) for a in listed]
        listed_keys = {f.key for f in fields}
        fields += [SourceField(key=key, label=key, readable=False)
                   for key in self._mapping if key not in listed_keys]
        return fields

    def fetch_report(self) -> FetchReport:
        """Mapped attribute keys that no employee of the last fetch carried (not blanks: unknown), and the ids
        the last fetch by id asked for in vain."""
        tracker = self._tracker
        return FetchReport(absent_fields=tracker.absent() if tracker else frozenset(),
                           unresolved_ids=self._unresolved)

    @staticmethod  # pure: the web app verifies without building a client
    def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
        """The company's token in `Authorization`, compared in constant time; `now` is unused because
        Personio sends no timestamp header to bound replays (dedupe covers retries)."""
        return verify_webhook(body, headers, secret)

    def list_webhooks(self) -> list[RegisteredWebhook]:
        """The company's webhooks in Personio (`GET /v2/webhooks`, a v2 token)."""
        return self._webhooks.list()

    def create_webhook(self, url: str, token: str, events: Iterable[str], description: str) -> RegisteredWebhook:
        """`POST /v2/webhooks`: enabled, auth_type TOKEN; the credential needs personio:webhooks:write."""
        return self._webhooks.create(url, token, tuple(events), description)

    def delete_webhook(self, webhook_id: str) -> None:
        self._webhooks.delete(webhook_id)

    def close(self) -> None:
        self._client.close()

    def _start_fetch(self) -> AbsenceTracker:
        self._tracker = AbsenceTracker(self._mapping)
        self._unresolved = frozenset()
        return self._tracker

    def _listed_ids(self, params: Mapping[str, str]) -> tuple[str, ...]:
        ids: list[str] = []
        for page in self._client.iter_pages(params, read_ahead=True, attributes=()):
            ids.extend(remote_id_of(record) for record in page.records)
            if not params and page.total is not None:
                self._listed = page.total
        return tuple(ids)

    def _records_of(self, wanted: Mapping[str, None]) -> Iterator[Mapping[str, Any]]:
        """The wanted records: one request each, or the whole listing when it takes fewer requests."""
        if self._listed is not None and len(wanted) > self._listed // PAGE_SIZE + 1:
            for page in self._client.iter_pages(read_ahead=True, attributes=self._mapping.keys()):
                yield from (record for record in page.records if remote_id_of(record) in wanted)
            return
        for remote_id in wanted:
            record = self._client.employee(remote_id)
            if record is not None:
                yield record


def _credentials(credentials: Mapping[str, str]) -> tuple[str, str]:
    client_id = str(credentials.get("client_id") or "").strip()
    client_secret = str(credentials.get("client_secret") or "").strip()
    if not client_id or not client_secret:
        raise ProviderAuthError("Personio credentials need a client id and a client secret")
    return client_id, client_secret


def _parse_cursor(cursor: str | None) -> dt.datetime | None:
    if not cursor:
        return None
    try:
        moment = dt.datetime.fromisoformat(cursor)
    except ValueError:
        return None
    # Our own cursors carry an offset; a naive one can only have been meant as UTC.
    return moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _keys_present(page: Page) -> set[str] | None:
    """Attribute keys carried by any record of a sample page; None when there is nothing to judge by."""
    if not page.records:
        return None
    return {key for record in page.records for key in attributes_of(record)}


def _label(attribute: Mapping[str, Any]) -> str:
    label = attribute.get("label")
    return label if isinstance(label, str) and label.strip() else attribute["key"]


def _type(attribute: Mapping[str, Any]) -> str | None:
    kind = attribute.get("type")
    return kind if isinstance(kind, str) else None
