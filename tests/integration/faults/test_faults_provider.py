"""HR systems misbehaving under a real `hrsync worker`: timeouts, 429 storms, 5xx bursts, invalid JSON.

Invariant of every case: the sync ends `succeeded` (the client's retries or RQ's retry ladder got through)
with exactly the change set a clean sync makes, or `failed` with a reason a person can read and no secret;
either way the registry, the audit log and (on failure) the earlier pending change set are untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from store.enums import ChangeSetStatus, SyncStatus
from core import queueing
from services.syncs import request_sync

from faults_support import Untouched, crew, pending_sets, with_pending
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import changesets_of, finished, runs_of

pytestmark = pytest.mark.postgres

# The worker's: short enough that a slow HR answer times out quickly, long enough for a loaded machine.
PROVIDER_TIMEOUT = 2.0
# Up to three attempts of the job, one second apart (production waits 10 s, 30 s, ...).
QUICK_RETRIES = (1, 1)
LISTING = {"bamboohr": "/v1/reports/custom", "personio": "/v1/company/employees"}


@dataclass(frozen=True)
class Fault:
    provider: str
    kind: str
    count: int
    status: int | None = None
    delay: float = 0.5
    reason: str | None = None  # a failure is expected, with a reason matching this pattern


CASES = [
    pytest.param(Fault("bamboohr", "slow", 1, delay=3), id="one-timeout-retried-by-the-client"),
    pytest.param(Fault("bamboohr", "slow", 3, delay=3), id="timeouts-outlasting-the-client-then-an-rq-retry"),
    pytest.param(Fault("bamboohr", "rate_limit", 4), id="429-storm-honouring-retry-after"),
    pytest.param(Fault("personio", "rate_limit", 6), id="429-storm-longer-than-the-client-retries"),
    pytest.param(Fault("bamboohr", "server_error", 3, status=503), id="503-burst"),
    pytest.param(Fault("personio", "server_error", 2, status=500), id="500-burst-retried"),
    # A 5xx the client does not retry (a 500 is retried, as 502-504 are): every attempt is one call, RQ's retries
    # end in a clean failure.
    pytest.param(Fault("bamboohr", "server_error", 50, status=501,
                       reason=r"^BambooHR is throttling or unavailable \(HTTP 501\)"), id="5xx-without-end-fails"),
    pytest.param(Fault("bamboohr", "bad_json", 1, reason=r"^BambooHR answered /v1/reports/custom with something "
                                                          r"that is not JSON$"), id="bamboohr-truncated-json"),
    pytest.param(Fault("personio", "bad_json", 1, reason=r"^Personio returned invalid JSON for GET "
                                                          r"/v1/company/employees$"), id="personio-truncated-json"),
]


@pytest.mark.parametrize("fault", CASES)
def test_a_misbehaving_hr_system_ends_in_a_whole_change_set_or_a_clean_failure(fault, services, sandbox, redis,
                                                                                worker):
    """Invariant: succeeded with exactly the clean change set (superseding the earlier one), or failed with a
    readable reason and the earlier pending set kept; registry and audit log untouched either way."""
    earlier, changed = "1", "2"
    baseline = with_pending(services, sandbox, fault.provider, crew(12), earlier)
    tenant, company = baseline.company.tenant, baseline.company
    before = Untouched.of(services, company.id)
    sandbox.state.update_person(tenant, changed, first_name="Faultina")
    sandbox.state.inject_fault(tenant, fault.kind, fault.count, status=fault.status, delay=fault.delay,
                               path=LISTING[fault.provider])

    sync_id = request_sync(services, redis, company.id, retry=queueing.retry_policy(QUICK_RETRIES))

    *_, run = wait_until(finished(services, company.id, 3), 45, "the faulted sync")
    assert run.id == sync_id
    wait_until(lambda: any(d.fault == fault.kind for d in sandbox.state.request_details(tenant)), 10,
               "the fault served")
    after = Untouched.of(services, company.id)
    assert after.registry == before.registry and after.audit == before.audit
    if fault.reason is None:
        assert run.status is SyncStatus.SUCCEEDED, run.error
        (pending,) = pending_sets(services, company.id)
        assert pending.id == run.changeset_id
        assert sorted((e.item.kind.value, e.item.remote_id, tuple(sorted(e.item.fields))) for e in pending.items) == [
            ("update", earlier, ("last_name", "name")), ("update", changed, ("first_name", "name"))]
        superseded = next(s for s in changesets_of(services, company.id) if s.id == baseline.pending_id)
        assert (superseded.status, superseded.superseded_by) == (ChangeSetStatus.SUPERSEDED, pending.id)
    else:
        assert run.status is SyncStatus.FAILED and re.search(fault.reason, run.error), run.error
        assert after.changesets == before.changesets
        assert pending_sets(services, company.id)[0].id == baseline.pending_id
    assert runs_of(services, company.id)[-1] == run  # one run, retried in place: no stray rows
