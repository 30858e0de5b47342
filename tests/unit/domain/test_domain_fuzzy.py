"""Similar names: the score and the blocking keys that decide who is compared at all."""

import pytest

from domain.fuzzy import FuzzyIndex, blocking_keys, similarity
from domain.names import name_tokens
from domain.stakeholder import Stakeholder


@pytest.mark.parametrize("mine, theirs, low, high", [
    (("Anna", "Müler"), ("Anna", "Müller"), 90, 99),
    (("Alex", "Meyer"), ("Alexander", "Meyer"), 100, 100),
    (("Anna Maria", "Müller"), ("Anna", "Müller"), 100, 100),
    (("Anna", "Müller"), ("Mueller Ana", None), 90, 99),
    (("Xa", "Meyer"), ("Xaver", "Meyer"), 0, 84.9),
    (("Al", "Meyer"), ("Alexander", "Meyer"), 100, 100),
    (("Ted", "Smith"), ("Edward", "Smith"), 100, 100),
    (("Edward", "Smith"), ("Ted", "Smith"), 100, 100),
    (("Peggy", "Olson"), ("Margaret", "Olson"), 100, 100),
    (("Jack", "Ryan"), ("John", "Ryan"), 100, 100),
    (("K.", "Tanaka"), ("Kenji", "Tanaka"), 100, 100),
    (("J. P.", "Morgan"), ("John Pierpont", "Morgan"), 100, 100),
    (("Jan", "Vanderbeek"), ("Van der Beek, Jan", None), 95, 99),
    (("Omar", "Elamin"), ("Omar", "El-Amin"), 95, 99),
    (("Annmarie", "Smith"), ("Ann Marie", "Smith"), 95, 99),
    (("Jon", "Smit"), ("John", "Smith"), 85, 99),
    (("Jhon", "Smtih"), ("John", "Smith"), 85, 99),
    (("Carl", "Gauss"), ("Ada", "Lovelace"), 0, 40),
    (("Li", "Wang"), ("Lu", "Wong"), 0, 84),
    (("Anna", "Müller"), ("Anna", None), 0, 60),
    (("Li", "Wu"), ("Li", "Wo"), 0, 84),
    (("Bob", "Stone"), ("Zoe", "Stone"), 0, 60),
], ids=["typo", "nickname-prefix", "middle-name", "swapped-typo", "two-letter-prefix-is-no-nickname",
        "dataset-nickname-al", "nickname-ted", "nickname-reversed", "nickname-peggy", "nickname-jack",
        "initial", "initials", "particles-joined", "hyphen-joined", "double-first-name-joined",
        "typo-in-each-word", "swaps-in-each-word", "another-person", "short-word-takes-no-typo",
        "one-shared-word", "short-names", "different-first-name"])
def test_similarity(mine, theirs, low, high):
    assert low <= similarity(name_tokens(*mine), name_tokens(*theirs)) <= high


@pytest.mark.parametrize("name, expected", [
    ("Anna Müller", {"anna m", "muller a"}),
    ("Madonna", {"madonna"}),
    ("Anna Maria Müller", {"anna m", "anna m", "maria a", "maria m", "muller a", "muller m"}),
])
def test_blocking_keys(name, expected):
    assert blocking_keys(name_tokens(name)) == expected


def test_blocking_keys_of_a_hostile_name_stay_few():
    assert len(blocking_keys(name_tokens(" ".join(f"w{n}" for n in range(5000))))) <= 8 * 7


def test_the_index_only_scores_stakeholders_sharing_a_block():
    people = [Stakeholder(1, "Anna Müller"), Stakeholder(2, "Anna Mülller"), Stakeholder(3, "Anna Schmidt"),
              Stakeholder(4, "Zoe Stone", first_name="Zoe", last_name="Stone"), Stakeholder(5, "Ana Mueller"),
              Stakeholder(6, "Ana Muelzer")]
    index = FuzzyIndex(people, {})
    hits = index.similar([name_tokens("Anna", "Müler")], 80)
    # "Ana Mueller" shares no word with "Anna Müler", but "mueller" sounds like "muler" (one phonetic key), so
    # it is found; "Ana Muelzer" would score 86, but shares neither a word nor a sound: the price of never
    # comparing everybody with everybody.
    assert [(hit.stakeholder.id, round(hit.score)) for hit in hits] == [(1, 95), (2, 91), (5, 86)]
    assert index.similar([name_tokens("Zoë", "Stone")], 100)[0].stakeholder.id == 4
    assert index.similar([], 0) == []


def test_the_index_scores_a_pair_met_again_as_the_first_time():
    """Each pair of names is scored once per index; a query asked again, or by a namesake, finds the same."""
    people = [Stakeholder(1, "Anna Müller"), Stakeholder(2, "Anna Mülller"), Stakeholder(3, "Ann Marie Smith"),
              Stakeholder(4, "Edward Smith")]
    index = FuzzyIndex(people, {})
    queries = [[name_tokens("Anna", "Müler")], [name_tokens("Annmarie", "Smith"), name_tokens("Ted", "Smith")]]
    first = [[(hit.stakeholder.id, hit.score) for hit in index.similar(query, 80)] for query in queries]
    again = [[(hit.stakeholder.id, hit.score) for hit in index.similar(query, 80)] for query in reversed(queries)]
    assert again == first[::-1]
    assert first == [[(1, similarity(name_tokens("Anna", "Müler"), name_tokens("Anna Müller"))),
                      (2, similarity(name_tokens("Anna", "Müler"), name_tokens("Anna Mülller")))],
                     [(4, 100.0), (3, 98.0)]]
