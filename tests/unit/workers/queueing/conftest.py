"""Fixtures of the pipeline's unit tests: SQLite in memory, fakeredis, a scripted HR system, the job runtime."""

from __future__ import annotations

import pytest

from tests.plugin import make_test_settings
from workers import runtime

from pipeline_fakes import NAMESPACE, ScriptedHR


@pytest.fixture
def hr() -> ScriptedHR:
    return ScriptedHR()


@pytest.fixture
def provider_factory(hr):
    return hr.factory


@pytest.fixture
def settings(tmp_path):
    return make_test_settings(tmp_path, secret_key="k" * 32, namespace=NAMESPACE)


@pytest.fixture
def job_runtime(services, fake_redis):
    context = runtime.JobRuntime(services, fake_redis)
    runtime.use(context)
    return context
