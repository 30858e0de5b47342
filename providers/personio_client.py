"""HTTP to Personio's v1 Personnel Data API: token handling, status branching, offset pagination."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Collection, Iterator, Mapping
from urllib.parse import quote

import requests

from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.http import make_session
from providers.pacing import PERSONIO_AUTH, PERSONIO_EMPLOYEES, PERSONIO_V1_ADDRESS, pace_key
from providers.personio_auth import TokenStore, token_from_header
from providers.personio_mapping import remote_id_of
from providers.personio_paging import PAGE_SIZE, page_bodies, page_shape, records_of, total_of
from providers.wire_json import decode, shaped_decoder

log = logging.getLogger(__name__)

AUTH_PATH = "/v1/auth"
EMPLOYEES_PATH = "/v1/company/employees"
ATTRIBUTES_PATH = "/v1/company/employees/attributes"
# Personio asks integrations to name themselves (UPPER_SNAKE_CASE); support may not help without it.
APP_ID = "HRSYNC"
# Answers from /v1/auth that mean "these credentials are not accepted" (Personio's exact code is
# unpublished; 401 and 403 are reported, 400/422 would be a malformed credential).
AUTH_REJECTIONS = (400, 401, 403, 422)
MESSAGE_LIMIT = 300


class RepeatedPage(ProviderError):
    """A full page of records already listed: Personio did not honour the offset."""


@dataclass(frozen=True, slots=True)
class Page:
    """One page of employee records (deduplicated across the listing) and the total if Personio said."""

    records: tuple[Mapping[str, Any], ...]
    total: int | None


class PersonioClient:
    """One company's session with Personio. Holds the secret and token privately; never logs either."""

    def __init__(self, client_id: str, client_secret: str, settings: ProviderSettings,
                 clock: Callable[[], float] = time.monotonic, session: requests.Session | None = None):
        self.client_id = client_id
        self._secret = client_secret
        self._base_url = settings.base_url.rstrip("/")
        self._pacer = settings.pacer
        # One budget per credential (per server: a sandbox is not Personio), and the address-wide one.
        self._pace_key, host_key = pace_key("personio", self._base_url, client_id), pace_key("personio", self._base_url)
        self._claims = {AUTH_PATH: ((PERSONIO_AUTH, self._pace_key), (PERSONIO_V1_ADDRESS, host_key)),
                        None: ((PERSONIO_EMPLOYEES, self._pace_key), (PERSONIO_V1_ADDRESS, host_key))}
        self._session = session if session is not None else make_session(settings)
        self._session.headers.update({"Accept": "application/json", "X-Personio-App-ID": APP_ID})
        self._tokens = TokenStore(self._authenticate, clock)

    def __repr__(self) -> str:
        return f"<PersonioClient client_id={self.client_id!r} base_url={self._base_url!r}>"

    def close(self) -> None:
        self._session.close()

    # --- reads -------------------------------------------------------------------------------

    def iter_pages(self, params: Mapping[str, str] | None = None, *, read_ahead: bool = False,
                   attributes: Collection[str] | None = None) -> Iterator[Page]:
        """Every employee page, `limit=100` and a record `offset`, until a short or empty page.

        Page counters (`current_page`, `total_pages`) are not trusted (reported wrong). Records that
        shift between pages while the listing runs are yielded once; a full page of nothing new means
        the offset is not honoured, which is an error rather than an endless loop. `read_ahead`: later
        pages are downloaded while earlier ones are parsed (`personio_paging.page_bodies`). `attributes`: the
        only attribute keys the caller reads (the id is always kept); the others are parsed but not built.
        """
        def request(offset: int) -> requests.Response:
            return self._exchange(EMPLOYEES_PATH, {**(params or {}), "limit": PAGE_SIZE, "offset": offset})

        shape = None if attributes is None else page_shape(attributes)
        decoder = decode if shape is None else shaped_decoder(shape)

        def parse(response: requests.Response) -> Mapping[str, Any]:
            return self._body(response, f"GET {EMPLOYEES_PATH}", decoder)

        seen: set[str] = set()
        for offset, body in page_bodies(request, parse, read_ahead=read_ahead):
            records = records_of(body)
            fresh = tuple(r for r in records if _first_sight(remote_id_of(r), seen))
            if records and not fresh and len(records) >= PAGE_SIZE:
                raise RepeatedPage(f"Personio repeated the employees page at offset {offset}")
            yield Page(fresh, total_of(body))

    def first_page(self) -> Page:
        """Only the first employees page (a sample of what the credential can see)."""
        pages = self.iter_pages()
        try:
            return next(pages)
        finally:
            pages.close()

    def employee(self, remote_id: str) -> Mapping[str, Any] | None:
        """One employee record, or None when Personio does not know the id (404)."""
        body = self.get(f"{EMPLOYEES_PATH}/{quote(remote_id, safe='')}", missing_ok=True)
        if body is None:
            return None
        record = body.get("data")
        if not isinstance(record, Mapping):
            raise ProviderError("Personio answered an employee request without a record")
        return record

    def attributes(self) -> list[Mapping[str, Any]]:
        """The attributes this credential may read (`key`, `label`, `type`, custom `dynamic_*` included)."""
        data = self.get(ATTRIBUTES_PATH).get("data")
        if not isinstance(data, list):
            raise ProviderError("Personio answered the attributes request without a list")
        return [item for item in data if isinstance(item, Mapping) and isinstance(item.get("key"), str)]

    def get(self, path: str, params: Mapping[str, Any] | None = None,
            missing_ok: bool = False) -> Any:
        """GET with the shared token, the answer's JSON body (None for a 404 when `missing_ok`)."""
        response = self._exchange(path, params)
        if missing_ok and response.status_code == 404:
            return None
        return self._body(response, f"GET {path}")

    def _exchange(self, path: str, params: Mapping[str, Any] | None) -> requests.Response:
        """GET with the shared token; a 401/403 re-authenticates exactly once before giving up."""
        token = self._tokens.current()
        response = self.send("GET", path, params=params, headers=_bearer(token))
        if response.status_code in (401, 403):
            log.info("Personio refused the token for client id %s (%s); authenticating again",
                     self.client_id, response.status_code)
            token = self._tokens.renew(token)
            response = self.send("GET", path, params=params, headers=_bearer(token))
            if response.status_code in (401, 403):
                raise ProviderAuthError(self._refusal(response.status_code))
        self._tokens.offer(token, token_from_header(response.headers.get("Authorization")))
        return response

    # --- plumbing ----------------------------------------------------------------------------

    def _authenticate(self) -> tuple[str, float | None]:
        """`POST /v1/auth` with the credentials in a JSON body (query-string credentials are deprecated
        and answered 403 once removed)."""
        response = self.send("POST", AUTH_PATH,
                              json={"client_id": self.client_id, "client_secret": self._secret})
        if response.status_code in AUTH_REJECTIONS or _declares_failure(response):
            raise ProviderAuthError(self._refusal(401))
        body = self._body(response, f"POST {AUTH_PATH}")
        data = body.get("data")
        token = data.get("token") if isinstance(data, Mapping) else None
        if not isinstance(token, str) or not token.strip():
            raise ProviderAuthError(self._refusal(401))
        lifetime = data.get("expires_in")
        valid = isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool) and lifetime > 0
        log.info("Personio: authenticated client id %s", self.client_id)
        return token.strip(), float(lifetime) if valid else None

    def send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One paced request on this company's session (the v2 calls of providers.personio_v2 too); no answer
        becomes ProviderUnavailable, a broken request ProviderError."""
        if self._pacer is not None:
            self._pacer.wait(*self._claims.get(path, self._claims[None]))
        try:
            response = self._session.request(method, self._base_url + path, **kwargs)
            if self._pacer is not None:
                self._pacer.observe(self._pace_key, response.headers)
            return response
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError) as exc:
            raise ProviderUnavailable(
                f"Personio did not answer {method} {path} ({type(exc).__name__}); try again later") from None
        except requests.RequestException as exc:
            raise ProviderError(f"Personio request {method} {path} failed ({type(exc).__name__})") from None

    def _body(self, response: requests.Response, what: str, decoder: Callable[[bytes], Any] = decode) -> Any:
        status = response.status_code
        if status == 429 or status >= 500:
            raise ProviderUnavailable(f"Personio answered {status} for {what} after retries; try again later")
        if status >= 400 or status < 200:
            raise ProviderError(f"Personio answered {status} for {what}: {self._message(response)}")
        try:
            body = decoder(response.content)
        except ValueError:
            raise ProviderError(f"Personio returned invalid JSON for {what}") from None
        if isinstance(body, Mapping) and body.get("success") is False:
            raise ProviderError(f"Personio reported a failure for {what}: {self._message(response)}")
        if not isinstance(body, Mapping):
            raise ProviderError(f"Personio returned an unexpected document for {what}")
        return body

    def _message(self, response: requests.Response) -> str:
        """Personio's own words (v1 `error.message`, v2 `errors[].detail`), scrubbed of secrets."""
        try:
            body = decode(response.content)
        except ValueError:
            body = None
        message = _error_text(body) or response.reason or "no message"
        for secret in (self._secret, self._tokens.peek()):
            if secret:
                message = message.replace(secret, "***")
        return message[:MESSAGE_LIMIT]

    def _refusal(self, status: int) -> str:
        if status == 403:
            return (f"Personio refused access for client id {self.client_id}: allow the credential to read "
                    "employees (Settings → Integrations → API credentials)")
        return f"Personio rejected the client credentials for client id {self.client_id}"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _declares_failure(response: requests.Response) -> bool:
    """A 2xx answer whose body says `success: false` (how v1 may refuse credentials)."""
    if not response.ok:
        return False
    try:
        body = decode(response.content)
    except ValueError:
        return False
    return isinstance(body, Mapping) and body.get("success") is False


def _first_sight(remote_id: str, seen: set[str]) -> bool:
    if remote_id in seen:
        return False
    seen.add(remote_id)
    return True


def _error_text(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return None
    error = body.get("error")
    if isinstance(error, Mapping) and isinstance(error.get("message"), str):
        return error["message"]
    errors = body.get("errors")
    if isinstance(errors, list):
        details = [e.get("detail") or e.get("title") for e in errors if isinstance(e, Mapping)]
        return "; ".join(d for d in details if isinstance(d, str)) or None
    return None

