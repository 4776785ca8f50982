"""seed_demo's other departments: Nursing, Therapies, Quality and safety, the
trust QI team's login and the projects that cross departments."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from measurement.models import Measure, Saving
from people.departments import TRUST_QI_TEAM, sees_all_departments
from people.models import ChampionAssignment, ClinicalArea, Department, Person
from projects.models import ClosureReport, Project, StrategicPriority, Task
from qiregister.demo.people import FIRST_NAMES, OTHER_DEPARTMENTS
from recognition.models import PortfolioDomain, ShowcaseSession, ShowcaseSlot
from tests.conftest import built_once

CLINICAL_DEPARTMENTS = ["pharmacy", "nursing", "therapies"]
DEMO_PASSWORD = "demo-pass-1"  # noqa: S105 - a test's demo data


def seed(password=DEMO_PASSWORD):
    # A small Pharmacy: the other departments are the same size whatever --people says.
    out = StringIO()
    call_command(
        "seed_demo", "--password", password, "--people", "12", "--projects", "20", stdout=out
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed() once for the module's tests that read what it made (each in its own savepoint):
    what it printed. Every test after the first that uses it sees it, so a test that seeds its
    own from nothing comes before."""
    yield from built_once(django_db_blocker, tmp_path_factory.mktemp("media"), seed)


def signs_in(username, password):
    # django-axes needs the request a sign-in comes with.
    request = RequestFactory().post("/login/")
    return authenticate(request, username=username, password=password) is not None


# Before the tests that read the module's seeded demo: this one seeds its own, from nothing.
@pytest.mark.parametrize("people", ["4", "5"])
def test_seed_demo_works_with_the_smallest_pharmacy_and_grows_later(db, people):
    # With no generated pharmacist to lead it, the cross-department project still gets a lead.
    call_command("seed_demo", "--password", "x", "--people", people, "--projects", "0")
    insulin = Project.objects.get(title="Insulin safety on the wards")
    assert insulin.lead.department.slug == "pharmacy"
    # Pharmacy's own demo grows later without taking the older cross-department project in:
    # its measures, showcases and the staff login's tasks stay on Pharmacy's own projects.
    call_command("seed_demo", "--password", "x", "--people", "20", "--projects", "30")
    generated = Project.objects.filter(department__slug="pharmacy", partner_departments=None)
    assert generated.count() == 30
    assert Measure.objects.filter(project__department__slug="pharmacy").exists()
    assert not insulin.measures.exists()
    assert not insulin.showcase_slots.exists()
    assert Task.objects.filter(claimed_by__user__username="staff").exists()
    assert not insulin.tasks.filter(claimed_by__user__username="staff").exists()
    assert not insulin.interests.exists()


def test_seed_demo_makes_three_clinical_departments_with_areas_champions_and_priorities(seeded, db):
    for slug in CLINICAL_DEPARTMENTS:
        department = Department.objects.get(slug=slug)
        areas = ClinicalArea.objects.filter(department=department)
        assert areas.count() >= 4, slug
        championed = areas.filter(champion_assignments__isnull=False).distinct().count()
        assert championed >= areas.count() - 1, slug  # most areas; the rest ask the QI lead
        assert StrategicPriority.objects.filter(department=department).count() >= 3, slug
        assert department.qi_lead.department == department, slug
        assert Person.objects.filter(department=department).count() >= 12, slug


def test_other_departments_have_one_head_and_managers_with_reports_in_the_department(seeded, db):
    for slug in ["nursing", "therapies"]:
        people = Person.objects.filter(department__slug=slug)
        assert people.filter(line_manager__isnull=True).count() == 1, slug
        assert (
            not people.exclude(line_manager__department__slug=slug)
            .exclude(line_manager__isnull=True)
            .exists()
        )
        assert people.managers().count() >= 3, slug
        job_roles = set(people.values_list("job_role", flat=True))
        assert job_roles & {Person.JobRole.NURSE, Person.JobRole.AHP}, slug


def test_the_new_demo_logins_sign_in_in_their_departments(seeded, db):
    for username, slug in [
        ("nurse", "nursing"),
        ("nursing.champion", "nursing"),
        ("therapist", "therapies"),
        ("trustqi", "quality"),
    ]:
        assert signs_in(username, DEMO_PASSWORD), username
        assert Person.objects.get(user__username=username).department.slug == slug
    assert Person.objects.get(user__username="nursing.champion").is_champion
    nurse = Person.objects.get(user__username="nurse")
    assert nurse.job_role == Person.JobRole.NURSE
    assert nurse.line_manager.is_manager_of(nurse)
    therapist = Person.objects.get(user__username="therapist")
    assert therapist.job_role == Person.JobRole.AHP


def test_trustqi_is_in_the_trust_qi_team_and_no_admin(seeded, db):
    user = Person.objects.get(user__username="trustqi").user
    assert user.groups.filter(name=TRUST_QI_TEAM).exists()
    assert user.has_perm("people.view_all_departments")
    assert sees_all_departments(user)
    assert not user.is_staff
    assert not user.is_superuser
    assert Department.objects.get(slug="quality").qi_lead.user == user
    for username in ["staff", "champion", "manager", "nurse", "nursing.champion", "therapist"]:
        other = Person.objects.get(user__username=username).user
        assert not other.has_perm("people.view_all_departments"), username


def test_cross_department_projects_have_partner_departments_and_open_tasks(seeded, db):
    insulin = Project.objects.get(title="Insulin safety on the wards")
    assert insulin.department.slug == "pharmacy"
    assert set(insulin.partner_departments.values_list("slug", flat=True)) == {"nursing"}
    assert insulin.tasks.filter(status=Task.Status.OPEN).exists()
    falls = Project.objects.get(title="Falls: medication review and mobility plan")
    assert falls.department.slug == "therapies"
    assert set(falls.partner_departments.values_list("slug", flat=True)) == {
        "pharmacy",
        "nursing",
    }
    assert falls.tasks.filter(status=Task.Status.OPEN).exists()
    assert falls.role_openings.filter(is_open=True).exists()
    nurse = Person.objects.get(user__username="nurse")
    staff = Person.objects.get(user__username="staff")
    for project in (insulin, falls):
        # The nurse may join both and take their tasks; so may Pharmacy's staff.
        assert project.involves_department(nurse.department), project.title
        assert project.involves_department(staff.department), project.title
        assert project.stage in Project.ACTIVE_STAGES
        assert project.mentor.department == project.department


def test_every_clinical_department_has_showcases_and_projects_in_many_stages(seeded, db):
    for slug in CLINICAL_DEPARTMENTS:
        projects = Project.objects.filter(department__slug=slug)
        assert ShowcaseSession.objects.filter(department__slug=slug).exists(), slug
        assert ShowcaseSlot.objects.filter(session__department__slug=slug).exists(), slug
        assert projects.filter(submitted_at__isnull=False, reference__isnull=False).exists()
        assert projects.filter(stage=Project.Stage.IDEA, reference=None).exists(), slug
        assert projects.filter(stage=Project.Stage.PROPOSED).exists(), slug
        completed = projects.filter(stage=Project.Stage.COMPLETED)
        assert completed.exclude(headline_impact="").exists(), slug
        assert projects.filter(tasks__status=Task.Status.OPEN).exists(), slug
        assert projects.filter(role_openings__is_open=True).exists(), slug
        assert PortfolioDomain.objects.filter(department__slug=slug).count() >= 4, slug
    for slug in ["nursing", "therapies"]:
        assert 6 <= Project.objects.filter(department__slug=slug).count() <= 10, slug
        assert Saving.objects.filter(project__department__slug=slug).exists(), slug


def test_other_departments_follow_the_governance_rules(seeded, db):
    others = Project.objects.exclude(department__slug="pharmacy")
    reviewed = others.exclude(stage__in=[Project.Stage.IDEA, Project.Stage.PROPOSED])
    assert reviewed.exists()
    for project in reviewed.select_related("mentor", "lead"):
        # Mentored by a champion of the leading department who does not lead it.
        assert project.mentor.department_id == project.department_id, project.title
        assert project.mentor.is_champion, project.title
        assert project.mentor != project.lead, project.title
        assert project.decisions.filter(decision="approved").exists(), project.title
    proposed = others.filter(stage=Project.Stage.PROPOSED)
    assert not proposed.filter(review_requested_at__isnull=True).exists()
    completed = others.filter(stage=Project.Stage.COMPLETED)
    assert (
        completed.count()
        == ClosureReport.objects.filter(project__in=completed, signed_off_by__isnull=False).count()
    )
    for saving in Saving.objects.filter(project__in=others, validated_by__isnull=False):
        assert not saving.project.is_working_on(saving.validated_by)


def test_seed_demo_reports_every_department_and_every_login(seeded, db):
    out = seeded
    for name in ["Pharmacy", "Nursing", "Therapies", "Quality and safety"]:
        assert f"{name}: " in out
    for username in ["staff", "admin", "nurse", "therapist", "nursing.champion", "trustqi"]:
        assert username in out.split("Demo logins: ")[1]


def test_seed_demo_with_the_other_departments_is_idempotent(seeded, db):

    def counts():
        return [
            model.objects.count()
            for model in (
                Department,
                ClinicalArea,
                Person,
                ChampionAssignment,
                StrategicPriority,
                Project,
                Project.partner_departments.through,
                Task,
                ShowcaseSession,
                ShowcaseSlot,
                Saving,
                PortfolioDomain,
            )
        ]

    before = counts()
    seed(password="another-pass-2")
    assert counts() == before
    # Running again with another password changes every demo login's password.
    for username in ["nurse", "therapist", "nursing.champion", "trustqi", "staff"]:
        assert signs_in(username, "another-pass-2"), username


def test_other_departments_usernames_never_meet_generated_pharmacy_ones():
    # Generated Pharmacy usernames are first.last from FIRST_NAMES (qiregister.demo.people);
    # --people 100000 uses every one of them.
    for department in OTHER_DEPARTMENTS:
        for person in department.people:
            assert person.display_name.split()[0] not in FIRST_NAMES, person.username
