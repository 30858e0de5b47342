"""Reading the approval form: checked items, review answers, name format, e-mail and password."""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from core.errors import BadRequest
from domain.errors import InvalidNameFormat
from domain.names import parse_name_format
from services.apply_selection import SKIP, Selection
from services.approvals import ApprovalRequest
from services.changesets import StoredChangeSet
from webhook_app.approvals_view import CHECKABLE, FormState

RESOLVE_PREFIX = "resolve-"
MAX_EMAIL = 320
MAX_PASSWORD = 1024


class InvalidForm(BadRequest):
    """The form cannot be applied as sent; `state` keeps what the approver chose for the re-rendered page."""

    def __init__(self, message: str, state: FormState):
        super().__init__(message)
        self.state = state


@dataclass(frozen=True)
class Submission:
    state: FormState
    password: str = field(repr=False)
    digest: str

    def request(self, stored: StoredChangeSet, client: str) -> ApprovalRequest:
        """Unchecked items become `exclude`; "skip" answers are left out (an unanswered review waits)."""
        excluded = frozenset(entry.id for entry in stored.items
                             if entry.item.kind in CHECKABLE and entry.id not in self.state.included)
        resolve = {item_id: choice for item_id, choice in self.state.resolutions.items() if choice != SKIP}
        return ApprovalRequest(stored.id, self.state.email, self.password, client, name_format=self.state.name_format,
                               selection=Selection(excluded, resolve), expected_digest=self.digest)


def read_form(form: MultiDict, stored: StoredChangeSet, initial: FormState) -> Submission:
    """The submission, or InvalidForm naming the first problem."""
    state = FormState(frozenset(_ids(form.getlist("include"))), _resolutions(form), initial.name_format,
                      form.get("email", "").strip()[:MAX_EMAIL])
    try:
        state = FormState(state.included, state.resolutions, parse_name_format(form.get("name_format")),
                          state.email)
    except InvalidNameFormat:
        raise InvalidForm("Choose one of the name formats.", state) from None
    password = form.get("password", "")
    if not state.email or not password:
        raise InvalidForm("Enter your e-mail address and your password to apply the changes.", state)
    if len(password) > MAX_PASSWORD:
        raise InvalidForm("That password is too long.", state)
    return Submission(state, password, form.get("items_digest", ""))


def _ids(values: list[str]) -> set[int]:
    return {int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 19}


def _resolutions(form: MultiDict) -> dict[int, str]:
    answers = {}
    for key, value in form.items():
        item_id = key.removeprefix(RESOLVE_PREFIX)
        if key.startswith(RESOLVE_PREFIX) and item_id.isascii() and item_id.isdigit() and len(item_id) < 19:
            answers[int(item_id)] = value[:64]
    return answers
