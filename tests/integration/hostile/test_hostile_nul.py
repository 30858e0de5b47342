"""NUL characters (U+0000) wherever a request carries text — path, query, JSON body, form — on SQLite and on
PostgreSQL, whose text type cannot hold them: a 4xx in the error shape, never a 500, and nothing changes."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import text

from store.models import Base
from tests.integration.pipeline.pipeline_support import CRON_TOKEN, add_company

NUL = "a\x00b"
CASES = [
    pytest.param("POST", "/api/v1/stakeholders", {"json": {"name": NUL}}, 422, id="stakeholder-name"),
    pytest.param("POST", "/api/v1/stakeholders", {"json": {"first_name": "A", "last_name": NUL}}, 422,
                 id="stakeholder-last-name"),
    pytest.param("PUT", "/api/v1/integration", {"json": {"settings": {"ex_employee_group": NUL}}}, 422,
                 id="integration-setting"),
    pytest.param("PUT", "/api/v1/integration/mapping", {"json": {"mapping": [{"source": NUL, "target": "city"}]}},
                 422, id="mapping-source"),
    pytest.param("POST", "/api/v1/syncs", {"json": {"mode": NUL}}, 422, id="sync-mode"),
    pytest.param("GET", "/api/v1/stakeholders", {"params": {"group": NUL}}, 400, id="stakeholder-group-query"),
    pytest.param("GET", "/api/v1/audit", {"params": {"cursor": NUL}}, 400, id="audit-cursor-query"),
    pytest.param("POST", "/cron/resync", {"json": {"company_id": NUL}}, 422, id="cron-company"),
    pytest.param("POST", "/webhooks/bamboohr/co%00x", {"data": b"{}"}, 400, id="webhook-company-path"),
    pytest.param("POST", "/webhooks/personio/co%00x", {"data": b"{}"}, 400, id="personio-company-path"),
    pytest.param("GET", "/api/v1/syncs/1%00", {}, 400, id="sync-id-path"),
]


def _state(services) -> dict:
    with services.engine.connect() as connection:
        return {table.name: connection.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar()
                for table in Base.metadata.sorted_tables}


@pytest.mark.parametrize("method, path, options, status", CASES)
def test_nul_characters_are_refused_with_a_4xx_and_change_nothing(web, services, sandbox, redis, method, path,
                                                                    options, status):
    """Invariant: a NUL anywhere in a request is a 4xx `{"error": {"code", "message"}}` on both backends (on
    PostgreSQL it used to reach the driver and answer 500), and no row or Redis key is written."""
    company = add_company(services, sandbox, "bamboohr", people=2)
    headers = {"Authorization": f"Bearer {CRON_TOKEN}"} if path.startswith("/cron/") else company.auth
    before, keys = _state(services), sorted(redis.keys("*"))
    answer = requests.request(method, f"{web.url}{path}", headers=headers, timeout=30, **options)
    assert answer.status_code == status, answer.text[:300]
    error = answer.json()["error"]
    assert error["code"] == "invalid_request" and error["message"]
    assert _state(services) == before and sorted(redis.keys("*")) == keys


def test_a_nul_in_the_approval_form_is_refused_without_a_server_error(web, services, sandbox, redis):
    """Invariant: the approve page's form with a NUL e-mail answers 400 (a page, not a crash) and applies nothing."""
    company = add_company(services, sandbox, "bamboohr", people=2)
    before = _state(services)
    answer = requests.post(f"{web.url}/approvals/not-a-token", data={"email": NUL, "password": "pw"}, timeout=30)
    assert answer.status_code == 400 and "NUL" in answer.text
    assert _state(services) == before and company.id
