"""The Sync settings page (issue 15, page 3): admins only; every setting the JSON API has, each explained, the name
formats each with an example; saved through the API's service and schema; a refused field is shown on itself and
nothing is saved."""

from __future__ import annotations

import pytest

from services import integration as setup
from tests.console_client import page_of

PATH = "/console/settings"


@pytest.fixture
def console_company_id(company):
    """The conftest's admin and approver browsers sign in to this company."""
    return company.id


def _stored(services, company_id) -> dict:
    return setup.read_state(services, company_id).company.settings()


def test_the_page_shows_every_setting_labelled_with_the_stored_values(admin):
    response, page = admin.open(PATH)
    assert response.status_code == 200 and page.unlabelled() == [] and page.duplicate_ids() == []
    assert (PATH, "Sync settings") in page.links
    form = page.form_to(PATH)
    assert form.fields() == {"csrf_token": form.fields()["csrf_token"], "name_format": "first_last",
                             "termination_policy": "propose_group", "ex_employee_group": "Ex-employee",
                             "import_terminated": [], "use_preferred_name": [], "managed_groups": ""}
    for label, example in (("First name, then last name", "“Anna Müller”"),
                           ("Last name, then first name", "“Müller Anna”"),
                           ("Last name, comma, first name", "“Müller, Anna”")):
        assert f"{label} e.g. {example}" in page.plain
    assert "becomes “Anni Müller”" in page.plain
    assert "/static/console-settings.js" in page.text  # switches the examples as the preferred-name box is ticked


def test_the_name_format_examples_follow_the_preferred_name_setting(admin):
    """Both examples of each format are on the page (the script shows the one the box asks for); without a script
    the saved setting's shows."""
    examples = (("First name, then last name", "Anna Müller", "Anni Müller"),
                ("Last name, then first name", "Müller Anna", "Müller Anni"),
                ("Last name, comma, first name", "Müller, Anna", "Müller, Anni"))
    page = admin.open(PATH)[1]
    for label, plain, preferred in examples:
        assert f"{label} e.g. “{plain}”" in page.plain
        assert f'data-plain="“{plain}”"' in page.text and f'data-preferred="“{preferred}”"' in page.text
    admin.submit(PATH, PATH, use_preferred_name=["on"])
    page = admin.open(PATH)[1]
    assert page.form_to(PATH).fields()["use_preferred_name"] == ["on"]
    for label, plain, preferred in examples:
        assert f"{label} e.g. “{preferred}”" in page.plain and f"e.g. “{plain}”" not in page.plain
    # A refused form shows the examples of the box as it was sent.
    refused = admin.submit(PATH, PATH, use_preferred_name=[], name_format="nonsense")
    assert refused.status_code == 422
    assert "e.g. “Anna Müller”" in page_of(refused).plain


def test_saving_changes_every_setting_as_the_api_reads_them(admin, services, company, client):
    answer = admin.submit(PATH, PATH, name_format="last_comma_first", termination_policy="ignore",
                          ex_employee_group="  Alumni ", import_terminated=["on"], use_preferred_name=["on"],
                          managed_groups="Contractors\n\n  Interns \ncontractors\n")
    assert answer.status_code == 303 and answer.headers["Location"] == PATH
    assert _stored(services, company.id) == {
        "name_format": "last_comma_first", "termination_policy": "ignore", "ex_employee_group": "Alumni",
        "employee_group": "Employees", "import_terminated": True, "use_preferred_name": True,
        "managed_groups": ("Contractors", "Interns")}
    api = client.get("/api/v1/integration", headers=company.auth).get_json()["settings"]
    assert api["name_format"] == "last_comma_first" and api["managed_groups"] == ["Contractors", "Interns"]
    response, page = admin.open(PATH)
    assert "Sync settings saved" in page.plain
    form = page.form_to(PATH).fields()
    assert (form["name_format"], form["import_terminated"], form["managed_groups"]) == (
        "last_comma_first", ["on"], "Contractors\nInterns")
    # Unticking the boxes and emptying the groups turns them off again.
    admin.submit(PATH, PATH, import_terminated=[], use_preferred_name=[], managed_groups="")
    stored = _stored(services, company.id)
    assert (stored["import_terminated"], stored["use_preferred_name"], stored["managed_groups"]) == (False, False, ())


@pytest.mark.parametrize("changes, field, message", [
    pytest.param({"ex_employee_group": "   "}, "ex_employee_group", "Enter the name of the group", id="blank-group"),
    pytest.param({"ex_employee_group": "x" * 201}, "ex_employee_group", "at most 200 characters", id="long-group"),
    pytest.param({"name_format": "first_only"}, "name_format", "Choose one of the name formats", id="forged-format"),
    pytest.param({"termination_policy": "delete"}, "termination_policy", "Choose what happens", id="forged-policy"),
    pytest.param({"managed_groups": "\n".join(f"Group {n}" for n in range(51))}, "managed_groups", "at most 50",
                 id="too-many-groups"),
    pytest.param({"managed_groups": "Fine\n" + "y" * 201}, "managed_groups", "each at most 200", id="long-group-name"),
])
def test_a_refused_field_is_shown_on_itself_and_nothing_is_saved(admin, services, company, changes, field, message):
    before = _stored(services, company.id)
    answer = admin.submit(PATH, PATH, **({"name_format": "last_first", "use_preferred_name": ["on"]} | changes))
    page = page_of(answer)
    assert answer.status_code == 422 and "Nothing was saved" in page.plain and message in page.plain
    assert _stored(services, company.id) == before
    # The message sits on the field it concerns (tied to it for screen readers), the rest stays as typed.
    error_id = {"name_format": "name-format-error", "termination_policy": "termination-policy-error"}.get(
        field, f"field-{field}-error")
    assert f'id="{error_id}"' in page.text and page.text.count('class="error-text"') == 1
    assert f'aria-describedby="{error_id}"' in page.text or f'-help {error_id}"' in page.text
    form = page.form_to(PATH).fields()
    assert form["use_preferred_name"] == ["on"]
    if field != "name_format":
        assert form["name_format"] == "last_first"


def test_the_form_needs_its_csrf_token(admin, services, company):
    before = _stored(services, company.id)
    assert admin.client.post(PATH, data={"name_format": "last_first"}).status_code == 400
    assert _stored(services, company.id) == before


def test_an_approver_cannot_open_or_post_the_settings(approver, services, company):
    response, page = approver.open("/console")
    assert PATH not in dict(page.links)
    assert approver.client.get(PATH).status_code == 403
    token = page.form_to("/logout").fields()["csrf_token"]
    before = _stored(services, company.id)
    answer = approver.client.post(PATH, data={"csrf_token": token, "name_format": "last_first",
                                              "termination_policy": "ignore", "ex_employee_group": "X"})
    assert answer.status_code == 403 and _stored(services, company.id) == before


def test_signed_out_the_page_asks_to_sign_in(client):
    answer = client.get(PATH)
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
