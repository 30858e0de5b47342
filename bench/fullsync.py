"""Full-sync benchmark: sandbox → provider client → matching → stored change set, on SQLite and PostgreSQL.

Per database, provider and size, a company is set up with a realistic registry (`hrsync.demo.seed`: mostly in step,
with moves, hand-typed entries, typos, duplicates and new hires), then one full sync runs through
`services.sync_run.execute_sync` — the worker's own code path — in a fresh process. Measured: the wall clock of
`execute_sync` (fetch, match, and the one transaction that stores the change set) and the peak RSS of that whole
process (getrusage ru_maxrss: interpreter and imports included).

Download-only, in the same run and right before each sync, in a fresh process: the requests the client makes
(same page size, same headers), bodies read; the JSON parse of those bodies (the parser the client uses)
is timed on its own, so both "download" and "download + parse" are reported. The sandbox runs in its own process
and is warmed first (the registry set-up fetches every tenant once). At the target size (50k) download and sync
alternate `--repeat` times and the best of each is kept, so one burst of other load on a shared machine does not
decide the figure; elsewhere each runs once. The client fetch alone (bench/fetch.py's list figure) is timed too:
it is the fetch that provides the employees the registry is built from.

Against an unlimited loopback sandbox (the clients unpaced) the ratio sync ÷ download is a figure of hrsync's own
cost. The realistic case (`--limited personio=50000`) syncs from a sandbox tenant that enforces Personio's
published limits (300 listing requests a minute in bursts of 15) and answers each request after `--latency`
seconds: the target there is the sync within 1.05× the download-only time under the same limits (the same
requests, paced as any client must be to get no 429), with no 429 answered to either.

    python -m bench.fullsync [--case personio=10000,50000,100000 --case bamboohr=50000]
                             [--databases sqlite,postgresql] [--repeat 2] [--limited personio=50000 --latency 0.15]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from bench import _common as common
from bench import fetch

TARGET_SIZE, TARGET_SECONDS, TARGET_PEAK_MB = 50_000, 30.0, 600.0
# Under Personio's limits the download is the floor: the sync may add at most 5 % to it, and draw no 429.
LIMITED_RATIO, LIMITED_LATENCY = 1.05, 0.15
mapping_for = common.mapping_for


def settings_for(database_url: str, url: str, encryption_key: str, pacing: str = "off"):
    """Settings of the measured processes. Against the unlimited sandbox the clients run unpaced (`off`); against
    the rate-limited one they pace as in production (`local`: the sync is the only process of its credential)."""
    from core.settings import Settings
    from sandbox.systems import settings_for as sandbox_settings

    return Settings(database_url=database_url, secret_key="s" * 32, encryption_keys=(encryption_key,),
                    provider_timeout=120, provider_pacing=pacing).with_provider_urls(sandbox_settings(url))


# -- the measured sync (a fresh process) -------------------------------------------------------------

def run_sync(database_url: str, url: str, encryption_key: str, sync_id: int, pacing: str = "off") -> dict[str, Any]:
    import gc

    from core.bootstrap import build_services
    from services import sync_run

    services = build_services(settings_for(database_url, url, encryption_key, pacing))
    with services.engine.connect():
        pass  # the pool's first connection (and SQLite's WAL set-up) is not the sync's cost
    marks = _phase_marks(sync_run)
    gc.collect()
    before = common.rss_now()
    started, cpu = time.perf_counter(), time.process_time()
    outcome = sync_run.execute_sync(services, sync_id, on_progress=marks.fetched)
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

def fetch_and_registry(provider: str, url: str, size: int) -> tuple[dict, list[dict[str, Any]]]:
    """In a fresh process: the client's full fetch, timed (the fetch figure), and from what it fetched the
    registry a company would have before this sync (`hrsync.demo.seed`)."""
    from hrsync.demo.seed import seed_registry

    timing, employees = fetch.timed_fetch(provider, url, size, keep=True)
    return timing, seed_registry(employees, provider)


def prepare(services, provider: str, size: int, registry: list[dict[str, Any]], limited: bool = False) -> str:
    """A company on the sandbox tenant with its registry (one bulk INSERT: set-up, not what is measured)."""
    from sqlalchemy import insert

    from store.db import transaction
    from store.models import StakeholderRow
    from store.repositories import companies, integrations
    from store.repositories.stakeholder_writes import WRITABLE_FIELDS

    with transaction(services.session_factory) as session:
        label = f"{provider}-{size}" + ("-limited" if limited else "")
        company_id = companies.create_company(session, f"Bench {label}", f"cfo-{label}@bench.example",
                                              "bench password").company_id
        integrations.set_integration(session, services.box, company_id, provider,
                                     common.credentials(provider, size, limited), mapping_for(provider))
        rows = [{name: values.get(name) for name in WRITABLE_FIELDS} | {"company_id": company_id, "version": 1}
                for values in registry]
        session.execute(insert(StakeholderRow.__table__), rows)
    return company_id


def queue_sync(services, company_id: str, provider: str) -> int:
    from store.db import transaction
    from store.repositories import sync_runs

    with transaction(services.session_factory) as session:
        return sync_runs.create_run(session, company_id, provider, "full").id


@contextmanager
def bench_database(database: str, folder: Path, url: str) -> Iterator[tuple[str, str, Any]]:
    """(database url, encryption key, services) of a migrated scratch database, disposed after."""
    from cryptography.fernet import Fernet

    from core.bootstrap import build_services
    from store import migrate

    key = Fernet.generate_key().decode()
    with common.scratch_database(database, folder) as database_url:
        migrate.upgrade(database_url)
        services = build_services(settings_for(database_url, url, key))
        try:
            yield database_url, key, services
        finally:
            services.dispose()


def registry_for(ctx, registries: dict, provider: str, url: str, size: int) -> tuple[dict, list[dict[str, Any]]]:
    """The fetch figures and registry of (provider, size), fetched from the unlimited tenant once per run."""
    if (provider, size) not in registries:
        registries[(provider, size)] = common.isolated(ctx, fetch_and_registry, provider, url, size)
    return registries[(provider, size)]


def measure_limited(ctx, url: str, database: str, folder: Path, plan: "Plan",
                    registries: dict) -> list[dict[str, Any]]:
    """The realistic case: download-only then the sync, each against the rate-limited tenant, 429s counted."""
    rows = []
    with bench_database(database, folder, url) as (database_url, key, services):
        for provider, size in plan.limited_pairs():
            _fetched, registry = registry_for(ctx, registries, provider, url, size)
            company_id = prepare(services, provider, size, registry, limited=True)
            common.refused(url, size)  # a clean log
            bare = common.isolated(ctx, common.download, provider, url, size, mapping_for(provider), True)
            bare_refused = common.refused(url, size)
            synced = common.isolated(ctx, run_sync, database_url, url, key,
                                     queue_sync(services, company_id, provider), "local")
            rows.append(record_limited(database, provider, size, len(registry), bare, synced, bare_refused,
                                       common.refused(url, size), plan.latency))
            print(f"  measured {database} {provider} {size} under Personio's limits: "
                  f"{rows[-1]['seconds']:.1f} s", flush=True)
    return rows


def record_limited(database: str, provider: str, size: int, registry: int, bare: dict, synced: dict,
                   bare_refused: int, sync_refused: int, latency: float) -> dict[str, Any]:
    floor = bucket_floor(bare["requests"], latency)
    row = {"database": database, "provider": provider, "employees": size, "stakeholders": registry,
           "latency_s": latency, "seconds": round(synced["seconds"], 3), "fetch_s": round(synced["fetch"], 3),
           "match_s": round(synced["match"], 3),
           "store_s": round(synced["seconds"] - synced["fetch"] - synced["match"], 3),
           "cpu_s": round(synced["cpu"], 3), "peak_rss_mb": round(common.mib(synced["peak"]), 1),
           "items": synced["items"], "download_s": round(bare["seconds"], 3), "requests": bare["requests"],
           "ratio_download": round(synced["seconds"] / bare["seconds"], 3), "bucket_floor_s": round(floor, 1),
           "ratio_floor": round(synced["seconds"] / floor, 3) if floor else None,
           "refused_sync": sync_refused, "refused_download": bare_refused, "load": common.machine_load()}
    common.emit("fullsync_limited", **row)
    return row


def bucket_floor(requests: int, latency: float, burst: int = 15, per_second: float = 5.0) -> float:
    """The least time `requests` one after another can take from Personio's bucket (15, refilled at 5 a second)
    when each answer takes `latency`: no client that sends its requests in order can download faster."""
    now, tokens = 0.0, float(burst)
    for _ in range(requests):
        if tokens < 1.0:
            now += (1.0 - tokens) / per_second
            tokens = 1.0
        tokens -= 1.0
        now += latency
        tokens = min(float(burst), tokens + latency * per_second)
    return now


def limited_verdict(row: dict[str, Any]) -> str:
    met = row["ratio_download"] <= LIMITED_RATIO and row["refused_sync"] == 0
    return "target met" if met else "TARGET MISSED"


def report_limited(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    print(f"\nunder Personio's published limits (latency per request as given):\n{'database':10} {'employees':>9} "
          f"{'latency':>7} {'requests':>8} {'download s':>10} {'sync s':>7} {'sync/dl':>7} {'429s':>5}  "
          f"{'bucket floor s':>14}")
    for row in rows:
        print(f"{row['database']:10} {row['employees']:9} {row['latency_s']:7.2f} {row['requests']:8} "
              f"{row['download_s']:10.2f} {row['seconds']:7.2f} {row['ratio_download']:7.3f} "
              f"{row['refused_sync']:5}  {row['bucket_floor_s']:14.1f}  {limited_verdict(row)}")
    print(f"\ntarget: sync ≤ {LIMITED_RATIO}× the download-only time under the same limits, and no 429")


def measure(ctx, url: str, database: str, folder: Path, plan: "Plan", registries: dict) -> list[dict[str, Any]]:
    rows = []
    with bench_database(database, folder, url) as (database_url, key, services):
        for provider, size in plan.pairs():
            fetched, registry = registry_for(ctx, registries, provider, url, size)
            company_id = prepare(services, provider, size, registry)
            bare, synced = [], []
            # Alternating, and the best of each kept: a background burst hits one run, not the figure.
            for _ in range(plan.repeat if size == TARGET_SIZE else 1):
                bare.append(common.isolated(ctx, common.download, provider, url, size, mapping_for(provider)))
                synced.append(common.isolated(ctx, run_sync, database_url, url, key,
                                              queue_sync(services, company_id, provider)))
            best_bare = min(bare, key=lambda r: r["seconds"] + r["parse"])
            rows.append(record(database, provider, size, len(registry), best_bare,
                               min(synced, key=lambda r: r["seconds"]), len(synced)))
            if database == plan.databases[0]:
                fetch.record(provider, size, best_bare, fetched)
            print(f"  measured {database} {provider} {size}: {rows[-1]['seconds']:.1f} s", flush=True)
    return rows


def record(database: str, provider: str, size: int, registry: int, bare: dict, synced: dict,
           runs: int) -> dict[str, Any]:
    download_parse = bare["seconds"] + bare["parse"]
    row = {"database": database, "provider": provider, "employees": size, "stakeholders": registry, "runs": runs,
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
    """Time and memory at the target size. The ratio to the unlimited loopback download is no target any more
    (issue 16 replaced it with the rate-limited case): it is reported as a figure of hrsync's own cost."""
    if row["employees"] != TARGET_SIZE:
        return ""
    met = row["seconds"] <= TARGET_SECONDS and row["peak_rss_mb"] <= TARGET_PEAK_MB
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
    print(f"\ntargets at {TARGET_SIZE:,} employees: sync ≤ {TARGET_SECONDS:.0f} s, peak RSS ≤ {TARGET_PEAK_MB:.0f} MB "
          "(sync ÷ download on loopback: hrsync's own cost, no target)")


@dataclass(frozen=True)
class Plan:
    cases: dict[str, list[int]]  # provider → employee counts
    databases: list[str]
    repeat: int
    limited: dict[str, list[int]] = field(default_factory=dict)  # the same, under the published rate limits
    latency: float = LIMITED_LATENCY

    def pairs(self) -> list[tuple[str, int]]:
        return [(provider, size) for provider, sizes in self.cases.items() for size in sizes]

    def limited_pairs(self) -> list[tuple[str, int]]:
        return [(provider, size) for provider, sizes in self.limited.items() for size in sizes]


def parse_cases(values: list[str]) -> dict[str, list[int]]:
    """`personio=10000,50000` (repeatable) → {"personio": [10000, 50000]}."""
    cases: dict[str, list[int]] = {}
    for value in values:
        provider, _, sizes = value.partition("=")
        cases[provider] = [int(size) for size in sizes.split(",") if size]
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", metavar="PROVIDER=SIZES",
                        help="e.g. personio=10000,50000,100000 (repeatable; default: BambooHR and Personio, all sizes)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=2,
                        help=f"download and sync runs at {TARGET_SIZE:,} employees, alternating; the best counts")
    parser.add_argument("--limited", action="append", metavar="personio=SIZES", default=[],
                        help="the realistic case: a sandbox enforcing Personio's published limits (minutes per "
                             "50,000 employees); measured on the first database only")
    parser.add_argument("--latency", type=float, default=LIMITED_LATENCY,
                        help="seconds the rate-limited sandbox takes to answer each request")
    args = parser.parse_args(argv)
    default = ["personio=10000,50000,100000", "bamboohr=10000,50000,100000"]
    limited = parse_cases(args.limited)
    if set(limited) - {"personio"}:
        parser.error("--limited takes personio=SIZES (BambooHR publishes no limits to enforce)")
    plan = Plan(cases=parse_cases(args.case) if args.case or not limited else {},
                databases=args.databases.split(","), repeat=max(1, args.repeat), limited=limited,
                latency=args.latency)
    if not args.case and not limited:
        plan = Plan(cases=parse_cases(default), databases=plan.databases, repeat=plan.repeat)
    ctx = common.spawn_context()
    rows: list[dict[str, Any]] = []
    limited_rows: list[dict[str, Any]] = []
    registries: dict = {}
    with common.sandbox_process(ctx, {**plan.limited, **plan.cases} if plan.limited else plan.cases, plan.limited,
                                plan.latency) as url, tempfile.TemporaryDirectory() as folder:
        for database in plan.databases:
            rows += measure(ctx, url, database, Path(folder), plan, registries)
        if plan.limited:
            limited_rows = measure_limited(ctx, url, plan.databases[0], Path(folder), plan, registries)
    report(rows)
    report_limited(limited_rows)
    missed = [row for row in rows if verdict(row) == "TARGET MISSED"]
    missed += [row for row in limited_rows if limited_verdict(row) == "TARGET MISSED"]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
