"""Provider errors: messages a person can act on, never a secret."""


class ProviderError(Exception):
    """The HR system answered something hrsync cannot use (bad request, bad JSON, 404...)."""


class ProviderAuthError(ProviderError):
    """The HR system rejected the credentials (401/403): a person must fix them."""


class ProviderUnavailable(ProviderError):
    """Transient: throttled, 5xx or unreachable after the retries; worth retrying later."""


class UnknownProvider(ProviderError):
    """No provider of that name."""


class WebhookRejected(ProviderError):
    """A webhook delivery failed authentication (→ 401)."""


class MalformedWebhook(ProviderError):
    """A webhook delivery authenticated but its body is not understood (→ 400)."""


class WebhookRegistrationRefused(ProviderError):
    """The HR system refused a webhook management call; `reason` says which way: "permission" (the credential may not
    manage webhooks), "address" (it will not post to that URL), "conflict" (a webhook is in the way) or "refused"."""

    REASONS = ("permission", "address", "conflict", "refused")

    def __init__(self, message: str, reason: str = "refused") -> None:
        super().__init__(message)
        self.reason = reason if reason in self.REASONS else "refused"
