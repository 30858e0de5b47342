"""HR text with NUL characters: dropped where it enters hrsync (both providers' mapping), the rest kept as sent."""

from __future__ import annotations

from providers import bamboohr_mapping, personio_mapping


def test_bamboohr_mapping_drops_nul_and_keeps_hostile_text():
    """Invariant: NUL never reaches an Employee (PostgreSQL text cannot store it); other hostile text is kept."""
    raw = {"id": "7", "firstName": "Ro\x00bert'); DROP TABLE stakeholders;--", "lastName": "<b>\x00</b>",
           "city": "\x00"}
    employee = bamboohr_mapping.employee_from_wire(raw, {"firstName": "first_name", "lastName": "last_name",
                                                         "city": "city"})
    assert (employee.first_name, employee.last_name, employee.city) == (
        "Robert'); DROP TABLE stakeholders;--", "<b></b>", None)


def test_personio_mapping_drops_nul_in_values_and_ids():
    """Invariant: NUL never reaches an Employee's fields or remote id from a Personio record."""
    raw = {"attributes": {"id": {"value": "42\x00"}, "first_name": {"value": "\u202eAnna\x00"},
                          "last_name": {"value": "{{7*7}}"}}}
    employee = personio_mapping.employee_from_wire(raw, {"first_name": "first_name", "last_name": "last_name"})
    assert (employee.remote_id, employee.first_name, employee.last_name) == ("42", "\u202eAnna", "{{7*7}}")
