"""The pharmacy vocabulary behind the duplicate check (projects/vocabulary.py)."""

import pytest
from django.db import connection

from projects.search import CONFIG
from projects.vocabulary import GROUPS, concepts


def names(text: str) -> set[str]:
    return {concept.name for concept in concepts(text)}


@pytest.mark.parametrize(
    ("abbreviated", "spelled_out", "concept"),
    [
        ("TTOs ready sooner", "discharge prescriptions ready sooner", "discharge prescription"),
        ("Med rec at weekends", "Medicines reconciliation at weekends", "reconciliation"),
        ("CD discrepancies", "Controlled drug discrepancies", "controlled drug"),
        ("DOAC counselling", "Anticoagulant counselling", "anticoagulant"),
        ("MDI to DPI", "Metered dose to dry powder inhalers", "inhaler"),
        ("IVOS audit", "IV to oral switch audit", "switch"),
        ("POD reuse", "Reusing patients' own drugs", "patients' own drugs"),
    ],
)
def test_an_abbreviation_and_its_expansion_name_the_same_concept(abbreviated, spelled_out, concept):
    assert concept in names(abbreviated)
    assert concept in names(spelled_out)


def test_everyday_words_name_no_concept():
    assert names("Improve medicines use for patients on the wards by 50% by June 2027.") == set()


def test_a_phrase_is_one_concept_and_its_words_do_not_count_again():
    found = names("Discharge prescriptions")
    assert "discharge prescription" in found
    assert "prescriptions" not in found  # the phrase took the word


def test_every_form_in_the_vocabulary_is_a_search_postgresql_understands(db):
    forms = [form for variants in GROUPS.values() for form in variants]
    queries = [concept.query for text in forms for concept in concepts(text)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT q, numnode(to_tsquery(%s::regconfig, q)) FROM unnest(%s::text[]) AS q",
            [CONFIG, queries],
        )
        empty = [query for query, nodes in cursor.fetchall() if nodes == 0]
    assert empty == []
