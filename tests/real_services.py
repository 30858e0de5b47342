"""What the tiers on real services share: the two database backends and a Redis db emptied around a test."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest
from redis import Redis

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@contextmanager
def flushed_redis(url: str) -> Iterator[Redis]:
    """A client of the Redis db at `url`, emptied before and after (each suite has a db index of its own)."""
    client = Redis.from_url(url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
