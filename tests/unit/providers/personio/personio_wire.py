"""Loading the Personio wire fixtures (tests/fixtures/personio/*.json) by case name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "personio"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def load_bytes(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()
