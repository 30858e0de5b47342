"""Hostile bodies against every JSON body of the API and cron (integration, webhook secret, mapping, stakeholders,
syncs, change-set approve, cron resync): always a 4xx in the one error shape, never a 5xx, and nothing stored changes.

The admin API's structured fuzz (answers match the OpenAPI document) is tests/unit/webhook_app/test_openapi_fuzz.py;
this file feeds what no schema describes: bytes that are not JSON, non-UTF-8, 100k-deep nesting, duplicate keys,
wrong types, unknown fields, huge strings, lone surrogates, credentials outside ASCII, bodies over the cap and wrong
content types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings

from hostile_bodies import (JSON, NOT_JSON_TYPES, ONE_MIB, BodyShape, assert_error_shape, dumps, hostile_bodies,
                            not_a_list, not_a_string, not_an_object)
from webhook_app.schemas.changesets import ApproveSchema
from webhook_app.schemas.cron import ResyncRequestSchema
from webhook_app.schemas.integration import IntegrationUpdateSchema, MappingUpdateSchema, WebhookSecretSchema
from webhook_app.schemas.stakeholders import StakeholderCreateSchema
from webhook_app.schemas.syncs import SyncRequestSchema

FUZZ = settings(max_examples=45, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@dataclass(frozen=True)
class Route:
    method: str
    path: Callable  # target → path
    shape: BodyShape
    schema: type
    cron: bool = False

    def known(self) -> frozenset[str]:
        return frozenset(field.data_key or name for name, field in self.schema().fields.items())


ROUTES = {
    "integration": Route("PUT", lambda t: "/api/v1/integration", BodyShape(
        {"provider": "bamboohr", "credentials": {"subdomain": "acme", "api_key": "k" * 24},
         "settings": {"name_format": "first_last"}, "webhook_secret": "w" * 24},
        {"provider": not_a_string, "credentials": not_an_object, "settings": not_an_object,
         "webhook_secret": not_a_string}, ("provider", "webhook_secret")), IntegrationUpdateSchema),
    "webhook-secret": Route("POST", lambda t: "/api/v1/integration/webhook-secret", BodyShape(
        {"secret": "w" * 24}, {"secret": not_a_string}, ("secret",)), WebhookSecretSchema),
    "mapping": Route("PUT", lambda t: "/api/v1/integration/mapping", BodyShape(
        {"mapping": [{"source": "firstName", "target": "first_name"}]}, {"mapping": not_a_list}, ("mapping",)),
        MappingUpdateSchema),
    "stakeholders": Route("POST", lambda t: "/api/v1/stakeholders", BodyShape(
        {"name": "Anna Hostile", "group": "Investors", "birth_date": "1990-01-01"},
        {"name": not_a_string, "group": not_a_string, "birth_date": not_a_string}, ("name", "group", "email")),
        StakeholderCreateSchema),
    "syncs": Route("POST", lambda t: "/api/v1/syncs", BodyShape({"mode": "full"}, {"mode": not_a_string}, ("mode",)),
                   SyncRequestSchema),
    "approve": Route("POST", lambda t: f"/api/v1/changesets/{t.changeset_id}/approve", BodyShape(
        {"email": "cfo@hostile.example", "password": "not-the-password", "exclude": [], "resolve": {}},
        {"email": not_a_string, "password": not_a_string, "exclude": not_a_list, "resolve": not_an_object},
        ("email", "password", "name_format")), ApproveSchema),
    "cron": Route("POST", lambda t: "/cron/resync", BodyShape(
        {"company_id": "co_0000000000000000", "mode": "full"}, {"company_id": not_a_string, "mode": not_a_string},
        ("company_id", "mode")), ResyncRequestSchema, cron=True),
}


def named_cases(shape: BodyShape) -> list[tuple]:
    """Always sent, whatever hypothesis draws: the cases the issue names."""
    first = sorted(shape.valid)[0]
    doubled = dumps(shape.valid)[:-1] + f', "{first}": {dumps(shape.valid[first]).decode()}}}'.encode()
    return [("deep-nesting", b"[" * 100_000, JSON, frozenset({400})),
            ("deep-nesting", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, JSON, frozenset({400})),
            ("duplicate-keys", doubled, JSON, frozenset({400})),
            ("non-utf8", b'{"' + first.encode() + b'": "\xff\xfe"}', JSON, frozenset({400})),
            ("nul-byte", dumps(shape.valid).replace(b'"', b'"\x00', 1), JSON, frozenset({400})),
            ("nul-escape", dumps({**shape.valid, shape.strings[0]: "a\x00b"}), JSON, frozenset({422})),
            ("nul-key", dumps({**shape.valid, "x\x00": 1}), JSON, frozenset({422})),
            ("lone-surrogate", dumps({**shape.valid, shape.strings[0]: "a\ud800b"}), JSON, frozenset({422})),
            ("lone-surrogate-key", dumps({**shape.valid, "x\udfff": 1}), JSON, frozenset({422})),
            ("over-1-mib", b'{"a": "' + b"x" * ONE_MIB + b'"}', JSON, frozenset({413})),
            *[("content-type", dumps(shape.valid), content_type, frozenset({415})) for content_type in NOT_JSON_TYPES]]


@pytest.mark.parametrize("name", ROUTES)
def test_hostile_bodies_get_a_4xx_in_the_error_shape_and_change_nothing(client, target, snapshot, name):
    """Invariant (SPEC §8): a body that is not what the route reads is a 4xx `{"error": {"code", "message"}}`
    (400 broken JSON, 413 over 1 MiB, 415 not JSON, 422 invalid), never a 5xx, and no row or Redis key changes."""
    route = ROUTES[name]
    path = route.path(target)
    auth = target.cron_auth if route.cron else target.auth
    before = snapshot()

    def run(case):
        kind, raw, content_type, allowed = case
        answer = client.open(path, method=route.method, data=raw, headers={**auth, "Content-Type": content_type})
        assert answer.status_code in allowed, (kind, answer.status_code, answer.get_data()[:300], raw[:120])
        assert_error_shape(answer)
        assert snapshot() == before, (kind, raw[:120])

    for case in named_cases(route.shape):
        run = example(case)(run)
    FUZZ(given(hostile_bodies(route.shape, route.known()))(run))()
