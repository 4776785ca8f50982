import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from projects.models import Project
from projects.search import CONFIG, MIN_SIMILARITY, proposal_concepts, similar_projects
from tests.factories import ProjectFactory


def test_duplicate_detection_finds_a_reworded_title(db):
    original = ProjectFactory(
        title="Reducing missed doses of Parkinson's medicines",
        aim="Give Parkinson's medicines on time to 95% of inpatients.",
    )
    ProjectFactory(title="Dispensary queue times", aim="Shorter waits at the hatch.")
    found = similar_projects(
        Project.objects.all(), title="Reduce Parkinson's medicine doses missed", aim=""
    )
    assert found == [original]


def test_duplicate_detection_ranks_the_closest_first(db):
    close = ProjectFactory(title="Insulin prescribing errors on surgical wards")
    ProjectFactory(title="Surgical ward discharge letters", aim="Faster letters.")
    found = similar_projects(Project.objects.all(), title="Insulin prescribing errors in surgery")
    assert found[0] == close


def test_duplicate_detection_ignores_unrelated_projects(db):
    ProjectFactory(title="Aseptic unit batch rework", aim="Right first time batches.")
    assert similar_projects(Project.objects.all(), title="Paediatric syringe labels") == []


def test_duplicate_detection_needs_some_words(db):
    ProjectFactory(title="Anything")
    assert similar_projects(Project.objects.all(), title="a", aim="") == []


def test_duplicate_detection_includes_completed_projects_and_audits(db):
    audit = ProjectFactory(
        title="Antibiotic IV to oral switch audit",
        kind=Project.Kind.CLINICAL_AUDIT,
        stage=Project.Stage.COMPLETED,
    )
    found = similar_projects(Project.objects.all(), title="IV to oral antibiotic switch")
    assert found == [audit]


def test_an_abbreviation_finds_the_project_that_spells_it_out(db):
    project = ProjectFactory(
        title="Faster discharge prescriptions",
        aim="Cut the time from discharge prescription to medicines ready to 60 minutes.",
    )
    assert similar_projects(Project.objects.all(), title="TTO turnaround") == [project]


def test_the_spelled_out_words_find_the_project_that_abbreviates_them(db):
    project = ProjectFactory(title="Med rec within 24h", aim="Med rec for 90% of admissions.")
    found = similar_projects(
        Project.objects.all(), title="Medicines reconciliation at weekends", aim=""
    )
    assert found == [project]


def test_a_long_aim_does_not_hide_a_matching_title(db):
    project = ProjectFactory(
        title="Faster discharge prescriptions",
        aim="Cut the median time from discharge prescription to medicines ready to 60 minutes.",
    )
    found = similar_projects(
        Project.objects.all(),
        title="Speeding up discharge prescriptions",
        aim="Cut the time from discharge prescription to medicines ready to 60 minutes on the "
        "surgical wards by June 2027, measured weekly from EPMA timestamps and shared with the "
        "ward sisters, bed managers, porters and the discharge lounge every Friday.",
    )
    assert found == [project]


def test_sharing_only_everyday_words_is_not_a_duplicate(db):
    ProjectFactory(
        title="Reducing omitted critical medicines on the wards",
        aim="Reduce omitted doses of time-critical medicines by 50% within 6 months.",
    )
    found = similar_projects(
        Project.objects.all(),
        title="Reducing noise on the wards",
        aim="Reduce noise at night for patients on the wards by 50% within 6 months.",
    )
    assert found == []


def brute_force_ranking(projects, title: str, aim: str, limit: int) -> list[tuple[int, float]]:
    """The ranking worked out the slow way: every concept against every project, one by one."""
    scores = []
    for project in projects:
        score = sum(
            concept.weight
            for concept in proposal_concepts(title, aim)
            if projects.filter(
                pk=project.pk,
                search_vector=SearchQuery(concept.query, search_type="raw", config=CONFIG),
            ).exists()
        )
        if score >= MIN_SIMILARITY - 1e-9:
            scores.append((project.pk, score))
    scores.sort(key=lambda item: (-round(item[1], 9), -item[0]))
    return scores[:limit]


@pytest.mark.parametrize("limit", [2, 10])
def test_the_ranking_reads_fewer_projects_but_finds_the_same_as_scoring_them_all(db, limit):
    # Three twins (enough for the newest-perfect-matches answer when the limit is 2), partial
    # matches of every strength, and projects sharing only the commonest words.
    for _ in range(3):
        ProjectFactory(title="Insulin prescribing errors on surgical wards (round 1)")
    for title in [
        "Insulin prescribing safety (round 2)",
        "Insulin errors at night (round 3)",
        "Surgical prescribing errors (round 4)",
        "Opioid prescribing on surgical wards (round 5)",
        "Insulin (round 6)",
        "Dispensary queue (round 7)",
        "Aseptic batches (round 8)",
    ]:
        ProjectFactory(title=title, aim=title)
    projects = Project.objects.all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")  # statistics to choose what to read by
    title, aim = "Insulin prescribing errors, surgical rounds", "Halve insulin errors."
    assert len(brute_force_ranking(projects, title, aim, limit=100)) > 3  # more than twins
    found = similar_projects(projects, title=title, aim=aim, limit=limit)
    expected = brute_force_ranking(projects, title, aim, limit)
    assert [p.pk for p in found] == [pk for pk, _ in expected]
    assert [p.similarity for p in found] == pytest.approx([score for _, score in expected])
