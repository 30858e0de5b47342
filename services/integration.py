"""A company's HR integration: provider and encrypted credentials, settings, webhook secret (the mapping: services.mapping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from core.bootstrap import Services, provider_settings
from core.errors import CannotVerify, CredentialsRejected, InvalidField, NotConfigured, NotFound
from providers.errors import ProviderError, ProviderUnavailable
from providers.description import ProviderDescription, ProviderOption, WebhookSecret
from providers.registry import PROVIDERS, describe
from store.db import transaction
from store.repositories import companies, integrations
from store.repositories.companies import Company
from store.repositories.integrations import Integration

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
    # What a person should know: the credential check's warnings (right after it) and, for an HR system without
    # webhooks, how the company is kept in step.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedCredentials:
    """What a form may show of the stored credentials: the values of the fields that are not secret, and which
    secret fields hold a value (never the value)."""

    provider: str | None
    values: dict[str, str] = field(default_factory=dict)
    secrets_set: frozenset[str] = frozenset()


def webhook_url(public_base_url: str, provider: str, company_id: str) -> str:
    """Where the HR system posts its webhooks for this company."""
    return f"{public_base_url.rstrip('/')}/webhooks/{provider}/{company_id}"


def read_state(services: Services, company_id: str) -> IntegrationState:
    with transaction(services.session_factory) as session:
        company = companies.get_company(session, company_id)
        integration = integrations.get_integration(session, company_id)
    return _state(services, company, integration)


def saved_credentials(services: Services, company_id: str) -> SavedCredentials:
    """The stored credentials as a form may show them (secret fields: only whether they are set)."""
    with transaction(services.session_factory) as session:
        integration = integrations.get_integration(session, company_id)
        if integration is None:
            return SavedCredentials(None)
        stored = integrations.get_credentials(session, services.box, company_id)
    specs = describe(integration.provider).credentials if integration.provider in PROVIDERS else ()
    values = {spec.key: str(stored[spec.key]) for spec in specs if not spec.secret and stored.get(spec.key)}
    secrets = frozenset(spec.key for spec in specs if spec.secret and stored.get(spec.key))
    return SavedCredentials(integration.provider, values, secrets)


def connect(services: Services, company_id: str, provider: str, given: Mapping[str, str]) -> IntegrationState:
    """New credentials from a form, checked live before they are saved (`configure`). A secret field left blank
    keeps the stored secret of the same HR system (a form never shows it back); an optional field left blank is
    left out."""
    credentials = {key: value for key, value in given.items() if isinstance(value, str) and value.strip()}
    if provider in PROVIDERS:
        blank_secrets = [spec.key for spec in describe(provider).credentials
                         if spec.secret and spec.key not in credentials]
        if blank_secrets:
            with transaction(services.session_factory) as session:
                integration = integrations.get_integration(session, company_id)
                stored = ({} if integration is None or integration.provider != provider
                          else integrations.get_credentials(session, services.box, company_id))
            credentials |= {key: stored[key] for key in blank_secrets if stored.get(key)}
    return configure(services, company_id, provider=provider, credentials=credentials)


def configure(services: Services, company_id: str, *, provider: str | None = None,
              credentials: Mapping[str, Any] | None = None, settings: Mapping[str, Any] | None = None,
              webhook_secret: str | None = None, verify: bool = True,
              options: Mapping[str, Any] | None = None) -> IntegrationState:
    """Set provider + credentials (together), settings, provider options and/or the webhook secret, in one
    transaction. `options` are the provider's own (its description's `options`: of the provider set with them, or
    else the company's), checked before anything is stored.

    New credentials are first tried with one live call to the HR system (`verify`); refused or
    unverifiable credentials are not saved. Saved unverified, the integration needs attention until a sync.
    """
    if (provider is None) != (credentials is None):
        raise InvalidField("credentials" if provider else "provider",
                           "provider and credentials are set together")
    cleaned = None if provider is None else check_credentials(services, provider, credentials or {})
    warnings: tuple[str, ...] = ()
    if cleaned is not None and verify:
        warnings = verify_credentials(services, provider, cleaned)
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
            stored = integrations.get_integration(session, company_id)
            if stored is None:
                raise NotConfigured("set a provider and its credentials before the webhook secret")
            check_secret_source(describe(stored.provider), generated=False, field_name="webhook_secret")
            integrations.set_webhook_secret(session, services.box, company_id, webhook_secret)
            shown = None
        if options:
            stored = integrations.get_integration(session, company_id)
            if stored is None:
                raise NotConfigured("set a provider and its credentials before its options")
            integrations.set_options(session, company_id, check_options(stored.provider, options))
        if settings:
            company = companies.update_settings(session, company_id, **settings)
        integration = integrations.get_integration(session, company_id)
    return _state(services, company, integration, shown, warnings)


def check_options(provider: str, options: Mapping[str, Any]) -> dict[str, bool]:
    """The options `provider` declares, each on or off; anything else is refused naming the field."""
    description = describe(provider)
    declared = {option.key for option in description.options}
    for key in sorted(set(options) - declared):
        known = ", ".join(sorted(declared)) or "none"
        raise InvalidField(f"options.{key}", f"{description.label} has no option {key!r} (its options: {known})")
    for key, value in options.items():
        if not isinstance(value, bool):
            raise InvalidField(f"options.{key}", f"{key} must be true or false")
    return dict(options)


def option_choices(integration: Integration | None) -> list[tuple[ProviderOption, bool]]:
    """The options of the company's HR system, each with the company's choice (else its default)."""
    if integration is None:
        return []
    description = describe(integration.provider)
    values = description.option_values(integration.options)
    return [(option, values[option.key]) for option in description.options]


def rotate_webhook_secret(services: Services, company_id: str, secret: str | None = None) -> IntegrationState:
    """A new webhook secret: generated by hrsync (shown once) or the one the HR system generated (stored), as the
    provider's description says."""
    secret = None if secret is None else check_secret(secret)
    with transaction(services.session_factory) as session:
        company = companies.get_company(session, company_id)
        integration = required_integration(session, company_id)
        check_secret_source(describe(integration.provider), generated=secret is None)
        stored = integrations.set_webhook_secret(session, services.box, company_id, secret)
        integration = integrations.get_integration(session, company_id)
    return _state(services, company, integration, None if secret is not None else stored)


def check_secret_source(description: ProviderDescription, *, generated: bool,
                        field_name: str = "secret") -> None:
    """Refuses a secret the provider does not work with: none for an HR system without webhooks, a generated one
    where the HR system generates it, a pasted one where hrsync does."""
    webhooks = description.webhooks
    if webhooks.secret is WebhookSecret.NONE:
        raise InvalidField(field_name, f"{description.label} sends no webhooks hrsync accepts: no webhook secret "
                                       f"is needed ({description.note or 'scheduled syncs keep the company in step'})")
    if generated and webhooks.secret is WebhookSecret.PASTED:
        where = f" ({webhooks.secret_help})" if webhooks.secret_help else ""
        raise InvalidField(field_name, f"{description.label} generates the {webhooks.secret_label} itself: send "
                                       f"that key as secret{where}")


def check_credentials(services: Services, provider: str, credentials: Mapping[str, Any]) -> dict[str, str]:
    """Exactly the provider's credential fields (optional ones may be left out), as non-empty text; the provider's
    own checks (e.g. subdomain) too."""
    if provider not in PROVIDERS:
        raise InvalidField("provider", f"unknown provider {provider!r} (known: {', '.join(sorted(PROVIDERS))})")
    description = describe(provider)
    keys = [f.key for f in description.credentials]
    for key in sorted(set(credentials) - set(keys)):
        raise InvalidField(f"credentials.{key}", f"{provider} credentials have no field {key!r}")
    cleaned = {}
    for spec in description.credentials:
        key, value = spec.key, credentials.get(spec.key)
        if value is None and not spec.required:
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_CREDENTIAL_LENGTH:
            raise InvalidField(f"credentials.{key}", f"{key} is required (text of 1 to 512 characters)")
        if not (value.isascii() and value.strip().isprintable()):
            # HR systems issue plain ASCII; anything else is a paste gone wrong or a placeholder such as "…",
            # and could not travel in an HTTP header anyway.
            raise InvalidField(f"credentials.{key}", f"{key} must be the plain ASCII text the HR system issued "
                                                     "(is it still a placeholder such as '…'?)")
        if spec.choices and value.strip() not in spec.choices:
            raise InvalidField(f"credentials.{key}", f"{key} must be one of {', '.join(spec.choices)}")
        cleaned[key] = value.strip()
    try:
        description.provider_class()(credentials=cleaned, settings=provider_settings(services.settings, provider),
                                     mapping=None).close()
    except ProviderError as error:
        raise InvalidField("credentials", str(error)) from None
    return cleaned


def verify_credentials(services: Services, provider: str, credentials: Mapping[str, str]) -> tuple[str, ...]:
    """One cheap live call with the credentials (the provider's own check), before anything is stored; returns its
    warnings (what the credentials cannot see)."""
    client = services.provider_factory(provider, credentials, None, verifying=True)
    try:
        return tuple(client.verify_credentials() or ())
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
    if describe(provider).webhooks.secret is WebhookSecret.GENERATED:
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
           secret: str | None = None, warnings: tuple[str, ...] = ()) -> IntegrationState:
    if integration is None:
        return IntegrationState(company, None, None, secret, warnings)
    description = describe(integration.provider)
    if not description.webhooks.supported:  # no URL to paste anywhere: say how the company is kept in step
        note = description.note or "scheduled syncs keep the company in step"
        return IntegrationState(company, integration, None, None, (*warnings, note))
    url = webhook_url(services.settings.public_base_url, integration.provider, company.id)
    return IntegrationState(company, integration, url, secret, warnings)


def connected_credentials(services: Services) -> list[tuple[str, str, dict[str, Any]]]:
    """Every connected company's (company id, provider, decrypted credentials): for the demo, whose sandbox plays
    the HR systems its companies are connected to. Never for a page or a log."""
    with transaction(services.session_factory) as session:
        return [(company_id, provider, integrations.get_credentials(session, services.box, company_id))
                for company_id, provider in integrations.companies_with_integration(session)]
