"""The BambooHR provider: custom-report reads, changed-since cursors, field metadata, signed webhooks."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, ClassVar, Iterable, Iterator, Mapping

from domain.employee import MAPPABLE_FIELDS, Employee
from providers import bamboohr_webhook
from providers.base import (ChangedSince, ChangeNotice, FetchReport, FieldMapping, Progress, ProviderSettings,
                            SourceField)
from providers.bamboohr_client import ID_BATCH, BambooHRClient
from providers.bamboohr_mapping import DEFAULT_MAPPING, clean, employee_reader, requested_fields
from providers.description import CredentialField, ProviderDescription, UrlSetting, Webhooks, WebhookSecret
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable

log = logging.getLogger(__name__)

_SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# BambooHR keeps no change data before 2011-06-05, so this means "since the beginning".
_BEGINNING = dt.datetime(2011, 1, 1, tzinfo=dt.timezone.utc)
# Re-ask a little before the cursor: a change committed while the last answer was built is not lost.
CURSOR_OVERLAP = dt.timedelta(seconds=30)
_PROGRESS_EVERY = 100

DESCRIPTION = ProviderDescription(
    name="bamboohr",
    label="BambooHR",
    target="providers.bamboohr:BambooHRProvider",
    credentials=(
        CredentialField("subdomain", "Subdomain", "the web domain in BambooHR's address, shown under Settings › "
                                                  "Account Info: acme for https://acme.bamboohr.com", max_length=253,
                        example="acme"),
        CredentialField("api_key", "API key", "in BambooHR: your name (top right) › API Keys › Add New Key; the key "
                                              "is shown once", secret=True),
    ),
    webhooks=Webhooks(
        WebhookSecret.PASTED, secret_label="webhook private key",
        secret_help="Account Settings > Webhooks > Private Key",
        setup="In BambooHR (Account Settings > Webhooks > Add Webhook): paste the URL, choose JSON, monitor the fields "
              "you sync, and press Generate next to Private Key.",
        steps=("In BambooHR, open Account Settings › Webhooks and choose Add Webhook (an admin, or someone with "
               "webhook permission, can; if Webhooks is missing, BambooHR support turns it on).",
               "Name it, e.g. hrsync, and paste the URL below into its URL field.",
               "Choose JSON as the format and tick the fields you sync: names, employee number, work e-mail, "
               "address, hire date and Status (Termination Date cannot be monitored; Status tells hrsync of "
               "leavers).",
               "Press Generate next to Private Key, copy the key and paste it below, then save the webhook in "
               "BambooHR."),
        retry_seconds=bamboohr_webhook.RETRY_SPAN_SECONDS),
    base_url=UrlSetting("BAMBOOHR_BASE_URL", "https://{subdomain}.bamboohr.com/api",
                        "the API's address; {subdomain} is filled in per company"),
    # SPEC §4's BambooHR rule (from the reference product): only employees with a hire date sync.
    require_hire_date=True,
    verification="GET /v1/meta/fields with the key (BambooHR's connection test)",
    changed_since=True,
)


class BambooHRProvider:
    """One company's BambooHR connection (subdomain + API key). Constructing it does no I/O."""

    description: ClassVar[ProviderDescription] = DESCRIPTION
    name: ClassVar[str] = DESCRIPTION.name
    label: ClassVar[str] = DESCRIPTION.label
    require_hire_date: ClassVar[bool] = DESCRIPTION.require_hire_date
    default_mapping: ClassVar[FieldMapping] = DEFAULT_MAPPING

    def __init__(self, credentials: Mapping[str, str], settings: ProviderSettings,
                 mapping: FieldMapping | None = None):
        missing = [key for key in ("subdomain", "api_key") if not str(credentials.get(key) or "").strip()]
        if missing:
            raise ProviderError("BambooHR needs the company subdomain and an API key "
                                f"(missing: {', '.join(missing)})")
        self.subdomain = normalise_subdomain(credentials["subdomain"])
        self.mapping = dict(DEFAULT_MAPPING if mapping is None else mapping)
        _check_mapping(self.mapping)
        self.client = BambooHRClient(self.subdomain, str(credentials["api_key"]).strip(), settings)
        self._report = FetchReport()

    def __repr__(self) -> str:
        return f"BambooHRProvider(subdomain={self.subdomain!r})"

    def verify_credentials(self) -> None:
        """`GET /v1/meta/fields`, BambooHR's connection test (the directory may be switched off, research §9).

        Refusals (401/403) and outages pass through as they are; any other answer than the field list (a
        404, a web page) means that no BambooHR company lives at the subdomain.
        """
        try:
            self.client.meta_fields()
        except (ProviderAuthError, ProviderUnavailable):
            raise
        except ProviderError:
            raise ProviderError(f"no BambooHR company at subdomain {self.subdomain}: check the subdomain "
                                "(acme for https://acme.bamboohr.com)") from None

    def iter_employees(self, progress: Progress | None = None) -> Iterator[Employee]:
        """Every employee, Active and Inactive, from one custom report (the report does not page)."""
        rows = self.client.custom_report(requested_fields(self.mapping))["employees"]
        seen: set[str] = set()
        yield from self._employees(rows, seen, set(), progress=progress)
        self._report = self._learnt(seen, bool(rows))

    def changed_since(self, cursor: str | None) -> ChangedSince:
        """Ids inserted, updated or deleted since `cursor`; the next cursor is BambooHR's `latest`."""
        since = parse_cursor(cursor) if cursor else _BEGINNING
        answer = self.client.changed_since(format_cursor(max(since - CURSOR_OVERLAP, _BEGINNING)))
        changes = answer.get("employees") or {}
        ids = {clean(item.get("id") if isinstance(item, dict) else None) or clean(key)
               for key, item in changes.items()}
        stamps = [clean(item.get("lastChanged")) for item in changes.values() if isinstance(item, dict)]
        following = _latest([answer.get("latest")]) or _latest(stamps) or since
        return ChangedSince(remote_ids=tuple(sorted((i for i in ids if i), key=_id_order)),
                            cursor=format_cursor(max(following, since)))

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        """The named employees via the custom report's `employeeIds` filter, in batches; unknown ids are left out."""
        wanted = sorted({text for text in (str(i).strip() for i in remote_ids) if _is_id(text)}, key=int)
        fields = requested_fields(self.mapping)
        seen: set[str] = set()
        emitted: set[str] = set()
        found = False
        for start in range(0, len(wanted), ID_BATCH):
            batch = wanted[start:start + ID_BATCH]
            rows = self.client.custom_report(fields, employee_ids=[int(i) for i in batch])["employees"]
            found = found or bool(rows)
            # Filtered again here: BambooHR drops what it does not understand without saying so.
            yield from self._employees(rows, seen, emitted, wanted=set(batch))
        if wanted:
            self._report = self._learnt(seen, found)

    def list_fields(self) -> list[SourceField]:
        """BambooHR's field metadata; aliases where they exist, numeric ids for custom fields."""
        fields: dict[str, SourceField] = {}
        for item in self.client.meta_fields():
            key = clean(item.get("alias")) or clean(item.get("id"))
            if key is None or key in fields:
                continue
            label = (clean(item.get("name")) or key) + (" (deprecated)" if item.get("deprecated") else "")
            fields[key] = SourceField(key=key, label=label, type=clean(item.get("type")),
                                      readable=key not in self._report.absent_fields)
        return list(fields.values())

    def fetch_report(self) -> FetchReport:
        """Mapped fields no employee of the last completed fetch carried: the key's access level hides them."""
        return self._report

    @staticmethod  # pure: the web app verifies without building a client
    def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
        return bamboohr_webhook.verify_webhook(body, headers, secret, now)

    def close(self) -> None:
        self.client.close()

    def _employees(self, rows: list[Any], seen: set[str], emitted: set[str], *, progress: Progress | None = None,
                   wanted: set[str] | None = None) -> Iterator[Employee]:
        """Rows → employees; `seen` collects the field keys met, `emitted` the ids already yielded.

        The report is asked with `filterDuplicates: "no"`, and BambooHR may then list a person once per row of
        a history table: only a person's first row counts (the same person twice would be a duplicate
        identifier in review on every sync).
        """
        count = repeated = 0
        read = employee_reader(self.mapping)
        unseen = set(self.mapping).difference(seen)  # only mapped keys matter to the fetch report
        for raw in rows:
            if not isinstance(raw, dict) or clean(raw.get("id")) is None:
                log.warning("BambooHR %s: skipped a report row without an id", self.subdomain)
                continue
            if unseen:
                unseen.difference_update(raw)
                seen.update(raw)
            employee = read(raw)
            if wanted is not None and employee.remote_id not in wanted:
                continue
            if employee.remote_id in emitted:
                repeated += 1
                continue
            emitted.add(employee.remote_id)
            count += 1
            yield employee
            if progress is not None and count % _PROGRESS_EVERY == 0:
                progress(count, len(rows))
        if progress is not None and (count == 0 or count % _PROGRESS_EVERY):
            progress(count, len(rows))
        if repeated:
            log.info("BambooHR %s: %d report rows repeated an employee already read; kept each one's first row",
                     self.subdomain, repeated)

    def _learnt(self, seen: set[str], any_rows: bool) -> FetchReport:
        if not any_rows:
            return FetchReport()  # no employee: nothing learnt about fields
        return FetchReport(absent_fields=frozenset(key for key in self.mapping if key not in seen))


def normalise_subdomain(value: Any) -> str:
    """`acme`, `acme.bamboohr.com` or `https://acme.bamboohr.com/…` → `acme`; anything else is refused."""
    text = re.sub(r"^https?://", "", str(value or "").strip().lower()).split("/", 1)[0]
    text = text.removesuffix(".bamboohr.com")
    if not _SUBDOMAIN.fullmatch(text):
        # The value itself stays out of the message: people paste keys into the wrong box.
        raise ProviderError("the BambooHR subdomain must be letters, digits and hyphens "
                            "(acme for https://acme.bamboohr.com)")
    return text


def parse_cursor(cursor: str) -> dt.datetime:
    moment = _latest([cursor])
    if moment is None:
        raise ProviderError("the BambooHR change cursor is not an ISO 8601 timestamp")
    return moment


def format_cursor(moment: dt.datetime) -> str:
    """UTC with `Z`: BambooHR would need a `+` offset sent as `%2B`."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _latest(values: Iterable[Any]) -> dt.datetime | None:
    moments = []
    for value in values:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            continue
        moments.append(moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc))
    return max(moments, default=None)


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def _id_order(remote_id: str) -> tuple[int, str]:
    return (int(remote_id), remote_id) if _is_id(remote_id) else (2**63, remote_id)


def _check_mapping(mapping: Mapping[str, str]) -> None:
    unknown = sorted({target for target in mapping.values() if target not in MAPPABLE_FIELDS})
    if unknown:
        raise ProviderError(f"the BambooHR field mapping names unknown employee fields: {', '.join(unknown)}")
