"""The console's navigation: one entry per page area; only pages that exist and the user's role allows are shown."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for

from services.signin import SignedInUser


@dataclass(frozen=True, slots=True)
class NavItem:
    endpoint: str
    label: str
    admin_only: bool = False


# In the order of the page list; an area that is not registered yet is simply not shown.
NAV = (
    NavItem("console.home", "Overview"),
    NavItem("integration_pages.integration", "HR integration", admin_only=True),
    NavItem("integration_pages.fields", "Fields and mapping", admin_only=True),
    NavItem("settings_pages.sync_settings", "Sync settings", admin_only=True),
    NavItem("webhooks_pages.webhooks", "Webhooks", admin_only=True),
    NavItem("syncs_pages.list_syncs", "Syncs"),
    NavItem("changesets_pages.list_changesets", "Change sets"),
    NavItem("stakeholders_pages.list_stakeholders", "Stakeholders"),
    NavItem("audit_pages.audit_log", "Audit log"),
    NavItem("users.list_users", "Users", admin_only=True),
)


def visible(user: SignedInUser | None) -> list[dict]:
    """The entries `user` may open, each with whether it is the current page: the entry whose address is the
    longest one the request's path starts with (/console/syncs/7 is under Syncs; /console/integration/fields is
    Fields and mapping, not HR integration, though both pages share a blueprint)."""
    if user is None:
        return []
    entries = [{"endpoint": item.endpoint, "label": item.label, "url": url_for(item.endpoint), "current": False}
               for item in NAV
               if item.endpoint in current_app.view_functions and (user.is_admin or not item.admin_only)]
    under = [entry for entry in entries
             if request.path == entry["url"] or request.path.startswith(entry["url"].rstrip("/") + "/")]
    if under:
        max(under, key=lambda entry: len(entry["url"]))["current"] = True
    return entries
