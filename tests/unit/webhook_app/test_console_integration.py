"""The HR integration page and the fields and mapping page (admins): the HR systems from the registry, credentials
checked before they are saved (a refusal on the form, nothing saved), secrets never shown back, the status badge;
fields loaded once and kept, each row mapped, a refusal on its row. The HR system is the fake (admin_fakes)."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import escape
from admin_fakes import PERSONIO_FIELDS, fake_hr  # noqa: F401  (fixture)

from domain.employee import MAPPABLE_FIELDS
from providers.base import SourceField
from providers.errors import ProviderAuthError, ProviderUnavailable
from providers.registry import PROVIDERS
from services import integration as setup
from services import mapping, users
from store.db import transaction
from store.enums import IntegrationStatus
from store.repositories import integrations, sync_runs
from tests.console_client import Console, page_of
from tests.outbox import last_link_to
from tests.stub_provider import NAME as STUB, register_stub
from tests.unit.webhook_app.conftest import APPROVER_EMAIL, APPROVER_PASSWORD

PAGE, FIELDS = "/console/integration", "/console/integration/fields"
BAMBOO_KEY = "bamboo-key-0123456789abcdef"
PERSONIO_SECRET = "papi-secret-xyz-0123456789"
CLERK, CLERK_PASSWORD = "clerk@acme.example", "the clerk's own password"


@pytest.fixture
def admin(client, company, fake_hr):  # noqa: F811
    console = Console(client)
    assert console.sign_in(APPROVER_EMAIL, APPROVER_PASSWORD).status_code == 303
    return console


def connect(admin, provider="bamboohr", **values):
    """Submit the page's form as a browser would, for `provider` (values keyed by credential key)."""
    fields = {"provider": provider} | {f"{provider}.{key}": value for key, value in values.items()}
    return admin.submit(PAGE, PAGE, **fields)


def stored(services, company_id):
    with transaction(services.session_factory) as session:
        integration = integrations.get_integration(session, company_id)
        credentials = integrations.get_credentials(session, services.box, company_id) if integration else None
    return integration, credentials


def test_the_dropdown_and_the_fields_come_from_the_registry(admin):
    response, page = admin.open(PAGE)
    assert response.status_code == 200 and page.title == "HR integration · hrsync"
    form = page.form_to(PAGE)
    offered = [value for value, _ in form.field("provider").options]
    assert offered == [""] + list(PROVIDERS)
    for description in PROVIDERS.values():
        for spec in description.credentials:
            control = form.field(f"{description.name}.{spec.key}")
            assert control.type == ("password" if spec.secret else "select" if spec.choices else "text")
            assert spec.label in page.plain
        assert description.credentials[0].help[1:60] in page.plain  # (its first letter may become a capital)
    assert page.unlabelled() == [] and page.duplicate_ids() == []
    assert "Not connected yet" in page.plain
    assert 'script src="/static/console-integration.js"' in response.get_data(as_text=True)


def test_a_new_provider_appears_without_a_template_change(monkeypatch, admin, fake_hr):  # noqa: F811
    register_stub(monkeypatch)
    page = admin.open(PAGE)[1]
    form = page.form_to(PAGE)
    assert STUB in [value for value, _ in form.field("provider").options]
    assert form.field(f"{STUB}.stub_key").type == "password" and "Stub HR credentials" in page.plain
    assert [value for value, _ in form.field(f"{STUB}.region").options] == ["eu", "us"]


def test_personios_help_names_every_attribute_the_default_mapping_reads(admin):
    """Personio makes whoever creates the API credential tick each readable attribute: the page names every one
    the default mapping reads, in Personio's fieldset only."""
    import re
    from providers.personio_mapping import DEFAULT_MAPPING
    html = admin.client.get(f"{PAGE}?provider=personio").get_data(as_text=True)
    fieldsets = dict(re.findall(r'<fieldset class="provider" data-provider="(\w+)"(.*?)</fieldset>', html, re.S))
    assert "tick these readable employee attributes" in " ".join(fieldsets["personio"].split())
    named = re.findall(r"<code>([^<]+)</code>", fieldsets["personio"])
    assert named == list(DEFAULT_MAPPING) and {"first_name", "last_name", "email", "status"} <= set(named)
    assert "readable employee attributes" not in fieldsets["bamboohr"]


def test_choosing_a_provider_by_link_selects_it_without_javascript(admin):
    page = admin.open(f"{PAGE}?provider=personio")[1]
    select = page.form_to(PAGE).field("provider")
    assert [value for value, selected in select.options if selected] == ["personio"]
    assert "/console/integration?provider=hibob" in [href for href, _ in page.links]
    html = admin.client.get(f"{PAGE}?provider=personio").get_data(as_text=True)
    assert 'data-provider="personio" id="fields-personio">' in html  # shown…
    assert 'data-provider="bamboohr" id="fields-bamboohr" hidden>' in html  # …the others not
    everything = admin.client.get(PAGE).get_data(as_text=True)
    assert "hidden>" not in everything  # nothing chosen yet: every system's fields show
    ignored = admin.open(f"{PAGE}?provider=nonsense")[1].form_to(PAGE).field("provider")
    assert [value for value, selected in ignored.options if selected] == [""]  # "Choose your HR system"


def test_good_credentials_are_checked_then_saved_and_the_page_shows_connected(admin, services, company, fake_hr):  # noqa: F811,E501
    answer = connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    assert answer.status_code == 303 and answer.headers["Location"] == PAGE
    assert fake_hr.calls[-1] == ("bamboohr", {"subdomain": "acme", "api_key": BAMBOO_KEY}, None)  # checked live
    integration, credentials = stored(services, company.id)
    assert integration.provider == "bamboohr" and credentials == {"subdomain": "acme", "api_key": BAMBOO_KEY}
    response, page = admin.open(PAGE)
    html = response.get_data(as_text=True)
    assert "Connected to BambooHR" in page.plain and "Connected" in page.plain
    assert "Last successful sync None yet" in page.plain
    assert BAMBOO_KEY not in html  # the secret is never shown back…
    assert "Saved: leave blank to keep it" in page.plain  # …the page says it is there
    form = page.form_to(PAGE)
    assert form.field("bamboohr.subdomain").value == "acme" and form.field("bamboohr.api_key").value == ""
    assert [value for value, _ in form.field("provider").options][0] == "bamboohr"  # no "Choose" once connected


def test_a_secret_left_blank_keeps_the_saved_one(admin, services, company, fake_hr):  # noqa: F811
    connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    answer = connect(admin, subdomain="acme-two", api_key="")
    assert answer.status_code == 303
    assert fake_hr.calls[-1][1] == {"subdomain": "acme-two", "api_key": BAMBOO_KEY}  # checked with the kept key
    assert stored(services, company.id)[1] == {"subdomain": "acme-two", "api_key": BAMBOO_KEY}


def test_a_blank_secret_of_another_hr_system_is_required(admin, services, company):
    connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    answer = connect(admin, "personio", client_id="papi-client-1", client_secret="")
    page = page_of(answer)
    assert answer.status_code == 422
    assert "Client secret is required" in page.plain
    assert stored(services, company.id)[0].provider == "bamboohr"  # nothing changed
    assert BAMBOO_KEY not in answer.get_data(as_text=True)


def test_refused_credentials_show_the_hr_systems_answer_on_the_form_and_save_nothing(admin, services, company,
                                                                                       fake_hr):  # noqa: F811
    fake_hr.error = ProviderAuthError("BambooHR refused the API key (401 Unauthorized)")
    answer = connect(admin, subdomain="acme", api_key="wrong-key-0123456789")
    page = page_of(answer)
    assert answer.status_code == 422
    assert "BambooHR refused the API key (401 Unauthorized); nothing was saved." in page.plain
    assert stored(services, company.id) == (None, None)
    assert "wrong-key-0123456789" not in answer.get_data(as_text=True)  # the typed secret is not echoed
    form = page.form_to(PAGE)
    assert form.field("bamboohr.subdomain").value == "acme"  # what is not secret stays as typed
    assert [value for value, selected in form.field("provider").options if selected] == ["bamboohr"]


def test_an_unreachable_hr_system_saves_nothing_and_says_so(admin, services, company, fake_hr):  # noqa: F811
    fake_hr.error = ProviderUnavailable("BambooHR answered 503 after 5 tries")
    answer = connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    assert answer.status_code == 503
    assert "Could not check the credentials: BambooHR answered 503 after 5 tries" in page_of(answer).plain
    assert stored(services, company.id) == (None, None)


@pytest.mark.parametrize("fields, where, message", [
    ({"provider": ""}, "provider", "Choose your HR system."),
    ({"provider": "nonsense"}, "provider", "Unknown provider"),
    ({"provider": "bamboohr", "bamboohr.subdomain": "acme"}, "bamboohr.api_key", "API key is required"),
    ({"provider": "bamboohr", "bamboohr.subdomain": "not a domain!", "bamboohr.api_key": BAMBOO_KEY}, "bamboohr",
     "subdomain must be letters"),
], ids=["none", "unknown", "missing-key", "bad-subdomain"])
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(admin, services, company, fields, where, message):
    answer = admin.submit(PAGE, PAGE, **fields)
    page = page_of(answer)
    assert answer.status_code == 422
    assert message in page.plain
    assert stored(services, company.id) == (None, None)
    if where.count("."):
        control = page.form_to(PAGE).field(where)
        assert control.attributes.get("aria-invalid") == "true"


def test_needs_attention_shows_the_last_error_and_when(admin, services, company):
    connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    with transaction(services.session_factory) as session:
        integrations.mark_needs_attention(session, company.id, "BambooHR refused the API key (401)")
    page = admin.open(PAGE)[1]
    assert "Needs attention" in page.plain and "BambooHR refused the API key (401)" in page.plain
    assert dt.datetime.now(dt.timezone.utc).strftime("%d %B %Y") in page.plain


def test_the_last_successful_sync_links_to_it(admin, services, company):
    connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    with transaction(services.session_factory) as session:
        run = sync_runs.create_run(session, company.id, "bamboohr", "full")
        sync_runs.start_run(session, run.id)
        sync_runs.succeed_run(session, run.id, {"create": 3})
        failed = sync_runs.create_run(session, company.id, "bamboohr", "full")
        sync_runs.start_run(session, failed.id)
        sync_runs.fail_run(session, failed.id, "later failure")
    page = admin.open(PAGE)[1]
    assert f"/console/syncs/{run.id}" in [href for href, _ in page.links]
    assert f"/console/syncs/{failed.id}" not in [href for href, _ in page.links]


def test_an_hr_system_without_webhooks_says_scheduled_syncs_keep_it_in_step(monkeypatch, admin):
    description = register_stub(monkeypatch, secret=setup.WebhookSecret.NONE)
    page = admin.open(PAGE)[1]
    assert "The stub is synced on schedule." in page.plain  # its fieldset, from its description
    answer = connect(admin, STUB, stub_key="stub-key-0123456789")
    assert answer.status_code == 303
    page = admin.open(PAGE)[1]
    assert "Changes from the HR system The stub is synced on schedule." in page.plain
    assert "Webhooks tell hrsync" not in page.plain and description.note


def test_the_sync_now_button_shows_once_connected(admin):
    assert "Sync now" not in admin.open(PAGE)[1].plain
    connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    page = admin.open(PAGE)[1]
    page.form_to("/console/syncs/now")


@pytest.mark.parametrize("path", [PAGE, FIELDS])
def test_the_pages_are_for_admins_only(app, services, company, settings, path):
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login")
    users.add_user(services, company.id, CLERK, "approver", actor=APPROVER_EMAIL)
    client = app.test_client()
    link = last_link_to(settings.instance_path, CLERK).removeprefix("https://hrsync.test")
    Console(client).submit(link, link, password=CLERK_PASSWORD, confirm=CLERK_PASSWORD)
    assert Console(client).sign_in(CLERK, CLERK_PASSWORD).status_code == 303
    assert client.get(path).status_code == 403
    assert client.post(path, data={}).status_code in (400, 403)  # no CSRF token: refused before anything


def test_a_form_without_its_csrf_token_is_refused(admin, client, services, company):
    answer = client.post(PAGE, data={"provider": "bamboohr", "bamboohr.subdomain": "acme",
                                     "bamboohr.api_key": BAMBOO_KEY})
    assert answer.status_code == 400 and stored(services, company.id) == (None, None)


# Fields and mapping


@pytest.fixture
def personio(admin, services, company):
    assert connect(admin, "personio", client_id="papi-client-1", client_secret=PERSONIO_SECRET).status_code == 303
    return admin


def load(console):
    return console.submit(FIELDS, "/console/integration/fields/load")


def post_mapping(console, targets):
    """The mapping form as loaded, one hrsync field chosen per row (in the rows' order), posted."""
    sent = console.open(FIELDS)[1].form_to(FIELDS).values()
    assert len(sent.getlist("source")) == len(targets)
    sent.setlist("target", targets)
    return console.client.post(FIELDS, data=sent)


def rows_of(page):
    form = page.form_to(FIELDS)
    sources = [control.value for control in form.controls if control.name == "source"]
    targets = [control for control in form.controls if control.name == "target"]
    return dict(zip(sources, targets))


def test_without_an_integration_the_fields_page_leads_to_the_integration_page(admin):
    response, page = admin.open(FIELDS)
    assert response.status_code == 200 and "No HR system is connected yet" in page.plain
    assert (PAGE, "Connect your HR system") in page.links


def test_before_loading_the_page_shows_the_mapping_in_use(personio):
    page = personio.open(FIELDS)[1]
    assert "The mapping in use" in page.plain and "standard mapping for Personio" in page.plain
    assert [form.action for form in page.forms if form.action.startswith(FIELDS)] == [
        "/console/integration/fields/load"]


def test_the_mapping_in_use_shows_keys_with_a_hint_until_fields_were_loaded_then_their_names(
        personio, services, company, fake_redis):
    setup_mapping = [("first_name", "first_name"), ("last_name", "last_name"), ("dynamic_1009", "unique_identifier")]
    mapping.set_mapping(services, company.id, setup_mapping)  # as the command line does: no names remembered
    page = personio.open(FIELDS)[1]
    assert "dynamic_1009 Identifier" in page.plain and "Personalnummer" not in page.plain
    assert "Fields are shown by Personio's own key: Load fields to see the names Personio gives them" in page.plain
    load(personio)
    fake_redis.delete(*fake_redis.keys("*loaded-fields*"))  # the list itself expired (15 minutes); the names stay
    page = personio.open(FIELDS)[1]
    assert "The mapping in use" in page.plain
    assert "Personalnummer dynamic_1009 Identifier" in page.plain and "First name first_name" in page.plain
    assert "own key" not in page.plain
    (names,) = fake_redis.keys("*field-names*")
    assert PERSONIO_SECRET.encode() not in fake_redis.get(names) and fake_redis.ttl(names) > 15 * 60
    assert mapping.field_names(services, fake_redis, company.id, "bamboohr") == {}


def test_a_mapping_set_through_the_api_names_its_fields_on_the_page(personio, client, company, fake_redis):
    rows = [{"source": "first_name", "target": "first_name"}, {"source": "last_name", "target": "last_name"},
            {"source": "dynamic_1009", "target": "unique_identifier"}]
    answer = client.put("/api/v1/integration/mapping", json={"mapping": rows}, headers=company.auth)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert not fake_redis.keys("*loaded-fields*")  # no list kept: the page shows the mapping in use
    page = personio.open(FIELDS)[1]
    assert "The mapping in use" in page.plain and "Personalnummer dynamic_1009 Identifier" in page.plain


def test_loading_lists_the_fields_with_readability_and_the_default_mapping_prefilled(personio, fake_hr):  # noqa: F811
    calls = len(fake_hr.calls)
    answer = load(personio)
    assert answer.status_code == 303 and answer.headers["Location"] == FIELDS
    response, page = personio.open(FIELDS)
    assert f"{len(PERSONIO_FIELDS)} fields loaded" in page.plain
    rows = rows_of(page)
    assert list(rows) == [f.key for f in PERSONIO_FIELDS]
    selected = {key: [v for v, chosen in control.options if chosen] for key, control in rows.items()}
    assert selected["first_name"] == ["first_name"] and selected["dynamic_1009"] == [""]
    assert [value for value, _ in rows["first_name"].options] == [""] + list(MAPPABLE_FIELDS)
    assert "No: the credentials cannot read it" in page.plain  # dynamic_1006
    assert page.unlabelled() == [] and page.duplicate_ids() == []
    personio.open(FIELDS)
    assert len(fake_hr.calls) == calls + 1  # kept: showing the page again asks the HR system nothing
    assert PERSONIO_SECRET not in response.get_data(as_text=True)


def test_saving_a_mapping_stores_it_and_shows_it_selected(personio, services, company):
    load(personio)
    answer = post_mapping(personio, ["first_name", "last_name", "", "email", "status", "hire_date",
                                     "termination_date", "unique_identifier", "city"])
    assert answer.status_code == 303
    saved = mapping.read_mapping(services, company.id)
    assert saved.default is False
    assert saved.mapping == {"first_name": "first_name", "last_name": "last_name", "email": "email",
                             "status": "status", "hire_date": "hire_date", "termination_date": "termination_date",
                             "dynamic_1009": "unique_identifier", "dynamic_1006": "city"}
    page = personio.open(FIELDS)[1]
    assert "The mapping is saved: 8 fields" in page.plain
    assert "cannot read dynamic_1006" in page.plain  # saved, with a warning
    selected = {key: [v for v, chosen in control.options if chosen] for key, control in rows_of(page).items()}
    assert selected["dynamic_1009"] == ["unique_identifier"] and selected["preferred_name"] == [""]


@pytest.mark.parametrize("targets, row, message", [
    (["first_name", "last_name", "", "email", "status", "hire_date", "termination_date", "email", ""],
     "dynamic_1009", "E-mail is mapped from both 'email' and 'dynamic_1009'"),
    (["", "last_name", "", "email", "status", "hire_date", "termination_date", "", ""],
     "first_name", "First name must be mapped from a source field"),
    (["first_name", "last_name", "", "email", "status", "hire_date", "termination_date", "", "no_such_field"],
     "dynamic_1006", "Unknown target field 'no_such_field'"),
], ids=["twice", "name-unmapped", "unknown-target"])
def test_a_refused_mapping_shows_on_its_row_and_saves_nothing(personio, services, company, fake_hr, targets, row,
                                                             message):  # noqa: F811
    load(personio)
    calls = len(fake_hr.calls)
    answer = post_mapping(personio, targets)
    assert answer.status_code == 422
    refused = page_of(answer)
    control = rows_of(refused)[row]
    assert control.attributes.get("aria-invalid") == "true"
    assert message in refused.plain and "The mapping was not saved: see" in refused.plain
    assert f"#{control.attributes['id']}" in [href for href, _ in refused.links]  # the alert leads to the row
    error_id = control.attributes["aria-describedby"]
    assert f'id="{error_id}">{escape(message)}' in answer.get_data(as_text=True)
    assert mapping.read_mapping(services, company.id).default is True  # nothing saved
    kept = {key: [v for v, chosen in c.options if chosen] for key, c in rows_of(refused).items()}
    assert kept["hire_date"] == ["hire_date"]  # the choices come back as made
    assert len(fake_hr.calls) == calls + 1  # the check asked the HR system once; the page itself did not


def test_a_field_the_hr_system_no_longer_lists_is_refused_on_its_row(personio, services, company, fake_hr):  # noqa: F811,E501
    load(personio)
    fake_hr.fields["personio"] = tuple(f for f in PERSONIO_FIELDS if f.key != "dynamic_1009")
    answer = post_mapping(personio, ["first_name", "last_name", "", "email", "status", "hire_date",
                                     "termination_date", "unique_identifier", ""])
    assert answer.status_code == 422
    assert rows_of(page_of(answer))["dynamic_1009"].attributes.get("aria-invalid") == "true"


def test_a_failure_to_load_shows_the_hr_systems_answer(personio, fake_hr):  # noqa: F811
    fake_hr.error = ProviderAuthError("Personio rejected the client id papi-client-1")
    answer = load(personio)
    assert answer.status_code == 502
    assert "Personio rejected the client id papi-client-1" in page_of(answer).plain


def test_new_credentials_forget_the_loaded_fields(personio, fake_hr, services, company):  # noqa: F811
    load(personio)
    assert mapping.kept_fields(services, personio.client.application.extensions["hrsync.redis"], company.id,
                               "personio") is not None
    connect(personio, "personio", client_id="papi-client-2", client_secret="")
    assert "The mapping in use" in personio.open(FIELDS)[1].plain


def test_kept_fields_hold_no_secret_and_belong_to_their_provider(services, fake_redis, company, fake_hr):  # noqa: F811
    setup.configure(services, company.id, provider="personio",
                    credentials={"client_id": "papi-client-1", "client_secret": PERSONIO_SECRET})
    mapping.load_and_keep_fields(services, fake_redis, company.id)
    (key,) = fake_redis.keys("*loaded-fields*")
    assert PERSONIO_SECRET.encode() not in fake_redis.get(key) and 0 < fake_redis.ttl(key) <= 15 * 60
    assert mapping.kept_fields(services, fake_redis, company.id, "personio")[0] == SourceField(
        "first_name", "First name", "standard", True)
    assert mapping.kept_fields(services, fake_redis, company.id, "bamboohr") is None


def test_the_nav_marks_the_page_open(personio):
    html = personio.client.get(FIELDS).get_data(as_text=True)
    assert f'<a href="{FIELDS}" aria-current="page">' in html
    assert f'<a href="{PAGE}" aria-current="page">' not in html


def test_an_integration_needing_attention_keeps_its_status_until_good_credentials(admin, services, company):
    connect(admin, subdomain="acme", api_key=BAMBOO_KEY)
    with transaction(services.session_factory) as session:
        integrations.mark_needs_attention(session, company.id, "refused")
    connect(admin, subdomain="acme", api_key="")
    assert stored(services, company.id)[0].status is IntegrationStatus.OK


def test_the_pages_are_built_from_the_shared_macros(personio):
    """What keeps them usable at 390 px: inputs as the forms macro writes them (label, help, error), the mapping in
    the tables macro's box that scrolls inside its card, cards for sections."""
    html = personio.client.get(PAGE).get_data(as_text=True)
    credential_fields = sum(len(description.credentials) for description in PROVIDERS.values())
    assert html.count('<div class="form-field') == credential_fields + 1  # and the HR system dropdown
    assert html.count('<section id="status" class="card">') == 1
    load(personio)
    html = personio.client.get(FIELDS).get_data(as_text=True)
    assert '<div class="table-scroll">\n  <table class="mapping">' in html
    assert 'name="csrf_token"' in html.split('action="/console/integration/fields"')[1].split("</form>")[0]
