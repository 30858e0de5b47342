"""Personio tokens that rotate, then stop rotating, then expire mid-listing, under a real `hrsync worker`.

The sandbox starts in the old rotating mode (each answer carries the next single-use token, which the
client must adopt). While the second page is held back, Personio switches to today's stable tokens; while
the third is held back, every token expires. The client must keep the stable token, re-authenticate once
on the refusal (403, as in the spec's example), and finish.
"""

from __future__ import annotations

import pytest

from store.enums import IntegrationStatus, SyncStatus
from services.syncs import request_sync

from faults_support import Untouched, crew, integration_of, pending_sets, with_pending
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import finished

pytestmark = pytest.mark.postgres

LISTING = "/v1/company/employees"
HOLD = 1.5  # seconds a page is held back: the window in which the test changes Personio's mind


def _rotating_company(services, sandbox):
    """250 people: three pages of at most 100; a pending change set from an earlier sync."""
    baseline = with_pending(services, sandbox, "personio", crew(250), "1")
    tenant = baseline.company.tenant
    tenant.token_mode = "rotating"
    sandbox.state.update_person(tenant, "250", first_name="Rotated")
    return baseline, tenant


def _hold_pages(sandbox, tenant, count: int):
    """Slow faults consumed one per employees page, in order: each marks its page as being served.

    The first page goes through at once (in rotating mode); pages 2..count+1 are held back."""
    sandbox.state.inject_fault(tenant, "slow", 1, delay=0, path=LISTING)
    return [sandbox.state.inject_fault(tenant, "slow", 1, delay=HOLD, path=LISTING) for _ in range(count)]


def _served(fault) -> bool:
    return fault.remaining == 0


def test_a_token_that_stops_rotating_then_expires_costs_one_reauthentication(services, sandbox, redis, worker):
    """Invariant: the sync succeeds with the whole change set; exactly one extra POST /v1/auth, after the refusal (403, as in the spec's example)."""
    baseline, tenant = _rotating_company(services, sandbox)
    second, third = _hold_pages(sandbox, tenant, 2)
    sandbox.state.clear_request_log(tenant)

    request_sync(services, redis, baseline.company.id)
    wait_until(lambda: _served(second), 20, "second page requested")
    tenant.token_mode = "reusable"  # the token this page used is echoed back unchanged from now on
    wait_until(lambda: _served(third), 20, "third page requested")
    tenant.expire_tokens()  # the stable token dies while the page is in flight

    *_, run = wait_until(finished(services, baseline.company.id, 3), 30, "the sync")
    assert run.status is SyncStatus.SUCCEEDED, run.error
    calls = [(record.method, record.path, record.status) for record in sandbox.state.request_log(tenant)]
    assert calls == [("POST", "/v1/auth", 200), ("GET", LISTING, 200), ("GET", LISTING, 200),
                     ("GET", LISTING, 403), ("POST", "/v1/auth", 200), ("GET", LISTING, 200)]
    (pending,) = pending_sets(services, baseline.company.id)
    assert pending.id == run.changeset_id
    assert sorted((e.item.kind.value, e.item.remote_id) for e in pending.items) == [("update", "1"),
                                                                                    ("update", "250")]


def test_an_expired_token_and_a_revoked_credential_fail_the_sync_with_a_readable_reason(services, sandbox, redis,
                                                                                         worker):
    """Invariant: failed at once (no retry can help), a reason naming the client id and no secret, the
    integration flagged; the registry, the audit log and the earlier pending change set untouched."""
    baseline, tenant = _rotating_company(services, sandbox)
    (second,) = _hold_pages(sandbox, tenant, 1)
    before = Untouched.of(services, baseline.company.id)
    secret = tenant.client_secret

    request_sync(services, redis, baseline.company.id)
    wait_until(lambda: _served(second), 20, "second page requested")
    tenant.token_mode = "reusable"
    tenant.client_secret = "revoked-" + secret  # the old secret no longer authenticates
    tenant.expire_tokens()

    *_, run = wait_until(finished(services, baseline.company.id, 3), 30, "the sync")
    assert run.status is SyncStatus.FAILED
    assert run.error == f"Personio rejected the client credentials for client id {tenant.client_id}"
    assert secret not in run.error
    integration = integration_of(services, baseline.company.id)
    assert integration.status is IntegrationStatus.NEEDS_ATTENTION and integration.last_error == run.error
    assert Untouched.of(services, baseline.company.id) == before
    assert pending_sets(services, baseline.company.id)[0].id == baseline.pending_id
