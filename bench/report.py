"""docs/performance.md and docs/performance.png from the JSON lines the benchmarks wrote (see bench/run.py).

    python -m bench.report [--results docs/performance.jsonl] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from bench import _report_text as text

ROOT = Path(__file__).resolve().parent.parent
# The targets, from the issues (4: webhooks, 5: apply, 7: full sync, 16: full sync under Personio's limits) and
# the matching brief. Issue 16 replaced issue 7's 2× against the unlimited loopback download with 1.05× under the
# published limits; the loopback ratio stays in the report as a figure of hrsync's own cost.
SYNC_SIZE, SYNC_SECONDS, SYNC_PEAK_MB, SYNC_RATIO = 50_000, 30.0, 600.0, 2.0
LIMITED_RATIO = 1.05
MATCH_SIZE, MATCH_SECONDS, MATCH_PEAK_MB = 100_000, 2.0, 500.0
WEBHOOK_RATIO, WEBHOOK_P99_MS, WEBHOOK_P95_S = 0.60, 50.0, 3.0
APPLY_SECONDS = 10.0
APPROVE_PAGE_OPEN_SECONDS = 1.0


def load(path: Path) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in path.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            records[record.pop("bench")].append(record)
    return records


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


# -- the targets table -----------------------------------------------------------------------------

def target_rows(records: dict[str, list[dict]]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for sync in (r for r in records["fullsync"] if r["employees"] == SYNC_SIZE):
        label = f"Full sync, {SYNC_SIZE // 1000}k {sync['provider']} employees, {sync['database']}"
        rows.append((f"{label}: time", f"≤ {SYNC_SECONDS:.0f} s", f"{sync['seconds']:.1f} s",
                     verdict(sync["seconds"] <= SYNC_SECONDS)))
        rows.append((f"{label}: peak RSS", f"≤ {SYNC_PEAK_MB:.0f} MB", f"{sync['peak_rss_mb']:.0f} MiB",
                     verdict(sync["peak_rss_mb"] * 2**20 / 1e6 <= SYNC_PEAK_MB)))
        rows.append((f"{label}: vs download-only on loopback (hrsync's own cost)", "a figure, no target",
                     f"{sync['ratio_download']:.2f}× ({sync['seconds']:.2f} s vs {sync['download_s']:.2f} s; "
                     f"vs download + parse {sync['ratio_download_parse']:.2f}×)", ""))
    for sync in (r for r in records["fullsync_limited"] if r["employees"] == SYNC_SIZE):
        label = f"Full sync, {SYNC_SIZE // 1000}k {sync['provider']} employees under Personio's limits"
        rows.append((f"{label}: vs download-only under the same limits", f"≤ {LIMITED_RATIO}×",
                     f"{sync['ratio_download']:.3f}× ({sync['seconds']:.1f} s vs {sync['download_s']:.1f} s; "
                     f"vs the bucket's best schedule at that latency {sync['ratio_floor']:.3f}×)",
                     verdict(sync["ratio_download"] <= LIMITED_RATIO)))
        rows.append((f"{label}: 429 answers", "0", f"{sync['refused_sync']} (download-only: "
                     f"{sync['refused_download']})", verdict(sync["refused_sync"] == 0)))
    for match in (r for r in records["matching"] if r["employees"] == MATCH_SIZE):
        rows.append((f"Matching {MATCH_SIZE // 1000}k × {MATCH_SIZE // 1000}k ({match.get('scenario', 'mid-life')})",
                     f"≤ {MATCH_SECONDS:.0f} s, ≤ {MATCH_PEAK_MB:.0f} MB",
                     f"{match['seconds']:.2f} s, {match['peak_mb']:.0f} MiB",
                     verdict(match["seconds"] <= MATCH_SECONDS and match["peak_mb"] <= MATCH_PEAK_MB)))
    rows += _webhook_targets(records["webhooks"])
    for apply in (r for r in records["apply"] if r["end_to_end"]):
        rows.append((f"Approve + apply {apply['items']:,} items, {apply['database']}", f"≤ {APPLY_SECONDS:.0f} s",
                     f"{apply['seconds']:.2f} s", verdict(apply["seconds"] <= APPLY_SECONDS)))
    for page in (r for r in records["approve_page"] if r["side"] == "after"):
        rows.append((f"Open the approve page of a {page['items']:,}-item change set",
                     f"≤ {APPROVE_PAGE_OPEN_SECONDS:.0f} s",
                     f"{page['open_s']:.2f} s ({page['page_bytes'] / 1e3:.0f} kB)",
                     verdict(page["open_s"] <= APPROVE_PAGE_OPEN_SECONDS)))
    return rows


def _webhook_targets(webhooks: list[dict]) -> list[tuple[str, str, str, str]]:
    rows = []
    for run in (r for r in webhooks if r.get("figure") == "throughput"):
        rows.append(("Webhook intake throughput vs bare Flask 202", f"≥ {WEBHOOK_RATIO:.0%}",
                     f"{run['ratio']:.0%} ({run['ours_rps']} vs {run['bare_rps']} req/s)",
                     verdict(run["ratio"] >= WEBHOOK_RATIO)))
        rows.append(("Webhook intake p99", f"≤ {WEBHOOK_P99_MS:.0f} ms", f"{run['ours_p99_ms']:.1f} ms",
                     verdict(run["ours_p99_ms"] <= WEBHOOK_P99_MS)))
        rows.append(("Accepted webhooks lost", "0", str(run["lost"]), verdict(run["lost"] == 0)))
    for run in (r for r in webhooks if r.get("figure") == "latency"):
        rows.append(("Webhook → pending change set p95 (debounce 1 s)", f"≤ {WEBHOOK_P95_S:.0f} s",
                     f"{run['p95_s']:.2f} s (p50 {run['p50_s']:.2f} s, {run['finished']}/{run['samples']} done)",
                     verdict(run["p95_s"] <= WEBHOOK_P95_S and run["finished"] == run["samples"])))
    return rows


# -- growth -------------------------------------------------------------------------------------------

def series(records: dict[str, list[dict]]) -> dict[str, dict[int, float]]:
    """Seconds by employee count, per curve: each full-sync combination, matching, download-only (what the ratio
    target compares against) and download + parse."""
    curves: dict[str, dict[int, float]] = defaultdict(dict)
    for sync in records["fullsync"]:
        curves[f"sync {sync['provider']} {sync['database']}"][sync["employees"]] = sync["seconds"]
        curves[f"download-only {sync['provider']}"].setdefault(sync["employees"], sync["download_s"])
        curves[f"download + parse {sync['provider']}"].setdefault(sync["employees"], sync["download_parse_s"])
    for match in records["matching"]:
        curves["matching (domain)"][match["employees"]] = match["seconds"]
    return dict(curves)


def exponent(points: dict[int, float]) -> float | None:
    """The slope of log(time) against log(size) between the smallest and the largest size (1.0 = linear)."""
    sizes = sorted(points)
    if len(sizes) < 2 or points[sizes[0]] <= 0:
        return None
    return math.log(points[sizes[-1]] / points[sizes[0]]) / math.log(sizes[-1] / sizes[0])


def growth_table(curves: dict[str, dict[int, float]]) -> list[str]:
    sizes = sorted({size for points in curves.values() for size in points})
    lines = ["| Curve | " + " | ".join(f"{size // 1000}k" for size in sizes) + " | µs per employee at the largest "
             "| growth exponent |", "|---|" + "---|" * (len(sizes) + 2)]
    for name, points in sorted(curves.items()):
        cells = [f"{points[size]:.2f} s" if size in points else "" for size in sizes]
        largest = max(points)
        slope = exponent(points)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {1e6 * points[largest] / largest:.0f} | "
                     + (f"{slope:.2f}" if slope is not None else "") + " |")
    return lines


def plot(records: dict[str, list[dict]], out: Path) -> bool:
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, (times, memory) = pyplot.subplots(1, 2, figsize=(12, 4.8))
    for name, points in sorted(series(records).items()):
        sizes = sorted(points)
        style = "--" if name.startswith("download") else ":" if name.startswith("matching") else "-"
        times.plot(sizes, [points[size] for size in sizes], style, marker="o", label=name)
    times.set(xscale="log", yscale="log", xlabel="employees", ylabel="seconds",
              title="Time by size (log–log; a slope of 1 is linear)")
    times.legend(fontsize=7)
    peaks: dict[str, dict[int, float]] = defaultdict(dict)
    for sync in records["fullsync"]:
        peaks[f"sync {sync['provider']} {sync['database']}"][sync["employees"]] = sync["peak_rss_mb"]
    for name, points in sorted(peaks.items()):
        sizes = sorted(points)
        memory.plot(sizes, [points[size] for size in sizes], marker="o", label=name)
    memory.axhline(SYNC_PEAK_MB * 1e6 / 2**20, color="grey", linestyle="--", label="600 MB target")
    memory.set(xlabel="employees", ylabel="peak RSS of the sync process (MiB)", title="Full-sync peak memory")
    memory.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    pyplot.close(figure)
    return True


# -- the document ---------------------------------------------------------------------------------------

def table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    header = list(header)
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)]


def document(records: dict[str, list[dict]], plotted: bool, image: str) -> str:
    machine = (records["machine"] or [{}])[0]
    lines = [*text.intro(machine), "", "## Targets", "",
             *table(("Figure", "Target", "Measured", ""), target_rows(records)), "",
             *text.standing_in_the_way(records, SYNC_SIZE, SYNC_RATIO), "## How cost grows with size", "",
             *growth_table(series(records)), ""]
    if plotted:
        lines += [f"![Time and peak memory by size]({image})", ""]
    lines += text.growth_notes()
    lines += [*text.fullsync(records["fullsync"]), *text.fullsync_limited(records["fullsync_limited"]),
              *text.fetch(records["fetch"]),
              *text.matching(records["matching"], records["machine_reference"]),
              *text.webhooks(records["webhooks"]), *text.apply(records["apply"]),
              *text.approve_page(records["approve_page"]),
              *text.machine_section(machine, records["run"], records["finished"])]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=ROOT / "docs" / "performance.jsonl")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    records = load(args.results)
    image = args.out.with_suffix(".png")
    plotted = plot(records, image)
    args.out.write_text(document(records, plotted, image.name))
    print(f"wrote {args.out}" + (f" and {image}" if plotted else " (no plot: matplotlib is not installed)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
