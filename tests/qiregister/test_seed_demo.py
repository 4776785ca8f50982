import shutil

import pytest
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from measurement.models import DataPoint, Measure, PDSACycle, ProjectImpact, Saving
from measurement.spc import xmr_chart
from people.models import ChampionAssignment, ClinicalArea, Department, Person
from recognition.models import AppraisalNote, Nomination, PortfolioDomain, Poster, ShowcaseSlot
from tests.conftest import built_once


def test_every_seeded_person_can_sign_in_with_the_demo_password(db):
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "12")
    other = Person.objects.exclude(
        user__username__in=["staff", "champion", "manager", "admin"]
    ).first()
    request = RequestFactory().post("/login/")
    assert authenticate(request, username=other.user.username, password="demo-pass-1") is not None


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "30")
    counts = (Person.objects.count(), ChampionAssignment.objects.count())
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "30")
    assert (Person.objects.count(), ChampionAssignment.objects.count()) == counts


def test_seed_demo_refuses_too_few_people(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--password", "x", "--people", "2")


def test_seed_demo_creates_projects_in_every_stage_with_tasks_and_updates(db):
    from projects.models import Project

    call_command("seed_demo", "--password", "demo-pass-1", "--people", "20", "--projects", "45")
    # --projects counts Pharmacy's generated projects, not its cross-department one.
    generated = Project.objects.filter(department__slug="pharmacy", partner_departments=None)
    assert generated.count() == 45
    stages = set(Project.objects.values_list("stage", flat=True))
    assert stages == set(Project.Stage.values)
    for stage in Project.Stage.values:
        if stage in (Project.Stage.IDEA, Project.Stage.PROPOSED):
            continue
        in_stage = Project.objects.filter(stage=stage)
        assert in_stage.filter(progress_updates__isnull=False).exists(), stage
    assert Project.objects.filter(tasks__status="open").exists()
    assert Project.objects.filter(role_openings__isnull=False).exists()
    drafts = Project.objects.filter(stage=Project.Stage.IDEA)
    assert not drafts.filter(reference__isnull=False).exists()
    submitted = Project.objects.exclude(stage=Project.Stage.IDEA)
    assert not submitted.filter(reference__isnull=True).exists()
    assert not Project.objects.filter(search_vector__isnull=True).exists()


def test_seed_demo_projects_are_idempotent(db):
    from projects.models import Project

    generated = Project.objects.filter(department__slug="pharmacy", partner_departments=None)
    call_command("seed_demo", "--password", "x", "--people", "10", "--projects", "20")
    total = Project.objects.count()
    call_command("seed_demo", "--password", "x", "--people", "10", "--projects", "20")
    assert (generated.count(), Project.objects.count()) == (20, total)
    call_command("seed_demo", "--password", "x", "--people", "10", "--projects", "25")
    assert (generated.count(), Project.objects.count()) == (25, total + 5)
    assert Project.objects.exclude(reference=None).values("reference").distinct().count() == (
        Project.objects.exclude(reference=None).count()
    )


def test_seed_demo_adds_memberships_claims_interests_and_capacities(db):
    from projects.models import Interest, Membership, Task

    call_command("seed_demo", "--password", "x", "--people", "30", "--projects", "60")
    assert Membership.objects.exists()
    assert Interest.objects.filter(status="pending").exists()
    assert Task.objects.filter(status="claimed", claimed_by__isnull=False).exists()
    done = Task.objects.filter(status="done")
    assert done.exists()
    assert not done.filter(actual_hours__isnull=True).exists()
    # Everyone in every department has a capacity.
    assert not Person.objects.filter(qi_hours_per_month__isnull=True).exists()
    assert Person.objects.filter(skills__isnull=False).exists()
    staff = Person.objects.get(user__username="staff")
    assert staff.qi_conversations.exists()


def test_seed_demo_adds_decisions_closure_reports_and_audit_links(db):
    from projects.models import ClosureReport, Project, ReviewDecision

    call_command("seed_demo", "--password", "x", "--people", "30", "--projects", "120")
    kinds = set(ReviewDecision.objects.values_list("decision", flat=True))
    assert kinds == {"approved", "changes", "declined"}
    completed = Project.objects.filter(stage="completed")
    assert ClosureReport.objects.filter(signed_off_at__isnull=False).count() == completed.count()
    assert Project.objects.filter(derived_from__kind="audit").exists()
    assert Project.objects.filter(stage="proposed", review_requested_at__isnull=False).exists()
    assert not Project.objects.filter(stage="planning", mentor__isnull=True).exists()


def test_seed_demo_adds_mentoring_courses_sessions_and_completions(db):
    from people.models import Completion, Course, MentoringPair, MentorRequest, TrainingSession

    call_command("seed_demo", "--password", "x", "--people", "40", "--projects", "10")
    assert Course.objects.filter(is_induction=True).exists()
    assert TrainingSession.objects.exists()
    assert Completion.objects.exists()
    assert MentoringPair.objects.filter(notes__isnull=False).exists()
    assert MentorRequest.objects.filter(status="open").exists()
    staff = Person.objects.get(user__username="staff")
    assert not staff.completions.exists()  # so /me/ shows the induction as outstanding


# The tests below read one demo seeded with 40 people, made once for them, each test in its own
# savepoint. Every test after the first that uses it sees it, so the tests above, which seed
# their own from nothing, come before.


@pytest.fixture(scope="module")
def seeded_media(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once; the folder that holds its posters."""
    media = tmp_path_factory.mktemp("media")

    def seed():
        call_command("seed_demo", "--password", "demo-pass-1", "--people", "40")
        return media

    yield from built_once(django_db_blocker, media, seed)


@pytest.fixture
def seeded(db, seeded_media, media_root):
    """The seeded demo, with a copy of its posters in this test's MEDIA_ROOT."""
    shutil.copytree(seeded_media, media_root, dirs_exist_ok=True)


def test_seed_demo_creates_the_department_and_the_four_logins(seeded):
    # --people counts Pharmacy's people; the other departments are a fixed size.
    assert Person.objects.filter(department__slug="pharmacy").count() == 40
    assert ClinicalArea.objects.filter(department__slug="pharmacy").count() >= 4
    for username in ("staff", "champion", "manager", "admin"):
        # django-axes needs the request a sign-in comes with.
        request = RequestFactory().post("/login/")
        assert authenticate(request, username=username, password="demo-pass-1") is not None
    staff = Person.objects.get(user__username="staff")
    manager = Person.objects.get(user__username="manager")
    champion = Person.objects.get(user__username="champion")
    assert manager.is_manager_of(staff)
    assert champion.is_champion
    admin = Person.objects.get(user__username="admin").user
    assert admin.is_superuser
    assert admin.is_staff


def test_seed_demo_gives_every_pharmacy_area_a_champion_and_people_managers(seeded):
    areas = ClinicalArea.objects.filter(department__slug="pharmacy")
    championed = areas.filter(champion_assignments__isnull=False).distinct().count()
    assert championed == areas.count()
    assert Department.objects.get(slug="pharmacy").qi_lead.user.username == "admin"
    pharmacy = Person.objects.filter(department__slug="pharmacy")
    assert pharmacy.filter(line_manager__isnull=True).count() == 1  # only the chief


def test_seed_demo_adds_showcases_posters_awards_and_appraisal_notes(seeded):
    slots = ShowcaseSlot.objects.filter(session__department__slug="pharmacy")
    assert slots.filter(status="confirmed", session__starts_at__lt=timezone.now()).exists()
    assert slots.filter(session__starts_at__gt=timezone.now()).exists()
    posters = list(Poster.objects.all())
    assert len(posters) == 5
    assert all(default_storage.exists(poster.file.name) for poster in posters)
    assert all(default_storage.exists(poster.thumbnail.name) for poster in posters)
    assert Nomination.objects.filter(person__user__username="staff", status="won").exists()
    assert Nomination.objects.filter(status="draft").exists()
    assert AppraisalNote.objects.filter(person__user__username="staff").exists()
    assert PortfolioDomain.objects.filter(department__slug="pharmacy").count() == 5
    counts = (slots.count(), Poster.objects.count(), Nomination.objects.count())
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "40")
    assert (slots.count(), Poster.objects.count(), Nomination.objects.count()) == counts


def test_seed_demo_adds_measures_pdsa_cycles_and_impact(seeded):
    outcome = Measure.objects.filter(kind="outcome").first()
    values = [float(point.value) for point in outcome.points.order_by("date")]
    assert len(values) == 30
    chart = xmr_chart(values, improvement_direction=outcome.improvement_direction)
    # The series shows the change after the PDSA cycle as special cause improvement.
    assert chart.points[-1].point_type == "special_cause_improvement"
    cycle = PDSACycle.objects.filter(measures=outcome).order_by("number").last()
    assert cycle.start_date <= outcome.points.order_by("date").last().date
    assert ProjectImpact.objects.filter(patients_affected__gt=0).exists()
    assert Saving.objects.filter(validated_by__isnull=False).exists()
    for saving in Saving.objects.filter(validated_by__isnull=False).select_related("project"):
        # The demo follows the app's rule: nobody validates a saving of their own project.
        assert not saving.project.is_working_on(saving.validated_by)
        assert saving.validated_by != saving.claimed_by
    assert Saving.objects.filter(validated_by__isnull=True).exists()
    counts = (Measure.objects.count(), DataPoint.objects.count(), Saving.objects.count())
    call_command("seed_demo", "--password", "demo-pass-1", "--people", "40")
    assert (Measure.objects.count(), DataPoint.objects.count(), Saving.objects.count()) == counts
