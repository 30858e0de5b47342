"""Reading the approval form: the choices on the page it was sent from, name format, e-mail and password.

The form carries the boxes and answers of one page only (`shown` names its items); the choices for the whole
change set are kept server-side (services.approval_choices), so a form never grows with the change set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from core.errors import BadRequest
from domain.changeset import ChangeKind
from domain.errors import InvalidNameFormat
from domain.names import NameFormat, parse_name_format
from webhook_app.approvals_view import CHECKABLE, FormState

RESOLVE_PREFIX = "resolve-"
MAX_EMAIL = 320
MAX_PASSWORD = 1024
# A page shows at most 6 kinds × 50 rows; a form naming more items was not drawn by this app.
MAX_SHOWN = 400


class InvalidForm(BadRequest):
    """The form cannot be applied as sent; `state` keeps what the approver chose for the re-rendered page."""

    def __init__(self, message: str, state: FormState):
        super().__init__(message)
        self.state = state


@dataclass(frozen=True)
class PageChoices:
    """The boxes and answers of the page the form was sent from."""

    shown: tuple[int, ...]
    included: frozenset[int]
    answers: dict[int, str]
    name_format: NameFormat | None
    version: int | None  # the choices' version the page was drawn with (None: not sent)

    def recorded(self, kinds: dict[int, ChangeKind]) -> tuple[dict[int, ChangeKind], frozenset[int], dict[int, str]]:
        """What to record, limited to the shown items the change set holds (`kinds`: id → kind)."""
        shown = {item_id: kinds[item_id] for item_id in self.shown if item_id in kinds}
        included = frozenset(item_id for item_id in self.included if shown.get(item_id) in CHECKABLE)
        answers = {item_id: answer for item_id, answer in self.answers.items()
                   if shown.get(item_id) is ChangeKind.REVIEW}
        return shown, included, answers


@dataclass(frozen=True)
class Submission:
    state: FormState
    password: str = field(repr=False)
    digest: str


def read_page(form: MultiDict) -> PageChoices:
    try:
        name_format = parse_name_format(form.get("name_format")) if form.get("name_format") else None
    except InvalidNameFormat:
        name_format = None
    version = form.get("choices_version", "")
    shown = tuple(_ids(form.get("shown", "").split(",")[:MAX_SHOWN]))
    return PageChoices(shown, frozenset(_ids(form.getlist("include"))), _resolutions(form), name_format,
                       int(version) if version.isascii() and version.isdigit() and len(version) < 19 else None)


def read_submission(form: MultiDict, initial: FormState) -> Submission:
    """The apply's own fields, or InvalidForm naming the first problem."""
    state = FormState(initial.name_format, form.get("email", "").strip()[:MAX_EMAIL])
    try:
        state = FormState(parse_name_format(form.get("name_format")), state.email)
    except InvalidNameFormat:
        raise InvalidForm("Choose one of the name formats.", state) from None
    password = form.get("password", "")
    if not state.email or not password:
        raise InvalidForm("Enter your e-mail address and your password to apply the changes.", state)
    if len(password) > MAX_PASSWORD:
        raise InvalidForm("That password is too long.", state)
    return Submission(state, password, form.get("items_digest", ""))


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 19]


def _resolutions(form: MultiDict) -> dict[int, str]:
    answers = {}
    for key, value in form.items():
        item_id = key.removeprefix(RESOLVE_PREFIX)
        if key.startswith(RESOLVE_PREFIX) and item_id.isascii() and item_id.isdigit() and len(item_id) < 19:
            answers[int(item_id)] = value[:64]
    return answers
