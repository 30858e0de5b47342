"""The provider registry: name → class, and a factory that fails clearly on unknown names."""

from __future__ import annotations

from typing import Mapping

from providers.base import HRProvider, ProviderSettings
from providers.errors import UnknownProvider

# Imported lazily so that importing the registry stays cheap and cycle-free.
PROVIDERS: dict[str, str] = {
    "bamboohr": "providers.bamboohr:BambooHRProvider",
    "personio": "providers.personio:PersonioProvider",
}


def provider_class(name: str) -> type[HRProvider]:
    try:
        target = PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise UnknownProvider(f"unknown HR provider {name!r} (known: {known})") from None
    module_name, _, attr = target.partition(":")
    module = __import__(module_name, fromlist=[attr])
    return getattr(module, attr)


def get_provider(name: str, credentials: Mapping[str, str], settings: ProviderSettings,
                 mapping: Mapping[str, str] | None = None) -> HRProvider:
    """Build the client for one company; `mapping` defaults to the provider's default mapping."""
    cls = provider_class(name)
    return cls(credentials=credentials, settings=settings, mapping=mapping)
