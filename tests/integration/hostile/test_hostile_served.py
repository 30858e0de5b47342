"""Hostile traffic against a real `hrsync web` (gunicorn, as production runs it): clients that stall mid-request
(issue 12 item 5) and chunked bodies over 1 MiB (item 7).

Two sync workers used to be taken offline by two stalled sockets (webhooks then missed Personio's 3-second limit),
and a chunked body was cut at 1 MiB and answered 400 or 401. The server here runs `hrsync web` with its defaults
but a read timeout long enough that the stalled sockets outlive the test's requests.
"""

from __future__ import annotations

import json
import secrets
import socket
import time

import pytest
import requests

from providers.bamboohr_webhook import sign
from tests.integration.faults.fault_servers import HrsyncWeb
from tests.integration.hostile.hostile_services import migrated
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import CRON_TOKEN, add_company

ONE_MIB = 1024 * 1024
# (what the stalled client sent, a request it never finishes): headers cut short, a body promised and not sent.
STALLS = {
    "half-headers": lambda company: b"GET /healthz HTTP/1.1\r\nHost: hrsync.test\r\nX-Slow: ",
    "body-never-sent": lambda company: (f"POST /api/v1/stakeholders HTTP/1.1\r\nHost: hrsync.test\r\n"
                                       f"Authorization: Bearer {company.api_token}\r\n"
                                       f"Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
                                       '{"name": "Sl').encode(),
    "webhook-body-never-sent": lambda company: (f"POST /webhooks/bamboohr/{company.id} HTTP/1.1\r\n"
                                               f"Host: hrsync.test\r\nContent-Type: application/json\r\n"
                                               f"Content-Length: 300\r\n\r\n" '{"type"').encode(),
}


@pytest.fixture(scope="module")
def database_url(scratch_database):
    """One backend is enough: what is under test is the server in front of the app."""
    return migrated(scratch_database, "sqlite", "hrsync_served")


@pytest.fixture(scope="module")
def served(settings, services, tmp_path_factory):
    """`hrsync web` with its default workers and threads; stalled sockets stay open for 60 s."""
    server = HrsyncWeb(settings, tmp_path_factory.mktemp("served") / "web.log", args=("--read-timeout", "60"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def company(services, sandbox, redis):
    return add_company(services, sandbox, "bamboohr", people=3)


def signed_webhook(url: str, company, body: bytes | None = None, *, chunked: bool = False) -> requests.Response:
    body = body if body is not None else json.dumps(
        {"type": "employee.updated", "data": {"companyId": 1, "employeeId": "1", "changedFields": ["firstName"]},
         "timestamp": "2026-01-01T00:00:00Z"}).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-BambooHR-Timestamp": stamp,
               "X-BambooHR-Signature": sign(company.webhook_secret, body, stamp)}
    data = _chunks(body) if chunked else body
    return requests.post(f"{url}/webhooks/bamboohr/{company.id}", data=data, headers=headers, timeout=30)


def _chunks(body: bytes, size: int = 64 * 1024):
    """A generator: requests sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start:start + size]


def stall(port: int, sent: bytes) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.sendall(sent)
    return client


def held_open(client: socket.socket) -> bool:
    """The server neither answered nor closed: the connection still waits for the rest of the request."""
    client.setblocking(False)
    try:
        client.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        return True
    except OSError:  # reset by the server
        return False
    finally:
        client.setblocking(True)
    return False  # an answer, or the end of the stream


def test_health_and_a_signed_webhook_answer_while_stalled_clients_hold_connections(served, company):
    """Invariant: clients that stall mid-request (more of them than the two sync workers the app had) take no
    request's place: /healthz and a signed BambooHR delivery are answered while every stalled socket is still
    held open by the server."""
    assert signed_webhook(served.url, company).status_code == 202  # the company's signer is cached, as in steady use
    stalled = [stall(served.port, make(company)) for make in STALLS.values() for _ in range(2)]
    try:
        health = requests.get(f"{served.url}/healthz", timeout=30)
        delivered = signed_webhook(served.url, company)
        assert health.status_code == 200
        assert delivered.status_code == 202, delivered.text
        assert [held_open(client) for client in stalled] == [True] * len(stalled)
    finally:
        for client in stalled:
            client.close()


def test_the_read_timeout_closes_a_stalled_client_and_frees_its_thread(settings, services, sandbox, redis,
                                                                        tmp_path):
    """Invariant: with one worker thread, a client stalled in its headers is dropped after the read timeout and one
    stalled in its body gets a 408; the thread then serves others again."""
    company = add_company(services, sandbox, "bamboohr", people=1)
    server = HrsyncWeb(settings, tmp_path / "web.log",
                       args=("--workers", "1", "--threads", "1", "--read-timeout", "1")).start()
    headers = stall(server.port, STALLS["half-headers"](company))
    body = stall(server.port, STALLS["body-never-sent"](company))
    try:
        assert wait_until(lambda: headers.recv(100) == b"", 30, "stalled headers dropped")
        answer = bytearray()

        def answered() -> bool:  # the answer may come in several pieces
            piece = body.recv(4096)
            answer.extend(piece)
            return b'"request_timeout"' in answer or not piece

        wait_until(answered, 30, "stalled body answered")
        assert answer.startswith(b"HTTP/1.1 408 ") and b'"request_timeout"' in answer
        assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200
        assert "closed a connection: the client stalled past the read timeout" in server.log()
        assert "Traceback" not in server.log()
    finally:
        headers.close()
        body.close()
        server.stop()


CHUNKED_OVER_THE_CAP = [  # (method, path, headers) — each gets a chunked body of 2 MiB
    ("POST", "/api/v1/stakeholders", "api"),
    ("POST", "/cron/resync", "cron"),
    ("GET", "/healthz", None),
]


@pytest.mark.parametrize("method, path, auth", CHUNKED_OVER_THE_CAP, ids=[case[1] for case in CHUNKED_OVER_THE_CAP])
def test_a_chunked_body_over_one_mib_is_413_on_every_route(served, company, method, path, auth):
    """Invariant (SPEC §5): a body over 1 MiB is 413 in the error shape with or without a Content-Length; a chunked
    one used to be cut at 1 MiB and answered as if it had ended there (400 broken JSON)."""
    headers = {"Content-Type": "application/json",
               **({"Authorization": f"Bearer {company.api_token}"} if auth == "api" else {}),
               **({"Authorization": f"Bearer {CRON_TOKEN}"} if auth == "cron" else {})}
    body = b'{"name": "' + b"x" * (2 * ONE_MIB) + b'"}'
    answer = requests.request(method, f"{served.url}{path}", data=_chunks(body), headers=headers, timeout=60)
    assert answer.status_code == 413, answer.text[:300]
    assert answer.json()["error"]["code"] == "request_entity_too_large"


def test_a_signed_chunked_delivery_over_one_mib_is_413_on_the_fast_path_too(served, company):
    assert signed_webhook(served.url, company).status_code == 202  # cached: the next one meets the fast path
    document = {"type": "employee.updated", "data": {"employeeId": "1", "padding": "x" * (2 * ONE_MIB)}}
    answer = signed_webhook(served.url, company, json.dumps(document).encode(), chunked=True)
    assert answer.status_code == 413, answer.text[:300]
    assert answer.json()["error"]["code"] == "request_entity_too_large"


def test_chunked_bodies_under_the_cap_are_read_whole(served, company):
    name = "Chunked " + secrets.token_hex(4)
    created = requests.post(f"{served.url}/api/v1/stakeholders", data=_chunks(json.dumps({"name": name}).encode(), 7),
                            headers={"Authorization": f"Bearer {company.api_token}",
                                     "Content-Type": "application/json"}, timeout=30)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == name
    assert signed_webhook(served.url, company, chunked=True).status_code == 202
