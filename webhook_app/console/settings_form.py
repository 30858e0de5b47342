"""The Sync settings form: what the browser sent, read into the JSON API's settings and checked by the same schema
(webhook_app.schemas.integration.SettingsSchema), its refusals worded for the field they concern."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from domain.names import NameFormat, format_name
from domain.policy import TerminationPolicy
from webhook_app.schemas.integration import SettingsSchema

# The example person every name format is shown with (SPEC §3's own example), known in HR by a preferred name.
EXAMPLE_FIRST, EXAMPLE_LAST, EXAMPLE_PREFERRED = "Anna", "Müller", "Anni"
EXAMPLE = {"first": EXAMPLE_FIRST, "last": EXAMPLE_LAST, "preferred": EXAMPLE_PREFERRED}

NAME_FORMAT_LABELS = {NameFormat.FIRST_LAST: "First name, then last name",
                      NameFormat.LAST_FIRST: "Last name, then first name",
                      NameFormat.LAST_COMMA_FIRST: "Last name, comma, first name"}
TERMINATION_CHOICES = {
    TerminationPolicy.PROPOSE_GROUP: ("Propose moving them to the ex-employee group",
                                      "Each move is a change you approve; nobody is ever deleted."),
    TerminationPolicy.IGNORE: ("Leave them as they are",
                               "Leavers are not proposed; you change their group by hand."),
}
# A refusal as the page words it, per field (the schema's own words are for machines).
MESSAGES = {
    "name_format": "Choose one of the name formats.",
    "termination_policy": "Choose what happens to people who leave.",
    "ex_employee_group": "Enter the name of the group leavers move to (at most 200 characters).",
    "managed_groups": "List at most 50 groups, one per line, each at most 200 characters.",
    "import_terminated": "Tick the box or leave it empty.",
    "use_preferred_name": "Tick the box or leave it empty.",
}
BOXES = ("import_terminated", "use_preferred_name")


@dataclass(frozen=True)
class SettingsForm:
    """The form as shown: its values (as typed after a refusal) and the message under each refused field."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def groups_text(self) -> str:
        groups = self.values.get("managed_groups") or ()
        return groups if isinstance(groups, str) else "\n".join(groups)


def from_settings(settings: Mapping[str, Any]) -> SettingsForm:
    """The form filled with the company's stored settings."""
    return SettingsForm({name: getattr(value, "value", value) for name, value in settings.items()})


def read(form: MultiDict) -> dict[str, Any]:
    """What the browser sent, as the API's settings: unticked boxes are false, one group per line, text trimmed."""
    sent: dict[str, Any] = {name: form.get(name, "").strip() for name in
                            ("name_format", "termination_policy", "ex_employee_group")}
    sent |= {name: name in form for name in BOXES}
    sent["managed_groups"] = [line.strip() for line in form.get("managed_groups", "").splitlines() if line.strip()]
    return sent


def check(sent: dict[str, Any]) -> tuple[dict[str, Any] | None, SettingsForm]:
    """(settings to save, the form as shown): settings None when the schema refused a field."""
    try:
        return SettingsSchema().load(sent), SettingsForm(sent)
    except ValidationError as error:
        refused = {name: MESSAGES.get(name, "This value cannot be used.") for name in error.messages}
        return None, SettingsForm(sent, refused)


def option_name(key: str) -> str:
    """The form field of a provider option (apart from the settings' own names)."""
    return f"option-{key}"


@dataclass(frozen=True)
class NameExample:
    """A name format with the example person written in it: by the legal first name (`plain`) and by the
    preferred one (`preferred`), which the "preferred name" setting chooses between."""

    value: str
    label: str
    plain: str
    preferred: str

    def shown(self, use_preferred_name: bool) -> str:
        return self.preferred if use_preferred_name else self.plain


def name_examples() -> list[NameExample]:
    """Each name format with its examples."""
    return [NameExample(fmt.value, NAME_FORMAT_LABELS.get(fmt, fmt.value),
                        format_name(EXAMPLE_FIRST, EXAMPLE_LAST, fmt), format_name(EXAMPLE_PREFERRED, EXAMPLE_LAST, fmt))
            for fmt in NameFormat]


def termination_choices() -> list[tuple[str, str, str]]:
    return [(policy.value, *TERMINATION_CHOICES[policy]) for policy in TerminationPolicy]
