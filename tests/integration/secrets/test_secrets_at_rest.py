"""Secrets at rest (SPEC §8), on SQLite and PostgreSQL, after everything that writes: set-up through the API,
webhook deliveries, a worker's sync, a failed sync, a wrong password, an approval. No raw row of any table and
no Redis value holds a credential, token, password or key in plain text."""

from __future__ import annotations

import secrets

import requests
from sqlalchemy import text

from store.db import transaction
from store.models import Base
from store.repositories import approvers
from tests import secret_registry
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import CRON_TOKEN, add_company, staff

PASSWORD = "at-rest-approver-" + secrets.token_hex(8)


def _raw_tables(services) -> str:
    dumps = []
    with services.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(text(f'SELECT * FROM "{table.name}"')).all()
            dumps.append(f"{table.name}: {rows!r}")
    return "\n".join(dumps)


def _raw_redis(redis) -> str:
    readers = {b"string": redis.get, b"hash": redis.hgetall, b"set": redis.smembers,
               b"list": lambda key: redis.lrange(key, 0, -1), b"zset": lambda key: redis.zrange(key, 0, -1),
               b"stream": lambda key: redis.xrange(key)}
    return "\n".join(f"{key!r}: {readers.get(redis.type(key), lambda k: None)(key)!r}" for key in redis.keys("*"))


def _sync(web, company, run_worker) -> dict:
    sync_id = requests.post(f"{web.url}/api/v1/syncs", json={"mode": "full"}, headers=company.auth,
                            timeout=30).json()["sync_id"]
    run_worker()
    return wait_until(lambda: (body := requests.get(f"{web.url}/api/v1/syncs/{sync_id}", headers=company.auth,
                                                    timeout=30).json())["status"] in ("succeeded", "failed") and body,
                      30, "sync finished")


def _write_everything(web, services, sandbox, redis, run_worker) -> tuple[list[str], list]:
    """Every writer once; returns the secrets in play and the companies."""
    bamboo = add_company(services, sandbox, "bamboohr", people=staff(("Anna", "Meier"), ("Ben", "Kraus")))
    personio = add_company(services, sandbox, "personio", people=3)
    with transaction(services.session_factory) as session:
        approvers.add_approver(session, bamboo.id, "boss@at-rest.example", PASSWORD)
    secret_registry.register("approver password", PASSWORD)
    rotated = requests.post(f"{web.url}/api/v1/integration/webhook-secret", headers=personio.auth, timeout=30).json()
    personio_token = rotated["webhook"]["secret"]
    secret_registry.register("Personio webhook token", personio_token)
    assert requests.post(f"{web.url}/api/v1/stakeholders", json={"name": "Manual Person", "group": "Investors"},
                         headers=bamboo.auth, timeout=30).status_code == 201
    delivered = sandbox.send_personio_webhook(personio.tenant, f"{web.url}/webhooks/personio/{personio.id}",
                                              personio_token, "1")
    assert delivered.status_code == 202, delivered.text
    run = _sync(web, bamboo, run_worker)
    assert run["status"] == "succeeded", run["error"]
    wrong = {"email": "boss@at-rest.example", "password": PASSWORD + "x"}
    assert requests.post(f"{web.url}/api/v1/changesets/{run['changeset_id']}/approve", json=wrong,
                         headers=bamboo.auth, timeout=30).status_code == 401
    right = {"email": "boss@at-rest.example", "password": PASSWORD}
    assert requests.post(f"{web.url}/api/v1/changesets/{run['changeset_id']}/approve", json=right,
                         headers=bamboo.auth, timeout=30).status_code == 200
    original_key = bamboo.tenant.api_key
    sandbox.state.bamboohr_tenant(bamboo.tenant.subdomain).api_key = "revoked-" + secrets.token_hex(8)
    failed = _sync(web, bamboo, run_worker)
    assert failed["status"] == "failed" and failed["error"]
    assert requests.post(f"{web.url}/cron/resync", json={"company_id": personio.id},
                         headers={"Authorization": f"Bearer {CRON_TOKEN}"}, timeout=30).status_code == 202
    values = [original_key, bamboo.api_token, bamboo.webhook_secret, personio.api_token, personio.webhook_secret, personio_token,
              personio.tenant.client_secret, PASSWORD, services.settings.secret_key, CRON_TOKEN,
              *services.settings.encryption_keys]
    return values, [bamboo, personio]


def test_no_table_row_or_redis_value_holds_a_secret_in_plain_text(web, services, sandbox, redis, run_worker):
    """Invariant (SPEC §8): after set-up, webhooks, syncs (one failed on a revoked key), a wrong password and an
    approval, no raw database row (integrations, users, api_tokens, audit, sync runs, change sets and items,
    every other table) and no Redis value contains an API key, client secret, webhook secret or token, approver
    password, company API token, or the signing and encryption keys."""
    values, (bamboo, personio) = _write_everything(web, services, sandbox, redis, run_worker)
    tables, stored_in_redis = _raw_tables(services), _raw_redis(redis)
    assert bamboo.id in tables and personio.id in tables and "Anna" in tables and "Manual Person" in tables and "audit" in tables
    assert stored_in_redis, "nothing in Redis: the deliveries and the lockout were not recorded"
    leaked = [value[:4] + "…" for value in values if value in tables or value in stored_in_redis]
    assert not leaked, leaked


def test_provider_keys_are_not_in_plain_text_either(web, services, sandbox, redis):
    """Invariant: the HR credentials (BambooHR API key, Personio client secret) live only as ciphertext."""
    bamboo = add_company(services, sandbox, "bamboohr", people=1)
    personio = add_company(services, sandbox, "personio", people=1)
    tables = _raw_tables(services)
    assert bamboo.id in tables and personio.id in tables
    assert bamboo.tenant.api_key not in tables and personio.tenant.client_secret not in tables
