"""What the console's forms offer and how a refusal shows on them. The forms are written with macros/forms.html;
their CSRF token is checked app-wide (webhook_app.security) before a view runs; the rules live in the services."""

from __future__ import annotations

from core.errors import InvalidField
from store.enums import UserRole
from webhook_app.errors import sentence

# The add form's roles, the default first, each saying what it allows.
ROLE_CHOICES = [(UserRole.APPROVER.value, "Approver: views and approves"),
                (UserRole.ADMIN.value, "Admin: also settings, syncs, users")]
# A user's row: the role's name only.
ROLE_NAMES = [(role.value, role.value.capitalize()) for role in UserRole]


def field_errors(error: InvalidField) -> dict[str, str]:
    """A refusal as the messages a page shows under its fields (an e-mail address first stays as typed)."""
    message = sentence(error.message)
    if "@" in error.message.split(" ", 1)[0]:
        message = error.message.rstrip(".") + "."
    return {error.field: message}
