"""The apply service on an in-memory registry: selection, review answers, stale items, password and lockout."""

from __future__ import annotations

import fakeredis
import pytest

from domain.decisions import DecisionKind, ReviewDecision
from domain.names import NameFormat
from store.db import transaction
from store.enums import ChangeSetStatus
from store.errors import NotFound
from store.repositories import audit, changesets, decisions, stakeholder_writes, stakeholders
from store.repositories.changeset_reads import load_changeset
from tests.approval_scenario import build_scenario, employees, record_sync
from services.approvals import ApprovalRequest, apply_changeset, approve, items_digest
from core.errors import ChangeSetChanged, InvalidSelection, Locked, LockoutUnavailable, NotPending, WrongPassword
from core.lockout import COMMAND_LINE, LOCK_SECONDS, MAX_TRIES, Lockout
from services.apply_plan import Outcome
from services.apply_selection import Selection

EMAIL, PASSWORD = "cfo@acme.example", "correct horse battery staple"
CLIENT = "203.0.113.7"


@pytest.fixture
def lockout(redis_server):
    return Lockout(fakeredis.FakeRedis(server=redis_server))


def request_for(scenario, **options) -> ApprovalRequest:
    options.setdefault("password", PASSWORD)
    return ApprovalRequest(options.pop("changeset_id", scenario.changeset_id), options.pop("email", EMAIL),
                           options.pop("password"), options.pop("client", CLIENT), **options)


def registry(services, scenario) -> dict[int, object]:
    with transaction(services.session_factory) as session:
        return {person.id: person for person in stakeholders.list_stakeholders(session, scenario.company_id)}


def stored(services, scenario):
    with transaction(services.session_factory) as session:
        return load_changeset(session, scenario.changeset_id)


def test_applies_every_selected_item_in_one_go(services, lockout, scenario):
    result = approve(services, lockout, request_for(scenario, name_format=NameFormat.LAST_COMMA_FIRST))

    assert result.counts() == {"create": 1, "update": 1, "link": 1, "leaver": 1, "unresolved": 1, "skipped": 1}
    people = registry(services, scenario)
    anna, ben, carl = (people[scenario.person(key)] for key in ("anna", "ben", "carl"))
    assert (anna.city, anna.version) == ("Zürich", 2)
    assert (ben.hr_provider, ben.hr_remote_id, ben.version) == ("bamboohr", "2", 2)
    assert (carl.group, carl.version) == ("Ex-employee", 2)
    eva = next(person for person in people.values() if person.unique_identifier == "E-5")
    assert (eva.name, eva.hr_remote_id, eva.group, eva.version) == ("Neumann, Eva", "5", "Employees", 1)
    after = stored(services, scenario)
    assert after.status is ChangeSetStatus.APPLIED and after.applied_by == EMAIL
    assert {entry.item.remote_id: entry.resolution for entry in after.items} == {
        "1": "applied", "2": "applied", "3": "applied", "4": "unresolved", "5": "applied", "6": None}


def test_the_company_name_format_is_the_default(services, lockout, scenario):
    approve(services, lockout, request_for(scenario))
    assert any(person.name == "Eva Neumann" for person in registry(services, scenario).values())


def test_excluded_items_are_left_alone(services, lockout, scenario):
    excluded = frozenset({scenario.items["1"], scenario.items["5"]})
    result = approve(services, lockout, request_for(scenario, selection=Selection(exclude=excluded)))

    assert {outcome.remote_id for outcome in result.with_outcome(Outcome.EXCLUDED)} == {"1", "5"}
    people = registry(services, scenario)
    assert people[scenario.person("anna")].city == "Bern"
    assert not any(person.unique_identifier == "E-5" for person in people.values())


@pytest.mark.parametrize("choice, expected", [
    ("dora", {"outcome": Outcome.APPLIED, "linked": "dora", "decisions": []}),
    ("create", {"outcome": Outcome.APPLIED, "linked": "new", "decisions": []}),
    ("skip", {"outcome": Outcome.SKIPPED, "linked": None, "decisions": []}),
    ("not_same_person", {"outcome": Outcome.DECIDED, "linked": None,
                         "decisions": [(DecisionKind.NOT_SAME_PERSON, "dora"), (DecisionKind.NOT_SAME_PERSON, "dora2")]}),
    ("ignore", {"outcome": Outcome.DECIDED, "linked": None, "decisions": [(DecisionKind.IGNORE_EMPLOYEE, None)]}),
], ids=["link-to-candidate", "create-new", "skip", "not-same-person", "ignore-employee"])
def test_review_answers(services, lockout, scenario, choice, expected):
    answer = scenario.person(choice) if choice == "dora" else choice
    result = approve(services, lockout, request_for(
        scenario, selection=Selection(resolve={scenario.items["4"]: answer})))

    outcome = next(entry for entry in result.outcomes if entry.remote_id == "4")
    assert outcome.outcome is expected["outcome"]
    linked = [person for person in registry(services, scenario).values() if person.hr_remote_id == "4"]
    if expected["linked"] is None:
        assert linked == []
    elif expected["linked"] == "new":
        assert len(linked) == 1 and linked[0].id not in scenario.people.values()
    else:
        assert [person.id for person in linked] == [scenario.person("dora")]
        assert linked[0].email == "dora@acme.example"  # the diff against the chosen candidate applied too
    with transaction(services.session_factory) as session:
        saved = decisions.list_decisions(session, scenario.company_id, "bamboohr")
    assert saved == [ReviewDecision(kind, "4", scenario.person(key) if key else None)
                     for kind, key in expected["decisions"]]


def test_a_stakeholder_changed_since_the_preview_is_reported_stale_and_the_rest_applies(services, lockout,
                                                                                       scenario):
    anna = scenario.person("anna")
    with transaction(services.session_factory) as session:
        stakeholder_writes.update_stakeholder(session, scenario.company_id, anna, {"city": "Basel"})

    result = approve(services, lockout, request_for(scenario))

    stale = result.with_outcome(Outcome.STALE)
    assert [(entry.remote_id, entry.stakeholder_id) for entry in stale] == [("1", anna)]
    assert "changed since the preview" in stale[0].message
    people = registry(services, scenario)
    assert (people[anna].city, people[anna].version) == ("Basel", 2)  # the later edit stands
    assert people[scenario.person("carl")].group == "Ex-employee"
    assert {entry.item.remote_id: entry.resolution for entry in stored(services, scenario).items}["1"] == "stale"


def test_a_value_taken_since_the_sync_refuses_that_item_only(services, lockout, scenario):
    with transaction(services.session_factory) as session:
        stakeholder_writes.create_stakeholder(session, scenario.company_id,
                                              {"name": "Eva N. (by hand)", "unique_identifier": "E-5"})

    result = approve(services, lockout, request_for(scenario))

    refused = result.with_outcome(Outcome.CONFLICT)
    assert [entry.remote_id for entry in refused] == ["5"]
    assert "E-5" in refused[0].message
    assert result.counts()["update"] == 1 and stored(services, scenario).status is ChangeSetStatus.APPLIED


def test_every_write_is_audited_with_before_and_after(services, lockout, scenario):
    approve(services, lockout, request_for(scenario))

    with transaction(services.session_factory) as session:
        entries = audit.list_entries(session, scenario.company_id).items
    assert entries[0].action == "apply_changeset" and entries[0].change_set_id == scenario.changeset_id
    by_action = {(entry.action, entry.stakeholder_id): entry for entry in entries[1:]}
    anna = by_action[("update_stakeholder", scenario.person("anna"))]
    assert (anna.before["city"], anna.after["city"]) == ("Bern", "Zürich")
    assert (anna.before["version"], anna.after["version"]) == (1, 2)
    created = [entry for (action, _), entry in by_action.items() if action == "create_stakeholder"]
    assert len(created) == 1 and created[0].before is None and created[0].after["name"] == "Eva Neumann"
    assert {action for action, _ in by_action} == {"create_stakeholder", "update_stakeholder",
                                                   "link_stakeholder", "mark_leaver"}
    assert {entry.actor for entry in entries} == {EMAIL}
    assert len({entry.at for entry in entries}) == 1


def test_applying_twice_applies_once(services, lockout, scenario):
    approve(services, lockout, request_for(scenario))
    with pytest.raises(NotPending) as refused:
        approve(services, lockout, request_for(scenario))
    assert (refused.value.status, refused.value.applied_by) == ("applied", EMAIL)
    with transaction(services.session_factory) as session:
        applied = [entry for entry in audit.list_entries(session, scenario.company_id).items
                   if entry.action == "apply_changeset"]
    assert len(applied) == 1


def test_a_superseded_change_set_names_its_successor(services, lockout, scenario):
    newer = record_sync(services.session_factory, scenario.company_id, employees())
    with pytest.raises(NotPending) as refused:
        approve(services, lockout, request_for(scenario))
    assert (refused.value.status, refused.value.superseded_by) == ("superseded", newer)


def test_another_companys_change_set_is_not_found(services, lockout, scenario):
    other = build_scenario(services.session_factory, "cfo@globex.example", PASSWORD, company_name="Globex")
    with pytest.raises(NotFound):
        approve(services, lockout, request_for(scenario, company_id=other.company_id))
    assert stored(services, scenario).status is ChangeSetStatus.PENDING


def test_an_approver_of_another_company_cannot_apply(services, lockout, scenario):
    build_scenario(services.session_factory, "cfo@globex.example", PASSWORD, company_name="Globex")
    with pytest.raises(WrongPassword):
        approve(services, lockout, request_for(scenario, email="cfo@globex.example"))


@pytest.mark.parametrize("selection, message", [
    (lambda s: Selection(exclude=frozenset({999_999})), "not in change set"),
    (lambda s: Selection(resolve={999_999: "create"}), "not in change set"),
    (lambda s: Selection(resolve={s.items["1"]: "create"}), "only review items"),
    (lambda s: Selection(resolve={s.items["4"]: s.person("anna")}), "not a choice"),
    (lambda s: Selection(resolve={s.items["4"]: "merge"}), "not a choice"),
    (lambda s: Selection(resolve={s.items["4"]: True}), "not a choice"),
], ids=["unknown-exclude", "unknown-resolve", "resolve-non-review", "non-candidate", "unknown-word", "boolean"])
def test_a_bad_selection_changes_nothing(services, lockout, scenario, selection, message):
    with pytest.raises(InvalidSelection, match=message):
        approve(services, lockout, request_for(scenario, selection=selection(scenario)))
    assert stored(services, scenario).status is ChangeSetStatus.PENDING
    assert registry(services, scenario)[scenario.person("anna")].version == 1


def test_a_change_set_changed_since_the_page_was_opened_is_refused(services, lockout, scenario):
    seen = items_digest(entry.id for entry in stored(services, scenario).items)
    with pytest.raises(ChangeSetChanged):
        approve(services, lockout, request_for(scenario, expected_digest=seen[::-1]))
    assert approve(services, lockout, request_for(scenario, expected_digest=seen)).changeset_id == scenario.changeset_id


def test_wrong_passwords_count_down_then_lock_and_are_audited(services, lockout, scenario):
    remaining = []
    for _ in range(MAX_TRIES):
        with pytest.raises(WrongPassword) as wrong:
            approve(services, lockout, request_for(scenario, password="guess"))
        remaining.append(wrong.value.remaining)
    assert remaining == [4, 3, 2, 1, 0]
    with pytest.raises(Locked) as locked:
        approve(services, lockout, request_for(scenario))  # even the right password waits
    assert 0 < locked.value.retry_after <= LOCK_SECONDS
    with transaction(services.session_factory) as session:
        entries = audit.list_entries(session, scenario.company_id).items
    assert [(entry.action, entry.change_set_id, entry.actor, entry.detail) for entry in entries] == [
        ("lock_approval", scenario.changeset_id, EMAIL, "too many wrong passwords: this approver is locked for "
                                                        "15 minutes")]
    assert stored(services, scenario).status is ChangeSetStatus.PENDING


def test_the_count_is_the_approvers_across_change_sets_and_addresses(services, lockout, scenario):
    # Issue 12 item 1: every new change set used to bring five fresh tries (15 wrong checks in 10 s, no lock).
    for _ in range(MAX_TRIES - 2):
        with pytest.raises(WrongPassword):
            approve(services, lockout, request_for(scenario, password="guess"))
    newer = record_sync(services.session_factory, scenario.company_id, employees())
    with pytest.raises(WrongPassword) as wrong:
        approve(services, lockout, request_for(scenario, changeset_id=newer, password="guess", client="198.51.100.9"))
    assert wrong.value.remaining == 1
    newest = record_sync(services.session_factory, scenario.company_id, employees())
    with pytest.raises(WrongPassword) as wrong:
        approve(services, lockout, request_for(scenario, changeset_id=newest, password="guess",
                                               email=" CFO@acme.example", client=COMMAND_LINE))
    assert wrong.value.remaining == 0
    with pytest.raises(Locked):
        approve(services, lockout, request_for(scenario, changeset_id=newest, client="192.0.2.44"))
    assert registry(services, scenario)[scenario.person("anna")].version == 1


def test_an_unknown_e_mail_is_answered_exactly_like_a_known_one(services, lockout, scenario):
    answers = {}
    for email in (EMAIL, "nobody@acme.example"):
        answers[email] = []
        for _ in range(MAX_TRIES):
            with pytest.raises(WrongPassword) as wrong:
                approve(services, lockout, request_for(scenario, email=email, password="guess",
                                                       client=f"client-of-{email}"))
            answers[email].append((type(wrong.value), str(wrong.value), wrong.value.remaining))
        with pytest.raises(Locked) as locked:
            approve(services, lockout, request_for(scenario, email=email, client=f"client-of-{email}"))
        answers[email].append((type(locked.value), str(locked.value)))  # "… in 15 minutes"
    assert answers[EMAIL] == answers["nobody@acme.example"]


def test_a_link_that_is_not_pending_takes_no_tries(services, lockout, scenario):
    newer = record_sync(services.session_factory, scenario.company_id, employees())
    for _ in range(MAX_TRIES * 2):
        with pytest.raises(NotPending):
            approve(services, lockout, request_for(scenario, password="guess"))
    assert approve(services, lockout, request_for(scenario, changeset_id=newer)).changeset_id == newer


def test_the_right_password_resets_the_count(services, lockout, scenario):
    for _ in range(MAX_TRIES - 1):
        with pytest.raises(WrongPassword):
            approve(services, lockout, request_for(scenario, password="guess"))
    approve(services, lockout, request_for(scenario))
    assert lockout.reserve(scenario.company_id, EMAIL, CLIENT).number == 1


def test_without_the_lockout_store_nothing_is_tried(services, redis_server, lockout, scenario):
    redis_server.connected = False
    with pytest.raises(LockoutUnavailable):
        approve(services, lockout, request_for(scenario))
    assert stored(services, scenario).status is ChangeSetStatus.PENDING


def test_the_secret_never_shows_in_a_request_repr(scenario):
    assert PASSWORD not in repr(request_for(scenario))


def test_an_approval_that_lost_the_race_applies_nothing(services, scenario):
    # Both passed the password check; the other approver's transaction committed first.
    with transaction(services.session_factory) as session:
        changesets.mark_applied(session, scenario.changeset_id, "ceo@acme.example")
    with pytest.raises(NotPending) as refused:
        apply_changeset(services, request_for(scenario), actor=EMAIL)
    assert refused.value.applied_by == "ceo@acme.example"
    assert registry(services, scenario)[scenario.person("anna")].version == 1
