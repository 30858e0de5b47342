"""The words pages show for the product's codes, as Jinja filters registered app-wide: a template writes
`{{ change.field | field_label }}` or `{{ kind | kind_label }}`, and no view or template keeps a label table."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Callable

from flask import Flask

from core.errors import minutes
from domain.names import NameFormat
from providers import PROVIDERS, provider_class

FIELDS = {"name": "Name", "first_name": "First name", "last_name": "Last name", "unique_identifier": "Identifier",
          "email": "E-mail", "street": "Street", "postal_code": "Postal code", "city": "City", "country": "Country",
          "birth_date": "Birth date", "nationality": "Nationality", "phone": "Phone", "group": "Group",
          # The employee fields a mapping may target besides (domain.employee.MAPPABLE_FIELDS).
          "middle_name": "Middle name", "preferred_name": "Preferred name", "hire_date": "Hire date",
          "termination_date": "Termination date", "status": "Employment status"}
# What each reason code means, in the approver's words (the JSON API gives the code).
REASONS = {"ambiguous_name": "Several stakeholders have this name",
           "identifier_conflict": "The identifier clashes with another stakeholder's (it is linked to another "
                                  "employee, or its own identifier differs)",
           "identifier_name_mismatch": "The stakeholder with this identifier has another person's name: "
                                       "a reused or mistyped number?",
           "identifier_leading_zeros": "The identifier matches only if leading zeros are ignored (e.g. 0042 "
                                       "and 42)",
           "unmanaged_group": "The matching stakeholder is in a group the sync does not change by itself "
                              "(investors, advisors, founders)",
           "middle_name_conflict": "With the middle name this is one stakeholder, without it another",
           "email_conflict": "The e-mail address belongs to a different stakeholder than the name",
           "similar_name": "A stakeholder has a similar name (a typo, nickname, initials or other spelling)",
           "email_only": "Only the e-mail address matches",
           "suffix_conflict": "The names differ only by a generational suffix (Jr., Sr., II, III): father "
                              "and son, or the same person?",
           "birth_date_conflict": "The name matches, but the stakeholder's birth date is a different one",
           "email_of_another_employee": "The stakeholder's e-mail address is another employee's in the HR "
                                        "system: the row may be theirs",
           "linked_elsewhere": "A stakeholder with this name is linked to another HR record (or another HR "
                               "system): a rehire, a duplicate record, or a new HR system?",
           "duplicate_identifier": "Two employees in the HR system have this identifier",
           "duplicate_remote_id": "The HR system listed this employee twice",
           "contested_match": "Another employee matches the same stakeholder",
           "no_hire_date": "No hire date in the HR system",
           "terminated": "Terminated in the HR system"}
NAME_FORMATS = {NameFormat.FIRST_LAST: "First Last", NameFormat.LAST_FIRST: "Last First",
                NameFormat.LAST_COMMA_FIRST: "Last, First"}
# A change set's kinds of item, as its sections are titled.
KINDS = {"create": "New stakeholders", "update": "Updates", "link": "Links", "leaver": "Leavers",
         "review": "To review", "skip": "Skipped"}
# One item of a change set, by its kind (a row of a list of items).
ITEM_KINDS = {"create": "new stakeholder", "update": "update", "link": "link", "leaver": "leaver",
              "review": "review", "skip": "skipped"}
# What an apply did, counted (services.approvals.ApplyResult.counts).
APPLIED = {"create": "created", "update": "updated", "link": "linked", "leaver": "moved to leavers",
           "decided": "answered: not the same person / ignored", "excluded": "left out by you",
           "unresolved": "reviews left for later", "skipped": "skipped", "stale": "changed since the preview",
           "conflict": "refused"}
# What became of one item of an apply.
OUTCOMES = {"applied": "applied", "decided": "decision saved", "excluded": "left out", "unresolved": "left for later",
            "skipped": "skipped", "stale": "not applied: changed", "conflict": "not applied: refused"}

# How far an apply got (services.apply_plan.Phase), for its progress page.
PHASES = {"": "Starting", "waiting": "Waiting for the change set (another approval may be finishing)",
          "reading": "Reading the change set", "locking": "Locking the stakeholders it changes",
          "deciding": "Checking each item against the registry", "writing": "Writing to the registry",
          "committing": "Saving everything at once"}
# What asked for a sync, how it stands, how far it got (services.sync_progress.Phase).
TRIGGERS = {"manual": "Asked for by a person", "webhook": "HR system webhook", "cron": "Schedule"}
SYNC_STATUSES = {"queued": "Waiting", "running": "Running", "succeeded": "Finished", "failed": "Failed"}
SYNC_PHASES = {"queued": "Waiting for a worker", "fetching": "Reading employees from the HR system",
               "matching": "Matching them with the stakeholders", "storing": "Saving the proposed changes",
               "done": "Done", "failed": "Failed"}
CHANGESET_STATUSES = {"pending": "Waiting for approval", "applied": "Applied", "superseded": "Replaced by a newer one",
                      "expired": "Expired"}

# What an audit entry did, where the code alone does not say it well.
ACTIONS = {"create_stakeholder": "Added the stakeholder", "update_stakeholder": "Updated the stakeholder",
           "link_stakeholder": "Linked to the HR system", "mark_leaver": "Moved to leavers",
           "apply_changeset": "Applied the change set", "set_password": "Set their password",
           "save_decision": "Answered a review", "lock_approval": "Approving locked after wrong passwords",
           "add_user": "Added a user", "remove_user": "Removed a user", "change_role": "Changed a role",
           "reset_password": "Reset a password"}


def _code(value: object) -> str:
    return value.value if isinstance(value, Enum) else "" if value is None else str(value)


def _table_label(table: dict[str, str]):
    """A filter: a code (or enum member) in words from `table`, the code itself where the table has none."""
    def label(value: object) -> str:
        code = _code(value)
        return table.get(code, code)
    return label


# A stakeholder's link to the HR system: no field of the registry's forms, but the audit log shows it changing.
LINK_FIELDS = {"hr_provider": "HR system", "hr_remote_id": "HR id"}


def field_label(name: str) -> str:
    return FIELDS.get(name) or LINK_FIELDS.get(name, name)


def reason_label(reason: object) -> str:
    code = _code(reason)
    return REASONS.get(code, code.replace("_", " "))


def format_label(name_format: object) -> str:
    code = _code(name_format)
    return next((label for fmt, label in NAME_FORMATS.items() if fmt.value == code), code)


kind_label = _table_label(KINDS)


item_kind_label = _table_label(ITEM_KINDS)


applied_label = _table_label(APPLIED)


outcome_label = _table_label(OUTCOMES)


def phase_label(phase: object) -> str:
    code = _code(phase)
    return PHASES.get(code, code.replace("_", " "))


def progress_figures(progress) -> str:
    """The figures of an apply's progress (services.apply_runs.ApplyProgress) in words."""
    if progress.phase == "deciding":
        return f"{progress.done:,} of {progress.total:,} items checked"
    if progress.phase == "writing":
        return f"step {progress.done} of {progress.total}"
    return ""


trigger_label = _table_label(TRIGGERS)


sync_status_label = _table_label(SYNC_STATUSES)


sync_phase_label = _table_label(SYNC_PHASES)


def employees_read(progress) -> str:
    """How many employees a sync (services.sync_progress.SyncProgress) has read: "1,200 of 4,000", or "1,200"
    while the HR system has not told the total."""
    if progress.total is None:
        return f"{progress.fetched:,}"
    return f"{progress.fetched:,} of {progress.total:,}"


changeset_status_label = _table_label(CHANGESET_STATUSES)


def action_label(action: object) -> str:
    """An audit entry's action in words: "update_stakeholder" → "Update stakeholder"."""
    return ACTIONS.get(_code(action), _code(action).replace("_", " ").capitalize())


def value_label(value: object) -> str:
    """A stakeholder field's value as the audit log shows it ("empty" for none)."""
    return "empty" if value is None or value == "" else str(value)


def audit_detail(detail: str | None) -> str:
    """An audit entry's detail for people: an apply's summary ({"applied": 30, "unresolved": 7}, as stored) in words
    ("30 applied, 7 left for later"); any other detail as written."""
    try:
        summary = json.loads(detail or "")
    except ValueError:
        return detail or ""
    if not isinstance(summary, dict) or not all(isinstance(count, int) for count in summary.values()):
        return detail or ""
    return ", ".join(f"{count:,} {outcome_label(outcome)}" for outcome, count in summary.items())


def counts_text(counts: dict) -> str:
    """Items counted per kind in words, in the kinds' order: "120 new stakeholders, 1 update"; "" for none."""
    parts = []
    for kind in list(KINDS) + sorted(set(counts) - set(KINDS)):
        count = counts.get(kind) or 0
        if count:
            word = item_kind_label(kind)
            if count != 1 and kind != "skip":
                word = word[:-1] + "ies" if word.endswith("y") else word + "s"
            parts.append(f"{count:,} {word}")
    return ", ".join(parts)


def duration(seconds: float | None) -> str:
    """"4 s", "2 min 05 s", "1 h 03 min": how long something took; "—" when unknown."""
    if seconds is None:
        return "—"
    whole = max(0, int(round(seconds)))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def provider_label(name: str) -> str:
    return provider_class(name).label if name in PROVIDERS else name


def when(moment: dt.datetime | None) -> str:
    """A moment as pages show it: "02 December 2026 at 10:39 UTC"."""
    return moment.astimezone(dt.timezone.utc).strftime("%d %B %Y at %H:%M UTC") if moment else "an unknown date"


FILTERS: dict[str, Callable] = {
    "field_label": field_label, "reason_label": reason_label, "format_label": format_label,
    "kind_label": kind_label, "item_kind_label": item_kind_label, "applied_label": applied_label,
    "outcome_label": outcome_label, "provider_label": provider_label, "hrsync_when": when, "hrsync_minutes": minutes,
    "phase_label": phase_label, "progress_figures": progress_figures, "trigger_label": trigger_label,
    "sync_status_label": sync_status_label, "sync_phase_label": sync_phase_label,
    "employees_read": employees_read,
    "changeset_status_label": changeset_status_label, "duration": duration,
    "action_label": action_label, "audit_detail": audit_detail, "counts_text": counts_text,
    "value_label": value_label,
}


def register(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
