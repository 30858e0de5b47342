"""The suite's secret-leak scan: fixtures register the secrets they make; every log record, error body and
hrsync subprocess output of the run is recorded; the last test looks for the secrets in what was recorded.

Use from fixtures and helpers: `register("label", value, ...)` for each secret a test creates (API keys, client
secrets, webhook secrets and tokens, approver passwords, company API tokens, encryption and signing keys), and
`capture_file(path)` for a file that receives an hrsync subprocess's stderr. `record(origin, text)` adds text
(e.g. a CLI's stderr) by hand.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from urllib.parse import quote

from flask import request, request_finished

from core import logs

# Shorter test "secrets" ("pw", "s") would match innocent text; real ones are far longer.
MIN_LENGTH = 8
# Loggers whose INFO (and DEBUG) records the scan must see; others reach the recorder at WARNING and up.
VERBOSE_LOGGERS = ("hrsync", "core", "services", "workers", "providers", "store", "webhook_app", "sandbox", "domain", "rq", "werkzeug")
_FORMAT = logging.Formatter("%(levelname)s %(name)s: %(message)s")
# LOG_FORMAT=json renders a record differently (escapes, extra fields): each record is scanned in both formats.
_JSON_FORMAT = logs.json_formatter()


class SecretRegistry:
    """Secret values by label; thread-safe (fixtures of threaded servers may register)."""

    def __init__(self) -> None:
        self._labels: dict[str, str] = {}
        self._lock = threading.Lock()

    def register(self, label: str, *values: object) -> None:
        with self._lock:
            for value in values:
                if isinstance(value, str) and len(value.strip()) >= MIN_LENGTH:
                    self._labels.setdefault(value.strip(), label)

    def secrets(self) -> dict[str, str]:
        with self._lock:
            return dict(self._labels)


class Recorder:
    """Appends what the suite said (JSON lines) and remembers the subprocess output files to read at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.records = folder / "records.jsonl"
        self._files: list[Path] = []
        self._lock = threading.Lock()

    def record(self, origin: str, text: str) -> None:
        line = json.dumps({"origin": origin, "text": text}) + "\n"
        with self._lock, self.records.open("a", encoding="utf-8") as sink:
            sink.write(line)

    def capture_file(self, path: Path | str) -> None:
        with self._lock:
            self._files.append(Path(path))

    def handler(self) -> logging.Handler:
        return _RecordingHandler(self)

    def record_response(self, sender, response, **_extra) -> None:
        """Flask's `request_finished` receiver: every 4xx/5xx body of every app built in the run."""
        if response.status_code < 400 or response.direct_passthrough:
            return  # a passthrough body (a file) cannot be read twice; error bodies are never one
        try:
            where = f"{request.method} {request.path}"
        except RuntimeError:  # outside a request context (not expected from this signal)
            where = "?"
        # get_data buffers an iterable body (e.g. abort()'s page) into a list: still sent whole afterwards.
        self.record(f"{response.status_code} body of {where}", response.get_data(as_text=True))

    def sources(self) -> Iterator[tuple[str, str]]:
        """(origin, text) of everything recorded: records first, then each captured file."""
        if self.records.exists():
            with self.records.open(encoding="utf-8") as lines:
                for line in lines:
                    entry = json.loads(line)
                    yield entry["origin"], entry["text"]
        with self._lock:
            files = list(self._files)
        for path in files:
            if path.exists():
                yield f"file {path.name}", path.read_text(encoding="utf-8", errors="replace")


class _RecordingHandler(logging.Handler):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__(logging.NOTSET)
        self.recorder = recorder

    def emit(self, record: logging.LogRecord) -> None:
        for suffix, formatter in (("", _FORMAT), (" (json)", _JSON_FORMAT)):
            try:
                text = formatter.format(record)  # message with its args, the exception and stack text
            except Exception:  # a record whose args do not format: keep the raw parts
                text = f"{record.msg!r} % {record.args!r}"
            self.recorder.record(f"log {record.name}{suffix}", text)


@dataclass(frozen=True)
class Leak:
    label: str
    origin: str
    excerpt: str  # the secret replaced by its label: safe to print

    def __str__(self) -> str:
        return f"{self.label} in {self.origin}: …{self.excerpt}…"


def find_leaks(secrets: Mapping[str, str], sources: Iterable[tuple[str, str]]) -> list[Leak]:
    """Every place where a secret (or its URL-encoded or JSON-escaped form) occurs in the recorded texts."""
    forms = {form: label for value, label in secrets.items()
             for form in {value, quote(value, safe=""), json.dumps(value)[1:-1]}}
    leaks = []
    for origin, text in sources:
        for form, label in forms.items():
            at = text.find(form)
            if at >= 0:
                excerpt = text[max(0, at - 60):at + len(form) + 60].replace(form, f"<{label}>")
                leaks.append(Leak(label, origin, excerpt.replace("\n", " ")))
    return leaks


SECRETS = SecretRegistry()
_session: Recorder | None = None


def register(label: str, *values: object) -> None:
    """Remember secrets a fixture made, for the suite-wide scan (values shorter than 8 characters are ignored)."""
    SECRETS.register(label, *values)


def capture_file(path: Path | str) -> None:
    """A file that receives an hrsync subprocess's output; the scan reads it at the end."""
    if _session is not None:
        _session.capture_file(path)


def record(origin: str, text: str) -> None:
    """Add text the suite saw (e.g. a CLI's stderr) to what the scan reads."""
    if _session is not None:
        _session.record(origin, text)


def session_recorder() -> Recorder | None:
    return _session


def start(recorder: Recorder) -> logging.Handler:
    """Record every log record and error body of the session into `recorder`."""
    global _session
    _session = recorder
    handler = recorder.handler()
    logging.getLogger().addHandler(handler)
    for name in VERBOSE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.DEBUG)
    request_finished.connect(recorder.record_response, weak=False)
    return handler


def stop(handler: logging.Handler) -> None:
    global _session
    if _session is not None:
        request_finished.disconnect(_session.record_response)
    logging.getLogger().removeHandler(handler)
    _session = None
