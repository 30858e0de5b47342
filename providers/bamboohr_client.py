"""BambooHR HTTP client: Basic auth with the API key, JSON only, and errors a person can act on."""

from __future__ import annotations

import json
from typing import Any, Iterable

import requests

from providers.base import ProviderSettings
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from providers.http import RETRY_STATUSES, make_session
from providers.pacing import BAMBOOHR, pace_key
from providers.wire_json import decode

# BambooHR's help page spells the header with three s and says so; the OpenAPI file with two (research §6).
ERROR_HEADERS = ("X-BambooHR-Error-Message", "X-BambooHR-Error-Messsage")
# `filters.employeeIds` has no documented limit; batches keep each report request small.
ID_BATCH = 500


class BambooHRClient:
    """One company's BambooHR API (`{base}/v1/...`); the key never leaves the session's auth."""

    def __init__(self, subdomain: str, api_key: str, settings: ProviderSettings,
                 session: requests.Session | None = None):
        if "{subdomain}" not in settings.base_url:
            raise ProviderError("the BambooHR base URL must contain {subdomain}")
        self.subdomain = subdomain
        self.base_url = settings.base_url.replace("{subdomain}", subdomain).rstrip("/")
        self._api_key = api_key
        self._pacer, self._pace_key = settings.pacer, pace_key("bamboohr", self.base_url)
        self.session = session or make_session(settings)
        self.session.auth = (api_key, "x")  # the key is the user; BambooHR ignores the password
        self.session.headers["Accept"] = "application/json"

    def __repr__(self) -> str:
        return f"BambooHRClient(subdomain={self.subdomain!r})"

    def custom_report(self, fields: list[str], employee_ids: Iterable[int] | None = None) -> dict:
        """`POST /v1/reports/custom?format=JSON`: every employee, Active and Inactive, in one answer.

        `onlyCurrent` is left at its default (true): history-table fields (employment status, job info) carry
        their values as of today, not future-dated rows. A termination entered for next month therefore shows
        from its effective date (as BambooHR's own webhooks fire), not as a leaver today; a future hire is
        listed all the same (status Inactive, with the hire date, which is not a history field) and is not a
        leaver, having no termination signal (research/bamboohr.md §2.3). `filterDuplicates: "no"` may list a
        person once per history row: the provider keeps each id's first row.
        """
        body: dict[str, Any] = {"title": "hrsync", "fields": fields, "filterDuplicates": "no"}
        if employee_ids is not None:
            body["filters"] = {"employeeIds": list(employee_ids)}
        # The body goes as bytes with an exact Content-Type: "; charset=UTF-8" makes BambooHR parse XML.
        answer = self._request("POST", "/v1/reports/custom", params={"format": "JSON"},
                               data=json.dumps(body).encode("utf-8"),
                               headers={"Content-Type": "application/json"})
        if not isinstance(answer, dict) or not isinstance(answer.get("employees", []), list):
            raise ProviderError("BambooHR's custom report has no employee list")
        return answer

    def changed_since(self, since: str) -> dict:
        """`GET /v1/employees/changed?since=…`: `{"latest": …, "employees": {id: {id, action, lastChanged}}}`."""
        answer = self._request("GET", "/v1/employees/changed", params={"since": since})
        if not isinstance(answer, dict) or not isinstance(answer.get("employees") or {}, dict):
            raise ProviderError("BambooHR's changed-employees answer has no employee map")
        return answer

    def meta_fields(self) -> list[dict]:
        """`GET /v1/meta/fields`: a bare array of `{id, name, type, alias?, deprecated?}`."""
        answer = self._request("GET", "/v1/meta/fields")
        if not isinstance(answer, list):
            raise ProviderError("BambooHR's field list is not a list")
        return [item for item in answer if isinstance(item, dict)]

    def employee(self, remote_id: str, fields: list[str]) -> dict | None:
        """`GET /v1/employees/{id}?fields=…`; None when BambooHR does not know the id."""
        if not (remote_id.isascii() and remote_id.isdigit()):  # BambooHR ids are numbers; anything else cannot exist there
            return None
        try:
            answer = self._request("GET", f"/v1/employees/{int(remote_id)}",
                                   params={"fields": ",".join(fields), "onlyCurrent": "true"})
        except _NotFound:
            return None
        if not isinstance(answer, dict):
            raise ProviderError("BambooHR's employee record is not an object")
        return answer

    def close(self) -> None:
        self.session.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._pacer is not None:
            self._pacer.wait((BAMBOOHR, self._pace_key))
        try:
            response = self.session.request(method, self.base_url + path, **kwargs)
            if self._pacer is not None:
                self._pacer.observe(self._pace_key, response.headers)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ProviderUnavailable(f"could not reach BambooHR for subdomain {self.subdomain} "
                                      f"({type(exc).__name__})") from None
        except requests.RequestException as exc:
            raise ProviderError(f"BambooHR request failed ({type(exc).__name__})") from None
        check_response(response, self.subdomain, path, secret=self._api_key)
        try:
            return decode(response.content)
        except ValueError:
            raise ProviderError(f"BambooHR answered {path} with something that is not JSON") from None


class _NotFound(ProviderError):
    """404 on a single-record path: the id is unknown, not an error for the caller."""


def check_response(response: requests.Response, subdomain: str, path: str, secret: str = "") -> None:
    """Translate a non-2xx answer (after urllib3's retries) into a provider error."""
    status = response.status_code
    if status < 300:
        return
    if status in (401, 403):
        raise ProviderAuthError(f"BambooHR rejected the API key for subdomain {subdomain} (HTTP {status}); "
                                "check the key, the subdomain and the key's access level")
    detail = error_detail(response, secret)
    if status in RETRY_STATUSES or status >= 500:
        raise ProviderUnavailable(f"BambooHR is throttling or unavailable (HTTP {status}){detail}")
    if status == 404 and path.startswith("/v1/employees/") and path[len("/v1/employees/"):].isdigit():
        raise _NotFound(f"BambooHR knows no employee at {path}")
    hint = f" — check the subdomain {subdomain!r}" if status == 404 else ""
    raise ProviderError(f"BambooHR answered {path} with HTTP {status}{detail}{hint}")


def error_detail(response: requests.Response, secret: str = "") -> str:
    """BambooHR's `X-BambooHR-Error-Message` (either spelling), shortened, never echoing the key."""
    for header in ERROR_HEADERS:
        message = response.headers.get(header)
        if message:
            message = " ".join(message.split())[:200]
            if secret:
                message = message.replace(secret, "***")
            return f": {message}"
    return ""
