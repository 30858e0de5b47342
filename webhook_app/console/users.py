"""The Users page (admins): list, add with a role (an invitation e-mail), change a role, remove, reset a password."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from core.errors import HrsyncError, InvalidField, LastAdmin
from services import users
from services.users import Invitation, User, UserRole
from webhook_app.console import auth
from webhook_app.console.forms import ROLE_CHOICES, ROLE_NAMES, field_errors
from webhook_app.context import services
from webhook_app.errors import sentence

bp = Blueprint("users", __name__, url_prefix="/console/users")


@bp.get("")
@auth.admin_only
def list_users():
    """The company's users with their role and status, and the form to add one."""
    return _page()


@bp.post("")
@auth.admin_only
def add_user():
    """Add a user with a role and e-mail them the link that sets their password."""
    user = auth.current_user()
    g.console_new = {"email": request.form.get("email", ""), "role": request.form.get("role", "")}
    invitation = users.add_user(services(), user.company_id, g.console_new["email"], g.console_new["role"],
                                actor=user.email)
    flash(_sent(f"{invitation.user.email} was added as {invitation.user.role.value}.", invitation))
    return redirect(url_for("users.list_users"), 303)


@bp.post("/<int:user_id>/role")
@auth.admin_only
def change_role(user_id: int):
    """Make a user an admin or an approver (the last admin stays one)."""
    user = auth.current_user()
    changed = users.change_role(services(), user.company_id, user_id, request.form.get("role", ""), actor=user.email)
    flash(f"{changed.email} is now {'an admin' if changed.role is UserRole.ADMIN else 'an approver'}.")
    return redirect(url_for("users.list_users"), 303)


@bp.route("/<int:user_id>/remove", methods=["GET", "POST"])
@auth.admin_only
def remove_user(user_id: int):
    """Remove a user, after a confirmation page (the last admin stays)."""
    user = auth.current_user()
    target = users.get_user(services(), user.company_id, user_id)
    if request.method == "GET":
        return _confirm(target, "Remove", f"Remove {target.email}?",
                        f"{target.email} can no longer sign in or approve changes for {user.company_name}.")
    users.remove_user(services(), user.company_id, user_id, actor=user.email)
    if target.id == user.id:
        auth.end_session()
        return redirect(url_for("signin.login"), 303)
    flash(f"{target.email} was removed.")
    return redirect(url_for("users.list_users"), 303)


@bp.route("/<int:user_id>/reset", methods=["GET", "POST"])
@auth.admin_only
def reset_password(user_id: int):
    """End a user's password and e-mail them a link to set a new one, after a confirmation page."""
    user = auth.current_user()
    target = users.get_user(services(), user.company_id, user_id)
    if request.method == "GET":
        return _confirm(target, "Reset password", f"Reset the password of {target.email}?",
                        "Their password stops working at once, and they are signed out everywhere. "
                        + _link_goes("The e-mail with a link to choose a new one"))
    invitation = users.reset_password(services(), user.company_id, user_id, actor=user.email)
    if target.id == user.id:
        auth.end_session()
        flash(_sent("Your password was reset.", invitation))
        return redirect(url_for("signin.login"), 303)
    flash(_sent(f"The password of {target.email} was reset.", invitation))
    return redirect(url_for("users.list_users"), 303)


@bp.errorhandler(InvalidField)
def field_refused(error: InvalidField) -> Response:
    """A refused e-mail or role: on its field of the add form (a forged role change: a message on the list)."""
    if "console_new" in g and error.field in g.console_new:
        return _page(new=g.console_new, errors=field_errors(error), status=error.http_status)
    return last_admin(error)


@bp.errorhandler(LastAdmin)
def last_admin(error: HrsyncError) -> Response:
    """The change would leave no admin: nothing changed, the list says why."""
    flash(sentence(error.message), "error")
    return redirect(url_for("users.list_users"), 303)


def _sent(done: str, invitation: Invitation) -> str:
    email = invitation.user.email
    if invitation.outbox_file:
        return (f"{done} Mail is not set up on this server, so nothing was e-mailed: the e-mail with the link to set "
                f"the password was written to the development outbox, {invitation.outbox_file}. In production, set "
                f"SMTP_URL. To get {email} in: once mail works, use Reset password to send them a new link; until "
                "then, an operator can open that file and pass the link on.")
    if invitation.delivered is None:
        return (f"{done} The e-mail with the link could not be sent: check the mail settings, then use "
                "Reset password to send a new link.")
    return f"{done} An e-mail with a link to set the password is on its way to {email}."


def _page(*, new: dict | None = None, errors: dict | None = None, status: int = 200) -> Response:
    user = auth.current_user()
    html = render_template("console/users.html", company_name=user.company_name,
                           users=users.list_users(services(), user.company_id), me=user,
                           new=new or {"email": "", "role": UserRole.APPROVER.value}, errors=errors or {},
                           role_choices=ROLE_CHOICES, role_names=ROLE_NAMES,
                           link_goes=_link_goes("The e-mail with a link to choose their password (valid for 3 days, "
                                                "once)"))
    return Response(html, status=status, mimetype="text/html")


def _link_goes(mail: str) -> str:
    """Where `mail` goes, as the page says it before the admin presses the button."""
    if users.mail_configured(services()):
        return f"{mail} is sent to them."
    return (f"{mail} is written to the development outbox on the server, not sent: mail is not set up "
            "(SMTP_URL).")


def _confirm(target: User, button_text: str, title: str, text: str) -> Response:
    html = render_template("console/confirm.html", company_name=auth.current_user().company_name,
                           button_text=button_text, title=title, text=text, back=url_for("users.list_users"))
    return Response(html, mimetype="text/html")
