"""SandboxState: tenants, people edits, faults, tokens and the request log, without HTTP."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from sandbox.state import SandboxState
from sandbox.tenants import RequestDetail


def test_tenants_get_generated_people_with_their_own_id_ranges(state, bamboo, perso):
    assert len(bamboo.people) == 30 and bamboo.people[0].id == "1"
    assert len(perso.people) == 250 and perso.people[0].id == "100001"
    assert state.tenants() == [bamboo, perso]
    assert state.bamboohr_tenant("acme") is bamboo and state.personio_tenant("cid") is perso


def test_secrets_stay_out_of_tenant_reprs(bamboo, perso):
    assert "key-123" not in repr(bamboo)
    assert "secret" not in repr(perso).replace("client_secret", "")


def test_people_can_be_given_as_records(state):
    tenant = state.add_bamboohr_tenant("given", "k", people=[
        {"first_name": "Anna", "last_name": "Müller", "hire_date": "2020-01-01"},
        {"id": "77", "first_name": "Jörg", "last_name": "Weiß", "status": "inactive"}])
    assert [(p.id, p.first_name, p.hire_date) for p in tenant.people] == [
        ("1", "Anna", dt.date(2020, 1, 1)), ("77", "Jörg", None)]


def test_people_records_need_names(state):
    with pytest.raises(ValueError, match="first_name and a last_name"):
        state.add_bamboohr_tenant("given", "k", people=[{"first_name": "Anna"}])


def test_update_person_records_the_change(state, bamboo):
    version = bamboo.version
    person = state.update_person(bamboo, "3", first_name="Zoë", city="Köln")
    assert (person.first_name, person.city) == ("Zoë", "Köln")
    assert person.changed_fields == ("first_name", "city")
    assert person.updated_at > person.created_at
    assert bamboo.version > version


def test_update_of_an_unknown_person_is_a_key_error(state, bamboo):
    with pytest.raises(KeyError):
        state.update_person(bamboo, "999", first_name="X")


def test_terminate_person_makes_a_leaver(state, bamboo):
    person = state.terminate_person(bamboo, "4", "2026-02-28")
    assert person.terminated and person.termination_date == dt.date(2026, 2, 28)


def test_add_person_takes_the_next_free_id(state, bamboo):
    person = state.add_person(bamboo, first_name="Neu", last_name="Angestellt", hire_date="2026-04-01")
    assert person.id == "31" and bamboo.find("31") is person
    with pytest.raises(ValueError, match="already exists"):
        state.add_person(bamboo, id="31", first_name="A", last_name="B")


def test_delete_person_leaves_a_tombstone(state, bamboo):
    state.delete_person(bamboo, "5")
    assert bamboo.find("5") is None and "5" in bamboo.deleted
    assert state.add_person(bamboo, first_name="A", last_name="B").id == "31"


@pytest.mark.parametrize("options, message", [
    ({"kind": "meteor"}, "fault kind must be one of"),
    ({"kind": "slow", "count": 0}, "count must be >= 1"),
    ({"kind": "server_error", "status": 999}, "valid HTTP status"),
    ({"kind": "slow", "delay": -1}, "delay >= 0"),
], ids=["unknown-kind", "zero-count", "bad-status", "negative-delay"])
def test_inject_fault_rejects_bad_options(state, bamboo, options, message):
    with pytest.raises(ValueError, match=message):
        state.inject_fault(bamboo, **options)


def test_rate_limits_default_to_a_one_second_retry_after_rounded_up(state, bamboo):
    assert state.inject_fault(bamboo, "rate_limit").retry_after == 1
    assert state.inject_fault(bamboo, "rate_limit", retry_after=1.2).retry_after == 2
    assert state.inject_fault(bamboo, "server_error").retry_after is None
    assert state.inject_fault(bamboo, "rate_limit", retry_after=None).retry_after is None


def test_faults_are_consumed_in_order_and_can_target_a_path(state, bamboo):
    state.inject_fault(bamboo, "server_error", count=2, path="/v1/reports")
    state.inject_fault(bamboo, "slow", count=1)
    assert state.take_fault(bamboo, "/v1/meta/fields").kind == "slow"
    assert state.take_fault(bamboo, "/v1/meta/fields") is None
    assert [state.take_fault(bamboo, "/v1/reports/custom").kind for _ in range(2)] == ["server_error"] * 2
    assert state.take_fault(bamboo, "/v1/reports/custom") is None


def test_request_log_compares_with_plain_tuples(state, bamboo):
    state.record(bamboo, RequestDetail("GET", "/v1/meta/fields", 200, {}, {}))
    assert state.request_log(bamboo) == [("GET", "/v1/meta/fields", 200)]
    state.clear_request_log(bamboo)
    assert state.request_log(bamboo) == []


def test_reusable_tokens_are_handed_out_again_and_rotating_ones_are_single_use(state):
    reusable = state.add_personio_tenant("r", "s", people=1)
    rotating = state.add_personio_tenant("o", "s", people=1, token_mode="rotating")
    token = state.issue_token(reusable)
    assert state.issue_token(reusable) == token and state.spend_token(reusable, token) == token
    first = state.issue_token(rotating)
    assert state.issue_token(rotating) != first
    echoed = state.spend_token(rotating, first)
    assert echoed != first and not rotating.token_valid(first) and rotating.token_valid(echoed)
    assert state.token_owner(first) is rotating


@pytest.mark.parametrize("options", [{"readable_attributes": "first_name"}, {"readable_attributes": [1]}],
                         ids=["text-not-list", "not-keys"])
def test_whitelist_must_be_a_list_of_keys(state, options):
    with pytest.raises(ValueError, match="readable_attributes must be a list"):
        state.add_personio_tenant("x", "s", people=1, **options)


def test_unknown_token_mode_is_refused(state):
    with pytest.raises(ValueError, match="token_mode"):
        state.add_personio_tenant("x", "s", people=1, token_mode="sometimes")


def test_concurrent_edits_are_all_applied(state, bamboo):
    def edit(worker: int) -> None:
        for round_ in range(50):
            state.update_person(bamboo, str(worker + 1), city=f"City {round_}")
            state.add_person(bamboo, first_name=f"W{worker}", last_name=f"R{round_}")
    threads = [threading.Thread(target=edit, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(bamboo.people) == 30 + 8 * 50
    assert len({p.id for p in bamboo.people}) == len(bamboo.people)
    assert all(bamboo.find(str(w + 1)).city == "City 49" for w in range(8))


def test_reset_forgets_every_tenant(state, bamboo, perso):
    token = state.issue_token(perso)
    state.reset()
    assert state.tenants() == [] and state.token_owner(token) is None


def test_state_works_without_a_server():
    state = SandboxState()
    tenant = state.add_personio_tenant("c", "s", people=3, seed=9)
    assert len(tenant.people) == 3
