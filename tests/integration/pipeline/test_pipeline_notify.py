"""Approve-link notifications over real SMTP (a minimal SMTP server on loopback) and into the outbox."""

from __future__ import annotations

import base64
import email
import socketserver
import threading

import pytest
from cryptography.fernet import Fernet

from core.settings import Settings
from services import notify


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO with AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        server = self.server
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            verb, _, argument = line.decode().strip().partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250-test\r\n250 AUTH PLAIN")
            elif verb == "AUTH":
                _, _, encoded = argument.partition(" ")
                server.logins.append(base64.b64decode(encoded).split(b"\0")[1:])
                self.reply("235 ok")
            elif verb in ("MAIL", "RCPT"):
                server.envelope.append(argument)
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                server.messages.append(self._data())
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) != b".\r\n":
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.logins, server.envelope, server.messages = [], [], []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


NOTICE = notify.ApprovalNotice(company_name="Acme GmbH", provider_label="BambooHR", changeset_id=7,
                               approve_url="https://hrsync.example/approvals/abc.def.ghi",
                               counts={"create": 2, "update": 1, "review": 0},
                               recipients=("cfo@acme.example", "ceo@acme.example"), expires_in_days=7)


def _settings(tmp_path, smtp_url: str | None) -> Settings:
    return Settings(database_url="sqlite://", secret_key="s" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                    smtp_url=smtp_url, instance_path=tmp_path, public_base_url="https://hrsync.example")


def test_the_link_is_mailed_over_smtp_with_login(smtp_server, tmp_path):
    port = smtp_server.server_address[1]
    settings = _settings(tmp_path, f"smtp://mailer:p%40ss-word@127.0.0.1:{port}?from=hrsync@acme.example")

    assert notify.send(settings, NOTICE) == "smtp"

    (raw,) = smtp_server.messages
    message = email.message_from_bytes(raw)
    assert smtp_server.logins == [[b"mailer", b"p@ss-word"]]
    assert message["From"] == "hrsync@acme.example" and message["To"] == "cfo@acme.example, ceo@acme.example"
    assert "3 changes from BambooHR" in message["Subject"] and "Acme GmbH" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert NOTICE.approve_url in body and "create: 2" in body and "review" not in body
    assert "p@ss-word" not in raw.decode() and "p%40ss-word" not in raw.decode()
    assert not (tmp_path / "outbox").exists()


def test_without_smtp_the_message_lands_in_the_outbox(tmp_path, caplog):
    caplog.set_level("INFO", logger="services.notify")
    where = notify.send(_settings(tmp_path, None), NOTICE)

    (path,) = (tmp_path / "outbox").glob("*.eml")
    assert where == str(path)
    message = email.message_from_bytes(path.read_bytes())
    assert message["From"] == "hrsync@hrsync.example"
    assert NOTICE.approve_url in message.get_payload(decode=True).decode()
    assert NOTICE.approve_url in caplog.text  # a developer finds the link in the log


def test_a_mail_server_that_refuses_raises(tmp_path):
    settings = _settings(tmp_path, "smtp://127.0.0.1:1")  # nothing listens on port 1
    with pytest.raises(OSError):
        notify.send(settings, NOTICE)
