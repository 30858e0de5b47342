"""The HiBob provider: one people search per sync, fields metadata for the mapping, signed v2 webhooks as triggers."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping

import requests

from domain.employee import Employee
from providers import hibob_webhook
from providers.base import (ChangedSince, ChangeNotice, FetchReport, FieldMapping, Progress, ProviderSettings,
                            SourceField)
from providers.description import (CredentialField, ProviderDescription, ProviderOption, UrlSetting, Webhooks,
                                   WebhookSecret)
from providers.errors import ProviderAuthError, ProviderError
from providers.hibob_client import CHECKLIST, ENVIRONMENTS, MAX_FIELDS, HiBobClient
from providers.hibob_mapping import (ACCESS_FIELD, DEFAULT_MAPPING, ID_FIELD, LIST_TYPES, FieldInfo, PresenceTracker,
                                     RecordMapper, effective_mapping, read_field, remote_id_of, requested_fields,
                                     to_text)

log = logging.getLogger(__name__)

# Up to this many ids are fetched with the search's `root.id` filter; more are read from one unfiltered search.
ID_FILTER_MAX = 100
# "Load fields" and the credential check judge which fields the service user may read from this many employees.
FIELD_SAMPLE = 25
_PROGRESS_EVERY = 1000

_SERVICE_USERS = "Bob › Settings › Integrations › Automation › Service users"
# The company's choice whether garden leave makes a leaver: a provider option, passed to HiBobProvider by this name.
GARDEN_LEAVE_OPTION = "garden_leave_leaver"
DESCRIPTION = ProviderDescription(
    name="hibob",
    label="HiBob",
    target="providers.hibob:HiBobProvider",
    credentials=(
        CredentialField("service_user_id", "Service user ID",
                        f"{_SERVICE_USERS} › create one and copy its ID; then {CHECKLIST}"),
        CredentialField("service_user_token", "Service user token",
                        f"{_SERVICE_USERS}: shown when the service user is created (employee API tokens were retired "
                        "in 2024)", secret=True),
        CredentialField("environment", "Bob environment",
                        "production, or sandbox for a service user of Bob's sandbox", required=False,
                        choices=ENVIRONMENTS),
    ),
    webhooks=Webhooks(
        WebhookSecret.PASTED, secret_label="webhook secret key",
        secret_help="shown in Bob when the webhook is added",
        setup="In Bob (Settings › Integrations › Webhooks): add a webhook with this URL and the employee events "
              "(created, updated, left, lifecycle), and copy the secret key Bob shows.",
        steps=("In Bob, open Settings › Integrations › Webhooks and add a webhook (v2).",
               "Paste the URL below and choose the employee events: created, updated, left and lifecycle changes.",
               "Copy the secret key Bob shows for the webhook and paste it below.",
               "Save the webhook in Bob; its Ping test is answered, and the first change in Bob arrives here "
               "within seconds."),
        retry_seconds=hibob_webhook.RETRY_SPAN_SECONDS,
        # HiBob may serve the old value for up to 20 s after a change (research/hibob.md [D7]).
        refetch_delay=20.0),
    base_url=UrlSetting("HIBOB_BASE_URL", "https://api.hibob.com", "the API's address"),
    test_base_url=UrlSetting("HIBOB_SANDBOX_BASE_URL", "",
                             "Bob's sandbox API, for service users created there; empty: derived from HIBOB_BASE_URL"),
    # The start date is required in Bob, but a permission group may hide it: skipping everyone would be worse.
    require_hire_date=False,
    verification="GET /v1/company/people/fields (proves the credentials), then one search of everyone's id and "
                 "status and the mapped fields of 25 employees (proves data access, finds hidden categories)",
    changed_since=False,
    options=(
        ProviderOption(
            GARDEN_LEAVE_OPTION, "People on garden leave have left",
            "On: someone whose lifecycle status in Bob is Garden leave (their last day of work is behind them, "
            "their contract not yet ended) is proposed as a leaver at once. Off: they stay an employee until "
            "Bob marks them Terminated.",
            default=True),
    ),
)


class HiBobProvider:
    """One company's HiBob service user (id + token, HTTP Basic). Constructing it does no I/O."""

    description: ClassVar[ProviderDescription] = DESCRIPTION
    name: ClassVar[str] = DESCRIPTION.name
    label: ClassVar[str] = DESCRIPTION.label
    require_hire_date: ClassVar[bool] = DESCRIPTION.require_hire_date
    default_mapping: ClassVar[FieldMapping] = DEFAULT_MAPPING
    # HiBob may serve the old value for up to 20 s after a change ([D7]): a webhook's re-fetch waits this long.
    refetch_delay: ClassVar[float] = DESCRIPTION.webhooks.refetch_delay

    def __init__(self, credentials: Mapping[str, str], settings: ProviderSettings,
                 mapping: FieldMapping | None = None, *,
                 today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.timezone.utc).date(),
                 session: requests.Session | None = None, garden_leave_leaver: bool = True):
        user, token, environment = _credentials(credentials)
        self._client = HiBobClient(user, token, settings, environment, session=session)
        self._mapping = dict(DEFAULT_MAPPING if mapping is None else mapping)
        self._today, self._garden_leave_leaver = today, garden_leave_leaver
        self._catalogue: dict[str, FieldInfo] | None = None
        self._lists: dict[str, Mapping[str, str]] = {}
        self._report = FetchReport()
        self._listing: dict[str, dict[str, Any]] | None = None  # changed_since's answer, for the fetch that follows

    def __repr__(self) -> str:
        return f"<HiBobProvider service_user_id={self._client.service_user_id!r}>"

    def verify_credentials(self) -> tuple[str, ...]:
        """The field list (it needs no permission: it proves the credentials), then the search proves data access:
        everyone's id and status (are leavers and future joiners visible?), and the mapped fields of a few
        employees (which categories does the permission group hide?). Refusals raise ProviderAuthError at once,
        with the permission checklist; the warnings returned (none when all is well) say what is hidden."""
        self._fields_catalogue()
        everyone, sample = self._sample(requested_fields(self._mapping))
        tracker = self._tracker()
        for record in sample:
            tracker.observe(record)
        return self._warnings(tracker.absent(), everyone)

    def iter_employees(self, progress: Progress | None = None) -> Iterator[Employee]:
        """Every employee, active and inactive, from one search (HiBob has no pagination)."""
        records = self._search()
        total = len(records)
        if progress is not None:
            progress(0, total)
        for count, employee in enumerate(self._employees(records), start=1):
            yield employee
            if progress is not None and (count % _PROGRESS_EVERY == 0 or count == total):
                progress(count, total)

    def changed_since(self, cursor: str | None) -> ChangedSince:
        """HiBob has no changed-since query: every id counts as changed, and the scheduled full sync's diff stays the
        source of truth. The search that lists them is kept for the fetch of those ids that follows."""
        started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        records = self._search()
        self._listing = {remote_id_of(record): record for record in records}
        return ChangedSince(remote_ids=tuple(self._listing), cursor=started)

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        """The named employees: from the listing changed_since just made, with the search's `root.id` filter, or
        (many ids) from one unfiltered search. Ids HiBob does not know (deleted, or outside the service user's
        population) are left out: they are no other kind of id, so nothing is reported unresolved."""
        wanted = dict.fromkeys(str(i).strip() for i in remote_ids if str(i).strip())
        listing, self._listing = self._listing, None
        if not wanted:
            return
        if listing is not None:  # a snapshot of everyone, just taken: an id it lacks is unknown to HiBob
            records = [listing[remote_id] for remote_id in wanted if remote_id in listing]
            self._report = FetchReport(absent_fields=self._absent(listing.values()))
        elif len(wanted) <= ID_FILTER_MAX:
            records = self._search(ids=list(wanted))
        else:
            records = [r for r in self._search() if remote_id_of(r) in wanted]
        yield from (e for e in self._employees(records) if e.remote_id in wanted)

    def list_fields(self) -> list[SourceField]:
        """Load fields: the fields metadata, labelled with the category people see in Bob. Which of them the
        service user may read is judged from a small sample of employees (one search by id)."""
        catalogue = self._fields_catalogue()
        keys = list(dict.fromkeys([*self._mapping, *catalogue]))
        hidden = self._unreadable(keys[:MAX_FIELDS - 1])  # the id is asked for too
        fields = [SourceField(key=info.id, label=_label(info), type=info.type, readable=info.id not in hidden)
                  for info in catalogue.values()]
        fields += [SourceField(key=key, label=key, readable=False) for key in self._mapping if key not in catalogue]
        return fields

    def fetch_report(self) -> FetchReport:
        """Mapped fields no employee of the last fetch carried, even empty: the permission group hides them."""
        return self._report

    @staticmethod  # pure: the web app verifies without building a client
    def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
        """`Bob-Signature` over the raw body in constant time; `now` is unused (HiBob sends no timestamp)."""
        return hibob_webhook.verify_webhook(body, headers, secret)

    def close(self) -> None:
        self._client.close()

    # --- helpers -----------------------------------------------------------------------------------

    def _search(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        catalogue = self._fields_catalogue()
        # Display texts only when a mapped field is a list (its machine value is an item id): they triple no answer.
        lists = any(catalogue[key].type in LIST_TYPES for key in self._mapping if key in catalogue)
        records = self._client.search(requested_fields(self._mapping), ids, human_readable=lists)
        absent = self._absent(records)
        self._report = FetchReport(absent_fields=absent)
        if absent:
            log.warning("HiBob service user %s cannot read %s: %s", self._client.service_user_id,
                        ", ".join(sorted(absent)), self._hint(absent))
        if ids is None and records and not _any_inactive(records):
            # Info only: the credential check told a person already, and a company without leavers is no fault.
            log.info("HiBob service user %s sees no Inactive employee among %d: %s", self._client.service_user_id,
                     len(records), _POPULATION_HINT)
        return records

    def _employees(self, records: list[dict[str, Any]]) -> Iterator[Employee]:
        mapper = RecordMapper(self._mapping, self._today(), self._catalogue, self._named_list,
                              self._garden_leave_leaver)
        return (mapper(record) for record in records)

    def _absent(self, records: Iterable[dict[str, Any]]) -> frozenset[str]:
        tracker = self._tracker()
        for record in records:
            tracker.observe(record)
        return tracker.absent()

    def _tracker(self) -> PresenceTracker:
        catalogue = self._catalogue or {}
        return PresenceTracker(effective_mapping(self._mapping),
                               {key: info.json_path for key, info in catalogue.items()})

    def _fields_catalogue(self) -> dict[str, FieldInfo]:
        if self._catalogue is None:
            self._catalogue = {item["id"]: _field_info(item) for item in self._client.fields_metadata()}
        return self._catalogue

    def _named_list(self, list_id: str) -> Mapping[str, str]:
        if list_id not in self._lists:
            try:
                self._lists[list_id] = self._client.named_list(list_id)
            except ProviderAuthError:
                raise
            except ProviderError as error:
                log.warning("HiBob named list %s could not be read (%s); its item ids are shown as they are",
                            list_id, error)
                self._lists[list_id] = {}
        return self._lists[list_id]

    def _unreadable(self, keys: list[str]) -> frozenset[str]:
        """The keys no sampled employee carries; nothing when there is nobody to judge by."""
        catalogue = self._catalogue or {}
        tracker = PresenceTracker(keys, {key: info.json_path for key, info in catalogue.items()})
        for record in self._sample(keys)[1]:
            tracker.observe(record)
        return tracker.absent()

    def _sample(self, keys: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(everyone's id and access status, `keys` of the first FIELD_SAMPLE of them): two small searches where one
        with every field would download the whole company."""
        everyone = self._client.search([ID_FIELD, ACCESS_FIELD])
        ids = [remote_id_of(record) for record in everyone[:FIELD_SAMPLE]]
        return everyone, (self._client.search(keys, ids) if ids else [])

    def _hint(self, absent: frozenset[str]) -> str:
        catalogue = self._catalogue or {}
        categories = sorted({catalogue[k].category or k.split(".")[0] for k in absent if k in catalogue})
        unknown = sorted(k for k in absent if k not in catalogue)
        parts = []
        if categories:
            parts.append(f"allow the service user's permission group to view the categories {', '.join(categories)}")
        if unknown:
            parts.append(f"HiBob lists no field {', '.join(unknown)} (fix the mapping)")
        return "; ".join(parts)

    def _warnings(self, absent: frozenset[str], records: list[dict[str, Any]]) -> tuple[str, ...]:
        if not records:
            # HiBob answers 200 with nobody when the service user is in no permission group, or its population
            # selects no one: never an empty company.
            return (f"HiBob shows this service user nobody: it is probably in no permission group, or the group's "
                    f"population selects no one; {CHECKLIST}",)
        warnings = []
        if absent:
            warnings.append(f"HiBob hides {', '.join(sorted(absent))} from this service user: {self._hint(absent)}; "
                            "hrsync leaves those stakeholder fields as they are")
        if not _any_inactive(records):
            warnings.append(f"HiBob shows this service user no Terminated or Inactive employee. If your company has "
                            f"had leavers, {_POPULATION_HINT}. If nobody has left your company yet, you may ignore "
                            "this.")
        return tuple(warnings)


_POPULATION_HINT = ("the permission group's population must include the lifecycle status Terminated, or leavers "
                    "vanish from hrsync instead of being proposed as leavers ('Everyone' means active employees "
                    "only): select people by condition with the lifecycle statuses Employed, Hired and Terminated")


def _credentials(credentials: Mapping[str, str]) -> tuple[str, str, str]:
    user = str(credentials.get("service_user_id") or "").strip()
    token = str(credentials.get("service_user_token") or "").strip()
    environment = str(credentials.get("environment") or "production").strip().lower()
    if not user or not token:
        raise ProviderError("HiBob needs a service user ID and its token (Bob › Settings › Integrations › "
                            "Automation › Service users); API access tokens of employees were retired in 2024")
    return user, token, environment


def _field_info(item: Mapping[str, Any]) -> FieldInfo:
    type_data = item.get("typeData") if isinstance(item.get("typeData"), dict) else {}
    path, name, kind = item.get("jsonPath"), item.get("name"), item.get("type")
    category = item.get("categoryDisplayName") or item.get("category")
    list_id = type_data.get("listId")
    return FieldInfo(id=item["id"], json_path=path if isinstance(path, str) and path else "",
                     name=name.strip() if isinstance(name, str) and name.strip() else None,
                     type=kind if isinstance(kind, str) else None,
                     category=category if isinstance(category, str) else None,
                     list_id=str(list_id) if isinstance(list_id, (str, int)) else None)


def _label(info: FieldInfo) -> str:
    """"First name (Basic info)": the name and the category as people see them in Bob."""
    name = info.name or info.id
    return f"{name} ({info.category})" if info.category else name


def _any_inactive(records: Iterable[Mapping[str, Any]]) -> bool:
    return any((to_text(read_field(record, ACCESS_FIELD)) or "").lower() == "inactive" for record in records)
