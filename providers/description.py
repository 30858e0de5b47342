"""What hrsync knows about an HR system, written once per provider: everything outside `providers/` derives from it.

The web app's webhook route, the credential schemas and the OpenAPI document, the CLI's options, the templates'
labels, the settings' base URLs and the coalescing's dedupe window read these values (`providers.registry`), so a
new HR system is a provider module with one `ProviderDescription`, and one line in the registry.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from providers.base import ChangeNotice, HRProvider


class WebhookSecret(enum.StrEnum):
    """How a company's webhook secret comes to be."""

    GENERATED = "generated"  # hrsync generates it and shows it once; the company pastes it into the HR system
    PASTED = "pasted"        # the HR system generates it; the company pastes it into hrsync
    NONE = "none"            # no webhooks hrsync can verify: scheduled syncs keep the company in step


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One credential a company gives: its key in the stored credentials, what people call it and where to find it."""

    key: str
    label: str
    help: str
    secret: bool = False
    required: bool = True
    max_length: int = 512
    example: str | None = None
    # A closed set of values (the first is the default of an optional field).
    choices: tuple[str, ...] = ()

    @property
    def option(self) -> str:
        """The command line's option: `api_key` → `--api-key`."""
        return "--" + self.key.replace("_", "-")


@dataclass(frozen=True, slots=True)
class ProviderOption:
    """A company's choice, on or off, about how hrsync reads this HR system (HiBob: is garden leave a leaver?).

    Stored with the company's integration and handed to the provider as the keyword argument `key` whenever it is
    built for a sync; the console, the API and the CLI show it from here.
    """

    key: str
    label: str
    help: str
    default: bool = False

    @property
    def flag(self) -> str:
        """The command line's switch: `garden_leave_leaver` → `--garden-leave-leaver/--no-garden-leave-leaver`."""
        name = self.key.replace("_", "-")
        return f"--{name}/--no-{name}"


@dataclass(frozen=True, slots=True)
class UrlSetting:
    """A deployment setting holding an HR system's address (`PERSONIO_BASE_URL`), with its default."""

    variable: str
    default: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class WebhookRegistration:
    """hrsync can create the company's webhook through the HR system's API (the provider implements
    `providers.base.WebhookRegistrar`), with the company's stored credentials: one button instead of the steps."""

    # The events the webhook subscribes to, in the HR system's names.
    events: tuple[str, ...]
    # What the credential must be allowed to do for that, in a person's words (shown beside the button).
    needs: str = ""


@dataclass(frozen=True, slots=True)
class Webhooks:
    """How the HR system reports changes, and how a company sets that up."""

    secret: WebhookSecret
    # What the HR system calls the secret ("webhook private key"), and where a company finds or pastes it.
    secret_label: str = "webhook secret"
    secret_help: str = ""
    # What a company does in the HR system with the webhook URL (and the secret), in one sentence (the CLI's hint).
    setup: str = ""
    # The same as numbered steps for the console's Webhooks page, each a sentence a person follows in the HR system
    # (the URL and the secret are shown beside them); empty: `setup` is shown instead.
    steps: tuple[str, ...] = ()
    # How long the HR system retries a delivery hrsync did not acknowledge: duplicates are recognised that long.
    retry_seconds: float = 0.0
    # The body is signed (an HMAC over the raw bytes); False: a token authenticates the sender, not the body.
    signed: bool = True
    # How long a webhook's re-fetch waits for the HR system's API to serve the change (0: no wait is known).
    refetch_delay: float = 0.0
    # hrsync registers the webhook itself when the company asks (None: the company follows the steps).
    registration: WebhookRegistration | None = None

    @property
    def supported(self) -> bool:
        return self.secret is not WebhookSecret.NONE

    @property
    def registrable(self) -> bool:
        return self.supported and self.registration is not None


@dataclass(frozen=True, slots=True)
class ProviderDescription:
    """One HR system as hrsync sees it; `target` names the HRProvider class (`module:Class`), imported on demand."""

    name: str
    label: str
    target: str
    credentials: tuple[CredentialField, ...]
    webhooks: Webhooks
    base_url: UrlSetting
    # The HR system's own test environment, for credentials that ask for it (HiBob's sandbox host); None: none.
    test_base_url: UrlSetting | None = None
    # The hire-date rule: employees without a hire date are skipped (never imported) when True.
    require_hire_date: bool = False
    # The call that proves credentials before they are saved, in a person's words.
    verification: str = ""
    # Whether the HR system answers "who changed since" (else changed_since lists everyone and the diff decides).
    changed_since: bool = False
    # What a person is told about keeping the company in step (shown where webhooks are set up).
    note: str = ""
    # The company's choices about reading this HR system, passed to the provider when it is built.
    options: tuple[ProviderOption, ...] = ()
    # The HR system's attribute keys a credential must be allowed to read for the default mapping, where the HR
    # system makes whoever creates the credential tick each one (Personio); empty when it has no such choice.
    readable: tuple[str, ...] = ()

    @property
    def schema_name(self) -> str:
        """A name for generated types: `BambooHR` → `BambooHR`, `Hi Bob!` → `HiBob`."""
        return re.sub(r"[^A-Za-z0-9]", "", self.label)

    def field(self, key: str) -> CredentialField:
        return next(f for f in self.credentials if f.key == key)

    def option_values(self, stored: Mapping[str, Any] | None) -> dict[str, bool]:
        """Each declared option's value: the company's stored choice, else the option's default. Keys this provider
        does not declare (another provider's, from before a switch) are left out."""
        stored = stored or {}
        return {option.key: stored[option.key] if isinstance(stored.get(option.key), bool) else option.default
                for option in self.options}

    def provider_class(self) -> type["HRProvider"]:
        module_name, _, attr = self.target.partition(":")
        module = __import__(module_name, fromlist=[attr])
        return getattr(module, attr)

    def verify_webhook(self, body: bytes, headers: Mapping[str, str], secret: str, now: float) -> "ChangeNotice":
        """The provider's own check of a raw delivery (pure: no client is built)."""
        return self.provider_class().verify_webhook(body, headers, secret, now)
