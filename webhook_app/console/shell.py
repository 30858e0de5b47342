"""The console's shell: `/` leads into it, the overview page, and the navigation every console page shows."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, url_for

from services import overview
from webhook_app.console import auth, nav
from webhook_app.context import redis, services

bp = Blueprint("console", __name__)


@bp.app_context_processor
def console_context() -> dict:
    """What the console's layout needs on every page: the user and their navigation. Only what a gate has read
    already: an error page (the database down) must not query again."""
    user = g.get("console_user")
    return {"console_user": user, "console_nav": nav.visible(user)}


@bp.get("/")
def index():
    """The console for the signed-in, the sign-in page for everyone else."""
    if auth.current_user() is None:
        return redirect(url_for("signin.login"), 303)
    return redirect(url_for("console.home"), 303)


@bp.get("/console")
@auth.signed_in
def home():
    """The overview: what waits for approval, the sync running now and the last one, the HR integration's state
    (admins), then where to go from here."""
    user = auth.current_user()
    return render_template("console/home.html", company_name=user.company_name,
                           overview=overview.company_overview(services(), redis(), user.company_id,
                                                              admin=user.is_admin),
                           integration_page=_registered("integration_pages.integration"),
                           pages=[entry for entry in nav.visible(user) if entry["endpoint"] != "console.home"])


def _registered(endpoint: str) -> str | None:
    return url_for(endpoint) if endpoint in current_app.view_functions else None
