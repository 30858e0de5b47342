"""HTTP to Humaans' API with a bearer token: `$limit`/`$skip` pages until `total`, single people, custom fields."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterator, Mapping, TypedDict
from urllib.parse import quote

import requests

from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.http import answer_error, make_session
from providers.pacing import HUMAANS, pace_key
from providers.wire_json import decode, shaped_decoder

log = logging.getLogger(__name__)

PEOPLE_PATH = "/api/people"
ME_PATH = "/api/me"
CUSTOM_FIELDS_PATH = "/api/custom-fields"
CUSTOM_VALUES_PATH = "/api/custom-values"
# The default page; the maximum is reported as 250 and what the API does past it is unknown (research §2.1).
PAGE_SIZE = 100
MESSAGE_LIMIT = 300
TOKEN_HELP = ("an Owner or Admin creates it in Humaans (menu next to your name › API access tokens) with the "
              "scopes public:read and private:read")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of records (deduplicated across the listing) and the `total` Humaans stated."""

    records: tuple[dict[str, Any], ...]
    total: int


class HumaansClient:
    """One company's access token. Holds it privately (only in the Authorization header); never logs it."""

    def __init__(self, token: str, settings: ProviderSettings, session: requests.Session | None = None):
        self._token = token
        self.base_url = settings.base_url.rstrip("/")
        self._pacer = settings.pacer
        # One budget per token (no other identity exists before /api/me): keyed by a hash, never the token.
        self._pace_key = pace_key("humaans", self.base_url, token)
        self._session = session if session is not None else make_session(settings)
        self._session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def __repr__(self) -> str:
        return f"<HumaansClient base_url={self.base_url!r}>"

    def close(self) -> None:
        self._session.close()

    def pages(self, path: str, params: Mapping[str, Any] | None = None, *,
              keys: Collection[str] | None = None) -> Iterator[Page]:
        """Every page of a list endpoint, `$limit=100` and a record `$skip`, until `skip + len(data) >= total` or
        an empty page. Records are deduplicated by id: offset paging without a stable sort can repeat a record
        when people are added mid-scan, and a `total` that changes between pages restarts the listing once.
        `keys`: the only record keys the caller reads (the rest is parsed, never built)."""
        decoder = decode if keys is None else _shaped(keys)
        seen: set[str] = set()
        skip, total, restarted = 0, None, False
        while True:
            body = self.get(path, {**(params or {}), "$limit": PAGE_SIZE, "$skip": skip}, decoder=decoder)
            data, stated = _data(body), _total(body)
            if total is not None and stated != total and not restarted:
                log.info("Humaans' total for %s changed during the listing (%d → %d); listing again", path, total,
                         stated)
                skip, total, restarted = 0, stated, True
                continue
            total = stated
            fresh = tuple(record for record in data if _first_sight(record, seen))
            yield Page(fresh, total)
            skip += len(data)
            if not data or skip >= total:
                return

    def total(self, path: str, params: Mapping[str, Any] | None = None) -> int:
        """How many records a listing holds (one record asked for)."""
        return _total(self.get(path, {**(params or {}), "$limit": 1, "$skip": 0}))

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, missing_ok: bool = False,
            decoder: Callable[[bytes], Any] = decode) -> Any:
        """GET, the answer's JSON object (None for a 404 when `missing_ok`)."""
        if self._pacer is not None:
            self._pacer.wait((HUMAANS, self._pace_key))
        try:
            response = self._session.get(self.base_url + path, params=params)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError) as exc:
            raise ProviderUnavailable(f"Humaans did not answer GET {path} ({type(exc).__name__}); "
                                      "try again later") from None
        except requests.RequestException as exc:
            raise ProviderError(f"Humaans request GET {path} failed ({type(exc).__name__})") from None
        if self._pacer is not None:
            self._pacer.observe(self._pace_key, response.headers)
        if missing_ok and response.status_code == 404:
            return None
        self._check(response, path)
        try:
            body = decoder(response.content)
        except ValueError:
            raise ProviderError(f"Humaans answered GET {path} with something that is not JSON") from None
        if not isinstance(body, dict):
            raise ProviderError(f"Humaans answered GET {path} with an unexpected document")
        return body

    def person(self, remote_id: str) -> dict[str, Any] | None:
        """`GET /api/people/{id}` (a bare person), or None when Humaans does not know the id."""
        return self.get(f"{PEOPLE_PATH}/{quote(remote_id, safe='')}", missing_ok=True)

    def _check(self, response: requests.Response, path: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status == 401:
            raise ProviderAuthError(f"Humaans rejected the access token (HTTP 401): create a new one; {TOKEN_HELP}")
        if status == 403:
            raise ProviderAuthError(f"Humaans refused the access token access to {path} (HTTP 403): {TOKEN_HELP}")
        raise answer_error("Humaans", status, f"GET {path}", self._message(response))

    def _message(self, response: requests.Response) -> str:
        """Humaans' words (`message`/`code`/`issues`, or `error`: its real error body is unconfirmed), scrubbed."""
        try:
            body = decode(response.content)
        except ValueError:
            body = None
        parts: list[str] = []
        if isinstance(body, dict):
            parts = [str(body[k]) for k in ("code", "message", "error") if isinstance(body.get(k), (str, int))]
            issues = body.get("issues")
            if isinstance(issues, list):
                parts += [str(i.get("message")) for i in issues if isinstance(i, dict) and i.get("message")]
        message = " ".join(" ".join(parts).split())[:MESSAGE_LIMIT].replace(self._token, "***")
        return f": {message}" if message else ""


def _shaped(keys: Collection[str]) -> Callable[[bytes], Any]:
    if not all(key.isascii() for key in keys):
        return decode  # msgspec would silently miss a non-ASCII key (msgspec#1126)
    record = TypedDict("Person", {key: Any for key in {"id", *keys}}, total=False)  # type: ignore[misc]
    page = TypedDict("PeoplePage", {"total": Any, "limit": Any, "skip": Any, "data": list[record]},  # type: ignore
                     total=False)
    return shaped_decoder(page)


def _data(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(record, dict) for record in data):
        raise ProviderError("Humaans answered a listing without a list of records")
    return data


def _total(body: Mapping[str, Any]) -> int:
    total = body.get("total")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ProviderError("Humaans answered a listing without its total")
    return total


def _first_sight(record: dict[str, Any], seen: set[str]) -> bool:
    key = record.get("id")
    if not isinstance(key, str):
        return True  # the mapping refuses it with a clear error
    if key in seen:
        return False
    seen.add(key)
    return True
