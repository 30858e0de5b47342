"""The suite's own support is shared, not copied (issue 14 item 6): one plugin (tests/plugin.py) for settings,
services, Redis, cheap hashing, the app and its client; forms read by an HTML parser (tests/pages.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from argon2 import extract_parameters

from store import passwords
from tests.pages import Page
from tests.plugin import CHEAP_HASHER, redis_url

TESTS = Path(__file__).resolve().parents[2]
PLUGIN = TESTS / "plugin.py"
# A regular expression that reads a form's markup: an <input …> or a field's value.
FORM_REGEX = re.compile(r"""re\.(compile|search|findall|finditer|match|fullmatch)\(\s*r?(['"])[^\n]*(<input|name=\\?"[a-z_]+\\?" value=)""")


def source_files() -> list[Path]:
    """Every Python file of the suite but its fixtures' data and this file (which names what it looks for)."""
    return [path for path in TESTS.rglob("*.py") if "fixtures" not in path.parts and path != Path(__file__).resolve()]


def fixtures(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text())
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)]


def test_cheap_hashing_and_fake_redis_are_defined_once():
    defined = {}
    for path in source_files():
        for node in fixtures(path):
            if node.name in ("cheap_password_hashing", "fake_redis"):
                defined.setdefault(node.name, []).append(str(path.relative_to(TESTS)))
            if node.name == "redis_server" and "FakeServer" in ast.unparse(node):
                defined.setdefault("redis_server (fake)", []).append(str(path.relative_to(TESTS)))
    assert defined.pop("cheap_password_hashing") == ["plugin.py"]
    assert defined.pop("redis_server (fake)") == ["plugin.py"]
    # test_cli_admin's fake_redis is another thing: it patches the CLI's Redis connection.
    assert sorted(defined.pop("fake_redis")) == ["plugin.py", "unit/cli/test_cli_admin.py"]
    patched = [str(path.relative_to(TESTS)) for path in source_files()
               if 'setattr(passwords, "_hasher"' in path.read_text()]
    assert patched == ["plugin.py"]


def test_services_are_built_in_one_place():
    # Elsewhere only where a wider scope needs its own (module-scoped), and then built by the plugin's open_services.
    others = []
    for path in source_files():
        for node in fixtures(path):
            if node.name == "services" and path != PLUGIN:
                others.append((str(path.relative_to(TESTS)), "open_services(" in ast.unparse(node),
                               "module" in ast.unparse(node.decorator_list[0])))
    assert all(shared and module_scoped for _, shared, module_scoped in others), others
    assert len(others) <= 2


def test_no_test_reads_a_form_with_a_regular_expression():
    offending = [str(path.relative_to(TESTS)) for path in source_files() if FORM_REGEX.search(path.read_text())]
    assert offending == []


def test_every_test_hashes_cheaply_and_the_dummy_hash_is_the_cheap_ones():
    assert passwords._hasher() is CHEAP_HASHER
    parameters = extract_parameters(passwords.dummy_hash())
    assert (parameters.time_cost, parameters.memory_cost) == (1, 1024)


def test_redis_on_real_services_is_the_one_hrsync_test_redis_names(monkeypatch):
    monkeypatch.setenv("HRSYNC_TEST_REDIS", "redis://127.0.0.1:6999/")
    assert redis_url(2) == "redis://127.0.0.1:6999/2"
    monkeypatch.delenv("HRSYNC_TEST_REDIS")
    assert redis_url(5) == "redis://127.0.0.1:6379/5"


PAGE = """<html><body><form method="POST" action="/approvals/t">
<input type="hidden" name="csrf_token" value="a&amp;b">
<input type=email name=email value="cfo@acme.example"><input type="password" name="password">
<input type="checkbox" name="include" value="1" checked><input type="checkbox" name="include" value="2">
<input type="checkbox" name="include" value="3"
       checked>
<label><input type="radio" name="resolve-4" value="create"> Create</label>
<label><input type="radio" name="resolve-4" value="skip" checked> Skip</label>
<input type="radio" name="resolve-5" value="create">
<select name="name_format"><option value="first_last">First Last</option>
  <option value="last_first" selected>Last First</option></select>
<select name="group"><option>Employees</option><option>Advisors</option></select>
<textarea name="note">Line &lt;one&gt;</textarea>
<input type="text" name="ignored" value="x" disabled>
<button type="submit" name="go" value="1">Apply</button>
</form><form method="get" action="/search"><input name="q"></form></body></html>"""


def test_the_page_helper_sends_what_a_browser_sends():
    page = Page(PAGE)
    form = page.form()
    assert (form.method, form.action, page.form(1).action) == ("post", "/approvals/t", "/search")
    assert form.fields() == {"csrf_token": "a&b", "email": "cfo@acme.example", "password": "",
                             "include": ["1", "3"], "resolve-4": "skip", "name_format": "last_first",
                             "group": "Employees", "note": "Line <one>"}
    assert form.fields(password="pw", note=None)["password"] == "pw" and "note" not in form.fields(note=None)
    assert form.field("email").type == "email"
    assert Page('<form><input type="checkbox" name="include" value="1"></form>').form().fields() == {"include": []}
