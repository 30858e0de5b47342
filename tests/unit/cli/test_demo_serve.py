"""`hrsync demo --serve`: the closing instruction's command line, serving without a demo database, and the HR data
it plays: the demo's own, rebuilt from the credentials stored in the companies' integrations."""

from __future__ import annotations

import dataclasses
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from hrsync.cli import main
from hrsync.demo import hr_systems
from hrsync.demo.serve import serve_command
from sandbox.state import SandboxState


def test_the_command_names_an_absolute_instance_path_and_hrsync_itself(tmp_path, monkeypatch):
    folder = tmp_path / "my clone" / "instance"
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "no-such" / "hrsync")])  # not a file: hrsync beside python
    words = shlex.split(serve_command(folder, "http://localhost:8000"))
    assert words == [f"HRSYNC_INSTANCE_PATH={folder.resolve()}", str(Path(sys.executable).with_name("hrsync")),
                     "demo", "--serve"]


def test_a_public_base_url_of_its_own_goes_into_the_command(tmp_path):
    words = shlex.split(serve_command(tmp_path, "http://localhost:8123"))
    assert words[1] == "PUBLIC_BASE_URL=http://localhost:8123" and words[-2:] == ["demo", "--serve"]


def test_serving_before_any_demo_is_one_line(tmp_path):
    env = {"HRSYNC_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40,
           "ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    result = CliRunner().invoke(main, ["demo", "--serve"], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: the demo stopped: no demo database at "
                                     f"{(tmp_path / 'demo' / 'hrsync.db').resolve()}: run `hrsync demo` first")


@pytest.mark.parametrize("provider", ["bamboohr", "personio", "hibob"])
def test_serving_rebuilds_the_demos_hr_data_from_the_stored_credentials(provider):
    """What `demo --serve` plays is what the demo synced: the same people, and the same change its webhook told."""
    credentials = hr_systems.new_credentials(provider)
    played = []
    for _run in ("demo", "serve"):
        state = SandboxState()
        tenant = hr_systems.add_tenant(state, provider, dict(credentials), 30)
        person, told = hr_systems.change_for_webhook(state, provider, tenant)
        people = [dataclasses.asdict(p) | {"updated_at": None} for p in tenant.people]  # the change's time aside
        played.append((people, person.id, told))
    assert played[0] == played[1]
    assert played[0][2].endswith(("moved to Zürich", "leaves on 2026-01-31", "married"))


def test_another_secret_makes_a_tenant_that_refuses_the_old_one():
    first, second = hr_systems.new_credentials("bamboohr"), hr_systems.new_credentials("bamboohr")
    assert first["subdomain"] == second["subdomain"] and first["api_key"] != second["api_key"]
    assert first["api_key"].startswith("sandbox-")


def test_the_number_of_employees_is_kept_beside_the_demo_database(tmp_path):
    assert hr_systems.read_employees(tmp_path) == hr_systems.DEFAULT_EMPLOYEES  # a demo folder from before
    hr_systems.write_manifest(tmp_path, 120)
    assert hr_systems.read_employees(tmp_path) == 120
