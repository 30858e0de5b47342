"""`make bench`: every benchmark in turn, each in its own process, then docs/performance.md from their results.

Each benchmark appends its figures as JSON lines to docs/performance.jsonl (HRSYNC_BENCH_RESULTS); this driver
adds the machine (cores, RAM, versions, load before and after) and how long each benchmark took, and
`bench.report` turns the file into docs/performance.md and docs/performance.png.

    python -m bench.run [--only matching,fullsync,webhooks,observability,apply,approve_page] [--results docs/performance.jsonl]
                        [--no-report]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench import _common as common

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# name → module arguments. The full-sync run also records the fetch figures (same sandbox, same processes).
BENCHMARKS: dict[str, list[str]] = {
    "matching": ["10000", "50000", "100000"],
    # Personio (500 paginated requests at 50k) at every size; BambooHR (one report), HiBob (one search) and Humaans
    # (pages of 100) at the target size; all against an unlimited sandbox, the clients unpaced. Then the realistic
    # case: 50k Personio employees behind Personio's published limits with a per-request latency (about four minutes).
    "fullsync": ["--case", "personio=10000,50000,100000", "--case", "bamboohr=50000", "--case", "hibob=50000",
                 "--case", "humaans=50000", "--databases", "sqlite,postgresql", "--repeat", "2", "--limited", "personio=50000",
                 "--latency", "0.15"],
    "webhooks": [],
    # Metrics and JSON logging per webhook, in process (a minute).
    "observability": [],
    "apply": ["--items", "10000", "--backends", "sqlite,postgresql"],
    # The approve page of a first import over HTTP: open the preview, approve all of it; main (before) vs now.
    "approve_page": ["--items", "20000", "--before", "main"],
}
PACKAGES = ("sqlalchemy", "psycopg", "requests", "urllib3", "flask", "gunicorn", "redis", "rq", "rapidfuzz",
            "werkzeug", "matplotlib")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated benchmark names")
    parser.add_argument("--results", type=Path, default=DOCS / "performance.jsonl")
    parser.add_argument("--no-report", action="store_true", help="only run the benchmarks")
    args = parser.parse_args(argv)
    names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(kept_results(args.results, names))
    os.environ[common.RESULTS_ENV] = str(args.results)
    common.emit("machine", **machine())
    failed = [name for name in names if not run(name)]
    common.emit("finished", load=common.machine_load(), failed=failed)
    if not args.no_report:
        from bench import report
        report.main(["--results", str(args.results), "--out", str(DOCS / "performance.md")])
    if failed:
        print(f"\nfailed (or missed a target): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


# Result lines a benchmark writes under another name than its own.
ALSO_WRITES = {"fullsync": ("fetch", "fullsync_limited"), "matching": ("machine_reference",)}


def kept_results(results: Path, names: list[str]) -> str:
    """The lines of the benchmarks not run this time (`--only`), so that rerunning one keeps the others' figures;
    the machine and the driver's bookkeeping are written anew."""
    if set(names) == set(BENCHMARKS) or not results.is_file():
        return ""
    rerun = {written for name in names for written in (name, *ALSO_WRITES.get(name, ()))}
    kept = []
    for line in results.read_text().splitlines():
        record = json.loads(line)
        bench = record.get("bench")
        if bench in ("machine", "finished") or bench in rerun or (bench == "run" and record.get("name") in names):
            continue
        kept.append(line + "\n")
    return "".join(kept)


def run(name: str) -> bool:
    print(f"\n=== bench/{name}.py {' '.join(BENCHMARKS[name])}", flush=True)
    started, load = time.monotonic(), common.machine_load()
    # A fresh interpreter per benchmark keeps peak-memory figures independent.
    code = subprocess.run([sys.executable, "-m", f"bench.{name}", *BENCHMARKS[name]], cwd=ROOT).returncode
    common.emit("run", name=name, seconds=round(time.monotonic() - started, 1), exit_code=code,
                load=[load, common.machine_load()])
    return code == 0


def machine() -> dict:
    return {"cores": os.cpu_count(), "ram_gb": round(_ram_bytes() / 2**30, 1), "python": platform.python_version(),
            "platform": platform.platform(), "cpu": _cpu_model(), "packages": _packages(),
            "postgresql": _postgres_version(), "sqlite": _sqlite_version(), "redis": _tool_version("redis-server"),
            "wrk": _tool_version("wrk"), "load": common.machine_load(),
            "started": time.strftime("%Y-%m-%d %H:%M %Z")}


def _ram_bytes() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _packages() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def _postgres_version() -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(common.PG_URL)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar_one()
    except Exception as error:  # the report says so; the benchmarks themselves will fail loudly
        return f"unreachable ({type(error).__name__})"
    finally:
        engine.dispose()


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _tool_version(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        return "not installed"
    done = subprocess.run([path, "--version" if tool != "wrk" else "-v"], capture_output=True, text=True)
    words = (done.stdout or done.stderr).split()
    # "Redis server v=7.0.15 sha=…" and "wrk debian/4.1.0-3+b2 [epoll] …": the name and the version only.
    version = next((w.split("=", 1)[-1].split("/")[-1] for w in words[1:] if any(c.isdigit() for c in w)), "unknown")
    return f"{tool.removesuffix('-server')} {version}"


if __name__ == "__main__":
    raise SystemExit(main())
