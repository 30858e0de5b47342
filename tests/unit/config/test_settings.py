"""Settings.from_env: SPEC §2 defaults, production refusals, validation."""

import logging

import pytest
from cryptography.fernet import Fernet

from core.settings import ConfigError, Settings

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def test_defaults_follow_the_spec(tmp_path):
    settings = Settings.from_env({}, tmp_path)
    assert settings.database_url == f"sqlite:///{(tmp_path / 'hrsync.db').resolve()}"
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.cron_token is None
    assert settings.public_base_url == "http://localhost:8000"
    assert settings.provider_urls["BAMBOOHR_BASE_URL"] == "https://{subdomain}.bamboohr.com/api"
    assert settings.provider_urls["PERSONIO_BASE_URL"] == "https://api.personio.de"
    assert settings.smtp_url is None
    assert settings.sync_debounce_seconds == 5.0
    assert settings.env == "development"
    assert not settings.production
    assert settings.provider_pacing == "shared"  # every deployed process draws on one budget per credential


def test_dev_secrets_are_generated_once_and_reused(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        first = Settings.from_env({}, tmp_path)
    assert "SECRET_KEY not set" in caplog.text
    second = Settings.from_env({}, tmp_path)
    assert first.secret_key == second.secret_key
    assert first.encryption_keys == second.encryption_keys
    Fernet(first.encryption_keys[0])  # a usable key
    assert first.secret_key not in caplog.text


def test_environment_values_win(tmp_path):
    env = {"DATABASE_URL": "postgresql+psycopg://u@h/db", "REDIS_URL": "redis://r:1/2",
           "SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": f"{KEY_A}, {KEY_B}", "CRON_TOKEN": "c",
           "PUBLIC_BASE_URL": "https://hrsync.example/", "SYNC_DEBOUNCE_SECONDS": "1.5",
           "BAMBOOHR_BASE_URL": "http://127.0.0.1:8081/bamboohr/{subdomain}"}
    settings = Settings.from_env(env, tmp_path)
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.encryption_keys == (KEY_A, KEY_B)
    assert settings.public_base_url == "https://hrsync.example"
    assert settings.sync_debounce_seconds == 1.5
    assert settings.provider_urls["BAMBOOHR_BASE_URL"] == "http://127.0.0.1:8081/bamboohr/{subdomain}"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ENCRYPTION_KEYS"])
def test_production_refuses_generated_secrets(tmp_path, missing):
    env = {"HRSYNC_ENV": "production", "SECRET_KEY": "s" * 40, "ENCRYPTION_KEYS": KEY_A}
    del env[missing]
    with pytest.raises(ConfigError, match=f"{missing} must be set when HRSYNC_ENV=production"):
        Settings.from_env(env, tmp_path)
    assert not any(tmp_path.iterdir())


def test_production_with_real_secrets_starts(tmp_path):
    settings = Settings.from_env({"HRSYNC_ENV": "production", "SECRET_KEY": "s" * 40,
                                  "ENCRYPTION_KEYS": KEY_A}, tmp_path)
    assert settings.production


@pytest.mark.parametrize("env, message", [
    ({"ENCRYPTION_KEYS": "not-a-key"}, "ENCRYPTION_KEYS entry 1 is not a valid Fernet key"),
    ({"ENCRYPTION_KEYS": f"{KEY_A},nope"}, "ENCRYPTION_KEYS entry 2 is not a valid Fernet key"),
    ({"ENCRYPTION_KEYS": " , "}, "ENCRYPTION_KEYS is empty"),
    ({"SYNC_DEBOUNCE_SECONDS": "soon"}, "SYNC_DEBOUNCE_SECONDS must be a number"),
    ({"SYNC_DEBOUNCE_SECONDS": "-1"}, "SYNC_DEBOUNCE_SECONDS must not be negative"),
    ({"HRSYNC_ENV": "prod"}, "HRSYNC_ENV must be development, production or test"),
    ({"HRSYNC_PROVIDER_PACING": "fast"}, "HRSYNC_PROVIDER_PACING must be shared, local, off"),
], ids=["bad-key", "second-key-bad", "empty-keys", "debounce-text", "debounce-negative", "unknown-env",
        "unknown-pacing"])
def test_invalid_values_are_refused_clearly(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env, tmp_path)


def test_invalid_key_error_does_not_echo_the_value(tmp_path):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"ENCRYPTION_KEYS": "supersecretvalue"}, tmp_path)
    assert "supersecretvalue" not in str(caught.value)


def test_repr_hides_secrets(tmp_path):
    settings = Settings.from_env({"SECRET_KEY": "topsecret-key", "CRON_TOKEN": "cron-secret",
                                  "SMTP_URL": "smtp://u:pw@host",
                                  "DATABASE_URL": "postgresql+psycopg://hrsync:db-password@db/hrsync",
                                  "REDIS_URL": "redis://:redis-password@cache:6379/0"}, tmp_path)
    text = repr(settings)
    for secret in ("topsecret-key", "cron-secret", "pw@host", settings.encryption_keys[0], "db-password",
                   "redis-password"):
        assert secret not in text


def test_to_env_rebuilds_the_same_settings(tmp_path):
    original = Settings.from_env({"CRON_TOKEN": "c", "SYNC_DEBOUNCE_SECONDS": "2",
                                  "PUBLIC_BASE_URL": "https://x.example"}, tmp_path)
    assert Settings.from_env(original.to_env()) == original


def test_the_namespace_is_derived_from_the_database_stably_and_apart(tmp_path):
    """SPEC §2: two installations on one Redis never share keys; one installation's processes agree."""
    def namespace(url: str) -> str:
        return Settings.from_env({"DATABASE_URL": url}, tmp_path).namespace

    production = namespace("postgresql+psycopg://hrsync:first-password@db/hrsync")
    assert production == namespace("postgresql://hrsync:rotated-password@db/hrsync")  # driver and password aside
    assert production != namespace("postgresql+psycopg://hrsync:first-password@db/staging")
    assert namespace(f"sqlite:///{tmp_path / 'a.db'}") != namespace(f"sqlite:///{tmp_path / 'b.db'}")
    assert Settings.from_env({}, tmp_path).namespace == Settings.from_env({}, tmp_path).namespace
    assert len(production) == 12 and production.isalnum()


def test_an_explicit_namespace_wins_and_is_checked(tmp_path):
    assert Settings.from_env({"HRSYNC_NAMESPACE": "staging_2"}, tmp_path).namespace == "staging_2"
    for wrong in ("two words", "colon:separated", "x" * 41):
        with pytest.raises(ConfigError, match="HRSYNC_NAMESPACE may hold only letters, digits"):
            Settings.from_env({"HRSYNC_NAMESPACE": wrong}, tmp_path)


def test_a_child_process_gets_the_same_namespace(tmp_path):
    parent = Settings.from_env({"DATABASE_URL": "postgresql://u:pw@db/hrsync"}, tmp_path)
    child = Settings.from_env({**parent.to_env(), "DATABASE_URL": "postgresql://u:pw@db.internal/hrsync"})
    assert child.namespace == parent.namespace  # passed on, not derived again from another spelling
