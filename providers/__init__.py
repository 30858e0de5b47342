"""HR system clients behind one interface; the registry describes each one and `get_provider` builds it."""

from providers.registry import PROVIDERS, describe, get_provider, provider_class

__all__ = ["PROVIDERS", "describe", "get_provider", "provider_class"]
