"""The Humaans provider: people listed page by page, custom fields for the mapping; no webhooks (their format is
unpublished, so Humaans companies are kept in step by the scheduled syncs)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping

import requests

from domain.employee import Employee
from providers.base import (ChangedSince, ChangeNotice, FetchReport, FieldMapping, Progress, ProviderSettings,
                            SourceField)
from providers.description import CredentialField, ProviderDescription, UrlSetting, Webhooks, WebhookSecret
from providers.errors import ProviderError, WebhookRejected
from providers.humaans_client import (CUSTOM_FIELDS_PATH, CUSTOM_VALUES_PATH, ME_PATH, PAGE_SIZE, PEOPLE_PATH,
                                      HumaansClient)
from providers.humaans_mapping import (CUSTOM_PREFIX, DEFAULT_MAPPING, PERSON_KEYS, PresenceTracker, RecordMapper,
                                       effective_mapping, read_keys, remote_id_of, to_text)

log = logging.getLogger(__name__)

# Whether a listing without a status filter shows new hires and offboarded people is unconfirmed (research §2.2):
# they are listed explicitly too, and the two listings united.
NOT_ACTIVE = {"status[$in]": ["newHire", "offboarded"]}
# Keys that come back only with the scope private:read (research §1).
PRIVATE_PROBES = ("personalEmail", "birthday", "address")
# Custom values of up to this many people are read person by person; more, field by field.
FEW_PEOPLE = 10

DESCRIPTION = ProviderDescription(
    name="humaans",
    label="Humaans",
    target="providers.humaans:HumaansProvider",
    credentials=(
        CredentialField("access_token", "API access token",
                        "an Owner or Admin creates it: menu next to your name › API access tokens › Generate new "
                        "token, with the scopes View public data (public:read) and View public and private data "
                        "(private:read); it is shown once", secret=True),
    ),
    # Humaans publishes no webhook format: hrsync guesses no signature scheme (research/humaans.md §6).
    webhooks=Webhooks(WebhookSecret.NONE),
    base_url=UrlSetting("HUMAANS_BASE_URL", "https://app.humaans.io", "the app's address (the client adds /api)"),
    require_hire_date=False,
    verification="GET /api/me, then one page of people (warns on a token without private:read, which shows nobody's "
                 "private data, or of a member with the user role)",
    changed_since=False,
    note="Humaans publishes no webhook format hrsync could verify: scheduled syncs keep Humaans companies in step",
)


class HumaansProvider:
    """One company's Humaans access token (a bearer token). Constructing it does no I/O."""

    description: ClassVar[ProviderDescription] = DESCRIPTION
    name: ClassVar[str] = DESCRIPTION.name
    label: ClassVar[str] = DESCRIPTION.label
    require_hire_date: ClassVar[bool] = DESCRIPTION.require_hire_date
    default_mapping: ClassVar[FieldMapping] = DEFAULT_MAPPING
    # No confirmed webhook format: the console tells Humaans companies that scheduled syncs keep them in step.
    webhooks_supported: ClassVar[bool] = DESCRIPTION.webhooks.supported

    def __init__(self, credentials: Mapping[str, str], settings: ProviderSettings,
                 mapping: FieldMapping | None = None, *,
                 today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.timezone.utc).date(),
                 session: requests.Session | None = None):
        token = str(credentials.get("access_token") or "").strip()
        if not token:
            raise ProviderError("Humaans needs an API access token (menu next to your name › API access tokens)")
        self._client = HumaansClient(token, settings, session=session)
        self._mapping = dict(DEFAULT_MAPPING if mapping is None else mapping)
        self._today = today
        self._report = FetchReport()
        self._listing: dict[str, dict[str, Any]] | None = None

    def __repr__(self) -> str:
        return f"<HumaansProvider base_url={self._client.base_url!r}>"

    def verify_credentials(self) -> tuple[str, ...]:
        """Who created the token (`/api/me`), then one page of people; the warnings say what the token cannot see:
        one person only (a token of a member with the plain user role), or nobody's private data (no private:read:
        leavers would never be recognised). A company without new hires or offboarded people is no sign of either."""
        me = self._client.get(ME_PATH)
        first = next(self._client.pages(PEOPLE_PATH))
        if first.total == 1:  # one person: nothing else can be judged
            return ("the token sees one person only: it was created by a member with the user role, which limits "
                    "it to their own profile; create it as an Owner or Admin",)
        # Judged by private values, never by the absence of new hires or offboarded people: a company may have none.
        if not any(_private_value(record) for record in (me, *first.records)):
            return ("the token shows nobody's private data (personal e-mail, birthday, home address): it lacks the "
                    "scope private:read (View public and private data), without which future joiners appear only "
                    "on their start date and leavers are never recognised",)
        return ()

    def iter_employees(self, progress: Progress | None = None) -> Iterator[Employee]:
        """Every person, active, new hires and offboarded, page by page (`total` from the first listing)."""
        mapper, values = RecordMapper(self._mapping, self._today()), self._custom_values()
        count = 0
        for records, total in self._pages():
            for record in records:
                count += 1
                yield mapper(_joined(record, values))
            if progress is not None:
                progress(count, max(total, count))

    def changed_since(self, cursor: str | None) -> ChangedSince:
        """Every id (an `updatedAt` filter is unconfirmed for people, research §4): the full listing's diff stays
        the source of truth; the listing is kept for the fetch of those ids that follows."""
        started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        self._listing = {remote_id_of(r): r for records, _ in self._pages() for r in records}
        return ChangedSince(remote_ids=tuple(self._listing), cursor=started)

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        """The named people: from the listing changed_since just made, one `GET /api/people/{id}` each, or (more ids
        than listing pages) from a listing. Ids Humaans does not know are left out."""
        wanted = dict.fromkeys(str(i).strip() for i in remote_ids if str(i).strip())
        listing, self._listing = self._listing, None
        if not wanted:
            return
        mapper = RecordMapper(self._mapping, self._today())
        if listing is not None:
            records = [listing[i] for i in wanted if i in listing]
        elif len(wanted) <= self._client.total(PEOPLE_PATH) // PAGE_SIZE + 2:
            records = self._people(wanted)
            tracker = self._tracker()
            for record in records:
                tracker.observe(record)
            self._report = FetchReport(absent_fields=tracker.absent())
        else:
            records = [r for page, _ in self._pages() for r in page if remote_id_of(r) in wanted]
        values = self._custom_values(wanted)
        yield from (mapper(_joined(record, values)) for record in records)

    def list_fields(self) -> list[SourceField]:
        """Load fields: hrsync's catalogue of person keys (Humaans lists none) and the company's custom fields.
        A key no person of the first page carries is outside the token's scopes: `readable=False`."""
        first = next(self._client.pages(PEOPLE_PATH))
        present = {key for record in first.records for key in record} if first.records else None
        fields = [SourceField(key=k.key, label=k.label + (" (private data)" if k.private else ""), type=k.type,
                              readable=present is None or k.key in present) for k in PERSON_KEYS]
        for page in self._client.pages(CUSTOM_FIELDS_PATH):
            for item in page.records:
                fields.append(SourceField(key=CUSTOM_PREFIX + str(item.get("id")), label=_custom_label(item),
                                          type=to_text(item.get("type"))))
        known = {f.key for f in fields}
        fields += [SourceField(key=key, label=key, readable=False) for key in self._mapping if key not in known]
        return fields

    def fetch_report(self) -> FetchReport:
        """Mapped keys no person of the last listing carried, even as null: the token's scopes or role hide them."""
        return self._report

    @staticmethod
    def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
        """Refused, always: Humaans publishes no webhook format, and hrsync guesses no signature scheme."""
        raise WebhookRejected("hrsync does not accept Humaans webhooks (their format is unpublished); scheduled "
                              "syncs keep Humaans companies in step")

    def close(self) -> None:
        self._client.close()

    # --- helpers -----------------------------------------------------------------------------------

    def _pages(self) -> Iterator[tuple[tuple[dict[str, Any], ...], int]]:
        """The listing without a status filter, then new hires and offboarded people it did not hold; records that
        are not people (an id missing) are refused by the mapping. The fetch report is set at the end."""
        keys = [key for key in read_keys(self._mapping) if not key.startswith(CUSTOM_PREFIX)]
        tracker = self._tracker()
        seen: set[str] = set()
        first_total = None
        for params in ({}, NOT_ACTIVE):
            for page in self._client.pages(PEOPLE_PATH, params, keys=keys):
                first_total = page.total if first_total is None else first_total
                fresh = tuple(r for r in page.records if _first_sight(r, seen))
                for record in fresh:
                    tracker.observe(record)
                yield fresh, first_total
        self._report = FetchReport(absent_fields=tracker.absent())
        if self._report.absent_fields:
            log.warning("Humaans hides %s from this token: give it the scope private:read",
                        ", ".join(sorted(self._report.absent_fields)))

    def _tracker(self) -> PresenceTracker:
        """Presence of the mapped person keys (custom values are joined in by hrsync, not sent by Humaans)."""
        return PresenceTracker(k for k in effective_mapping(self._mapping) if not k.startswith(CUSTOM_PREFIX))

    def _people(self, wanted: Iterable[str]) -> list[dict[str, Any]]:
        found = []
        for remote_id in wanted:
            person = self._client.person(remote_id)
            if person is not None:
                found.append(person)
        return found

    def _custom_values(self, person_ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """personId → {"custom.<field id>": value} for the mapped custom fields only (none mapped: no request): per
        person for a few people, else per field (whether Humaans filters by field is unconfirmed: the values are
        filtered here too)."""
        wanted = {key[len(CUSTOM_PREFIX):] for key in self._mapping if key.startswith(CUSTOM_PREFIX)}
        if not wanted:
            return {}
        people = list(person_ids) if person_ids is not None else []
        queries = ([{"personId": p} for p in people] if 0 < len(people) <= FEW_PEOPLE
                   else [{"customFieldId": f} for f in sorted(wanted)])
        joined: dict[str, dict[str, Any]] = {}
        for query in queries:
            for page in self._client.pages(CUSTOM_VALUES_PATH, query):
                for item in page.records:
                    person, field = item.get("personId"), str(item.get("customFieldId"))
                    if isinstance(person, str) and field in wanted:
                        joined.setdefault(person, {})[CUSTOM_PREFIX + field] = item.get("value")
        return joined


def _private_value(record: Mapping[str, Any]) -> bool:
    """A private key holds a value: only a token with private:read is sent one (without it they are left out or
    null, research §1)."""
    return any(record.get(key) not in (None, "", [], {}) for key in PRIVATE_PROBES)


def _joined(record: dict[str, Any], values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    extra = values.get(str(record.get("id")))
    return {**record, **extra} if extra else record


def _first_sight(record: dict[str, Any], seen: set[str]) -> bool:
    key = remote_id_of(record)
    if key in seen:
        return False
    seen.add(key)
    return True


def _custom_label(item: Mapping[str, Any]) -> str:
    name = to_text(item.get("name")) or str(item.get("id"))
    section = to_text(item.get("section"))
    return f"{name} (custom, {section})" if section else f"{name} (custom)"
