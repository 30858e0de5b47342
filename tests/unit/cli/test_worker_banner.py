"""What `hrsync worker` says at start (issue 12 item 13): database, Redis, queues and HR base URLs — never a secret."""

from __future__ import annotations

from cryptography.fernet import Fernet
from redis import Redis

from workers.banner import banner
from core.settings import Settings

PASSWORD = "db-pass-never-shown"
REDIS_PASSWORD = "redis-pass-never-shown"


def test_the_banner_names_what_the_worker_uses_and_no_secret():
    settings = Settings(database_url=f"postgresql+psycopg://hrsync:{PASSWORD}@db.internal:5432/hrsync"
                                     f"?sslmode=require&password={PASSWORD}",
                        secret_key="s" * 40, encryption_keys=(Fernet.generate_key().decode(),),
                        redis_url=f"redis://:{REDIS_PASSWORD}@cache.internal:6380/4",
                        provider_urls={"PERSONIO_BASE_URL": f"https://user:{PASSWORD}@personio.example"})
    redis = Redis.from_url(settings.redis_url).connection_pool.connection_kwargs
    lines = banner(settings, "worker-7", redis, ["sync", "default"])
    text = "\n".join(lines)
    assert PASSWORD not in text and REDIS_PASSWORD not in text and settings.secret_key not in text
    assert lines[0] == "hrsync worker worker-7"
    assert "  database  postgresql+psycopg://hrsync:***@db.internal:5432/hrsync" in lines
    assert any(line.startswith("  redis     cache.internal:6380 db 4") for line in lines)
    assert "  queues    sync, default" in lines
    assert "  BambooHR  https://{subdomain}.bamboohr.com/api" in lines
    assert "  Personio  https://personio.example" in lines
