"""What a match or a new employee proposes: field diffs, names, leavers, rehires, new stakeholders."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import MappingProxyType

import pytest
from domain_builders import employee, leaver, linked, new_values, only, policy, stakeholder

from domain.changeset import ChangeItem, ChangeKind, FieldChange, Reason, change_item, field_change
from domain.diff import field_changes
from domain.employee import EmploymentStatus
from domain.matching import match
from domain.names import NameFormat
from domain.policy import TerminationPolicy
from domain.proposal import hr_values, proposed_values

ENDED = dt.date(2025, 3, 31)


def fields(item) -> dict[str, tuple[str | None, str | None]]:
    return {name: (change.old, change.new) for name, change in item.fields.items()}


UPDATES = {
    "only-owned-fields": (
        employee("1", city="Köln", email="new@x.de"), linked(10, "1", city="Bonn", email="old@x.de"),
        {"owned_fields": frozenset({"email"})}, {"email": ("old@x.de", "new@x.de")}),
    "absent-value-never-blanks": (
        employee("1", city=None, email="", phone="   "), linked(10, "1", city="Bonn", email="a@x.de", phone="1"),
        {}, None),
    "email-case-is-no-change": (
        employee("1", email="Anna@X.de"), linked(10, "1", email="anna@x.de"), {}, None),
    "strings-compared-stripped": (
        employee("1", city=" Köln ", street="Hauptstr. 1"), linked(10, "1", city="Köln", street=" Hauptstr. 1 "),
        {}, None),
    "new-value-is-stripped": (
        employee("1", city=" Köln "), linked(10, "1", city="Bonn"), {}, {"city": ("Bonn", "Köln")}),
    "empty-stakeholder-value-filled": (
        employee("1", phone="+49 1"), linked(10, "1", phone=""), {}, {"phone": (None, "+49 1")}),
    "dates-as-iso-text": (
        employee("1", birth_date=dt.date(1990, 1, 2)), linked(10, "1", birth_date=dt.date(1990, 2, 1)), {},
        {"birth_date": ("1990-02-01", "1990-01-02")}),
    "same-date-is-no-change": (
        employee("1", birth_date=dt.date(1990, 1, 2)), linked(10, "1", birth_date=dt.date(1990, 1, 2)), {}, None),
    "identifier-update": (
        employee("1", unique_identifier=" E7 "), linked(10, "1"), {}, {"unique_identifier": (None, "E7")}),
    "last-name-in-stakeholder-format": (
        employee("1", last="Schmidt"), linked(10, "1", display="Müller, Anna"), {},
        {"name": ("Müller, Anna", "Schmidt, Anna"), "last_name": ("Müller", "Schmidt")}),
    "first-name-in-stakeholder-format": (
        employee("1", first="Anne"), linked(10, "1", display="Müller Anna"),
        {"name_format": NameFormat.LAST_COMMA_FIRST},
        {"name": ("Müller Anna", "Müller Anne"), "first_name": ("Anna", "Anne")}),
    "name-format-fallback-to-company": (
        employee("1", last="Schmidt"), linked(10, "1", display="Dr. A. Müller"),
        {"name_format": NameFormat.LAST_FIRST},
        {"name": ("Dr. A. Müller", "Schmidt Anna"), "last_name": ("Müller", "Schmidt")}),
    "name-kept-when-it-shows-the-names": (
        employee("1"), stakeholder(10, "Müller, Anna", hr_provider="bamboohr", hr_remote_id="1", group="Employees"),
        {}, {"first_name": (None, "Anna"), "last_name": (None, "Müller")}),
    "preferred-name-on": (
        employee("1", preferred_name="Annie"), linked(10, "1"), {"use_preferred_name": True},
        {"name": ("Anna Müller", "Annie Müller"), "first_name": ("Anna", "Annie")}),
    "preferred-name-off": (employee("1", preferred_name="Annie"), linked(10, "1"), {}, None),
    "preferred-name-on-but-empty": (
        employee("1", preferred_name=" "), linked(10, "1"), {"use_preferred_name": True}, None),
    "names-not-owned": (
        employee("1", first="Anne", last="Schmidt"), linked(10, "1"),
        {"owned_fields": frozenset({"email", "city"})}, None),
    "rehire-back-to-employees": (
        employee("1"), linked(10, "1", group="Ex-employee"), {}, {"group": ("Ex-employee", "Employees")}),
    "onboarding-is-no-rehire": (
        employee("1", status=EmploymentStatus.ONBOARDING), linked(10, "1", group="Ex-employee"), {}, None),
    "active-keeps-other-groups": (employee("1"), linked(10, "1", group="Advisors"), {}, None),
    "leaver-already-ex-employee": (
        leaver("1", city="Köln"), linked(10, "1", group="Ex-employee", city="Bonn"), {}, {"city": ("Bonn", "Köln")}),
    "leaver-ignored-by-policy": (
        leaver("1"), linked(10, "1"), {"termination_policy": TerminationPolicy.IGNORE}, None),
    "inactive-without-termination-is-no-leaver": (
        employee("1", status=EmploymentStatus.INACTIVE), linked(10, "1"), {}, None),
    "future-termination-while-active-is-no-leaver": (
        employee("1", termination_date=ENDED), linked(10, "1"), {}, None),
}


@pytest.mark.parametrize("person, registry_entry, settings, expected", UPDATES.values(), ids=UPDATES.keys())
def test_update_fields(person, registry_entry, settings, expected):
    changes = match([person], [registry_entry], policy(**settings))
    if expected is None:
        assert changes.items == ()
    else:
        item = only(changes)
        assert (item.kind, item.stakeholder_id, fields(item)) == (ChangeKind.UPDATE, 10, expected)


def test_leaver_proposes_the_group_change_and_other_diffs():
    item = only(match([leaver("1", city="Köln")], [linked(10, "1", city="Bonn")], policy()))
    assert (item.kind, item.reason, item.stakeholder_id, item.termination_date) == \
        (ChangeKind.LEAVER, Reason.TERMINATED, 10, ENDED)
    assert fields(item) == {"city": ("Bonn", "Köln"), "group": ("Employees", "Ex-employee")}


def test_leaver_found_by_name_is_linked_as_a_leaver():
    item = only(match([leaver("1")], [stakeholder(10, "Anna Müller", first_name="Anna", last_name="Müller",
                                                  group=None)], policy(ex_employee_group="Alumni")))
    assert (item.kind, fields(item)) == (ChangeKind.LEAVER, {"group": (None, "Alumni")})


def test_link_carries_no_fields():
    item = only(match([employee("1")], [stakeholder(10, "Anna Müller", first_name="Anna", last_name="Müller")],
                      policy()))
    assert (item.kind, item.stakeholder_id, dict(item.fields)) == (ChangeKind.LINK, 10, {})


CREATES = {
    "every-owned-value": (
        employee("1", unique_identifier="E1", email="anna@x.de", city=" Köln ", birth_date=dt.date(1990, 1, 2),
                 hire_date=dt.date(2020, 1, 1), middle_name="Maria"),
        {}, {"name": "Anna Müller", "first_name": "Anna", "last_name": "Müller", "unique_identifier": "E1",
             "email": "anna@x.de", "city": "Köln", "birth_date": "1990-01-02", "group": "Employees"}),
    "company-name-format": (
        employee("1"), {"name_format": NameFormat.LAST_COMMA_FIRST, "employee_group": "Staff"},
        {"name": "Müller, Anna", "first_name": "Anna", "last_name": "Müller", "group": "Staff"}),
    "owned-fields-only": (
        employee("1", email="anna@x.de", city="Köln"), {"owned_fields": frozenset({"email", "last_name"})},
        {"name": "Anna Müller", "last_name": "Müller", "email": "anna@x.de", "group": "Employees"}),
    "preferred-name": (
        employee("1", preferred_name="Annie"), {"use_preferred_name": True},
        {"name": "Annie Müller", "first_name": "Annie", "last_name": "Müller", "group": "Employees"}),
    "only-a-last-name": (
        employee("1", first=None), {"name_format": NameFormat.LAST_COMMA_FIRST},
        {"name": "Müller", "last_name": "Müller", "group": "Employees"}),
    "no-name-at-all": (employee("7", first=None, last="  "), {}, {"name": "#7", "group": "Employees"}),
    "onboarding-joins-employees": (
        employee("1", status=EmploymentStatus.ONBOARDING), {},
        {"name": "Anna Müller", "first_name": "Anna", "last_name": "Müller", "group": "Employees"}),
    "imported-leaver-joins-ex-employees": (
        leaver("1"), {"import_terminated": True},
        {"name": "Anna Müller", "first_name": "Anna", "last_name": "Müller", "group": "Ex-employee"}),
}


@pytest.mark.parametrize("person, settings, expected", CREATES.values(), ids=CREATES.keys())
def test_create_values(person, settings, expected):
    item = only(match([person], [], policy(**settings)))
    assert (item.kind, item.stakeholder_id) == (ChangeKind.CREATE, None)
    assert new_values(item) == expected
    assert all(change.old is None for change in item.fields.values())


def test_create_fields_come_in_registry_order():
    item = only(match([employee("1", email="a@x.de", unique_identifier="E1")], [], policy()))
    assert list(item.fields) == ["name", "first_name", "last_name", "unique_identifier", "email", "group"]


def test_skip_items_keep_what_hr_said():
    item = only(match([leaver("1", email="anna@x.de")], [], policy()))
    assert (item.kind, item.reason, item.termination_date) == (ChangeKind.SKIP, Reason.TERMINATED, ENDED)
    assert item.proposed["email"] == "anna@x.de"
    assert item.fields == {}


def test_field_change_values_are_text():
    item = only(match([employee("1", birth_date=dt.date(1990, 1, 2))], [linked(10, "1")], policy()))
    assert item.fields["birth_date"] == FieldChange(None, "1990-01-02")


@pytest.mark.parametrize("person, registry_entry, settings, expected", UPDATES.values(), ids=UPDATES.keys())
def test_field_changes_from_hr_values_agree_with_the_full_comparison(person, registry_entry, settings, expected):
    """Matching gives field_changes the raw HR values to skip equal fields early; that only saves work."""
    settings = policy(**settings)
    mine = hr_values(person, settings)
    proposed = proposed_values(person, settings, mine)
    assert field_changes(registry_entry, proposed, settings, mine) == field_changes(registry_entry, proposed, settings)


def test_change_item_built_fast_equals_the_dataclass():
    """change_item writes every field of ChangeItem (a field added to the class but not there fails here)."""
    values = {"kind": ChangeKind.UPDATE, "remote_id": "7", "employee_name": "Anna Müller", "stakeholder_id": 10,
              "reason": Reason.TERMINATED, "fields": MappingProxyType({"city": FieldChange("Bonn", "Köln")}),
              "proposed": MappingProxyType({"city": "Köln"}), "candidates": (10, 11),
              "termination_date": ENDED}
    assert set(values) == {field.name for field in dataclasses.fields(ChangeItem)}
    built = change_item(*values.values())
    assert {name: getattr(built, name) for name in values} == values
    assert built == ChangeItem(**values)
    assert field_change("Bonn", "Köln") == FieldChange("Bonn", "Köln")
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.kind = ChangeKind.LINK
