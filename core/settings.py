"""Settings: the only place that reads the environment (SPEC §2)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.errors import ConfigError
from providers.registry import url_settings

log = logging.getLogger(__name__)

# The HR systems' addresses (BASE_URL variables and their defaults), as the provider registry describes them.
PROVIDER_URLS: Mapping[str, str] = url_settings()
# It becomes part of RQ job ids, which allow letters, digits, `-` and `_` only.
NAMESPACE = re.compile(r"[A-Za-z0-9_-]{1,40}")
# How calls to the HR systems are paced within their published limits (providers.pacing): budgets shared through
# Redis by every process (the default), kept per process, or none (a benchmark against an unlimited sandbox).
PACING_MODES = ("shared", "local", "off")


@dataclass(frozen=True)
class Settings:
    """Deployment configuration. Tests build it directly; processes use `from_env()`."""

    # URLs may carry a password (postgresql://user:pw@…, redis://:pw@…): kept out of repr like the secrets.
    database_url: str = field(repr=False)
    secret_key: str = field(repr=False)
    encryption_keys: tuple[str, ...] = field(repr=False)
    redis_url: str = field(default="redis://localhost:6379/0", repr=False)
    cron_token: str | None = field(default=None, repr=False)
    public_base_url: str = "http://localhost:8000"
    # Variable (a provider's `…_BASE_URL`) → address; the ones not given keep the registry's defaults.
    provider_urls: Mapping[str, str] = field(default_factory=dict)
    smtp_url: str | None = field(default=None, repr=False)
    sync_debounce_seconds: float = 5.0
    env: str = "development"
    instance_path: Path = Path("instance")
    provider_timeout: float = 30.0
    approve_link_max_age: int = 7 * 24 * 3600
    # Built in code (tests, tools), a process paces itself; from the environment (deployed processes) the default
    # is "shared", see from_env.
    provider_pacing: str = "local"
    # Prefix of every Redis key, queue and job id; empty: derived from database_url when built. (A
    # dataclasses.replace() keeps it: pass namespace="" to derive it from the new database_url.)
    namespace: str = ""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.provider_urls) - set(PROVIDER_URLS))
        if unknown:
            raise ConfigError(f"no HR system has the setting {', '.join(unknown)}")
        urls = {name: str(self.provider_urls.get(name) or default).rstrip("/")
                for name, default in PROVIDER_URLS.items()}
        object.__setattr__(self, "provider_urls", urls)
        if not self.namespace:
            object.__setattr__(self, "namespace", derived_namespace(self.database_url))
        elif not NAMESPACE.fullmatch(self.namespace):
            raise ConfigError("HRSYNC_NAMESPACE may hold only letters, digits, '-' and '_' (at most 40)")

    def with_provider_urls(self, urls: Mapping[str, str]) -> "Settings":
        """These settings with the HR addresses among `urls` replaced (a sandbox's list may name more systems)."""
        known = {name: value for name, value in urls.items() if name in PROVIDER_URLS}
        return replace(self, provider_urls={**self.provider_urls, **known})

    @property
    def production(self) -> bool:
        return self.env == "production"

    def to_env(self) -> dict[str, str]:
        """The variables that rebuild these settings in a child process (secrets included: pass, never print)."""
        env = {
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url, "SECRET_KEY": self.secret_key,
            "ENCRYPTION_KEYS": ",".join(self.encryption_keys), "PUBLIC_BASE_URL": self.public_base_url,
            **self.provider_urls,
            "SYNC_DEBOUNCE_SECONDS": str(self.sync_debounce_seconds), "HRSYNC_ENV": self.env,
            "HRSYNC_INSTANCE_PATH": str(self.instance_path), "HRSYNC_PROVIDER_TIMEOUT": str(self.provider_timeout),
            "APPROVE_LINK_MAX_AGE": str(self.approve_link_max_age), "HRSYNC_PROVIDER_PACING": self.provider_pacing,
            "HRSYNC_NAMESPACE": self.namespace,
        }
        optional = {"CRON_TOKEN": self.cron_token, "SMTP_URL": self.smtp_url}
        env.update({name: value for name, value in optional.items() if value})
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None,
                 instance_path: Path | str | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        instance = Path(instance_path or env.get("HRSYNC_INSTANCE_PATH") or "instance")
        mode = env.get("HRSYNC_ENV", "development")
        if mode not in ("development", "production", "test"):
            raise ConfigError(f"HRSYNC_ENV must be development, production or test, not {mode!r}")
        production = mode == "production"
        pacing = env.get("HRSYNC_PROVIDER_PACING") or "shared"
        if pacing not in PACING_MODES:
            raise ConfigError(f"HRSYNC_PROVIDER_PACING must be {', '.join(PACING_MODES)}, not {pacing!r}")
        secret_key = env.get("SECRET_KEY") or _dev_secret(instance, "secret_key", production,
                                                           "SECRET_KEY", secrets.token_urlsafe(48))
        keys_text = env.get("ENCRYPTION_KEYS") or _dev_secret(
            instance, "encryption_keys", production, "ENCRYPTION_KEYS", Fernet.generate_key().decode())
        keys = tuple(k.strip() for k in keys_text.split(",") if k.strip())
        _check_fernet_keys(keys)
        return cls(
            database_url=env.get("DATABASE_URL") or f"sqlite:///{(instance / 'hrsync.db').resolve()}",
            secret_key=secret_key,
            encryption_keys=keys,
            redis_url=env.get("REDIS_URL", "redis://localhost:6379/0"),
            cron_token=env.get("CRON_TOKEN") or None,
            public_base_url=env.get("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/"),
            provider_urls={name: env[name] for name in PROVIDER_URLS if env.get(name)},
            smtp_url=env.get("SMTP_URL") or None,
            sync_debounce_seconds=_number(env, "SYNC_DEBOUNCE_SECONDS", 5.0),
            env=mode,
            instance_path=instance,
            provider_timeout=_number(env, "HRSYNC_PROVIDER_TIMEOUT", 30.0),
            approve_link_max_age=int(_number(env, "APPROVE_LINK_MAX_AGE", 7 * 24 * 3600)),
            provider_pacing=pacing,
            namespace=env.get("HRSYNC_NAMESPACE", "").strip(),
        )


def derived_namespace(database_url: str) -> str:
    """The default namespace: a digest of the database's address, so that one database always gives the same and
    two give different ones. Its password is left out (rotating it keeps the namespace), and so is the driver."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a database URL") from None
    url = url.set(drivername=url.get_backend_name())
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        url = url.set(database=str(Path(url.database).resolve()))  # a relative path is relative to the cwd
    return hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def _check_fernet_keys(keys: tuple[str, ...]) -> None:
    if not keys:
        raise ConfigError("ENCRYPTION_KEYS is empty: give at least one Fernet key")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError(f"ENCRYPTION_KEYS entry {position} is not a valid Fernet key "
                              "(32 url-safe base64-encoded bytes)") from None


def _dev_secret(instance: Path, filename: str, production: bool, variable: str, fresh: str) -> str:
    """A development secret generated once into instance/; production refuses it."""
    if production:
        raise ConfigError(f"{variable} must be set when HRSYNC_ENV=production "
                          "(generated development secrets are refused)")
    path = instance / filename
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not end up with different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(fresh)
    log.warning("%s not set: generated a development value into %s (never use this in production)",
                variable, path)
    return fresh
