"""Registering a company's webhook in its HR system from hrsync (where the provider's description says it can).

A fresh token is generated, the HR system is asked to post the provider's events to the company's webhook URL with
that token (auth_type TOKEN), and only once it agreed is the token stored (encrypted) in place of the old one: a
refusal leaves hrsync as it was. Webhooks the HR system already holds for the same URL (an earlier registration, or
one made by hand from the steps) are replaced, so registering twice never doubles the deliveries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import cast

from core.bootstrap import Services
from core.errors import RegistrationUnsupported, WebhookRegistrationRefused
from providers.base import RegisteredWebhook, WebhookRegistrar
from providers.description import ProviderDescription
from providers.errors import ProviderError
from providers.errors import WebhookRegistrationRefused as Refused
from providers.registry import describe
from services.integration import required_integration, webhook_url
from store import tokens
from store.db import transaction
from store.repositories import integrations

log = logging.getLogger(__name__)

# How the webhook is named in the HR system's list, so that a person there knows whose it is.
DESCRIPTION = "hrsync"


@dataclass(frozen=True, slots=True)
class Registration:
    """What registering did (never the token): the webhook the HR system now holds and how many it replaced."""

    provider: str
    label: str
    webhook_id: str
    url: str
    events: tuple[str, ...]
    replaced: int
    # Earlier webhooks at the URL the HR system would not remove (ids): they keep posting with a token hrsync no
    # longer accepts, so a person may delete them there.
    left_over: tuple[str, ...] = ()


def register_webhook(services: Services, company_id: str) -> Registration:
    """Create the company's webhook in its HR system with a new token, replacing earlier ones at the same URL.

    Raises NotFound / NotConfigured (no company, no HR system), RegistrationUnsupported (the provider cannot
    register), WebhookRegistrationRefused (the HR system said no, in words a person can act on) and the provider's
    other errors as core.errors classifies them.
    """
    with transaction(services.session_factory) as session:
        integration = required_integration(session, company_id)
        credentials = integrations.get_credentials(session, services.box, company_id)
    description = describe(integration.provider)
    registration = description.webhooks.registration
    if not description.webhooks.registrable or registration is None:
        raise RegistrationUnsupported(f"hrsync cannot register {description.label}'s webhook: set it up in "
                                      f"{description.label} as the Webhooks page's steps say")
    url = webhook_url(services.settings.public_base_url, integration.provider, company_id)
    token = tokens.generate_webhook_secret()
    client = services.provider_factory(integration.provider, credentials, None, options=integration.options)
    try:
        registrar = cast(WebhookRegistrar, client)
        try:
            created, earlier, pending = _create(registrar, url, token, registration.events)
        except Refused as refusal:
            raise _refusal(description, url, refusal) from None
        left_over = _remove(registrar, pending, keep=created.id)
    finally:
        client.close()
    with transaction(services.session_factory) as session:
        integrations.set_webhook_secret(session, services.box, company_id, token)
    log.info("%s webhook %s registered for company %s (%d earlier replaced)", description.label, created.id,
             company_id, len(earlier) - len(left_over))
    return Registration(integration.provider, description.label, created.id, url, registration.events,
                        replaced=len(earlier) - len(left_over), left_over=left_over)


def _create(registrar: WebhookRegistrar, url: str, token: str,
            events: tuple[str, ...]) -> tuple[RegisteredWebhook, list[RegisteredWebhook], list[RegisteredWebhook]]:
    """The new webhook, the earlier ones at `url`, and those of them still to remove. The new one is made first, so
    that a refusal leaves the old one posting; an HR system that allows one webhook per URL (a conflict) gets the old
    ones removed before it is asked again."""
    earlier = [hook for hook in registrar.list_webhooks() if _same_url(hook.url, url)]
    try:
        return registrar.create_webhook(url, token, events, DESCRIPTION), earlier, earlier
    except Refused as refusal:
        if refusal.reason != "conflict" or not earlier:
            raise
    for hook in earlier:
        registrar.delete_webhook(hook.id)
    return registrar.create_webhook(url, token, events, DESCRIPTION), earlier, []


def _remove(registrar: WebhookRegistrar, earlier: list[RegisteredWebhook], keep: str) -> tuple[str, ...]:
    """Delete the earlier webhooks; the ids of those the HR system would not delete (the new one works anyway)."""
    left = []
    for hook in earlier:
        if hook.id == keep:
            continue
        try:
            registrar.delete_webhook(hook.id)
        except ProviderError as error:
            log.warning("an earlier webhook %s was not removed (%s)", hook.id, error)
            left.append(hook.id)
    return tuple(left)


def _refusal(description: ProviderDescription, url: str, refusal: Refused) -> WebhookRegistrationRefused:
    message = str(refusal)
    if refusal.reason == "address":
        message += (f". hrsync's webhook URL is {url}: PUBLIC_BASE_URL must be an https address "
                    f"{description.label} can reach from the internet")
    return WebhookRegistrationRefused(f"{message}; hrsync kept its webhook token as it was")


def _same_url(left: str, right: str) -> bool:
    return left.rstrip("/") == right.rstrip("/")
