"""HR system clients behind one interface; `get_provider` picks one by name."""

from providers.registry import PROVIDERS, get_provider, provider_class

__all__ = ["PROVIDERS", "get_provider", "provider_class"]
