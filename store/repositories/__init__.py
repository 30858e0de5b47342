"""Repositories: small function modules taking a Session; callers own the transaction."""
