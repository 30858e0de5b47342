"""SQL-injection, XSS, template and control-character strings as employee names, through everything real: the
sandbox serves them, a worker process syncs them, the JSON API and the approve page show them, an approval
applies them — on SQLite and PostgreSQL."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from markupsafe import escape
from sqlalchemy import inspect, select

from store.models import Base, StakeholderRow
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import add_company

HOSTILE = {
    "sql": ("Robert'); DROP TABLE stakeholders;--", "O'Brien\"; DELETE FROM companies; --"),
    "script": ("<script>alert(1)</script>", "Tag"),
    "attribute": ('"><img src=x onerror=alert(1)>', "Quote"),
    "template": ("{{7*7}}", "{% debug %}${7*7}"),
    "rtl": ("\u202eexe.txt\u202c", "Rtl"),
    "nul": ("Nul\x00Byte", "Zero\x00"),
}
# What the registry holds: the exact strings, except that NUL (which PostgreSQL text cannot hold, and which no
# person's name contains) is dropped where HR text enters hrsync.
EXPECTED = {key: tuple(part.replace("\x00", "") for part in names) for key, names in HOSTILE.items()}
RAW_MARKUP = ("<script>", "<img", "onerror=alert(1)>")


def _people() -> list[dict]:
    return [{"id": str(number), "first_name": first, "last_name": last, "employee_number": f"H{number:03d}",
             "work_email": f"h{number}@example.com", "hire_date": "2020-01-01", "status": "active"}
            for number, (first, last) in enumerate(HOSTILE.values(), start=1)]


def _api(web, company, method: str, path: str, **kwargs):
    response = requests.request(method, f"{web.url}{path}", headers=company.auth, timeout=30, **kwargs)
    assert response.status_code < 500, (response.status_code, response.text[:500])
    return response


def _synced_changeset(web, company, run_worker) -> dict:
    sync_id = _api(web, company, "POST", "/api/v1/syncs", json={"mode": "full"}).json()["sync_id"]
    log = run_worker()
    run = wait_until(lambda: (body := _api(web, company, "GET", f"/api/v1/syncs/{sync_id}").json())["status"]
                     in ("succeeded", "failed") and body, 30, "sync finished")
    assert run["status"] == "succeeded", (run["error"], log[-2000:])
    return _api(web, company, "GET", f"/api/v1/changesets/{run['changeset_id']}").json()


def test_hostile_names_flow_through_sync_preview_api_and_apply_unharmed(web, services, sandbox, redis, run_worker):
    """Invariant: hostile names are data, never code — stored and shown exactly (NUL dropped), the preview escapes
    them (no raw tag reaches the HTML), applying writes them to the registry, and every table still exists."""
    company = add_company(services, sandbox, "bamboohr", people=_people())
    changeset = _synced_changeset(web, company, run_worker)

    proposed = {(item["fields"]["first_name"]["new"], item["fields"]["last_name"]["new"])
                for item in changeset["items"] if item["kind"] == "create"}
    assert proposed == set(EXPECTED.values())

    page = requests.get(f"{web.url}{urlsplit(changeset['approve_url']).path}", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for first, last in EXPECTED.values():
        assert str(escape(first)) in page.text and str(escape(last)) in page.text
    assert not [markup for markup in RAW_MARKUP if markup in page.text]
    assert "{{7*7}}" in page.text  # shown as typed, never evaluated by the template engine

    approver = {"email": f"cfo@{company.tenant.subdomain}.example", "password": "pw"}
    applied = _api(web, company, "POST", f"/api/v1/changesets/{changeset['id']}/approve", json=approver)
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"].get("create") == len(HOSTILE)

    listed = _api(web, company, "GET", "/api/v1/stakeholders", params={"limit": 500}).json()["items"]
    assert {(item["first_name"], item["last_name"]) for item in listed} == set(EXPECTED.values())
    with services.session_factory() as session:
        stored = session.execute(select(StakeholderRow.first_name, StakeholderRow.last_name)
                                 .where(StakeholderRow.company_id == company.id)).all()
    assert set(map(tuple, stored)) == set(EXPECTED.values())
    assert set(inspect(services.engine).get_table_names()) >= set(Base.metadata.tables)
    audit = _api(web, company, "GET", "/api/v1/audit").json()["items"]
    assert {(entry["after"]["first_name"], entry["after"]["last_name"]) for entry in audit
            if entry["after"]} == set(EXPECTED.values())
