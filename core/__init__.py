"""The core below the use cases and entrypoints: settings, the composition root, errors, queueing, links, lockout."""
