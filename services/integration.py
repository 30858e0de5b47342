"""A company's HR integration: provider and encrypted credentials, settings, webhook secret (the mapping: services.mapping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from core.bootstrap import Services, provider_settings
from core.errors import CannotVerify, CredentialsRejected, InvalidField, NotConfigured, NotFound
from providers.errors import ProviderError, ProviderUnavailable
from providers.registry import PROVIDERS, provider_class
from store.db import transaction
from store.repositories import companies, integrations
from store.repositories.companies import Company
from store.repositories.integrations import Integration

CREDENTIAL_KEYS: dict[str, tuple[str, ...]] = {
    "bamboohr": ("subdomain", "api_key"),
    "personio": ("client_id", "client_secret"),
}
# Personio sends back verbatim a token we choose (auth_type=TOKEN), so hrsync generates it; BambooHR
# generates each webhook's private key itself, so the company pastes that key into hrsync.
GENERATES_SECRET = {"personio": True, "bamboohr": False}
SECRET_LENGTH = (16, 512)
MAX_CREDENTIAL_LENGTH = 512


# The status of credentials saved without a check says so until a sync has used them.
UNVERIFIED = "credentials saved without verification; the next sync checks them"


@dataclass(frozen=True)
class IntegrationState:
    """What may be shown of a company's set-up; `webhook_secret` only right after hrsync generated it."""

    company: Company
    integration: Integration | None
    webhook_url: str | None
    webhook_secret: str | None = field(default=None, repr=False)


def webhook_url(public_base_url: str, provider: str, company_id: str) -> str:
    """Where the HR system posts its webhooks for this company."""
    return f"{public_base_url.rstrip('/')}/webhooks/{provider}/{company_id}"


def read_state(services: Services, company_id: str) -> IntegrationState:
    with transaction(services.session_factory) as session:
        company = companies.get_company(session, company_id)
        integration = integrations.get_integration(session, company_id)
    return _state(services, company, integration)


def configure(services: Services, company_id: str, *, provider: str | None = None,
              credentials: Mapping[str, Any] | None = None, settings: Mapping[str, Any] | None = None,
              webhook_secret: str | None = None, verify: bool = True) -> IntegrationState:
    """Set provider + credentials (together), settings and/or the webhook secret, in one transaction.

    New credentials are first tried with one live call to the HR system (`verify`); refused or
    unverifiable credentials are not saved. Saved unverified, the integration needs attention until a sync.
    """
    if (provider is None) != (credentials is None):
        raise InvalidField("credentials" if provider else "provider",
                           "provider and credentials are set together")
    cleaned = None if provider is None else check_credentials(services, provider, credentials or {})
    if cleaned is not None and verify:
        verify_credentials(services, provider, cleaned)
    webhook_secret = None if webhook_secret is None else check_secret(webhook_secret, "webhook_secret")
    shown = None
    with transaction(services.session_factory) as session:
        company = companies.get_company(session, company_id)
        current = integrations.get_integration(session, company_id)
        if provider is not None:
            shown = _store_provider(services, session, company_id, current, provider, cleaned)
            if not verify:
                integrations.mark_needs_attention(session, company_id, UNVERIFIED)
        if webhook_secret is not None:
            if integrations.get_integration(session, company_id) is None:
                raise NotConfigured("set a provider and its credentials before the webhook secret")
            integrations.set_webhook_secret(session, services.box, company_id, webhook_secret)
            shown = None
        if settings:
            company = companies.update_settings(session, company_id, **settings)
        integration = integrations.get_integration(session, company_id)
    return _state(services, company, integration, shown)


def rotate_webhook_secret(services: Services, company_id: str, secret: str | None = None) -> IntegrationState:
    """A new webhook secret: generated (Personio; shown once) or the one BambooHR generated (stored)."""
    secret = None if secret is None else check_secret(secret)
    with transaction(services.session_factory) as session:
        company = companies.get_company(session, company_id)
        integration = required_integration(session, company_id)
        if secret is None and not GENERATES_SECRET[integration.provider]:
            raise InvalidField("secret", "BambooHR generates the webhook private key itself: send that key "
                                         "as secret (Account Settings > Webhooks > Private Key)")
        stored = integrations.set_webhook_secret(session, services.box, company_id, secret)
        integration = integrations.get_integration(session, company_id)
    return _state(services, company, integration, None if secret is not None else stored)


def check_credentials(services: Services, provider: str, credentials: Mapping[str, Any]) -> dict[str, str]:
    """Exactly the provider's keys, as non-empty text; the provider's own checks (e.g. subdomain) too."""
    if provider not in PROVIDERS:
        raise InvalidField("provider", f"unknown provider {provider!r} (known: {', '.join(sorted(PROVIDERS))})")
    keys = CREDENTIAL_KEYS[provider]
    for key in sorted(set(credentials) - set(keys)):
        raise InvalidField(f"credentials.{key}", f"{provider} credentials have no field {key!r}")
    cleaned = {}
    for key in keys:
        value = credentials.get(key)
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_CREDENTIAL_LENGTH:
            raise InvalidField(f"credentials.{key}", f"{key} is required (text of 1 to 512 characters)")
        if not (value.isascii() and value.strip().isprintable()):
            # HR systems issue plain ASCII; anything else is a paste gone wrong or a placeholder such as "…",
            # and could not travel in an HTTP header anyway.
            raise InvalidField(f"credentials.{key}", f"{key} must be the plain ASCII text the HR system issued "
                                                     "(is it still a placeholder such as '…'?)")
        cleaned[key] = value.strip()
    try:
        provider_class(provider)(credentials=cleaned, settings=provider_settings(services.settings, provider),
                                 mapping=None).close()
    except ProviderError as error:
        raise InvalidField("credentials", str(error)) from None
    return cleaned


def verify_credentials(services: Services, provider: str, credentials: Mapping[str, str]) -> None:
    """One cheap live call with the credentials (the provider's own check), before anything is stored."""
    client = services.provider_factory(provider, credentials, None, verifying=True)
    try:
        client.verify_credentials()
    except ProviderUnavailable as error:
        raise CannotVerify(f"could not check the credentials: {error}; nothing was saved") from None
    except ProviderError as error:
        raise CredentialsRejected(f"{error}; nothing was saved") from None
    finally:
        client.close()


def check_secret(secret: str, field_name: str = "secret") -> str:
    low, high = SECRET_LENGTH
    if not isinstance(secret, str) or not low <= len(secret.strip()) <= high:
        raise InvalidField(field_name, f"a webhook secret must be {low} to {high} characters")
    return secret.strip()


def _store_provider(services: Services, session, company_id: str, current: Integration | None,
                    provider: str, credentials: dict[str, str]) -> str | None:
    if current is not None and current.provider == provider:
        integrations.set_credentials(session, services.box, company_id, credentials)
        return None
    # A new provider starts from its default mapping: the old one's source keys mean nothing to it.
    integrations.set_integration(session, services.box, company_id, provider, credentials, None)
    if GENERATES_SECRET[provider]:
        return integrations.set_webhook_secret(session, services.box, company_id)
    return None


def required_integration(session, company_id: str) -> Integration:
    """The company's integration; raises NotFound (no such company) or NotConfigured."""
    integration = integrations.get_integration(session, company_id)
    if integration is None:
        if not companies.company_exists(session, company_id):
            raise NotFound(f"no company {company_id!r}")
        raise NotConfigured()
    return integration


def _state(services: Services, company: Company, integration: Integration | None,
           secret: str | None = None) -> IntegrationState:
    url = None if integration is None else webhook_url(services.settings.public_base_url,
                                                       integration.provider, company.id)
    return IntegrationState(company, integration, url, secret)
