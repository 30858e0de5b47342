"""Full-sync benchmark: sandbox → provider client → matching → stored change set, on SQLite and PostgreSQL.

Per database, provider and size, a company is set up with a realistic registry (`hrsync.demo.seed`: mostly in step,
with moves, hand-typed entries, typos, duplicates and new hires), then one full sync runs through
`workers.sync.execute_sync` — the worker's own code path — in a fresh process. Measured: the wall clock of
`execute_sync` (fetch, match, and the one transaction that stores the change set) and the peak RSS of that whole
process (getrusage ru_maxrss: interpreter and imports included).

Download-only, in the same run and right before each sync, in a fresh process: the requests the client makes
(same page size, same headers), bodies read; the JSON parse of those bodies is timed on its own, so both
"download" and "download + parse" are reported. The sandbox runs in its own process and is warmed first.

    python -m bench.fullsync [--sizes 10000,50000,100000] [--databases sqlite,postgresql]
                             [--providers personio,bamboohr]
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from bench import _common as common

TARGET_SIZE, TARGET_SECONDS, TARGET_PEAK_MB, TARGET_RATIO = 50_000, 30.0, 600.0, 2.0
# Personio companies pick their own keys; this is the demo's (employee number, city and postal code custom).
PERSONIO_MAPPING = {"first_name": "first_name", "last_name": "last_name", "preferred_name": "preferred_name",
                    "email": "email", "status": "status", "hire_date": "hire_date",
                    "termination_date": "termination_date", "dynamic_1009": "unique_identifier",
                    "dynamic_1006": "city", "dynamic_1005": "postal_code"}
KEY = "bench-encryption-key"


def mapping_for(provider: str) -> dict[str, str] | None:
    return PERSONIO_MAPPING if provider == "personio" else None


def settings_for(database_url: str, url: str, encryption_key: str):
    from hrsync.config import Settings

    return Settings(database_url=database_url, secret_key="s" * 32, encryption_keys=(encryption_key,),
                    bamboohr_base_url=f"{url}/bamboohr/{{subdomain}}", personio_base_url=f"{url}/personio",
                    provider_timeout=120)


# -- the measured sync (a fresh process) -------------------------------------------------------------

def run_sync(database_url: str, url: str, encryption_key: str, sync_id: int) -> dict[str, Any]:
    import gc

    from workers import sync
    from workers.bootstrap import build_services

    services = build_services(settings_for(database_url, url, encryption_key))
    with services.engine.connect():
        pass  # the pool's first connection (and SQLite's WAL set-up) is not the sync's cost
    marks = _phase_marks(sync)
    gc.collect()
    before = common.rss_now()
    started, cpu = time.perf_counter(), time.process_time()
    outcome = sync.execute_sync(services, sync_id, on_progress=marks.fetched)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    services.dispose()
    return {"seconds": seconds, "cpu": cpu, "fetch": marks.fetch_end - started, "match": marks.match,
            "peak": common.peak_rss(), "growth": common.peak_rss() - before,
            "items": len(outcome.changeset.items), "counts": {k: v for k, v in outcome.counts.items() if v}}


class _Marks:
    """When the fetch ended (the sync reports its final count then) and how long matching took."""

    def __init__(self) -> None:
        self.fetch_end, self.match = 0.0, 0.0

    def fetched(self, count: int, total: int | None) -> None:
        self.fetch_end = time.perf_counter()


def _phase_marks(sync_module) -> _Marks:
    marks, match = _Marks(), sync_module.match

    def timed_match(*args, **kwargs):
        started = time.perf_counter()
        try:
            return match(*args, **kwargs)
        finally:
            marks.match = time.perf_counter() - started

    sync_module.match = timed_match  # this process only runs the one measured sync
    return marks


# -- set-up (the parent process, untimed) ------------------------------------------------------------

@contextmanager
def scratch_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'fullsync.db'}"
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(common.PG_URL)
    name = f"hrsync_bench_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def registry_values(provider: str, url: str, size: int) -> list[dict[str, Any]]:
    """The stakeholders a company would have before this sync, built from what HR says today."""
    from hrsync.demo.seed import seed_registry

    client = common.make_provider(provider, url, size, mapping_for(provider))
    try:
        employees = list(client.iter_employees())
    finally:
        client.close()
    return seed_registry(employees, provider)


def prepare(services, provider: str, size: int, registry: list[dict[str, Any]]) -> int:
    """A company on the sandbox tenant, its registry seeded; returns a queued full sync's id."""
    from store.db import transaction
    from store.repositories import companies, integrations, stakeholder_writes, sync_runs

    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, f"Bench {provider} {size}", f"cfo-{provider}-{size}@bench.example",
                                              "bench password").company_id
        integrations.set_integration(session, services.box, company_id, provider,
                                     common.credentials(provider, size), mapping_for(provider))
        stakeholder_writes.create_stakeholders(session, company_id, registry)
        return sync_runs.create_run(session, company_id, provider, "full").id


def measure(ctx, url: str, database: str, folder: Path, sizes: list[int], providers: list[str],
            registries: dict) -> list[dict[str, Any]]:
    from cryptography.fernet import Fernet

    from store import migrate
    from workers.bootstrap import build_services

    key = Fernet.generate_key().decode()
    rows = []
    with scratch_database(database, folder) as database_url:
        migrate.upgrade(database_url)
        services = build_services(settings_for(database_url, url, key))
        try:
            for provider in providers:
                for size in sizes:
                    if (provider, size) not in registries:
                        registries[(provider, size)] = registry_values(provider, url, size)
                    sync_id = prepare(services, provider, size, registries[(provider, size)])
                    bare = common.isolated(ctx, common.download, provider, url, size, mapping_for(provider))
                    synced = common.isolated(ctx, run_sync, database_url, url, key, sync_id)
                    rows.append(record(database, provider, size, len(registries[(provider, size)]), bare, synced))
        finally:
            services.dispose()
    return rows


def record(database: str, provider: str, size: int, registry: int, bare: dict, synced: dict) -> dict[str, Any]:
    download_parse = bare["seconds"] + bare["parse"]
    row = {"database": database, "provider": provider, "employees": size, "stakeholders": registry,
           "seconds": round(synced["seconds"], 3), "peak_rss_mb": round(common.mib(synced["peak"]), 1),
           "growth_mb": round(common.mib(synced["growth"]), 1), "items": synced["items"],
           "cpu_s": round(synced["cpu"], 3), "fetch_s": round(synced["fetch"], 3), "match_s": round(synced["match"], 3),
           "store_s": round(synced["seconds"] - synced["fetch"] - synced["match"], 3),
           "counts": synced["counts"], "download_s": round(bare["seconds"], 3), "parse_s": round(bare["parse"], 3),
           "download_parse_s": round(download_parse, 3), "requests": bare["requests"],
           "download_mb": round(common.mib(bare["bytes"]), 1),
           "ratio_download_parse": round(synced["seconds"] / download_parse, 2),
           "ratio_download": round(synced["seconds"] / bare["seconds"], 2), "load": common.machine_load()}
    common.emit("fullsync", **row)
    return row


# -- report --------------------------------------------------------------------------------------------

def verdict(row: dict[str, Any]) -> str:
    if row["employees"] != TARGET_SIZE:
        return ""
    met = (row["seconds"] <= TARGET_SECONDS and row["peak_rss_mb"] <= TARGET_PEAK_MB
           and row["ratio_download_parse"] <= TARGET_RATIO)
    return "target met" if met else "TARGET MISSED"


def report(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'database':10} {'provider':9} {'employees':>9} {'sync s':>7} {'fetch':>6} {'match':>6} {'store':>6} "
          f"{'cpu s':>6} {'peak MiB':>8} {'download s':>10} {'+parse s':>8} {'sync/(dl+parse)':>15} {'sync/dl':>7} "
          f"{'items':>6}  load")
    for row in rows:
        print(f"{row['database']:10} {row['provider']:9} {row['employees']:9} {row['seconds']:7.2f} "
              f"{row['fetch_s']:6.2f} {row['match_s']:6.2f} {row['store_s']:6.2f} {row['cpu_s']:6.2f} "
              f"{row['peak_rss_mb']:8.0f} {row['download_s']:10.2f} {row['parse_s']:8.2f} "
              f"{row['ratio_download_parse']:15.2f} {row['ratio_download']:7.2f} {row['items']:6}  "
              f"{row['load'][0]:.2f}  {verdict(row)}")
    print(f"\ntargets at {TARGET_SIZE:,} employees: sync ≤ {TARGET_SECONDS:.0f} s, peak RSS ≤ {TARGET_PEAK_MB:.0f} MB, "
          f"sync ≤ {TARGET_RATIO:.0f}× download + parse of the same pages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--providers", default="personio,bamboohr")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    providers = args.providers.split(",")
    ctx = common.spawn_context()
    rows: list[dict[str, Any]] = []
    registries: dict = {}
    with common.sandbox_process(ctx, sizes) as url, tempfile.TemporaryDirectory() as folder:
        for database in args.databases.split(","):
            rows += measure(ctx, url, database, Path(folder), sizes, providers, registries)
            print(f"  measured {database}", flush=True)
    report(rows)
    return 0 if all(verdict(row) != "TARGET MISSED" for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
