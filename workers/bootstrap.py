"""The composition root for workers and commands: settings → store, secrets and provider factory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hrsync.config import Settings
from providers import get_provider
from providers.base import HRProvider, ProviderSettings
from store.crypto import SecretBox
from store.db import make_engine, make_session_factory

ProviderFactory = Callable[[str, Mapping[str, str], "Mapping[str, str] | None"], HRProvider]


def provider_settings(settings: Settings, provider: str) -> ProviderSettings:
    base_urls = {"bamboohr": settings.bamboohr_base_url, "personio": settings.personio_base_url}
    return ProviderSettings(base_url=base_urls.get(provider, ""), timeout=settings.provider_timeout)


@dataclass
class Services:
    """Everything a sync needs, built once per process; tests override the parts they fake."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    box: SecretBox = field(repr=False)
    provider_factory: ProviderFactory

    def dispose(self) -> None:
        self.engine.dispose()


def build_services(settings: Settings, *, engine: Engine | None = None,
                   provider_factory: ProviderFactory | None = None) -> Services:
    engine = engine or make_engine(settings.database_url)

    def default_factory(name: str, credentials: Mapping[str, str],
                        mapping: Mapping[str, str] | None) -> HRProvider:
        return get_provider(name, credentials, provider_settings(settings, name), mapping)

    return Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                    box=SecretBox(settings.encryption_keys),
                    provider_factory=provider_factory or default_factory)
