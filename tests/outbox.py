"""Reading the development outbox (`instance/outbox/*.eml`): the messages to an address, and the links in them."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


def messages_to(instance_path: Path, address: str) -> list[EmailMessage]:
    """Messages to `address`, oldest first."""
    found = []
    for path in sorted((Path(instance_path) / "outbox").glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in [part.strip() for part in str(message["To"]).split(",")]:
            found.append(message)
    return found


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """The one URL in the message's text whose path starts with `path_prefix` (e.g. "/set-password/")."""
    words = message.get_content().split()
    links = [word for word in words if word.startswith(("http://", "https://")) and path_prefix in word]
    assert len(links) == 1, f"expected one {path_prefix} link in the message, found {len(links)}"
    return links[0]


def last_link_to(instance_path: Path, address: str, path_prefix: str = "/set-password/") -> str:
    sent = messages_to(instance_path, address)
    assert sent, f"no message to {address} in the outbox"
    return link_in(sent[-1], path_prefix)
