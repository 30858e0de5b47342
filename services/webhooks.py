"""Authenticating a webhook delivery: who may sign a company's webhooks, and checking a delivery against it."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Mapping

from redis import Redis
from redis.exceptions import RedisError

from core import coalescing, metrics
from core.bootstrap import Services
from core.coalescing import Intake
from core.errors import (NotFound, OtherProvider, UnknownCompany, WebhookSecretNotSet, WebhooksNotSupported,
                         classify)
from providers import PROVIDERS, describe, provider_class
from providers.base import ChangeNotice
from providers.errors import MalformedWebhook, WebhookRejected
from services.intake import accept_notice
from services.webhook_targets import Target, WebhookTargets
from store.db import transaction
from store.repositories import companies, integrations

log = logging.getLogger(__name__)

# Company ids are short; a longer one in a URL is nobody's (and not worth a query).
MAX_COMPANY_ID = 64


def check_supported(provider: str) -> None:
    """Refuses the deliveries of an HR system hrsync does not know (NotFound) or whose webhooks it cannot verify
    (WebhooksNotSupported)."""
    description = PROVIDERS.get(provider)
    if description is None:
        raise NotFound()
    if not description.webhooks.supported:
        raise WebhooksNotSupported(f"hrsync accepts no {description.label} webhooks: "
                                   f"{description.note or 'scheduled syncs keep its companies in step'}")


def load_targets(services: Services, company_ids: list[str]) -> dict[str, Target]:
    """The companies among `company_ids` that can receive webhooks, with their provider and secret (one query)."""
    with transaction(services.session_factory) as session:
        found = integrations.webhook_secrets(session, services.box, company_ids)
    return {company_id: Target(provider, secret) for company_id, (provider, secret) in found.items()}


def load_target(services: Services, company_id: str, provider: str) -> Target:
    """One query when the company can receive this provider's webhooks; otherwise the refusal: UnknownCompany,
    OtherProvider (no integration, or another provider's) or WebhookSecretNotSet."""
    if len(company_id) > MAX_COMPANY_ID:
        raise UnknownCompany()
    found = load_targets(services, [company_id]).get(company_id)
    if found is not None and found.provider == provider:
        return found
    with transaction(services.session_factory) as session:
        integration = integrations.get_integration(session, company_id)
        if integration is None and not companies.company_exists(session, company_id):
            raise UnknownCompany()
    if integration is None or integration.provider != provider:
        raise OtherProvider(f"{provider_class(provider).label} is not the HR system configured for this company")
    raise WebhookSecretNotSet()


def verify(provider: str, body: bytes, headers: Mapping[str, str], secret: str) -> ChangeNotice:
    """The delivery's notice; raises the provider's WebhookRejected or MalformedWebhook (the signature is
    checked over the raw bytes)."""
    return describe(provider).verify_webhook(body, headers, secret, time.time())


def authenticate(targets: WebhookTargets, provider: str, company_id: str, body: bytes,
                 headers: Mapping[str, str]) -> ChangeNotice:
    """Check a delivery with the company's cached secret; one that secret refuses (perhaps it was rotated) is
    decided on what the database says now."""
    known = targets.get(company_id)
    if known is not None and known.provider == provider:
        try:
            return verify(provider, body, headers, known.secret)
        except (WebhookRejected, MalformedWebhook):
            pass
    try:
        target = targets.load(company_id, provider)
    except WebhookSecretNotSet:
        # A delivery that asks only for a 2xx (an HR system's ping when a webhook is added) may come before the company
        # has pasted the secret the HR system just showed: it is answered, and nothing is recorded.
        acknowledged = _acknowledgement(provider, body, headers)
        if acknowledged is None:
            raise
        return acknowledged
    return verify(provider, body, headers, target.secret)


def _acknowledgement(provider: str, body: bytes, headers: Mapping[str, str]) -> ChangeNotice | None:
    """The notice of a delivery that needs no secret (`acknowledge_only`), else None."""
    try:
        notice = verify(provider, body, headers, "")
    except (WebhookRejected, MalformedWebhook):
        return None
    return notice if notice.acknowledge_only else None


def receive(targets: WebhookTargets, redis: Redis, namespace: str, provider: str, company_id: str, body: bytes,
            headers: Mapping[str, str]) -> tuple[ChangeNotice, Intake | None]:
    """Authenticate a delivery and accept it for the company's next targeted sync; counted whatever happens (a
    refusal by its reason). Raises the refusal."""
    started = time.perf_counter()
    try:
        notice = authenticate(targets, provider, company_id, body, headers)
        if notice.acknowledge_only:  # the HR system checks that the URL answers: nothing to record
            metrics.webhook(provider, "acknowledged", time.perf_counter() - started)
            return notice, None
        intake = accept_notice(redis, namespace, company_id, notice)
    except Exception as error:
        refusal = classify(error)
        metrics.webhook(provider, metrics.webhook_refusal(refusal.code if refusal else None),
                        time.perf_counter() - started)
        raise
    accepted(provider, company_id, intake, time.perf_counter() - started)
    return notice, intake


def accepted(provider: str, company_id: str, intake: Intake, seconds: float) -> None:
    """Count an accepted delivery (the route's and the fast path's); the first of a burst says so in the log."""
    metrics.webhook(provider, intake.value, seconds)
    if intake is Intake.SCHEDULED:
        log.info("%s webhook delivery accepted for company %s: a targeted sync follows", provider, company_id)


def targets_cache(services: Services) -> WebhookTargets:
    """A per-process cache of the companies' webhook secrets, read through this module."""
    return WebhookTargets(lambda company_id, provider: load_target(services, company_id, provider),
                          lambda company_ids: load_targets(services, company_ids))


@dataclass(frozen=True, slots=True)
class LastDelivery:
    """When the company's last accepted delivery arrived (`at` None: none yet); `known` False: Redis did not
    answer, so nothing can be said."""

    at: dt.datetime | None
    known: bool = True


def last_delivery(services: Services, redis: Redis, company_id: str) -> LastDelivery:
    """When the company's HR system last delivered a webhook hrsync accepted (duplicates count: they arrived)."""
    try:
        at = coalescing.last_delivery(redis, services.settings.namespace, company_id)
    except RedisError:
        return LastDelivery(None, known=False)
    return LastDelivery(None if at is None else dt.datetime.fromtimestamp(at, dt.timezone.utc))
