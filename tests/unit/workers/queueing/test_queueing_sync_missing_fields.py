"""Mapped fields the HR system sent for no employee (the provider's fetch report) are kept on the sync's row, for
every kind of sync and every provider, and told to people in one sentence each."""

from __future__ import annotations

import pytest

from services import syncs
from services.sync_run import execute_sync
from store.db import transaction
from store.repositories import sync_runs

from pipeline_fakes import employee, get_run, make_company


@pytest.mark.parametrize("mode", ["full", "incremental", "targeted"])
def test_the_fields_no_employee_carried_are_kept_with_the_sync(services, hr, mode):
    hr.add(employee("1", "Ada", "Lovelace", "E1"))
    hr.absent_fields = frozenset({"address.city", "home.privateEmail"})
    company_id = make_company(services)
    with transaction(services.session_factory) as session:
        sync_id = sync_runs.create_run(session, company_id, "bamboohr", mode, ["1"] if mode == "targeted" else []).id

    execute_sync(services, sync_id)

    run = get_run(services, sync_id)
    assert run.missing_fields == ("address.city", "home.privateEmail")
    assert syncs.field_notes(run) == (
        "The HR system did not send field address.city for any employee: the credential probably cannot read it.",
        "The HR system did not send field home.privateEmail for any employee: the credential probably cannot read "
        "it.")


def test_a_sync_that_got_every_field_keeps_none(services, hr):
    hr.add(employee("1", "Ada", "Lovelace", "E1"))
    company_id = make_company(services)
    with transaction(services.session_factory) as session:
        sync_id = sync_runs.create_run(session, company_id, "bamboohr", "full").id

    execute_sync(services, sync_id)

    run = get_run(services, sync_id)
    assert run.missing_fields == () and syncs.field_notes(run) == ()
