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
