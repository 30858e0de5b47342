"""Browser safety app-wide (issue 14 item 3): CSRF on every HTML form without code of its own, the API, webhook and
cron blueprints exempt by declaration; security headers on every HTML answer; error pages in the product's look."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint, abort, render_template_string
from werkzeug.exceptions import ServiceUnavailable

from tests.pages import Page
from webhook_app.errors import JSON_PREFIXES
from webhook_app.security import HTML_HEADERS, MachineBlueprint

FORM = """<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<input name="note"><button>Save</button></form>"""
CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def page_app(app):
    """The app with a new HTML page that has a form and a POST view written without any CSRF code, and routes
    that fail with each HTTP error (as a page and under /api)."""
    posted = []
    bp = Blueprint("new_page", __name__)

    @bp.get("/new-page")
    def show():
        return render_template_string(FORM)

    @bp.post("/new-page")
    def save():
        posted.append("saved")
        return "saved"

    def fail(status: int):
        if status == 500:
            raise RuntimeError("an unexpected fault with internals: /srv/secret/path")
        if status == 503:
            raise ServiceUnavailable(retry_after=30)
        abort(status)

    app.register_blueprint(bp)
    app.add_url_rule("/failing/<int:status>", "failing_page", fail)
    app.add_url_rule("/api/v1/failing/<int:status>", "failing_api", fail)
    app.extensions["test.posted"] = posted
    return app


def in_the_products_look(page: str) -> bool:
    """The approve page's frame: its stylesheet, the header with the brand, a main element."""
    return ('<header class="top">' in page and '<span class="brand">hrsync</span>' in page and "<main>" in page
            and re.search(r'<link rel="stylesheet" href="/[^"]*\.css">', page) is not None)


def test_a_new_html_form_is_protected_without_any_code_of_its_own(page_app):
    client = page_app.test_client()
    refused = client.post("/new-page", data={"note": "forged from another site"})
    assert refused.status_code == 400 and page_app.extensions["test.posted"] == []
    page = refused.get_data(as_text=True)
    assert refused.mimetype == "text/html" and "The form has expired" in page and in_the_products_look(page)

    form = Page(client.get("/new-page").get_data(as_text=True)).form()
    assert client.post("/new-page", data=form.fields(note="mine")).status_code == 200
    assert page_app.extensions["test.posted"] == ["saved"]


def test_a_forged_token_and_another_browsers_token_are_refused(page_app):
    client, other = page_app.test_client(), page_app.test_client()
    token = Page(client.get("/new-page").get_data(as_text=True)).form().fields()["csrf_token"]
    assert other.post("/new-page", data={"csrf_token": token}).status_code == 400
    assert client.post("/new-page", data={"csrf_token": "forged"}).status_code == 400
    assert page_app.extensions["test.posted"] == []


def test_only_declared_machine_blueprints_skip_the_check_and_they_answer_machines_only(app):
    machines = {name for name, bp in app.blueprints.items() if isinstance(bp, MachineBlueprint)}
    assert machines >= {"webhooks", "cron", "health", "api_syncs", "integration_api", "stakeholders_api", "openapi",
                        "api_changesets", "api_audit"}
    assert app.extensions["csrf"]._exempt_blueprints == {app.blueprints[name] for name in machines}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0] if "." in rule.endpoint else None
        # A machine blueprint's routes answer JSON errors (the prefixes), and every such route is declared.
        assert (blueprint in machines) == rule.rule.startswith(JSON_PREFIXES), rule.rule


def test_every_html_form_route_refuses_a_post_without_a_token(client, app):
    forms = [rule for rule in app.url_map.iter_rules() if rule.methods & CHANGING
             and not isinstance(app.blueprints.get(rule.endpoint.partition(".")[0]), MachineBlueprint)]
    assert forms  # the approve page at least
    for rule in forms:
        url = rule.build({name: "1" for name in rule.arguments}, append_unknown=False)[1]
        for method in rule.methods & CHANGING:
            answer = client.open(url, method=method, data={"anything": "x"})
            assert answer.status_code == 400 and "The form has expired" in answer.get_data(as_text=True), url


def html_urls(app) -> list[str]:
    """A URL for every GET route outside the machine prefixes, plus pages that exist for no route."""
    urls = ["/nowhere", "/approvals/static/missing.css", "/failing/404"]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.rule.startswith(JSON_PREFIXES):
            values = {name: ("approvals.css" if name == "filename" else "404") for name in rule.arguments}
            urls.append(rule.build(values, append_unknown=False)[1])
    return urls


@pytest.mark.parametrize("header", sorted(HTML_HEADERS))
def test_every_html_answer_carries_the_security_headers(page_app, header):
    client = page_app.test_client()
    urls = html_urls(page_app)
    assert "/new-page" in urls and "/static/approvals.css" in urls
    for url in urls:
        with client.get(url) as answer:
            expected = HTML_HEADERS[header]
            if header == "Cache-Control" and answer.status_code == 200 and "/static/" in url:
                expected = "no-cache"  # an asset is revalidated (ETag) rather than fetched anew each time
            assert answer.headers.get(header) == expected, url
    assert client.post("/new-page").headers.get(header) == HTML_HEADERS[header]


@pytest.mark.parametrize("status, title", [
    (403, "You may not open this page"),
    (404, "Page not found"),
    (410, "This page is gone"),
    (500, "Something went wrong"),
    (503, "hrsync is unavailable for a moment"),
])
def test_error_pages_are_in_the_products_look(page_app, status, title):
    client = page_app.test_client()
    answer = client.get(f"/failing/{status}")
    page = answer.get_data(as_text=True)
    assert (answer.status_code, answer.mimetype) == (status, "text/html")
    assert in_the_products_look(page) and f"<h1>{title}</h1>" in page and f"<title>{title} · hrsync</title>" in page
    assert "secret" not in page and "Traceback" not in page
    if status == 503:
        assert answer.headers["Retry-After"] == "30"

    api = client.get(f"/api/v1/failing/{status}")  # the API stays JSON
    assert (api.status_code, api.mimetype) == (status, "application/json") and "error" in api.get_json()


def test_a_page_that_does_not_exist_is_in_the_products_look_and_the_api_answers_json(client):
    page = client.get("/nowhere")
    assert page.status_code == 404 and in_the_products_look(page.get_data(as_text=True))
    for url in ("/api/v1/nowhere", "/webhooks/nobody/1", "/cron/nothing"):
        answer = client.get(url)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (404, "not_found"), url


def test_a_wrong_method_on_a_page_keeps_its_allow_header(client):
    answer = client.delete("/approvals/some-token")
    assert answer.status_code == 405 and answer.mimetype == "text/html"
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert in_the_products_look(answer.get_data(as_text=True))
