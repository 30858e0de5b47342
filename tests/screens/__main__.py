"""`python -m tests.screens [--out docs/screens]`: builds the screenshots' company, then photographs every page."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tests.screens import camera, company
from tests.screens.shots import shots

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screens"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.screens", description=__doc__)
    parser.add_argument("--out", type=Path, default=DOCS, help=f"where the PNGs go (default {DOCS})")
    args = parser.parse_args(argv)
    # The failure the set-up stages on purpose (and RQ's traceback of it) is not news; a real one stops it anyway.
    logging.disable(logging.ERROR)
    print("setting up Globex AG on the sandbox's Personio (about half a minute)…", flush=True)
    with company.running_company() as running:
        planned = shots(running.app, running.ids)
        print(f"{len(planned)} pages at {' and '.join(map(str, camera.WIDTHS))} px…", flush=True)
        written, problems = camera.take(running, planned, args.out)
    size = sum(path.stat().st_size for path in written)
    print(f"{len(written)} screenshots in {args.out} ({size / 1e6:.1f} MB)")
    for problem in problems:
        print(f"! {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
