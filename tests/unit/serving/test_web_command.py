"""`hrsync web` on an address it cannot listen on (issue 12 item 12): one `Error: …` line and exit 1, at once —
gunicorn itself logged five retries over five seconds."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from hrsync.cli import main
from webhook_app.serving.server import gunicorn_options
from webhook_app.serving.threads import ReadTimeoutWorker


@pytest.fixture
def env(tmp_path):
    return {"HRSYNC_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
            "SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": Fernet.generate_key().decode()}


@pytest.fixture
def busy_port():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_busy_port_is_one_line(env, busy_port):
    result = CliRunner().invoke(main, ["web", "--bind", f"127.0.0.1:{busy_port}"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{busy_port}: address already in use (is another hrsync web running?)"]


@pytest.mark.parametrize("bind", ["127.0.0.1:port", "203.0.113.1:8000"], ids=["malformed", "not-this-machine"])
def test_an_address_it_cannot_use_is_one_line(env, bind):
    result = CliRunner().invoke(main, ["web", "--bind", bind], env=env)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and bind in lines[0]


def test_the_server_runs_threaded_workers_with_a_read_timeout_and_the_redacting_log():
    options = gunicorn_options("127.0.0.1:0", workers=2, threads=8, read_timeout=3)
    assert issubclass(options["worker_class"], ReadTimeoutWorker) and options["threads"] == 8
    assert options["worker_class"].client_socket.read_timeout == 3.0
    assert options["logger_class"].__name__ == "RedactingLogger" and options["accesslog"] == "-"
