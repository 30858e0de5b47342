"""POST /webhooks/<provider>/<company_id>: validation table, dedupe, coalescing, Redis down.

The targeted sync of an accepted delivery is created by the app's intake scheduler thread, so these
tests use an SQLite file (each thread its own connection) and wait for the sync row with a deadline.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.job import Job
from sqlalchemy import event, select
from rq.serializers import JSONSerializer

from providers.bamboohr_webhook import sign
from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.models import SyncRunRow
from store.repositories import integrations, sync_runs
from core import coalescing, queueing
from services.sync_run import WHOLE_COMPANY

from webhook_senders import (BAMBOOHR_SECRET, WebhookSender, app_with_sweeping_scheduler,  # noqa: F401 (fixtures)
                             bamboohr_body, bamboohr_roster, bare_company, configure, file_database_settings,
                             personio_body)


@pytest.fixture
def sender(client, company, services):
    configure(services, company.id, "bamboohr")
    return WebhookSender(client, company.id)


def _runs(services, company_id):
    with transaction(services.session_factory) as session:
        return sync_runs.active_runs(session, company_id)


def _scheduled_runs(services, fake_redis, company_id, count: int = 1, timeout: float = 10.0):
    """The company's active runs once `count` exist and the last one is its scheduled pending sync."""
    deadline = time.monotonic() + timeout
    while True:
        runs = _runs(services, company_id)
        pending = fake_redis.get(coalescing.pending_key(services.settings.namespace, company_id))
        if len(runs) >= count and pending == str(runs[-1].id).encode():
            return runs
        assert time.monotonic() < deadline, f"no scheduled sync: runs {runs}, pending flag {pending}"
        threading.Event().wait(0.02)


def _case_unknown_company(sender, services, company):
    return sender.bamboohr(company_id="co_0000000000000000")


def _case_absurd_company_id(sender, services, company):
    return sender.bamboohr(company_id="x" * 300)


def _case_unknown_provider(sender, services, company):
    return sender.client.post(f"/webhooks/workday/{company.id}", data=b"{}")


def _case_other_provider(sender, services, company):
    return sender.personio()


def _case_no_integration(sender, services, company):
    return sender.bamboohr(company_id=bare_company(services, "Bare Ltd"))


def _case_no_secret(sender, services, company):
    unsigned = bare_company(services, "Unsigned Ltd")
    configure(services, unsigned, "bamboohr", secret=None)
    return sender.bamboohr(company_id=unsigned)


def _case_wrong_secret(sender, services, company):
    return sender.bamboohr(secret="another-secret-0123456789")


def _case_missing_signature(sender, services, company):
    return sender.client.post(f"/webhooks/bamboohr/{company.id}", data=bamboohr_body(),
                              headers={"X-BambooHR-Timestamp": str(int(time.time()))})


def _case_stale_timestamp(sender, services, company):
    return sender.bamboohr(timestamp=time.time() - 3 * 3600)  # past BambooHR's 155-minute retry span


def _case_tampered_body(sender, services, company):
    stamp = str(int(time.time()))
    return sender.client.post(f"/webhooks/bamboohr/{company.id}", data=bamboohr_body("1"),
                              headers={"X-BambooHR-Timestamp": stamp,
                                       "X-BambooHR-Signature": sign(BAMBOOHR_SECRET, bamboohr_body("2"), stamp)})


def _case_signed_but_not_json(sender, services, company):
    return sender.bamboohr(b"employee=1&action=Updated")


def _case_signed_without_employee(sender, services, company):
    return sender.bamboohr(json.dumps({"type": "employee.updated", "data": {"employeeId": "abc"}}).encode())


def _case_too_large(sender, services, company):
    return sender.bamboohr(b'{"employees": [' + b" " * (1024 * 1024) + b"]}")


def _case_personio_wrong_token(sender, services, company):
    configure(services, company.id, "personio")
    return sender.personio(token="nope")


def _case_personio_no_token(sender, services, company):
    configure(services, company.id, "personio")
    return sender.client.post(f"/webhooks/personio/{company.id}", data=personio_body())


def _case_personio_not_an_envelope(sender, services, company):
    configure(services, company.id, "personio")
    return sender.personio(b'{"event": "person.updated"}')


REFUSALS = [
    pytest.param(_case_unknown_company, 404, "unknown_company", id="unknown-company"),
    pytest.param(_case_absurd_company_id, 404, "unknown_company", id="absurd-company-id"),
    pytest.param(_case_unknown_provider, 404, "not_found", id="unknown-provider"),
    pytest.param(_case_other_provider, 409, "provider_not_configured", id="other-provider"),
    pytest.param(_case_no_integration, 409, "provider_not_configured", id="no-integration"),
    pytest.param(_case_no_secret, 409, "webhook_secret_not_set", id="no-webhook-secret"),
    pytest.param(_case_wrong_secret, 401, "webhook_rejected", id="bamboohr-wrong-secret"),
    pytest.param(_case_missing_signature, 401, "webhook_rejected", id="bamboohr-no-signature"),
    pytest.param(_case_stale_timestamp, 401, "webhook_rejected", id="bamboohr-stale-timestamp"),
    pytest.param(_case_tampered_body, 401, "webhook_rejected", id="bamboohr-tampered-body"),
    pytest.param(_case_signed_but_not_json, 400, "malformed_webhook", id="bamboohr-not-json"),
    pytest.param(_case_signed_without_employee, 400, "malformed_webhook", id="bamboohr-bad-employee-id"),
    pytest.param(_case_too_large, 413, "request_entity_too_large", id="body-over-1-mib"),
    pytest.param(_case_personio_wrong_token, 401, "webhook_rejected", id="personio-wrong-token"),
    pytest.param(_case_personio_no_token, 401, "webhook_rejected", id="personio-no-token"),
    pytest.param(_case_personio_not_an_envelope, 400, "malformed_webhook", id="personio-not-an-envelope"),
]


@pytest.mark.parametrize("case, status, code", REFUSALS)
def test_refused_deliveries_change_nothing(sender, services, company, fake_redis, case, status, code):
    response = case(sender, services, company)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert fake_redis.keys("hrsync:*") == [] and _runs(services, company.id) == []


def test_an_accepted_bamboohr_delivery_schedules_one_targeted_sync(sender, services, company, fake_redis, namespace):
    response = sender.bamboohr(bamboohr_body("67890"))

    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "accepted" and body["delivery_id"].startswith("bamboohr-")
    (run,) = _scheduled_runs(services, fake_redis, company.id)
    assert run.mode is SyncMode.TARGETED and run.status is SyncStatus.QUEUED and run.provider == "bamboohr"
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"67890"}
    job = Job.fetch(queueing.sync_job_id(namespace, run.id), connection=fake_redis, serializer=JSONSerializer)
    assert job.args == [run.id] and job.rate_limit_key == f"{namespace}-company-{company.id}"


def test_an_accepted_personio_delivery_names_the_person(client, company, services, fake_redis, namespace):
    configure(services, company.id, "personio")
    response = WebhookSender(client, company.id).personio(personio_body("4711"))
    assert response.status_code == 202 and response.get_json()["delivery_id"].startswith("personio-")
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"4711"}


def test_the_same_delivery_twice_has_one_effect(sender, services, company, fake_redis):
    first = sender.bamboohr(bamboohr_body("1"))
    second = sender.bamboohr(bamboohr_body("1"))
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.get_json()["delivery_id"] == second.get_json()["delivery_id"]
    assert [first.get_json()["result"], second.get_json()["result"]] == ["scheduled", "duplicate"]
    assert len(_scheduled_runs(services, fake_redis, company.id)) == 1


def test_a_delivery_naming_50000_employees_is_acknowledged_only_once_every_id_is_stored(sender, services, company,
                                                                                       fake_redis, namespace):
    """Issue 12 item 3: such a delivery was answered 503, its retry `duplicate`, and its ids were never stored."""
    body, sent_at = bamboohr_roster(50_000), time.time()
    assert len(body) <= 1024 * 1024

    first = sender.bamboohr(body, timestamp=sent_at)
    repeat = sender.bamboohr(body, timestamp=sent_at)  # the same delivery again: deduplicated, not lost

    assert (first.status_code, repeat.status_code) == (202, 202)
    assert [first.get_json()["result"], repeat.get_json()["result"]] == ["scheduled", "duplicate"]
    assert fake_redis.scard(coalescing.ids_key(namespace, company.id)) == 50_000
    assert len(_scheduled_runs(services, fake_redis, company.id)) == 1


def test_many_deliveries_within_the_debounce_window_make_one_sync(sender, services, company, fake_redis, namespace):
    moments = [f"2026-01-31T18:{minute:02d}:00+0000" for minute in range(40)]
    results = [sender.bamboohr(bamboohr_body(str(100 + n % 7), moment)).get_json()["result"]
               for n, moment in enumerate(moments)]
    assert results[0] == "scheduled" and set(results[1:]) == {"joined"}
    assert len(_scheduled_runs(services, fake_redis, company.id)) == 1
    assert fake_redis.scard(coalescing.ids_key(namespace, company.id)) == 7


def test_each_company_gets_its_own_sync(sender, services, company, other_company, client, fake_redis):
    configure(services, other_company.id, "bamboohr")
    sender.bamboohr()
    WebhookSender(client, other_company.id).bamboohr()
    assert len(_scheduled_runs(services, fake_redis, company.id)) == 1
    assert len(_scheduled_runs(services, fake_redis, other_company.id)) == 1


@pytest.mark.parametrize("body", [
    pytest.param(personio_body(event="absence-period.created"), id="another-kind-of-event"),
    pytest.param(json.dumps({"company_id": "118227", "event_name": "person.updated", "occurred_at": "2024-05-01T10:00:00Z",
                             "payload": {"person_uuid": "secret-looking-value"}}).encode(), id="person-under-another-key"),
    pytest.param(json.dumps({"company_id": "118227", "event_name": "person.updated", "occurred_at": "2024-05-01T10:00:00Z",
                             "payload": {}}).encode(), id="empty-payload-as-published"),
])
def test_an_event_naming_nobody_schedules_an_incremental_sync_and_logs_only_keys(client, company, services,
                                                                                  fake_redis, caplog, body,
                                                                                  namespace):
    """SPEC §5: never silently dropped (it was 202 "ignored" and waited for the nightly resync)."""
    configure(services, company.id, "personio")
    with caplog.at_level("INFO", logger="services.intake"):
        response = WebhookSender(client, company.id).personio(body)
    assert response.status_code == 202 and response.get_json()["result"] == "scheduled"
    (run,) = _scheduled_runs(services, fake_redis, company.id)
    assert run.mode is SyncMode.TARGETED
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {WHOLE_COMPANY.encode()}
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "names no employee" in logged and "secret-looking-value" not in logged
    assert "person_uuid" in logged or b"person_uuid" not in body


def test_a_form_encoded_bamboohr_delivery_is_accepted(sender, services, company, fake_redis, namespace):
    """BambooHR does not retry a 4xx: form-encoded webhooks were answered 400 and every delivery was lost."""
    body = b"type=employee.updated&data%5BcompanyId%5D=12345&data%5BemployeeId%5D=67890&data%5BchangedFields%5D%5B0%5D=firstName"
    response = sender.bamboohr(body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 202 and response.get_json()["result"] == "scheduled"
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"67890"}


def test_a_retry_an_hour_after_a_503_still_counts(sender, services, company, fake_redis, redis_server,
                                                   namespace):
    """Redis was down: 503; BambooHR retries (5, 10, 20, 40, 80 minutes later) with the first timestamp."""
    first_sent = time.time() - 3600
    redis_server.connected = False
    assert sender.bamboohr(bamboohr_body("4242"), timestamp=first_sent).status_code == 503
    redis_server.connected = True
    retried = sender.bamboohr(bamboohr_body("4242"), timestamp=first_sent)
    again = sender.bamboohr(bamboohr_body("4242"), timestamp=first_sent)
    assert (retried.status_code, again.status_code) == (202, 202)
    assert [retried.get_json()["result"], again.get_json()["result"]] == ["scheduled", "duplicate"]
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"4242"}


def test_redis_down_answers_503_with_retry_after_and_records_nothing(sender, services, company, fake_redis,
                                                                     redis_server):
    redis_server.connected = False
    response = sender.bamboohr()
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.get_json()["error"]["code"] == "queue_unavailable"
    assert _runs(services, company.id) == []

    redis_server.connected = True
    retried = sender.bamboohr()  # the HR system's retry of the same delivery is accepted, not a duplicate
    assert retried.status_code == 202 and retried.get_json()["result"] == "scheduled"
    assert len(_scheduled_runs(services, fake_redis, company.id)) == 1


def test_an_accepted_delivery_whose_scheduling_fails_is_scheduled_by_a_later_sweep(sender, services, company,
                                                                                   fake_redis, monkeypatch, namespace):
    """Invariant: nothing accepted is lost — Redis failing between the 202 and the job leaves the company
    listed (the row of that try failed, not left queued), and the sweep schedules its sync once Redis answers."""
    failures = []
    real = queueing.schedule_sync

    def fails_once(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise RedisConnectionError("connection reset by peer")
        return real(*args, **kwargs)

    monkeypatch.setattr(queueing, "schedule_sync", fails_once)
    assert sender.bamboohr(bamboohr_body("5")).get_json()["result"] == "scheduled"
    (run,) = _scheduled_runs(services, fake_redis, company.id)
    assert failures == [1] and fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"5"}
    assert fake_redis.zcard(coalescing.unscheduled_key(namespace)) == 0
    with transaction(services.session_factory) as session:
        rows = session.execute(select(SyncRunRow.id, SyncRunRow.status, SyncRunRow.error).where(
            SyncRunRow.company_id == company.id).order_by(SyncRunRow.id)).all()
    assert [(status, error) for _id, status, error in rows] == [("failed", "could not be queued: Redis did not "
                                                                  "answer"), ("queued", None)]
    assert rows[-1].id == run.id


def test_the_answer_names_no_secret(sender):
    response = sender.bamboohr(secret="wrong-secret-0123456789")
    assert BAMBOOHR_SECRET not in response.get_data(as_text=True)


def _count_queries(engine):
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_a_storm_of_deliveries_reads_the_company_once(sender, services, company, fake_redis):
    sender.bamboohr(bamboohr_body("1"))
    _scheduled_runs(services, fake_redis, company.id)
    statements = _count_queries(services.engine)
    for number in range(2, 12):
        assert sender.bamboohr(bamboohr_body(str(number))).get_json()["result"] == "joined"
    assert statements == []  # neither the company nor the secret was read again


def test_a_rotated_secret_is_accepted_at_once(sender, services, company):
    assert sender.bamboohr(bamboohr_body("1")).status_code == 202
    with transaction(services.session_factory) as session:
        integrations.set_webhook_secret(session, services.box, company.id, "whsec-rotated-0123456789abcdef")
    response = sender.bamboohr(bamboohr_body("2"), secret="whsec-rotated-0123456789abcdef")
    assert response.status_code == 202


def test_a_switched_provider_is_seen_at_once(sender, services, company):
    assert sender.bamboohr(bamboohr_body("1")).status_code == 202
    configure(services, company.id, "personio")
    assert sender.personio().status_code == 202
    moved = sender.bamboohr(bamboohr_body("2"))
    assert moved.status_code == 409 and moved.get_json()["error"]["code"] == "provider_not_configured"
