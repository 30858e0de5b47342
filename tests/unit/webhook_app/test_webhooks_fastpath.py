"""The webhooks' hot path beside Flask: it answers cached successes exactly as the route does, and hands every
other request, body intact, to the route."""

from __future__ import annotations

import io
import time

import pytest

from providers.bamboohr_webhook import sign
from store.db import transaction
from store.repositories import integrations
from core import coalescing
from services.sync_run import WHOLE_COMPANY

from webhook_senders import (BAMBOOHR_SECRET, WebhookSender, app_with_sweeping_scheduler,  # noqa: F401 (fixtures)
                             bamboohr_body, bamboohr_roster, configure, file_database_settings, personio_body)

ROTATED = "whsec-rotated-0123456789abcdef"


@pytest.fixture
def route_calls(app):
    """How many requests the Flask route answered (the rest were answered by the fast path)."""
    calls = []
    view = app.view_functions["webhooks.receive"]

    def counted(**kwargs):
        calls.append(kwargs["company_id"])
        return view(**kwargs)

    app.view_functions["webhooks.receive"] = counted
    return calls


@pytest.fixture
def sender(client, company, services):
    configure(services, company.id, "bamboohr")
    sender = WebhookSender(client, company.id)
    assert sender.bamboohr(bamboohr_body("1")).status_code == 202  # the route reads and caches the signer
    return sender


def test_a_cached_company_is_answered_without_the_route_exactly_as_the_route_answers(client, company, services,
                                                                                      route_calls, fake_redis,
                                                                                      namespace):
    """Invariant: same status, headers and JSON, same Redis effects, whichever path answers."""
    configure(services, company.id, "bamboohr")
    sender = WebhookSender(client, company.id)
    by_route = sender.bamboohr(bamboohr_body("1"))
    fast = sender.bamboohr(bamboohr_body("2"))
    repeat = sender.bamboohr(bamboohr_body("2"))

    assert route_calls == [company.id]  # only the first: the signer was not cached yet
    assert (by_route.status_code, fast.status_code) == (202, 202)
    assert by_route.headers["Content-Type"] == fast.headers["Content-Type"] == "application/json"
    assert int(fast.headers["Content-Length"]) == len(fast.data)
    assert set(by_route.get_json()) == set(fast.get_json()) == {"status", "delivery_id", "result"}
    assert [by_route.json["result"], fast.json["result"], repeat.json["result"]] == ["scheduled", "joined",
                                                                                       "duplicate"]
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"1", b"2"}


def test_a_notice_naming_nobody_asks_for_an_incremental_sync_alike(client, company, services, route_calls,
                                                                   fake_redis, namespace):
    configure(services, company.id, "personio")
    sender = WebhookSender(client, company.id)
    sender.personio(personio_body("4711"))
    answer = sender.personio(personio_body(event="absence-period.created"))
    assert answer.status_code == 202 and answer.json["result"] == "joined" and route_calls == [company.id]
    assert fake_redis.smembers(coalescing.ids_key(namespace, company.id)) == {b"4711", WHOLE_COMPANY.encode()}


def test_a_delivery_naming_50000_employees_is_answered_on_the_fast_path_once_stored(sender, route_calls,
                                                                                   fake_redis, namespace):
    """Issue 12 item 3: the fast path too answers 202 only when every id is in Redis."""
    answer = sender.bamboohr(bamboohr_roster(50_000))

    assert (answer.status_code, answer.json["result"], route_calls) == (202, "joined", [])
    assert fake_redis.scard(coalescing.ids_key(namespace, sender.company_id)) == 50_000


def _with_query(sender):
    stamp, body = str(int(time.time())), bamboohr_body("9")
    return sender.client.post(f"/webhooks/bamboohr/{sender.company_id}?source=test", data=body,
                              headers={"X-BambooHR-Timestamp": stamp,
                                       "X-BambooHR-Signature": sign(BAMBOOHR_SECRET, body, stamp)})


def _rotated(sender):
    with transaction(sender.services.session_factory) as session:
        integrations.set_webhook_secret(session, sender.services.box, sender.company_id, ROTATED)
    return sender.bamboohr(bamboohr_body("9"), secret=ROTATED)


def _redis_down(sender):
    sender.redis_server.connected = False
    return sender.bamboohr(bamboohr_body("9"))


FALL_THROUGH = [
    pytest.param(lambda s: s.bamboohr(bamboohr_body("9"), secret="wrong-secret-0123456789"), 401,
                 "webhook_rejected", id="wrong-signature"),
    pytest.param(lambda s: s.bamboohr(bamboohr_body("9"), timestamp=time.time() - 3 * 3600), 401, "webhook_rejected",
                 id="stale-timestamp"),
    pytest.param(lambda s: s.bamboohr(b"not json"), 400, "malformed_webhook", id="signed-not-json"),
    pytest.param(_redis_down, 503, "queue_unavailable", id="redis-down"),
    pytest.param(_rotated, 202, None, id="rotated-secret"),
    pytest.param(_with_query, 202, None, id="query-string"),
    pytest.param(lambda s: s.personio(), 409, "provider_not_configured", id="other-provider"),
]


@pytest.mark.parametrize("case, status, code", FALL_THROUGH)
def test_every_other_request_reaches_the_route_with_its_body(sender, services, redis_server, route_calls, case,
                                                             status, code):
    """Invariant: the fast path decides nothing but cached successes; the route answers the rest in full."""
    sender.services, sender.redis_server = services, redis_server
    response = case(sender)
    assert response.status_code == status
    if code:
        assert response.json["error"]["code"] == code
    assert route_calls == [sender.company_id]


def _signed_post(sender, body: bytes, chunked: bool):
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
               "X-BambooHR-Signature": sign(BAMBOOHR_SECRET, body, stamp)}
    if not chunked:
        return sender.client.post(f"/webhooks/bamboohr/{sender.company_id}", data=body, headers=headers)
    # No Content-Length: the body's end is where the stream ends (as gunicorn hands on a chunked body).
    return sender.client.post(f"/webhooks/bamboohr/{sender.company_id}", input_stream=io.BytesIO(body),
                              headers={**headers, "Transfer-Encoding": "chunked"},
                              environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True})


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
def test_a_signed_body_over_the_cap_is_413_before_any_view(sender, route_calls, chunked):
    """Issue 12 item 7: a body over 1 MiB is refused whole, with a length or chunked (a chunked one was cut at
    1 MiB and answered 401): 413 in the error shape; neither the fast path nor the route accepts it."""
    answer = _signed_post(sender, bamboohr_body("9")[:-1] + b" " * (1024 * 1024) + b"}", chunked)
    assert (answer.status_code, answer.json["error"]["code"], route_calls) == (413, "request_entity_too_large", [])


def test_a_chunked_delivery_under_the_cap_takes_the_fast_path(sender, route_calls):
    """A chunked body under the cap is buffered with its length, so the cached company's 202 needs no route."""
    answer = _signed_post(sender, bamboohr_body("9"), chunked=True)
    assert (answer.status_code, answer.json["result"], route_calls) == (202, "joined", [])
