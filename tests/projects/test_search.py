from projects.models import Project
from projects.search import similar_projects
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
