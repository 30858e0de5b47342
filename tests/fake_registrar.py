"""An HR system's webhook list held in memory, for the registration service's and the pages' unit tests: it records
what it was asked, can refuse a call the way an HR system does, and stands in for a provider built by
`services.provider_factory`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Sequence

from providers.base import RegisteredWebhook
from providers.errors import ProviderError, WebhookRegistrationRefused


@dataclass
class StoredHook:
    hook: RegisteredWebhook
    token: str = field(repr=False)


class FakeRegistrar:
    """`refuse_create`: the refusal every create raises (or, with `conflict_per_url`, only while a webhook holds the
    same URL); `refuse_delete`: ids whose deletion fails."""

    def __init__(self) -> None:
        self.hooks: dict[str, StoredHook] = {}
        self.calls: list[tuple] = []
        self.refuse_create: WebhookRegistrationRefused | None = None
        self.conflict_per_url = False
        self.refuse_delete: set[str] = set()
        self.built_with: list[dict] = []
        self.closed = 0
        self._ids = itertools.count(1)

    def factory(self, name, credentials, mapping, **options) -> "FakeRegistrar":
        self.built_with.append({"name": name, "credentials": dict(credentials), **options})
        return self

    def add(self, url: str, token: str = "an-old-token-0123456789") -> RegisteredWebhook:
        hook = RegisteredWebhook(str(next(self._ids)), url, ("changed",), "made by hand")
        self.hooks[hook.id] = StoredHook(hook, token)
        return hook

    def list_webhooks(self) -> list[RegisteredWebhook]:
        self.calls.append(("list",))
        return [stored.hook for stored in self.hooks.values()]

    def create_webhook(self, url: str, token: str, events: Sequence[str], description: str) -> RegisteredWebhook:
        self.calls.append(("create", url, tuple(events), description))
        if self.conflict_per_url:
            if any(stored.hook.url == url for stored in self.hooks.values()):
                raise WebhookRegistrationRefused("a webhook with this URL exists", "conflict")
        elif self.refuse_create is not None:
            raise self.refuse_create
        hook = RegisteredWebhook(str(next(self._ids)), url, tuple(events), description)
        self.hooks[hook.id] = StoredHook(hook, token)
        return hook

    def delete_webhook(self, webhook_id: str) -> None:
        self.calls.append(("delete", webhook_id))
        if webhook_id in self.refuse_delete:
            raise ProviderError(f"the HR system answered 500 for DELETE webhook {webhook_id}")
        self.hooks.pop(webhook_id, None)

    def token_of(self, webhook_id: str) -> str:
        return self.hooks[webhook_id].token

    def close(self) -> None:
        self.closed += 1
