"""Templates ready for many pages (issue 14 item 5): every page in the base layout, macros for forms, tables and the
change-set kinds, label filters app-wide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string
from jinja2 import nodes

from domain.changeset import ChangeKind, Reason
from domain.names import NameFormat
from tests.pages import Page
from webhook_app import labels

TEMPLATES = Path(__file__).resolve().parents[3] / "webhook_app" / "templates"
STYLESHEET = TEMPLATES.parent / "static" / "hrsync.css"


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield app


def pages() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                  if path.parent.name != "macros" and path.name not in ("base.html", "layout.html"))


def extended(app, name: str) -> str | None:
    tree = app.jinja_env.parse(app.jinja_env.loader.get_source(app.jinja_env, name)[0])
    found = tree.find(nodes.Extends)
    return found.template.value if found is not None else None


@pytest.mark.parametrize("name", pages())
def test_every_page_is_in_the_base_layout(app, name):
    chain = [name]
    while (parent := extended(app, chain[-1])) is not None:
        chain.append(parent)
    assert chain[-1] == "base.html", chain


def test_the_base_layout_has_the_blocks_pages_fill(in_request):
    page = render_template_string('{% extends "base.html" %}{% block title %}Users{% endblock %}'
                                  '{% block nav %}<nav><a href="/x">X</a></nav>{% endblock %}'
                                  '{% block main %}<h1>Users</h1>{% endblock %}'
                                  '{% block footer %}Made here{% endblock %}', company_name="Acme GmbH")
    assert "<title>Users · hrsync</title>" in page and '<link rel="stylesheet" href="/static/hrsync.css">' in page
    header = page.split('<header class="top">')[1].split("</header>")[0]
    assert "Acme GmbH" in header and '<nav><a href="/x">X</a></nav>' in header
    assert "<main>" in page and '<footer class="bottom">Made here</footer>' in page
    assert "<footer" not in render_template_string('{% extends "base.html" %}{% block main %}x{% endblock %}')


FORM = """{% from "macros/forms.html" import form, input, select, button %}
{% call form("/save") %}
  {{ input("api_key", "API key", "k", help="Under your name › API Keys", error="BambooHR refused this key",
           required=true, maxlength=200) }}
  {{ select("provider", "HR system", [("bamboohr", "BambooHR"), ("personio", "Personio")], "personio") }}
  {{ button("Save") }}
{% endcall %}"""


def test_the_form_macros_label_every_input_and_tie_help_and_errors_to_it(in_request):
    page = render_template_string(FORM)
    form = Page(page).form()
    assert form.method == "post" and form.action == "/save" and form.fields()["csrf_token"]
    assert '<label for="field-api_key">API key</label>' in page
    key = form.field("api_key").attributes
    assert (key["id"], key["value"], key["maxlength"], key["aria-invalid"]) == ("field-api_key", "k", "200", "true")
    assert "required" in key and key["aria-describedby"] == "field-api_key-help field-api_key-error"
    assert '<span class="help" id="field-api_key-help">Under your name › API Keys</span>' in page
    assert '<span class="error-text" id="field-api_key-error">BambooHR refused this key</span>' in page
    assert '<label for="field-provider">HR system</label>' in page
    assert '<option value="personio" selected>Personio</option>' in page and "bamboohr\" selected" not in page
    assert '<button type="submit">Save</button>' in page


def test_a_form_from_the_macro_passes_the_csrf_check(app):
    app.add_url_rule("/save", "save_form", lambda: render_template_string(FORM), methods=["GET", "POST"])
    client = app.test_client()
    shown = Page(client.get("/save").get_data(as_text=True)).form()
    assert client.post("/save", data=shown.fields(api_key="x")).status_code == 200
    assert client.post("/save", data={"api_key": "x"}).status_code == 400


def test_a_table_is_in_a_box_that_scrolls_sideways_inside_its_card(in_request):
    page = render_template_string('{% from "macros/tables.html" import table_card %}'
                                  '{% call table_card("Syncs", ["When", ("Count", "n")], count=2, id="syncs") %}'
                                  "<tr><td>today</td><td>2</td></tr>{% endcall %}")
    assert '<section id="syncs" class="card">' in page and '<h2>Syncs <span class="count">2</span></h2>' in page
    assert '<div class="table-scroll">' in page and '<th>When</th><th class="n">Count</th>' in page
    assert "<tbody><tr><td>today</td><td>2</td></tr>" in "".join(page.split())
    assert re.search(r"\.table-scroll\s*\{\s*overflow-x:\s*auto;", STYLESHEET.read_text())


def test_one_table_serves_every_kind_of_item():
    source = (TEMPLATES / "approvals" / "preview.html").read_text()
    assert source.count("<table") == 0 and source.count("items_table(") == 1  # the page has no table of its own
    macros = (TEMPLATES / "macros" / "changesets.html").read_text()
    assert macros.count("<table") == 1  # the review's comparison; the kinds' tables come from tables.table


@pytest.mark.parametrize("expression, words", [
    ("'create' | kind_label", "New stakeholders"),
    ("kind | kind_label", "To review"),
    ("'unique_identifier' | field_label", "Identifier"),
    ("'favourite_colour' | field_label", "favourite_colour"),
    ("reason | reason_label", "No hire date in the HR system"),
    ("none | reason_label", ""),
    ("name_format | format_label", "Last, First"),
    ("'leaver' | applied_label", "moved to leavers"),
    ("'stale' | outcome_label", "not applied: changed"),
    ("'bamboohr' | provider_label", "BambooHR"),
    ("'personio' | provider_label", "Personio"),
    ("'someone_else' | provider_label", "someone_else"),
    ("'hr_remote_id' | field_label", "HR id"),
    ("'mark_leaver' | action_label", "Moved to leavers"),
    ("'apply_changeset' | action_label", "Applied the change set"),
    ("'{\"applied\": 30, \"unresolved\": 7}' | audit_detail", "30 applied, 7 left for later"),
    ("'create: employee 100012' | audit_detail", "create: employee 100012"),
])
def test_label_filters_word_codes_on_every_page(in_request, expression, words):
    rendered = render_template_string("{{ " + expression + " }}", kind=ChangeKind.REVIEW,
                                      reason=Reason.NO_HIRE_DATE, name_format=NameFormat.LAST_COMMA_FIRST)
    assert rendered == words


def test_the_views_keep_no_label_tables():
    views = TEMPLATES.parent.glob("approvals*.py")
    offending = [path.name for path in views if re.search(r"^[A-Z_]*LABELS? = \{|^REASONS = \{", path.read_text(),
                                                          re.M)]
    assert offending == [] and labels.REASONS
    for path in TEMPLATES.rglob("*.html"):
        assert not re.search(r'\{% set \w*labels\w* = \{|\{% set providers = \{', path.read_text()), path.name
