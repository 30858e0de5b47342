"""Change sets as terminal tables (rich), for `hrsync demo` and `hrsync changes show`."""

from __future__ import annotations

from typing import Iterable, Mapping

from rich.console import Console
from rich.table import Table

from domain.changeset import ChangeItem, ChangeKind
from domain.stakeholder import IDENTITY_FIELDS

TITLES = {
    ChangeKind.CREATE: "New stakeholders",
    ChangeKind.UPDATE: "Updates",
    ChangeKind.LINK: "Links to existing stakeholders",
    ChangeKind.REVIEW: "To review",
    ChangeKind.LEAVER: "Leavers",
    ChangeKind.SKIP: "Skipped",
}


def counts_line(counts: Mapping[str, int]) -> str:
    return " · ".join(f"{kind.value} {counts.get(kind.value, 0)}" for kind in ChangeKind)


def render_items(console: Console, items: Iterable[ChangeItem], names: Mapping[int, str],
                 limit: int | None = 8) -> None:
    """One table per kind; `names` gives stakeholder display names for ids."""
    by_kind: dict[ChangeKind, list[ChangeItem]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    for kind in ChangeKind:
        rows = by_kind.get(kind, [])
        if rows:
            console.print(_table(kind, rows if limit is None else rows[:limit], names, len(rows)))


def _table(kind: ChangeKind, items: list[ChangeItem], names: Mapping[int, str], total: int) -> Table:
    shown = f" (first {len(items)} of {total})" if len(items) < total else f" ({total})"
    table = Table(title=TITLES[kind] + shown, title_justify="left", show_lines=False)
    table.add_column("HR id", style="dim")
    table.add_column("employee")
    table.add_column("stakeholder")
    table.add_column("reason / changes", overflow="fold")
    for item in items:
        table.add_row(item.remote_id, item.employee_name, _stakeholder(item, names), _detail(item, names))
    return table


def _stakeholder(item: ChangeItem, names: Mapping[int, str]) -> str:
    if item.stakeholder_id is None:
        return "—" if item.kind is not ChangeKind.CREATE else "(new)"
    return f"#{item.stakeholder_id} {names.get(item.stakeholder_id, '')}".strip()


def _detail(item: ChangeItem, names: Mapping[int, str]) -> str:
    parts = []
    if item.reason is not None and item.termination_date is None:
        parts.append(item.reason.value)
    if item.candidates:
        parts.append("candidates: " + ", ".join(f"#{c} {names.get(c, '')}".strip() for c in item.candidates))
    for field, change in item.fields.items():
        marker = "!" if field in IDENTITY_FIELDS and item.kind is not ChangeKind.CREATE else ""
        if item.kind is ChangeKind.CREATE:
            parts.append(f"{field}={change.new}")
        else:
            parts.append(f"{marker}{field}: {change.old or '∅'} → {change.new or '∅'}")
    if item.termination_date is not None:
        parts.append(f"terminated {item.termination_date.isoformat()}")
    return "; ".join(parts) or "—"
