"""POST /api/v1/syncs and GET /api/v1/syncs/<id>: queueing, the sync document, tenant isolation."""

from __future__ import annotations

import pytest

from providers.base import FetchReport
from providers.errors import ProviderAuthError
from store.db import transaction
from store.repositories import changeset_reads, sync_runs
from workers import runtime
from core.bootstrap import build_services
from workers.jobs import run_sync

from webhook_senders import configure

FIELDS = {"id", "status", "mode", "trigger", "requested_by", "progress", "counts", "error", "error_code", "advice",
          "missing_fields", "notes", "changeset_id", "approve_url", "created_at", "started_at", "finished_at"}


@pytest.fixture
def configured(services, company):
    configure(services, company.id, "bamboohr")
    return company


def test_the_api_needs_a_company_token(client):
    assert client.post("/api/v1/syncs", json={}).status_code == 401
    assert client.get("/api/v1/syncs/1", headers={"Authorization": "Bearer nope"}).status_code == 401


@pytest.mark.parametrize("body, status, code", [
    pytest.param(b'{"mode": "sometimes"}', 422, "invalid_request", id="unknown-mode"),
    pytest.param(b'{"mode": "full", "now": true}', 422, "invalid_request", id="unknown-field"),
    pytest.param(b'{"mode": 1}', 422, "invalid_request", id="mode-not-a-string"),
    pytest.param(b"mode=full", 400, "invalid_json", id="not-json"),
])
def test_invalid_requests_are_refused(client, configured, body, status, code):
    response = client.post("/api/v1/syncs", data=body,
                           headers={**configured.auth, "Content-Type": "application/json"})
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_posting_queues_a_sync_and_get_shows_it(client, configured):
    response = client.post("/api/v1/syncs", json={"mode": "incremental"}, headers=configured.auth)
    assert response.status_code == 202
    sync_id = response.get_json()["sync_id"]
    assert response.headers["Location"] == f"/api/v1/syncs/{sync_id}"

    document = client.get(f"/api/v1/syncs/{sync_id}", headers=configured.auth).get_json()

    assert set(document) == FIELDS
    assert document["status"] == "queued" and document["mode"] == "incremental"
    assert document["progress"] == {"phase": "queued", "fetched": 0, "matched": 0, "total": None,
                                    "elapsed_seconds": None}
    assert document["trigger"] == "manual" and document["requested_by"].startswith("api token ")
    assert configured.token not in document["requested_by"]
    assert document["changeset_id"] is None and document["approve_url"] is None


def test_asking_while_a_sync_is_queued_answers_202_with_that_sync(client, configured, services):
    first = client.post("/api/v1/syncs", json={"mode": "incremental"}, headers=configured.auth)
    again = [client.post("/api/v1/syncs", json={"mode": mode}, headers=configured.auth)
             for mode in ("incremental", "full", "full")]
    assert first.status_code == 202 and first.get_json()["already_queued"] is False
    sync_id = first.get_json()["sync_id"]
    for answer in again:
        assert answer.status_code == 202 and answer.get_json() == {"sync_id": sync_id, "already_queued": True}
        assert answer.headers["Location"] == f"/api/v1/syncs/{sync_id}"
    cron = client.post("/cron/resync", headers={"Authorization": "Bearer cron-token-for-tests"})
    assert cron.get_json() == {"sync_ids": [sync_id], "already_queued": [sync_id]}
    with transaction(services.session_factory) as session:
        runs = sync_runs.active_runs(session, configured.id)
    assert [(run.id, run.mode.value) for run in runs] == [(sync_id, "full")]  # widened by the full request


def test_an_empty_body_asks_for_a_full_sync(client, configured):
    sync_id = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    assert client.get(f"/api/v1/syncs/{sync_id}", headers=configured.auth).get_json()["mode"] == "full"


def test_a_company_without_integration_is_409(client, company):
    response = client.post("/api/v1/syncs", json={"mode": "full"}, headers=company.auth)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "provider_not_configured"


def test_another_companys_sync_is_404(client, configured, other_company):
    sync_id = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    response = client.get(f"/api/v1/syncs/{sync_id}", headers=other_company.auth)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/syncs/999999", headers=configured.auth).status_code == 404


def test_redis_down_is_503(client, configured, redis_server):
    redis_server.connected = False
    response = client.post("/api/v1/syncs", headers=configured.auth)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()


def test_a_finished_sync_shows_counts_changeset_and_approve_link(client, app, configured, services, fake_redis):
    sync_id = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    _run_with_empty_hr(services, fake_redis, sync_id)

    document = client.get(f"/api/v1/syncs/{sync_id}", headers=configured.auth).get_json()
    assert document["status"] == "succeeded" and document["finished_at"] is not None
    assert document["changeset_id"] is not None
    token = document["approve_url"].rsplit("/", 1)[1]
    assert document["approve_url"].startswith("https://hrsync.test/approvals/")
    assert app.extensions["hrsync.links"].changeset_id(token) == document["changeset_id"]
    with transaction(services.session_factory) as session:
        assert changeset_reads.pending_changeset_id(session, configured.id) == document["changeset_id"]


def test_fields_the_hr_system_sent_for_nobody_are_in_the_sync_document(client, configured, services, fake_redis):
    sync_id = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    _run_with_empty_hr(services, fake_redis, sync_id, absent=frozenset({"homeEmail", "address1"}))

    document = client.get(f"/api/v1/syncs/{sync_id}", headers=configured.auth).get_json()
    assert document["status"] == "succeeded" and document["missing_fields"] == ["address1", "homeEmail"]
    assert document["notes"] == [
        "The HR system did not send field address1 for any employee: the credential probably cannot read it.",
        "The HR system did not send field homeEmail for any employee: the credential probably cannot read it."]
    listed = client.get("/api/v1/syncs", headers=configured.auth).get_json()["items"]
    assert [item["missing_fields"] for item in listed] == [["address1", "homeEmail"]]


def test_a_sync_that_got_every_field_has_no_notes(client, configured, services, fake_redis):
    sync_id = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    _run_with_empty_hr(services, fake_redis, sync_id)
    document = client.get(f"/api/v1/syncs/{sync_id}", headers=configured.auth).get_json()
    assert (document["missing_fields"], document["notes"]) == ([], [])


def test_a_failed_sync_shows_a_readable_error(client, configured, services, fake_redis):
    sync_id = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    _run_with_empty_hr(services, fake_redis, sync_id,
                       error=ProviderAuthError("BambooHR rejected the API key for subdomain acme"))
    document = client.get(f"/api/v1/syncs/{sync_id}", headers=configured.auth).get_json()
    assert document["status"] == "failed" and "rejected the API key" in document["error"]
    assert document["error_code"] == "provider_auth_failed" and "credentials" in document["advice"]
    assert document["progress"]["phase"] == "failed" and document["progress"]["elapsed_seconds"] >= 0
    assert "bamboo-api-key-secret" not in str(document)


def _run_with_empty_hr(services, fake_redis, sync_id, error=None, absent=frozenset()):
    """Run the job in-process against an HR system with nobody in it (or one that raises `error`); its fetch report
    names `absent` as mapped fields it sent for nobody."""
    class EmptyHR:
        require_hire_date, name, label = False, "bamboohr", "BambooHR"
        default_mapping = {"firstName": "first_name"}

        def iter_employees(self, progress=None):
            if error is not None:
                raise error
            return iter(())

        def fetch_report(self):
            return FetchReport(absent_fields=absent)

        def close(self):
            pass

    fake = build_services(services.settings, engine=services.engine, provider_factory=lambda *a, **k: EmptyHR())
    runtime.use(runtime.JobRuntime(fake, fake_redis))
    try:
        run_sync(sync_id)
    except ProviderAuthError:
        pass
    with transaction(services.session_factory) as session:
        return sync_runs.get_run(session, sync_id)


def test_the_list_is_newest_first_paged_and_filtered_by_status_and_trigger(client, configured, services,
                                                                           fake_redis):
    first = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    _run_with_empty_hr(services, fake_redis, first,
                       error=ProviderAuthError("BambooHR rejected the API key for subdomain acme"))
    cron = client.post("/cron/resync", headers={"Authorization": "Bearer cron-token-for-tests"})
    [second] = cron.get_json()["sync_ids"]

    listed = client.get("/api/v1/syncs", headers=configured.auth, query_string={"limit": 1})
    older = client.get("/api/v1/syncs", headers=configured.auth,
                       query_string={"limit": 1, "cursor": listed.get_json()["next"]})
    failed = client.get("/api/v1/syncs?status=failed", headers=configured.auth).get_json()
    crons = client.get("/api/v1/syncs?trigger=cron", headers=configured.auth).get_json()
    failed_cron = client.get("/api/v1/syncs?trigger=cron&status=failed", headers=configured.auth).get_json()

    assert listed.status_code == 200 and set(listed.get_json()["items"][0]) == FIELDS
    assert [item["id"] for item in listed.get_json()["items"] + older.get_json()["items"]] == [second, first]
    assert older.get_json()["next"] is None
    assert [(i["id"], i["error_code"], i["trigger"]) for i in failed["items"]] == [
        (first, "provider_auth_failed", "manual")]
    assert [(i["id"], i["requested_by"]) for i in crons["items"]] == [(second, "cron")]
    assert failed_cron["items"] == [] and failed_cron["next"] is None


@pytest.mark.parametrize("query", ["status=done", "trigger=person", "limit=0", "limit=501", "cursor=abc",
                                   "cursor=2147483648", "colour=red"])
def test_list_queries_not_understood_are_422(client, configured, query):
    response = client.get(f"/api/v1/syncs?{query}", headers=configured.auth)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_request"


def test_the_list_shows_only_the_callers_syncs(client, configured, other_company, services):
    configure(services, other_company.id, "bamboohr")
    mine = client.post("/api/v1/syncs", headers=configured.auth).get_json()["sync_id"]
    client.post("/api/v1/syncs", headers=other_company.auth)
    assert [i["id"] for i in client.get("/api/v1/syncs", headers=configured.auth).get_json()["items"]] == [mine]
    assert client.get("/api/v1/syncs").status_code == 401
