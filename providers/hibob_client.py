"""HTTP to HiBob's API as a service user: Basic auth, the one-answer people search, fields metadata, named lists."""

from __future__ import annotations

import json
from typing import Any, Collection, TypedDict
from urllib.parse import quote, urlsplit, urlunsplit

import requests

from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.hibob_mapping import ID_FIELD, slash_key
from providers.http import answer_error, make_session
from providers.pacing import HIBOB_METADATA, HIBOB_SEARCH, pace_key
from providers.wire_json import decode, shaped_decoder

SEARCH_PATH = "/v1/people/search"
FIELDS_PATH = "/v1/company/people/fields"
NAMED_LISTS_PATH = "/v1/company/named-lists"
MAX_FIELDS = 400  # per search ([D4])
MESSAGE_LIMIT = 300
_SLASH_ID = slash_key(ID_FIELD)
# Bob's sandbox environment lives on its own host ([C1][C3]); a deployment naming no sandbox URL derives it.
SANDBOX_HOSTS = {"api.hibob.com": "api.sandbox.hibob.com", "app.hibob.com": "app.sandbox.hibob.com"}
ENVIRONMENTS = ("production", "sandbox")
# What to fix when HiBob refuses: the service user, its permission group, the population it may see.
CHECKLIST = ("add the service user to a permission group (Settings › Account › Permission groups) whose "
             "population ('Select people by condition') includes the lifecycle statuses Employed, Hired and "
             "Terminated (with 'Everyone' leavers vanish instead of leaving), with view rights on the categories "
             "Basic info, Work, Lifecycle, Address and Home")


class HiBobClient:
    """One company's service user. Holds the token privately (only in the session's Basic auth); never logs it."""

    def __init__(self, service_user_id: str, token: str, settings: ProviderSettings, environment: str = "production",
                 session: requests.Session | None = None):
        self.service_user_id = service_user_id
        self._token = token
        self.base_url = base_url_for(settings, environment)
        self._pacer = settings.pacer
        self._pace_key = pace_key("hibob", self.base_url, service_user_id)
        self._session = session if session is not None else make_session(settings)
        self._session.auth = (service_user_id, token)
        self._session.headers["Accept"] = "application/json"

    def __repr__(self) -> str:
        return f"<HiBobClient service_user_id={self.service_user_id!r} base_url={self.base_url!r}>"

    def close(self) -> None:
        self._session.close()

    def search(self, fields: Collection[str], ids: Collection[str] | None = None, *,
               human_readable: bool = False) -> list[dict[str, Any]]:
        """`POST /v1/people/search`: every employee, active and inactive, in one answer (HiBob does not page).

        `ids`: the one filter HiBob allows, `root.id` equals (never an empty list: that is a 400). `human_readable`:
        ask for the display texts too (APPEND), which list fields need. The answer is decoded into only the slash
        keys of the requested fields (and `humanReadable`); an answer without slash keys (an older, nested-only
        shape) is decoded whole instead.
        """
        fields = list(dict.fromkeys([ID_FIELD, *fields]))
        if len(fields) > MAX_FIELDS:
            raise ProviderError(f"HiBob reads at most {MAX_FIELDS} fields per search; the mapping asks for "
                                f"{len(fields)}")
        body: dict[str, Any] = {"fields": fields, "showInactive": True}
        if human_readable:
            body["humanReadable"] = "APPEND"
        if ids is not None:
            body["filters"] = [{"fieldPath": ID_FIELD, "operator": "equals", "values": list(ids)}]
        shape = search_shape(fields)
        content = self._request("POST", SEARCH_PATH, data=json.dumps(body).encode("utf-8"),
                                headers={"Content-Type": "application/json"})
        employees = _employees(_decoded(content, shape))
        if shape is not None and not all(type(e) is dict and _SLASH_ID in e for e in employees):
            employees = _employees(_decoded(content, None))
        return employees

    def fields_metadata(self) -> list[dict[str, Any]]:
        """`GET /v1/company/people/fields`: every field, whatever the service user may read (a bare array)."""
        answer = _decoded(self._request("GET", FIELDS_PATH), None)
        if not isinstance(answer, list):
            raise ProviderError("HiBob's field list is not a list")
        return [item for item in answer if isinstance(item, dict) and isinstance(item.get("id"), str)]

    def named_list(self, list_id: str) -> dict[str, str]:
        """`GET /v1/company/named-lists/{id}`: item id → text, children included (the shape is unconfirmed:
        `items` of `{id, value|name, children}`)."""
        answer = _decoded(self._request("GET", f"{NAMED_LISTS_PATH}/{quote(list_id, safe='')}"), None)
        items: dict[str, str] = {}
        _collect_items(answer.get("items") if isinstance(answer, dict) else None, items)
        return items

    def _request(self, method: str, path: str, **kwargs: Any) -> bytes:
        """The answer's body once its status is judged."""
        if self._pacer is not None:
            self._pacer.wait((HIBOB_SEARCH if path == SEARCH_PATH else HIBOB_METADATA, self._pace_key))
        try:
            response = self._session.request(method, self.base_url + path, **kwargs)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.RetryError) as exc:
            raise ProviderUnavailable(f"HiBob did not answer {method} {path} ({type(exc).__name__}); "
                                      "try again later") from None
        except requests.RequestException as exc:
            raise ProviderError(f"HiBob request {method} {path} failed ({type(exc).__name__})") from None
        if self._pacer is not None:
            self._pacer.observe(self._pace_key, response.headers)
        self._check(response, f"{method} {path}")
        return response.content

    def _check(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in (401, 403):
            # Never retried: repeated refusals get the caller blocked by HiBob's firewall ([D17]).
            raise ProviderAuthError(refusal(self.service_user_id, status))
        raise answer_error("HiBob", status, what, self._message(response))

    def _message(self, response: requests.Response) -> str:
        """HiBob's documented error body `{"key", "error"}`, shortened, never echoing the token."""
        try:
            body = decode(response.content)
        except ValueError:
            body = None
        parts = [str(body.get(k)) for k in ("error", "key") if isinstance(body, dict) and body.get(k)] or []
        message = " ".join(" ".join(parts).split())[:MESSAGE_LIMIT].replace(self._token, "***")
        return f": {message}" if message else ""


def refusal(service_user_id: str, status: int) -> str:
    if status == 401:
        return (f"HiBob rejected service user {service_user_id} (HTTP 401): check the service user ID and token "
                f"(Bob › Settings › Integrations › Automation › Service users), then {CHECKLIST}")
    return f"HiBob refused service user {service_user_id} access (HTTP 403): {CHECKLIST}"


def base_url_for(settings: ProviderSettings, environment: str) -> str:
    """The production API, or Bob's sandbox environment for a service user created there."""
    if environment not in ENVIRONMENTS:
        raise ProviderError("the HiBob environment is production or sandbox")
    base = settings.base_url.rstrip("/")
    if environment == "production":
        return base
    if settings.sandbox_base_url:
        return settings.sandbox_base_url.rstrip("/")
    parts = urlsplit(base)
    if parts.hostname not in SANDBOX_HOSTS:
        raise ProviderError("no HiBob sandbox URL is configured for this deployment")
    return urlunsplit(parts._replace(netloc=SANDBOX_HOSTS[parts.hostname]))


def search_shape(fields: Collection[str]) -> Any | None:
    """A search answer as `wire_json.shaped_decoder` should build it: per employee only the slash keys of the
    requested fields (each holds the value; the nested copies repeat it), the nested `id` and `humanReadable`.
    None (decode it whole) for a non-ASCII field id, which msgspec would silently miss (msgspec#1126)."""
    keys = {"id", "humanReadable", *(slash_key(field) for field in fields)}
    if not all(key.isascii() for key in keys):
        return None
    employee = TypedDict("Employee", {key: Any for key in keys}, total=False)  # type: ignore[misc]
    return TypedDict("SearchAnswer", {"employees": list[employee]}, total=False)  # type: ignore[misc]


def _decoded(content: bytes, shape: Any | None) -> Any:
    try:
        return decode(content) if shape is None else shaped_decoder(shape)(content)
    except ValueError:
        raise ProviderError("HiBob answered with something that is not JSON") from None


def _employees(answer: Any) -> list[Any]:
    employees = answer.get("employees") if isinstance(answer, dict) else None
    if not isinstance(employees, list):
        raise ProviderError("HiBob answered the people search without an employees list")
    return employees


def _collect_items(items: Any, into: dict[str, str]) -> None:
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        key, text = item.get("id"), item.get("value", item.get("name"))
        if isinstance(key, (str, int)) and isinstance(text, str):
            into[str(key)] = text
        _collect_items(item.get("children"), into)
