"""Ids and cursors beyond what the database stores (found by schemathesis): a 404 or 422, never a 500."""

from __future__ import annotations

import pytest

from hostile_bodies import assert_error_shape

HUGE = "189893626802991559344128"  # beyond 64 bits: SQLite raised OverflowError on the lookup
BEYOND_INT32 = "2147483648"  # beyond PostgreSQL's INTEGER: the cast of the bound parameter failed


@pytest.mark.parametrize("method, path, status", [
    pytest.param("GET", f"/api/v1/changesets/{HUGE}", 404, id="changeset-huge"),
    pytest.param("GET", f"/api/v1/changesets/{BEYOND_INT32}", 404, id="changeset-beyond-int32"),
    pytest.param("POST", f"/api/v1/changesets/{HUGE}/approve", 404, id="approve-huge"),
    pytest.param("GET", f"/api/v1/syncs/{HUGE}", 404, id="sync-huge"),
    pytest.param("GET", f"/api/v1/audit?change_set_id={HUGE}", 422, id="audit-change-set-huge"),
    pytest.param("GET", f"/api/v1/audit?change_set_id={BEYOND_INT32}", 422, id="audit-change-set-beyond-int32"),
    pytest.param("GET", f"/api/v1/audit?cursor={BEYOND_INT32}", 422, id="audit-cursor-beyond-int32"),
    pytest.param("GET", f"/api/v1/stakeholders?cursor={BEYOND_INT32}", 422, id="stakeholder-cursor-beyond-int32"),
    pytest.param("GET", "/api/v1/stakeholders?cursor=s%F3%AE%9A%95G_", 422, id="stakeholder-cursor-not-digits"),
])
def test_ids_no_row_can_have_are_refused_cleanly(client, target, snapshot, method, path, status):
    """Invariant: an id or cursor outside the stored range is 'not found' / 'invalid', in the error shape."""
    before = snapshot()
    answer = client.open(path, method=method, headers=target.auth, json={} if method == "POST" else None)
    assert answer.status_code == status, answer.get_data()[:300]
    assert_error_shape(answer)
    assert snapshot() == before
