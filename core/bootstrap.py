"""The composition root: settings → store, secrets and provider factory, built once per process (web, worker, CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.metrics import HrCalls
from core.settings import Settings
from providers import describe, get_provider
from providers.base import HRProvider, ProviderSettings
from providers.pacing import KEY_PREFIX, Pacer
from store.crypto import SecretBox
from store.db import make_engine, make_session_factory

# (provider name, credentials, mapping, *, verifying=False, options=None): `verifying` builds it for a credential
# check; `options`: the company's provider options (providers.description.ProviderOption), for a sync.
ProviderFactory = Callable[..., HRProvider]

# A person waits for a credential check (a command, an API call): one retry and a short timeout, so that an
# unreachable HR system is reported in seconds rather than after a sync's patient retry schedule.
VERIFY_RETRIES = 1
VERIFY_TIMEOUT = 10.0


def provider_settings(settings: Settings, provider: str, pacer: Pacer | None = None, *,
                      verifying: bool = False) -> ProviderSettings:
    """The provider's addresses (its settings in the registry) and the deployment's timeouts and pacer."""
    description = describe(provider)
    test_url = description.test_base_url
    urls = {"base_url": settings.provider_urls.get(description.base_url.variable, description.base_url.default),
            "sandbox_base_url": settings.provider_urls.get(test_url.variable, test_url.default) if test_url else ""}
    if verifying:
        return ProviderSettings(**urls, max_retries=VERIFY_RETRIES,
                                timeout=min(settings.provider_timeout, VERIFY_TIMEOUT), pacer=pacer,
                                observer=HrCalls(provider))
    return ProviderSettings(**urls, timeout=settings.provider_timeout, pacer=pacer, observer=HrCalls(provider))


def make_pacer(settings: Settings, key_prefix: str = KEY_PREFIX) -> Pacer | None:
    """The process's pacer as `HRSYNC_PROVIDER_PACING` asks: shared through Redis, this process only, or none."""
    if settings.provider_pacing == "off":
        return None
    if settings.provider_pacing == "local":
        return Pacer.local()
    return Pacer.shared(settings.redis_url, key_prefix=key_prefix)


@dataclass
class Services:
    """Everything a sync needs, built once per process; tests override the parts they fake."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    box: SecretBox = field(repr=False)
    provider_factory: ProviderFactory
    pacer: Pacer | None = None

    def dispose(self) -> None:
        self.engine.dispose()


_FROM_SETTINGS: Any = object()  # a marker: "as the settings say"


def build_services(settings: Settings, *, engine: Engine | None = None,
                   provider_factory: ProviderFactory | None = None,
                   pacer: Pacer | None = _FROM_SETTINGS) -> Services:
    """`pacer`: one shared by every provider the services build (default: `make_pacer(settings)`)."""
    engine = engine or make_engine(settings.database_url)
    pacer = make_pacer(settings) if pacer is _FROM_SETTINGS else pacer

    def default_factory(name: str, credentials: Mapping[str, str], mapping: Mapping[str, str] | None, *,
                        verifying: bool = False, options: Mapping[str, bool] | None = None) -> HRProvider:
        return get_provider(name, credentials, provider_settings(settings, name, pacer, verifying=verifying),
                            mapping, options)

    return Services(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                    box=SecretBox(settings.encryption_keys),
                    provider_factory=provider_factory or default_factory, pacer=pacer)
