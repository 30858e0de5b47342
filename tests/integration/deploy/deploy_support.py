"""What the checks of deploy/ share: the tools, a self-signed certificate, the nginx site under a private prefix, a
stand-in for gunicorn that records what reaches it, and systemd unit files read as systemd reads them."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
SERVER_NAME = "hrsync.example.com"
# Where the units expect the virtual environment; the checks put this run's (made by `make install`) in its place.
INSTALLED_VENV = "/opt/hrsync/venv"
TOOL_PACKAGES = {"nginx": "nginx", "promtool": "prometheus", "systemd-analyze": "systemd", "curl": "curl"}


def tool(name: str) -> str:
    """The path of a tool the checks run; `make system-deps` installs each from Debian's packages."""
    path = shutil.which(name, path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    if path is None:
        pytest.fail(f"{name} is missing: run `make system-deps` (Debian package {TOOL_PACKAGES[name]})")
    return path


def run(*command: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **options)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for the site's name and 127.0.0.1, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = datetime.datetime.now(datetime.timezone.utc)
    names = [x509.DNSName(SERVER_NAME), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(names), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def replace_once(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced; fails unless `old` occurs exactly once (the file under test changed)."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the file under test"
    return text.replace(old, new)


@dataclass(frozen=True)
class NginxSite:
    """deploy/nginx/hrsync.conf under a private prefix: only what names this machine is replaced — the ports,
    the certificate, the log files and the upstream's address — the rest is the file as shipped."""

    prefix: Path
    http_port: int
    https_port: int
    upstream_port: int
    cert: Path
    access_log: Path
    error_log: Path

    @classmethod
    def build(cls, prefix: Path, http_port: int, https_port: int, upstream_port: int) -> "NginxSite":
        cert, key = self_signed_certificate(prefix)
        site = cls(prefix, http_port, https_port, upstream_port, cert, prefix / "hrsync.access.log",
                   prefix / "hrsync.error.log")
        text = (DEPLOY / "nginx" / "hrsync.conf").read_text()
        for old, new in (
            ("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;\n", ""),
            ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"), ("listen [::]:443 ssl;\n", ""),
            (f"/etc/letsencrypt/live/{SERVER_NAME}/fullchain.pem", str(cert)),
            (f"/etc/letsencrypt/live/{SERVER_NAME}/privkey.pem", str(key)),
            ("error_log /var/log/nginx/hrsync.error.log;", f"error_log {site.error_log};"),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ):
            text = replace_once(text, old, new)
        assert text.count("/var/log/nginx/hrsync.access.log") == 2
        (prefix / "hrsync.conf").write_text(text.replace("/var/log/nginx/hrsync.access.log", str(site.access_log)))
        (prefix / "nginx.conf").write_text(_main_config(prefix))
        return site

    def command(self, *arguments: str) -> list[str]:
        """nginx on this prefix, with its startup error log there too (-e) rather than in /var/log/nginx."""
        return [tool("nginx"), "-p", f"{self.prefix}/", "-c", str(self.prefix / "nginx.conf"),
                "-e", str(self.prefix / "error.log"), *arguments]


def _main_config(prefix: Path) -> str:
    """A minimal nginx.conf around the site, as Debian's includes sites-enabled/ inside `http {}`."""
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    # As root, nginx's workers would switch to `nobody`, who cannot enter pytest's private temporary directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (f"{user}pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\nevents {{}}\n"
            f"http {{\n{temp}    access_log {prefix / 'access.log'};\n    include {prefix / 'hrsync.conf'};\n}}\n")


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    command_lines: str = ""


@dataclass
class StandIn:
    """Answers for gunicorn: records each request; `/drop` closes the connection without an answer; a request
    under /cron/ also records every process's command line at the moment it arrives (its sender still runs)."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @classmethod
    def start(cls) -> "StandIn":
        stand_in = cls(ThreadingHTTPServer(("127.0.0.1", 0), _Handler))
        stand_in.server.stand_in = stand_in
        threading.Thread(target=stand_in.server.serve_forever, daemon=True).start()
        return stand_in

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        if self.path.startswith("/cron/"):
            received.command_lines = _command_lines()
        self.server.stand_in.received.append(received)
        if self.path.endswith("/drop"):
            self.close_connection = True
            return
        body = json.dumps({"answered": self.path}).encode()
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_arguments) -> None:
        pass


def _command_lines() -> str:
    """Every process's command line (what `ps` shows any user), one per line."""
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass  # the process ended meanwhile
    return "\n".join(lines)


def unit_entries(path: Path, section: str) -> dict[str, list[str]]:
    """The `Key=value` entries of one section of a unit file (each key's values in order)."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in path.read_text().splitlines():
        assert not line.endswith("\\"), "continuation lines are not read here"
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section and line.strip() and not line.lstrip().startswith(("#", ";")):
            key, _, value = line.partition("=")
            entries.setdefault(key.strip(), []).append(value.strip())
    return entries


def exec_argv(command_line: str) -> list[str]:
    """An Exec*= line as systemd passes it on, for lines that use only quoting, `%%` and `$$` (asserted)."""
    assert not re.search(r"%[^%]", command_line.replace("%%", "")), "a specifier other than %% is not emulated"
    assert not re.search(r"\$[^$]", command_line.replace("$$", "")), "systemd's $VAR expansion is not emulated"
    assert "\\" not in command_line, "C escapes are not emulated"
    return [word.replace("%%", "%").replace("$$", "$") for word in shlex.split(command_line.lstrip("-@:+!"))]
