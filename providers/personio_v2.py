"""Personio's v2 webhooks management API (research/personio.md §5), with its own OAuth client-credentials token
(`POST /v2/auth/token`, §1.2): hrsync registers the company's webhook with the credentials it already stores."""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterator, Mapping, Sequence
from urllib.parse import quote, urlsplit

import requests

from providers.base import RegisteredWebhook
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable, WebhookRegistrationRefused
from providers.personio_auth import TokenStore
from providers.wire_json import decode

log = logging.getLogger(__name__)

TOKEN_PATH = "/v2/auth/token"
WEBHOOKS_PATH = "/v2/webhooks"
READ_SCOPE, WRITE_SCOPE = "personio:webhooks:read", "personio:webhooks:write"
WHERE = "Personio › Settings › Integrations › API credentials"
# A list of webhooks longer than this many pages is not one company's: stop rather than loop.
MAX_PAGES = 50
MESSAGE_LIMIT = 300

Send = Callable[..., requests.Response]


class PersonioWebhooks:
    """One company's webhooks in Personio. `send` is the company's paced session (PersonioClient.send); the v2 token
    is fetched on first use and shared like the v1 one. Never logs or returns the client secret, the v2 token or a
    webhook's token."""

    def __init__(self, client_id: str, client_secret: str, send: Send, clock: Callable[[], float] = time.monotonic):
        self.client_id = client_id
        self._secret = client_secret
        self._send = send
        self._tokens = TokenStore(self._authenticate, clock)
        self._sent_tokens: list[str] = []

    def __repr__(self) -> str:
        return f"<PersonioWebhooks client_id={self.client_id!r}>"

    def list(self) -> list[RegisteredWebhook]:
        """Every webhook of the company (`_data`, following `_meta.links.next` where Personio pages)."""
        hooks: list[RegisteredWebhook] = []
        path: str | None = WEBHOOKS_PATH
        for _ in range(MAX_PAGES):
            if path is None:
                break
            body = self._json(self._call("GET", path), f"GET {WEBHOOKS_PATH}")
            hooks += [hook for hook in map(_webhook, _items(body)) if hook is not None]
            path = _next_path(body)
        return hooks

    def create(self, url: str, token: str, events: Sequence[str], description: str) -> RegisteredWebhook:
        """`POST /v2/webhooks`: enabled, `auth_type` TOKEN (Personio sends `token` verbatim in `Authorization`)."""
        self._sent_tokens.append(token)
        body = {"url": url, "description": description, "status": "ENABLED", "auth_type": "TOKEN", "token": token,
                "enabled_events": list(events)}
        answer = self._json(self._call("POST", WEBHOOKS_PATH, json=body), f"POST {WEBHOOKS_PATH}")
        data = answer.get("_data", answer.get("data", answer))
        hook = _webhook(data if isinstance(data, Mapping) else {})
        if hook is None:
            raise ProviderError("Personio created the webhook but did not say its id")
        log.info("Personio: webhook %s created for client id %s", hook.id, self.client_id)
        return hook

    def delete(self, webhook_id: str) -> None:
        """`DELETE /v2/webhooks/{id}`; one Personio no longer knows (404) is gone already."""
        path = f"{WEBHOOKS_PATH}/{quote(webhook_id, safe='')}"
        response = self._call("DELETE", path)
        if response.status_code != 404:
            self._check(response, f"DELETE {WEBHOOKS_PATH}/{{id}}")

    # --- plumbing ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """With the v2 token; a 401 re-authenticates once (an expired token), then the refusal is the credential's
        missing scope (Personio answers a v2 right it lacks with 401 as well as 403)."""
        token = self._tokens.current()
        response = self._send(method, path, headers=_bearer(token), **kwargs)
        if response.status_code == 401:
            token = self._tokens.renew(token)
            response = self._send(method, path, headers=_bearer(token), **kwargs)
        if response.status_code in (401, 403):
            raise WebhookRegistrationRefused(
                f"Personio answered {response.status_code}: the API credential with client id {self.client_id} may "
                f"not manage webhooks ({self._message(response).rstrip('. ')}). Give it the {READ_SCOPE} and "
                f"{WRITE_SCOPE} scopes (\"Webhooks\": read and write) in {WHERE}, then register again", "permission")
        return response

    def _json(self, response: requests.Response, what: str) -> Mapping[str, Any]:
        self._check(response, what)
        try:
            body = decode(response.content)
        except ValueError:
            raise ProviderError(f"Personio returned invalid JSON for {what}") from None
        if not isinstance(body, Mapping):
            raise ProviderError(f"Personio returned an unexpected document for {what}")
        return body

    def _check(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        if status == 429 or status >= 500:
            raise ProviderUnavailable(f"Personio answered {status} for {what} after retries; try again later")
        if status == 409:
            raise WebhookRegistrationRefused(f"Personio answered 409 for {what}: {self._message(response)}",
                                             "conflict")
        if status == 422:
            raise WebhookRegistrationRefused(f"Personio refused the webhook (422): {self._message(response)}",
                                             "address")
        if status >= 400 or status < 200:
            raise WebhookRegistrationRefused(f"Personio answered {status} for {what}: {self._message(response)}")

    def _authenticate(self) -> tuple[str, float | None]:
        """`POST /v2/auth/token`, form-encoded client credentials (the only grant v2 has)."""
        response = self._send("POST", TOKEN_PATH, data={"grant_type": "client_credentials",
                                                          "client_id": self.client_id,
                                                          "client_secret": self._secret})
        if response.status_code in (400, 401, 403):
            raise ProviderAuthError(f"Personio rejected the client credentials for client id {self.client_id} "
                                    f"(v2 token: {self._message(response)})")
        body = self._json(response, f"POST {TOKEN_PATH}")
        token = body.get("access_token")
        if not isinstance(token, str) or not token.strip():
            raise ProviderAuthError(f"Personio gave no v2 token for client id {self.client_id}")
        lifetime = body.get("expires_in")
        valid = isinstance(lifetime, (int, float)) and not isinstance(lifetime, bool) and lifetime > 0
        return token.strip(), float(lifetime) if valid else None

    def _message(self, response: requests.Response) -> str:
        """Personio's own words (`errors[].detail`, RFC 6749's `error_description`), scrubbed of every secret."""
        try:
            body = decode(response.content)
        except ValueError:
            body = None
        message = _error_words(body) or response.reason or "no message"
        for secret in (self._secret, self._tokens.peek(), *self._sent_tokens):
            if secret:
                message = message.replace(secret, "***")
        return message[:MESSAGE_LIMIT]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _items(body: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    data = body.get("_data", body.get("data"))
    if isinstance(data, list):
        yield from (item for item in data if isinstance(item, Mapping))


def _webhook(item: Mapping[str, Any]) -> RegisteredWebhook | None:
    webhook_id, url = item.get("id"), item.get("url")
    if webhook_id is None or isinstance(webhook_id, (bool, dict, list)) or not isinstance(url, str):
        return None
    events = item.get("enabled_events")
    return RegisteredWebhook(str(webhook_id), url, tuple(e for e in events if isinstance(e, str))
                             if isinstance(events, list) else (),
                             item.get("description") if isinstance(item.get("description"), str) else "")


def _next_path(body: Mapping[str, Any]) -> str | None:
    """The next page's path and query (Personio's hrefs may be relative or absolute); None: the last page."""
    meta = body.get("_meta")
    links = meta.get("links") if isinstance(meta, Mapping) else None
    following = links.get("next") if isinstance(links, Mapping) else None
    href = following.get("href") if isinstance(following, Mapping) else None
    if not isinstance(href, str) or not href:
        return None
    parts = urlsplit(href)
    at = parts.path.find(WEBHOOKS_PATH)  # an absolute href carries the base URL's own path too
    if at < 0:
        return None
    return parts.path[at:] + (f"?{parts.query}" if parts.query else "")


def _error_words(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return None
    errors = body.get("errors")
    if isinstance(errors, list):
        details = [e.get("detail") or e.get("title") for e in errors if isinstance(e, Mapping)]
        words = "; ".join(d for d in details if isinstance(d, str))
        if words:
            return words
    for key in ("error_description", "error", "message", "detail"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Mapping) and isinstance(value.get("message"), str):
            return value["message"]
    return None
