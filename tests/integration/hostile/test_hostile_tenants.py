"""Tenant isolation of the lists (issue 15) on a real app, worker and database (SQLite and PostgreSQL): another
company's token never sees a company's syncs, change sets, audit entries or progress — not by filter, not by
cursor, not by id."""

from __future__ import annotations

import pytest
import requests

from services import syncs
from store.db import transaction
from store.errors import NotFound
from store.repositories import stakeholders
from tests.integration.pipeline.pipeline_support import add_company, changesets_of, runs_of


def _get(web, company, path: str, **params) -> requests.Response:
    return requests.get(f"{web.url}{path}", headers=company.auth, params=params, timeout=30)


@pytest.fixture
def applied_company(web, services, sandbox, redis, run_worker):
    """A company synced by a real worker, its change set applied (audit entries exist)."""
    company = add_company(services, sandbox, "bamboohr", people=4)
    queued = requests.post(f"{web.url}/api/v1/syncs", headers=company.auth, json={"mode": "full"}, timeout=30)
    assert queued.status_code == 202, queued.text
    run_worker()
    [changeset] = changesets_of(services, company.id)
    approved = requests.post(f"{web.url}/api/v1/changesets/{changeset.id}/approve", headers=company.auth,
                             json={"email": f"cfo@{company.tenant.subdomain}.example", "password": "pw"}, timeout=30)
    assert approved.status_code == 200, approved.text
    return company


def test_another_companys_history_is_invisible_through_every_list(web, services, sandbox, redis, applied_company):
    mine = applied_company
    intruder = add_company(services, sandbox, "personio", people=2)
    [run] = runs_of(services, mine.id)
    [changeset] = changesets_of(services, mine.id)
    with transaction(services.session_factory) as session:
        victim = stakeholders.list_stakeholders(session, mine.id)[0].id

    # The owner sees it all.
    assert [item["id"] for item in _get(web, mine, "/api/v1/syncs").json()["items"]] == [run.id]
    assert _get(web, mine, "/api/v1/syncs", trigger="manual").json()["items"][0]["trigger"] == "manual"
    assert [item["id"] for item in _get(web, mine, "/api/v1/changesets").json()["items"]] == [changeset.id]
    assert _get(web, mine, "/api/v1/audit", stakeholder_id=victim).json()["items"]

    # The intruder sees none of it, whatever it asks.
    above = str(max(run.id, changeset.id) + 1)
    for path, params in [("/api/v1/syncs", {}), ("/api/v1/syncs", {"status": "succeeded"}),
                         ("/api/v1/syncs", {"trigger": "manual"}), ("/api/v1/syncs", {"cursor": above}),
                         ("/api/v1/changesets", {}), ("/api/v1/changesets", {"status": "applied"}),
                         ("/api/v1/changesets", {"cursor": above}),
                         ("/api/v1/audit", {"stakeholder_id": victim}),
                         ("/api/v1/audit", {"change_set_id": changeset.id})]:
        answer = _get(web, intruder, path, **params)
        assert answer.status_code == 200 and answer.json() == {"items": [], "next": None}, (path, params)
    assert _get(web, intruder, f"/api/v1/syncs/{run.id}").status_code == 404
    with pytest.raises(NotFound):
        syncs.progress(services, redis, intruder.id, run.id)
    assert syncs.progress(services, redis, mine.id, run.id).phase.value == "done"
