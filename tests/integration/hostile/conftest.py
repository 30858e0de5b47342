"""Hostile input on real services: the fixtures of hostile_services.py."""

from tests.integration.hostile.hostile_services import (  # noqa: F401  (fixtures)
    database_url, redis, run_worker, services, settings, web)
