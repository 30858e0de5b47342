"""A company's field mapping: the provider's source fields, and mappings checked before they are stored (known targets,
no field used twice, names mapped)."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Collection, Iterable

from redis import Redis
from redis.exceptions import RedisError

from core import namespace
from core.bootstrap import Services
from core.errors import Conflict, MappingRejected
from domain.employee import MAPPABLE_FIELDS
from providers.base import SourceField
from providers.registry import provider_class
from services.integration import required_integration
from store.db import transaction
from store.repositories import integrations
from store.repositories.integrations import Integration

log = logging.getLogger(__name__)

# Without these no stakeholder can be named; everything else may stay unmapped.
REQUIRED_TARGETS: tuple[str, ...] = ("first_name", "last_name")
MAX_SOURCE_LENGTH = 200
# How long the console keeps a company's loaded field list (between "Load fields" and saving the mapping): long
# enough to choose, short enough that a field added in the HR system shows without asking twice.
KEPT_FIELDS_SECONDS = 15 * 60
# The names the HR system gives its fields are remembered much longer than the list: the mapping in use shows them
# instead of the HR system's own keys (a custom attribute's `dynamic_1009`) long after "Load fields" or a mapping
# checked against the HR system. Names only, nothing secret.
FIELD_NAMES_SECONDS = 90 * 24 * 3600


@dataclass(frozen=True)
class MappingState:
    provider: str
    mapping: dict[str, str]
    default: bool
    unreadable: tuple[str, ...] = ()


def load_fields(services: Services, company_id: str) -> tuple[str, list[SourceField], dict[str, str]]:
    """The provider's source fields (one call to the HR system, outside any transaction) and the mapping."""
    with transaction(services.session_factory) as session:
        integration = required_integration(session, company_id)
        credentials = integrations.get_credentials(session, services.box, company_id)
    mapping = effective_mapping(integration)
    provider = services.provider_factory(integration.provider, credentials, mapping)
    try:
        return integration.provider, provider.list_fields(), mapping
    finally:
        provider.close()


def load_and_keep_fields(services: Services, redis: Redis, company_id: str) -> tuple[str, list[SourceField]]:
    """`load_fields`, and the list kept in Redis for a while (`kept_fields`): the console shows it again without
    asking the HR system on every page. Only field keys, labels and types are kept: nothing secret."""
    provider, fields, _ = load_fields(services, company_id)
    body = json.dumps({"provider": provider, "fields": [asdict(f) for f in fields]})
    try:
        redis.set(_kept_key(services, company_id), body, ex=KEPT_FIELDS_SECONDS)
        _remember_names(services, redis, company_id, provider, fields)
    except RedisError:
        log.warning("could not keep the loaded fields of company %s in Redis: they are loaded again next time",
                    company_id)
    return provider, fields


def kept_fields(services: Services, redis: Redis, company_id: str, provider: str) -> list[SourceField] | None:
    """The field list loaded lately for the company's current `provider`; None when there is none (or Redis is
    down: the page then offers to load them)."""
    try:
        body = redis.get(_kept_key(services, company_id))
    except RedisError:
        return None
    if body is None:
        return None
    kept = json.loads(body)
    if kept.get("provider") != provider:
        return None
    return [SourceField(**item) for item in kept["fields"]]


def field_names(services: Services, redis: Redis, company_id: str, provider: str) -> dict[str, str]:
    """The names `provider` gave the company's fields when they were last loaded (key → name; empty when they never
    were, long ago, or Redis is down)."""
    try:
        body = redis.get(_names_key(services, company_id))
    except RedisError:
        return {}
    kept = json.loads(body) if body is not None else {}
    return kept.get("names", {}) if kept.get("provider") == provider else {}


def forget_fields(services: Services, redis: Redis, company_id: str) -> None:
    """Drop the kept field list (new credentials may see other fields; the names stay: a company's HR system names
    its fields the same whichever credential reads them)."""
    try:
        redis.delete(_kept_key(services, company_id))
    except RedisError:
        log.warning("could not drop the kept fields of company %s; they expire by themselves", company_id)


def _kept_key(services: Services, company_id: str) -> str:
    return namespace.key(services.settings.namespace, "loaded-fields", company_id)


def _remember_names(services: Services, redis: Redis, company_id: str, provider: str,
                    fields: Iterable[SourceField]) -> None:
    names = {f.key: f.label for f in fields if f.label and f.label != f.key}
    redis.set(_names_key(services, company_id), json.dumps({"provider": provider, "names": names}),
              ex=FIELD_NAMES_SECONDS)


def _names_key(services: Services, company_id: str) -> str:
    return namespace.key(services.settings.namespace, "field-names", company_id)


def read_mapping(services: Services, company_id: str) -> MappingState:
    with transaction(services.session_factory) as session:
        integration = required_integration(session, company_id)
    return MappingState(integration.provider, effective_mapping(integration), integration.mapping is None)


def set_mapping(services: Services, company_id: str, pairs: Iterable[tuple[str, str]],
                redis: Redis | None = None) -> MappingState:
    """Check the pairs against the provider's own field list, then store them; with `redis`, the fields' names are
    remembered for the mapping in use (`field_names`)."""
    provider, fields, _ = load_fields(services, company_id)
    if redis is not None:
        try:
            _remember_names(services, redis, company_id, provider, fields)
        except RedisError:
            log.warning("could not remember the field names of company %s: the mapping shows their keys", company_id)
    mapping = check_mapping(pairs, {f.key for f in fields}, provider_class(provider).label)
    readable = {f.key for f in fields if f.readable}
    with transaction(services.session_factory) as session:
        if required_integration(session, company_id).provider != provider:
            raise Conflict("the provider changed while the mapping was checked; try again")
        integrations.set_mapping(session, company_id, mapping)
    return MappingState(provider, mapping, False, tuple(s for s in mapping if s not in readable))


def effective_mapping(integration: Integration) -> dict[str, str]:
    if integration.mapping is not None:
        return dict(integration.mapping)
    return dict(provider_class(integration.provider).default_mapping)


def check_mapping(pairs: Iterable[tuple[str, str]], known_sources: Collection[str] | None = None,
                  provider_label: str = "the HR system") -> dict[str, str]:
    """The mapping as source → target, or MappingRejected naming the first offending field.

    `known_sources` (the provider's field keys) is None when the caller cannot list them.
    """
    mapping: dict[str, str] = {}
    sources_of: dict[str, str] = {}
    for source, target in pairs:
        _check_pair(source, target)
        if source in mapping:
            raise MappingRejected(source, f"source field {source!r} is mapped twice")
        if target in sources_of:
            raise MappingRejected(target, f"{target} is mapped from both {sources_of[target]!r} and {source!r}")
        if known_sources is not None and source not in known_sources:
            raise MappingRejected(source, f"{provider_label} has no field {source!r} "
                                          "(list them with GET /api/v1/integration/fields)")
        mapping[source], sources_of[target] = target, source
    missing = [target for target in REQUIRED_TARGETS if target not in sources_of]
    if missing:
        raise MappingRejected(missing[0], f"{missing[0]} must be mapped from a source field")
    return mapping


def parse_pairs(texts: Iterable[str]) -> list[tuple[str, str]]:
    """`SRC=DST` arguments of the command line → pairs (the last `=` splits: keys may contain one)."""
    pairs = []
    for text in texts:
        source, sep, target = text.rpartition("=")
        if not sep or not source.strip() or not target.strip():
            raise MappingRejected(text, f"{text!r} is not SOURCE=TARGET")
        pairs.append((source.strip(), target.strip()))
    return pairs


def _check_pair(source: str, target: str) -> None:
    if not source or not source.strip() or len(source) > MAX_SOURCE_LENGTH:
        raise MappingRejected(source or "source", "a source field key must be 1 to 200 characters")
    if target not in MAPPABLE_FIELDS:
        raise MappingRejected(target, f"unknown target field {target!r} (known: {', '.join(MAPPABLE_FIELDS)})")
