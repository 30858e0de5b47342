"""Scripted stand-ins for Personio's HTTP side, for the unit tier (the sandbox is the full fake)."""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter


class ScriptedTransport(BaseAdapter):
    """A requests transport answering from a handler: handler(request) -> (status, body, headers).

    Stands in for Personio where the sandbox cannot misbehave in the needed way (odd bodies,
    `success: false`); it records every request so tests can assert what was sent.
    """

    def __init__(self, handler: Callable[[requests.PreparedRequest], tuple[int, Any, dict]]):
        super().__init__()
        self.handler = handler
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        status, body, headers = self.handler(request)
        response = requests.Response()
        response.status_code = status
        response.reason = "Scripted"
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.headers.update(headers)
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


class FakePersonio:
    """Answers the v1 paths the way the research says Personio does, from a list of records.

    Deliberately small: the sandbox is the full fake; this one exists for the unit tier and for the
    answers the sandbox does not give (`success: false`, v2 error bodies, scripted statuses).
    """

    def __init__(self, records=(), attributes=None, secret="s3cret-value"):
        self.records = list(records)
        self.attributes = attributes or []
        self.secret = secret
        self.issued = 0
        self.overrides: dict[str, list[tuple[int, Any, dict]]] = {}

    def script(self, path: str, *answers: tuple[int, Any, dict]) -> None:
        """The next requests to `path` get these answers, in order, before normal service resumes."""
        self.overrides.setdefault(path, []).extend(answers)

    def __call__(self, request):
        url = urlsplit(request.url)
        path = url.path
        if self.overrides.get(path):
            return self.overrides[path].pop(0)
        if path == "/v1/auth":
            body = json.loads(request.body)
            if body.get("client_secret") != self.secret:
                return 401, {"success": False, "error": {"code": 401, "message": "Wrong credentials"}}, {}
            self.issued += 1
            return 200, {"success": True, "data": {"token": f"papi-{self.issued}", "expires_in": 86400}}, {}
        if path == "/v1/company/employees/attributes":
            return 200, {"success": True, "data": self.attributes}, {}
        if path == "/v1/company/employees":
            query = parse_qs(url.query)
            limit, offset = int(query["limit"][0]), int(query["offset"][0])
            page = self.records[offset:offset + limit]
            return 200, {"success": True, "metadata": {"total_elements": len(self.records)},
                         "offset": offset, "limit": limit, "data": page}, {}
        if path.startswith("/v1/company/employees/"):
            wanted = path.rsplit("/", 1)[1]
            for record in self.records:
                if str(record["attributes"]["id"]["value"]) == wanted:
                    return 200, {"success": True, "data": record}, {}
            return 404, {"success": False, "error": {"code": 404, "message": "Es ist ein Problem aufgetreten"}}, {}
        return 404, {"success": False, "error": {"code": 404, "message": "no route"}}, {}


def make_record(remote_id: int, **attributes) -> dict:
    wrapped = {key: {"label": key, "value": value, "type": "standard", "universal_id": key}
               for key, value in attributes.items()}
    return {"type": "Employee", "attributes": {
        "id": {"label": "ID", "value": remote_id, "type": "integer", "universal_id": "id"}, **wrapped}}
