"""A registered provider made up for a test: `register_stub(monkeypatch, ...)` describes it in the registry (the one
dict every consumer reads) for the test's duration, to prove that what a provider declares is all hrsync needs."""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Iterable, Iterator, Mapping

from domain.employee import Employee
from providers.base import ChangedSince, ChangeNotice, FetchReport, SourceField
from providers.description import (CredentialField, ProviderDescription, ProviderOption, UrlSetting, Webhooks,
                                   WebhookSecret)
from providers.errors import WebhookRejected
from providers.registry import PROVIDERS

PING = b"ping"
SIGNED = b"signed:"
NAME = "stubhr"


class StubProvider:
    """Accepts `ping` as a delivery asking only for a 2xx, and `signed:<id>` with the secret as `X-Stub-Secret`."""

    description: ClassVar[ProviderDescription]
    name: ClassVar[str] = NAME
    label: ClassVar[str] = "Stub HR"
    require_hire_date: ClassVar[bool] = False
    default_mapping: ClassVar[Mapping[str, str]] = {"first": "first_name", "last": "last_name"}
    warnings: ClassVar[tuple[str, ...]] = ()

    # The options each stub was built with (providers.description.ProviderOption), newest last.
    built_with: ClassVar[list[dict]] = []

    def __init__(self, credentials, settings, mapping=None, **options) -> None:
        self.credentials = dict(credentials)
        StubProvider.built_with.append(options)

    def verify_credentials(self) -> tuple[str, ...]:
        return self.warnings

    def iter_employees(self, progress=None) -> Iterator[Employee]:
        return iter(())

    def changed_since(self, cursor: str | None) -> ChangedSince:
        return ChangedSince((), "cursor")

    def fetch_employees(self, remote_ids: Iterable[str]) -> Iterator[Employee]:
        return iter(())

    def list_fields(self) -> list[SourceField]:
        return [SourceField("first", "First"), SourceField("last", "Last")]

    def fetch_report(self) -> FetchReport:
        return FetchReport()

    @staticmethod
    def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str, now: float) -> ChangeNotice:
        if body == PING:
            return ChangeNotice(event="ping", delivery_id="stub-ping", acknowledge_only=True)
        if not secret or dict(headers).get("X-Stub-Secret") != secret or not body.startswith(SIGNED):
            raise WebhookRejected("the stub delivery is not signed with the company's secret")
        return ChangeNotice(event="changed", delivery_id=body.decode(), remote_ids=(body[len(SIGNED):].decode(),))

    def close(self) -> None:
        pass


DESCRIPTION = ProviderDescription(
    name=NAME, label="Stub HR", target=f"{__name__}:StubProvider",
    credentials=(CredentialField("stub_key", "Stub key", "anywhere", secret=True),
                 CredentialField("region", "Region", "eu or us", required=False, choices=("eu", "us"))),
    webhooks=Webhooks(WebhookSecret.PASTED, secret_label="stub key", secret_help="Stub › Keys"),
    base_url=UrlSetting("STUBHR_BASE_URL", "https://stub.example"),
    note="the stub is synced on schedule",
)


def register_stub(monkeypatch, *, warnings: tuple[str, ...] = (), options: tuple[ProviderOption, ...] = (),
                  **webhooks) -> ProviderDescription:
    """Register the stub (its webhooks as given: `secret=WebhookSecret.NONE`, `refetch_delay=…`; the provider
    options it declares) for one test."""
    description = dataclasses.replace(DESCRIPTION, webhooks=dataclasses.replace(DESCRIPTION.webhooks, **webhooks),
                                      options=options)
    monkeypatch.setitem(PROVIDERS, NAME, description)
    monkeypatch.setattr(StubProvider, "warnings", warnings)
    monkeypatch.setattr(StubProvider, "built_with", [])
    return description
