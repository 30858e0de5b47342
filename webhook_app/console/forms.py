"""The console's forms (Flask-WTF: each carries its CSRF token). Rules live in the services; a refusal naming a
field (core.errors.InvalidField) is shown on that field by `show_refusal`."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import EmailField, PasswordField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from core.errors import InvalidField
from store.enums import UserRole

ROLE_CHOICES = [SelectChoice(UserRole.APPROVER.value, "Approver: views and approves"),
                SelectChoice(UserRole.ADMIN.value, "Admin: also settings, syncs, users")]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", render_kw={"autocomplete": "username", "required": True, "autofocus": True})
    password = PasswordField("Password", render_kw={"autocomplete": "current-password", "required": True})


class CompanyForm(FlaskForm):
    account = RadioField("Company", coerce=int, validate_choice=False)


class SetPasswordForm(FlaskForm):
    password = PasswordField("New password", render_kw={"autocomplete": "new-password", "required": True})
    confirm = PasswordField("The same password again", render_kw={"autocomplete": "new-password", "required": True})


class AddUserForm(FlaskForm):
    email = EmailField("E-mail", render_kw={"autocomplete": "off", "required": True})
    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(role.value, role.value.capitalize()) for role in UserRole],
                       validate_choice=False)


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token only."""


def submitted(form: FlaskForm) -> bool:
    """True when the form was posted with a valid CSRF token; a missing or stale one is the "form expired" page."""
    if not form.is_submitted():
        return False
    form.validate()
    if form.meta.csrf and form.csrf_token.errors:
        raise CSRFError(form.csrf_token.errors[0])
    return True


def show_refusal(form: FlaskForm, error: InvalidField) -> bool:
    """Put the refusal on its field; False when the form has no such field (the page shows it on top)."""
    field = getattr(form, error.field, None)
    if field is None:
        return False
    field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    return True

