"""`hrsync demo --serve`: the closing instruction's command line, and serving without a demo database."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from click.testing import CliRunner
from cryptography.fernet import Fernet

from hrsync.cli import main
from hrsync.demo.serve import serve_command


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
