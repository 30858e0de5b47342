"""The provider registry: one description per HR system (providers.description), and the factory.

Everything outside `providers/` that differs by HR system reads it: adding one is a provider module with its
`DESCRIPTION` and a line in `_MODULES`.
"""

from __future__ import annotations

import importlib
from typing import Any, Mapping

from providers.base import HRProvider, ProviderSettings
from providers.description import ProviderDescription
from providers.errors import UnknownProvider

# The modules of the registered providers, each holding its DESCRIPTION; in the order people see them listed.
_MODULES = (
    "providers.bamboohr",
    "providers.personio",
    "providers.hibob",
    "providers.humaans",
)


def _load() -> dict[str, ProviderDescription]:
    found = [importlib.import_module(module).DESCRIPTION for module in _MODULES]
    return {description.name: description for description in found}


PROVIDERS: Mapping[str, ProviderDescription] = _load()


def describe(name: str) -> ProviderDescription:
    """The provider's description; raises UnknownProvider (naming the known ones) for another name."""
    try:
        return PROVIDERS[name]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise UnknownProvider(f"unknown HR provider {name!r} (known: {known})") from None


def provider_class(name: str) -> type[HRProvider]:
    return describe(name).provider_class()


def url_settings() -> dict[str, str]:
    """Every HR address setting (variable → default), the base URLs and the test environments' alike."""
    settings = {}
    for description in PROVIDERS.values():
        for setting in filter(None, (description.base_url, description.test_base_url)):
            settings[setting.variable] = setting.default
    return settings


def get_provider(name: str, credentials: Mapping[str, str], settings: ProviderSettings,
                 mapping: Mapping[str, str] | None = None, options: Mapping[str, Any] | None = None) -> HRProvider:
    """Build the client for one company; `mapping` defaults to the provider's default mapping, and each option the
    provider declares is passed as a keyword argument (the company's choice, else its default)."""
    description = describe(name)
    return description.provider_class()(credentials=credentials, settings=settings, mapping=mapping,
                                        **description.option_values(options))
