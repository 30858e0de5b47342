"""What the demo prints about change sets: the preview tables and the closing summary."""

from __future__ import annotations

from rich.console import Console

from core.bootstrap import Services
from core.links import LinkSigner
from core.settings import Settings
from hrsync.demo.companies import DEMO_PASSWORD, DemoCompany
from hrsync.demo.serve import serve_command
from hrsync.render import counts_line, render_items
from services import changesets
from services.approvals import ApplyResult


def print_changeset(console: Console, services: Services, company: DemoCompany) -> dict[str, int]:
    """The company's pending change set as the approver sees it: counts, then a table per kind."""
    pending = changesets.pending_detail(services, company.company_id)
    stored, names = pending.changeset, pending.names
    console.rule(f"Preview: {company.name} on {company.provider}, change set {stored.id}")
    console.print(counts_line(stored.counts()))
    render_items(console, stored.changeset.items, names)
    company.changeset_id = stored.id
    return stored.counts()


def print_summary(console: Console, settings: Settings, demo_companies: tuple[DemoCompany, ...],
                  counts: dict[str, dict[str, int]], applied: ApplyResult) -> None:
    console.rule("Summary")
    for company in demo_companies:
        console.print(f"{company.name:10} {counts_line(counts[company.name])}")
    done = applied.counts()
    console.print(f"{demo_companies[0].name}: applied — created {done.get('create', 0)}, updated "
                  f"{done.get('update', 0)}, linked {done.get('link', 0)}, leavers {done.get('leaver', 0)}; "
                  f"review {done.get('unresolved', 0) + done.get('decided', 0)} left for a person; "
                  f"skipped {done.get('skipped', 0)}")
    pending = demo_companies[-1]
    console.rule("The console")
    console.print("Serve the demo in a browser, with the sandbox HR systems and a worker behind it (from any shell; "
                  "Ctrl-C stops it):", soft_wrap=True)
    console.print(f"  {serve_command(settings.instance_path.parent, settings.public_base_url)}", soft_wrap=True,
                  markup=False, highlight=False)
    console.print(f"then open {settings.public_base_url.rstrip('/')}/login and sign in with the demo password "
                  f"{DEMO_PASSWORD!r} as", soft_wrap=True)
    for company in demo_companies:
        console.print(f"  {company.name}: {company.approver}", soft_wrap=True, markup=False, highlight=False)
    console.print("There, as an HR admin: HR integration (Check and save) → Fields and mapping (Load fields) → "
                  "Sync now → Review and approve, with the same password.", soft_wrap=True)
    console.print(f"{pending.name}'s change set {pending.changeset_id} waits already (Overview, Change sets); its "
                  f"e-mailed approve link would be {LinkSigner.for_settings(settings).url(pending.changeset_id)}",
                  soft_wrap=True, markup=False, highlight=False)
