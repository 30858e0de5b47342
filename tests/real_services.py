"""What the tiers on real services share: the two database backends and a Redis db emptied around a test."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import pytest
from redis import Redis

BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


def redis_url(db: int) -> str:
    """The URL of Redis db `db` on the test Redis server: `HRSYNC_TEST_REDIS` (e.g. redis://127.0.0.1:6390) or the
    machine's own on 6379. Suites running side by side on one machine each point it at a server of their own."""
    base = os.environ.get("HRSYNC_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
    return f"{base}/{int(db)}"


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
