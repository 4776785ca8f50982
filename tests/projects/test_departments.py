"""Several departments in one installation: department pages, cross-department
projects, and the trust-wide view. Who may open which page is in
tests/security/test_access_matrix.py; this is what the pages do."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from projects.admin import ProjectAdminForm
from projects.capacity import tasks_that_fit
from projects.models import Interest, Project, Task
from tests.factories import (
    ChampionAssignmentFactory,
    ClinicalAreaFactory,
    DepartmentFactory,
    PersonFactory,
    ProjectFactory,
    RoleOpeningFactory,
    ShowcaseSessionFactory,
    ShowcaseSlotFactory,
    StrategicPriorityFactory,
    TaskFactory,
    UserFactory,
)
from tests.helpers import project_edit_data, trust_qi_team_group

# Each test builds its own people: the single-department tests need no other department in the
# database, and the outsider persona brings Nursing.
PERSONAS_BUILT_ONCE = ()


@pytest.fixture
def nursing(outsider):
    return outsider.department


@pytest.fixture
def therapies(db):
    return DepartmentFactory(name="Therapies", slug="therapies")


@pytest.fixture
def cross_department(staff, acute_medicine, nursing):
    """A Pharmacy-led project with Nursing involved, with an open role and an open task."""
    project = ProjectFactory(
        lead=staff,
        title="Insulin safety on the wards",
        stage=Project.Stage.TESTING,
        clinical_areas=[acute_medicine],
        headline_impact="Insulin errors down by half",
    )
    project.partner_departments.add(nursing)
    RoleOpeningFactory(project=project)
    TaskFactory(project=project, title="Audit insulin charts on ward 7")
    return project


@pytest.fixture
def trust_member(db):
    person = PersonFactory(
        department=DepartmentFactory(name="Quality and safety", slug="quality"),
        user=UserFactory(username="trust-qi"),
    )
    person.user.groups.add(trust_qi_team_group())
    return person


# Cross-department projects.


def test_lead_names_other_departments_involved_when_proposing(
    client_for, staff, acute_medicine, nursing, therapies
):
    page = client_for(staff).get(reverse("projects:create"))
    choices = {d.name for d in page.context["form"].fields["partner_departments"].queryset}
    assert choices == {"Nursing", "Therapies"}  # never the lead's own
    response = client_for(staff).post(
        reverse("projects:create"),
        {
            "title": "Falls and sedatives",
            "kind": "qi",
            "aim": "Halve falls linked to sedatives by June",
            "problem": "Falls after night sedation",
            "clinical_areas": [acute_medicine.pk],
            "partner_departments": [nursing.pk, therapies.pk],
            "commitment_period": "week",
            "confirm_not_duplicate": "on",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Falls and sedatives")
    assert project.department == staff.department
    assert set(project.partner_departments.all()) == {nursing, therapies}
    html = client_for(staff).get(project.get_absolute_url()).content.decode()
    assert "Departments involved" in html
    assert "Pharmacy</a> (leading)" in html
    assert "Nursing</a>" in html
    assert "Therapies</a>" in html


def test_partner_departments_are_not_offered_in_a_single_department_installation(client_for, staff):
    form = client_for(staff).get(reverse("projects:create")).context["form"]
    assert "partner_departments" not in form.fields


def test_editing_keeps_or_changes_the_departments_involved_with_history(
    client_for, staff, cross_department, nursing, therapies
):
    url = reverse("projects:edit", args=[cross_department.pk])
    data = project_edit_data(cross_department, partner_departments=[therapies.pk])
    assert client_for(staff).post(url, data).status_code == 302
    assert list(cross_department.partner_departments.all()) == [therapies]
    history = cross_department.history.first()
    assert [row.department_id for row in history.partner_departments.all()] == [therapies.pk]


def test_staff_of_a_department_involved_can_join_and_claim_a_task(
    client_for, outsider, cross_department
):
    client = client_for(outsider)  # Nursing
    detail = client.get(cross_department.get_absolute_url())
    assert detail.context["can_join"]
    response = client.post(reverse("projects:join", args=[cross_department.pk]), {"message": "Hi"})
    assert response.status_code == 302
    assert Interest.objects.filter(project=cross_department, person=outsider).exists()
    task = cross_department.tasks.get()
    board = client.get(reverse("tasks:board"))
    assert task in board.context["page"].object_list
    assert client.post(reverse("tasks:claim", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.CLAIMED
    assert task.claimed_by == outsider


def test_staff_of_a_department_not_involved_cannot_join_or_claim(
    client_for, cross_department, therapies
):
    physio = PersonFactory(department=therapies)
    client = client_for(physio)
    assert not client.get(cross_department.get_absolute_url()).context["can_join"]
    assert client.post(reverse("projects:join", args=[cross_department.pk])).status_code == 403
    task = cross_department.tasks.get()
    assert client.post(reverse("tasks:claim", args=[task.pk])).status_code == 403
    assert task not in client.get(reverse("tasks:board")).context["page"].object_list
    assert not Interest.objects.filter(project=cross_department, person=physio).exists()


def test_a_cross_department_project_is_in_each_department_s_register_board_and_export(
    client_for, outsider, nursing, cross_department, staff
):
    client = client_for(outsider)
    register = client.get(reverse("projects:register"))  # Nursing's by default
    assert cross_department in register.context["page"].object_list
    html = register.content.decode()
    assert "Pharmacy, Nursing" in html
    board = client.get(reverse("recognition:board"))
    assert cross_department in [card["project"] for card in board.context["cards"]]
    export = client.get(reverse("projects:export_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][4:6] == ["Department", "Other departments involved"]
    assert [row[4:6] for row in rows[1:]] == [["Pharmacy", "Nursing"]]


# Department pages.


def test_department_page_shows_lead_champions_priorities_and_cross_department_projects(
    client_for, outsider, pharmacy, champion, acute_medicine, cross_department, staff
):
    pharmacy.qi_lead = champion
    pharmacy.save()
    StrategicPriorityFactory(department=pharmacy, name="Medicines safety")
    response = client_for(outsider).get(reverse("people:department", args=["pharmacy"]))
    html = response.content.decode()
    assert response.context["department"] == pharmacy
    assert champion.display_name in html
    assert "Medicines safety" in html
    assert "Insulin safety on the wards" in html
    # An outsider is pointed to its register and champions, not its own pages.
    assert not response.context["sees_pages"]
    assert "?department=pharmacy" not in html.split("Its champions")[1].split("<h2>")[0]
    own = client_for(staff).get(reverse("people:department", args=["pharmacy"]))
    assert own.context["sees_pages"]
    assert f"{reverse('measurement:impact_report')}?department=pharmacy" in own.content.decode()


def test_unknown_department_page_is_not_found(client_for, staff):
    response = client_for(staff).get(reverse("people:department", args=["no-such"]))
    assert response.status_code == 404


def test_department_list_marks_the_viewer_s_own(client_for, outsider, pharmacy, cross_department):
    response = client_for(outsider).get(reverse("people:departments"))
    assert [d.name for d in response.context["departments"]] == ["Nursing", "Pharmacy"]
    by_name = {d.name: d for d in response.context["departments"]}
    assert by_name["Pharmacy"].projects_active == 1  # led by Pharmacy: counted there only
    assert by_name["Nursing"].projects_active == 0
    assert "Yours" in response.content.decode()
    assert reverse("people:trust") not in response.content.decode()


def test_trust_qi_team_chooses_any_department_on_its_pages(client_for, trust_member, nursing):
    client = client_for(trust_member)
    board = client.get(reverse("recognition:board"), {"department": "nursing"})
    assert board.context["department"] == nursing
    picker = board.context["department_choice"]
    assert {d.slug for d in picker.choices} == {"nursing", "quality"}
    html = board.content.decode()
    assert 'name="department"' in html
    assert f"{reverse('recognition:board_display')}?department=nursing" in html
    impact = client.get(reverse("measurement:impact_report"), {"department": "nursing"})
    assert impact.context["impact"].department == nursing
    assert "department=nursing" in impact.context["export_query"]


def test_staff_get_no_department_picker_on_their_own_pages(client_for, staff):
    response = client_for(staff).get(reverse("recognition:board"))
    assert response.context["department_choice"].choices is None
    assert 'id="id_department_picker"' not in response.content.decode()


def test_trust_overview_figures_add_up(client_for, trust_member, staff, outsider, nursing):
    ProjectFactory(lead=staff, stage=Project.Stage.TESTING)
    ProjectFactory(lead=staff, stage=Project.Stage.COMPLETED)
    ProjectFactory(lead=staff, draft=True)  # drafts never count
    nursing_project = ProjectFactory(lead=outsider, stage=Project.Stage.PROPOSED)
    TaskFactory(project=ProjectFactory(lead=outsider, stage=Project.Stage.PLANNING))
    TaskFactory(project=nursing_project)  # not open to buddies until approved
    response = client_for(trust_member).get(reverse("people:trust"))
    by_slug = {d.slug: d for d in response.context["departments"]}
    pharmacy, nursing_row = by_slug["pharmacy"], by_slug["nursing"]
    assert (pharmacy.projects_active, pharmacy.projects_completed) == (1, 1)
    assert (nursing_row.projects_proposed, nursing_row.projects_active) == (1, 1)
    assert nursing_row.open_tasks == 1
    assert pharmacy.staff_taking_part == 1  # staff leads the project in progress
    assert response.context["totals"]["projects_active"] == 2
    assert response.context["totals"]["staff"] == sum(d.staff for d in by_slug.values())


@pytest.mark.parametrize("departments", [1, 12])
def test_trust_and_department_pages_run_a_bounded_number_of_queries(
    client_for, trust_member, staff, acute_medicine, departments, django_assert_max_num_queries
):
    for n in range(departments):
        department = DepartmentFactory(name=f"Department {n}", slug=f"department-{n}")
        area = ClinicalAreaFactory(department=department)
        lead = PersonFactory(department=department)
        ChampionAssignmentFactory(person=lead, clinical_area=area)
        StrategicPriorityFactory(department=department)
        project = ProjectFactory(lead=lead, clinical_areas=[area], stage=Project.Stage.TESTING)
        project.partner_departments.add(staff.department)
        TaskFactory(project=project)
    client = client_for(trust_member)
    # session, user, person, champion areas (navigation), the permission; departments with
    # their staff and staff taking part; their other figures from the summary (one query);
    # cross-department projects and their partners.
    with django_assert_max_num_queries(8):
        assert client.get(reverse("people:trust")).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("people:departments")).status_code == 200
    # The department; its figures from the summary; areas and their champions; priorities
    # with counts;
    # cross-department projects and their partners.
    # +1: the projects the department takes part in, read first (involving_department_q).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:department", args=["pharmacy"]))
    assert len(response.context["cross_department"]) == departments


# What the review of the first cut found.


def test_trust_qi_team_and_admins_keep_their_own_calendar_on_their_own_showcase_page(
    client_for, trust_member, admin, nursing
):
    for person in (trust_member, admin):
        client = client_for(person)
        own = client.get(reverse("recognition:showcase"))
        assert own.context["department_choice"].is_viewers_own
        assert 'id="calendar"' in own.content.decode()
        other = client.get(reverse("recognition:showcase"), {"department": "nursing"})
        assert not other.context["department_choice"].is_viewers_own
        assert 'id="calendar"' not in other.content.decode()  # the calendar is one's own


def test_lead_reassigns_a_task_to_staff_of_a_department_involved(
    client_for, staff, outsider, cross_department, therapies
):
    task = cross_department.tasks.get()
    url = reverse("tasks:reassign", args=[task.pk])
    client = client_for(staff)
    response = client.post(url, {"person": PersonFactory(department=therapies).pk})
    assert response.status_code == 200  # not a department involved: the form says no
    assert "Choose someone from the departments working on the project" in response.content.decode()
    assert client.post(url, {"person": outsider.pk}).status_code == 302
    task.refresh_from_db()
    assert task.claimed_by == outsider


def test_my_qi_suggests_tasks_of_projects_the_department_takes_part_in(outsider, cross_department):
    outsider.qi_hours_per_month = 10
    outsider.save()
    assert list(tasks_that_fit(outsider)) == [cross_department.tasks.get()]


def test_task_board_area_filter_offers_the_areas_of_projects_taken_part_in(
    client_for, outsider, cross_department, acute_medicine
):
    board = client_for(outsider).get(reverse("tasks:board"), {"area": acute_medicine.pk})
    assert set(board.context["filter"].filters["area"].queryset) == {
        acute_medicine,
        *outsider.clinical_areas.all(),
    }
    assert [task.project for task in board.context["page"].object_list] == [cross_department]


def test_admin_refuses_the_leading_department_as_another_department_involved(
    client_for, admin, cross_department, pharmacy
):
    form = ProjectAdminForm(
        data={
            "department": pharmacy.pk,
            "partner_departments": [pharmacy.pk],
        },
        instance=cross_department,
    )
    assert not form.is_valid()
    assert "leads the project" in str(form.errors["partner_departments"])


def test_department_picker_keeps_the_period(client_for, trust_member, nursing):
    response = client_for(trust_member).get(
        reverse("measurement:impact_report"),
        # Nursing's: without a department the trust QI team's impact page is the trust view.
        {"department": "nursing", "from": "2026-01-01", "to": "2026-03-31", "area": "1"},
    )
    picker = response.content.decode().split('class="qi-department-picker"')[1].split("</form>")[0]
    assert '<input type="hidden" name="from" value="2026-01-01">' in picker
    assert '<input type="hidden" name="to" value="2026-03-31">' in picker
    assert 'name="area"' not in picker  # an area belongs to one department


def test_audit_to_qi_keeps_the_departments_involved(client_for, staff, cross_department, nursing):
    cross_department.kind = Project.Kind.CLINICAL_AUDIT
    cross_department.stage = Project.Stage.COMPLETED
    cross_department.save()
    response = client_for(staff).post(reverse("projects:audit_to_qi", args=[cross_department.pk]))
    assert response.status_code == 302
    follow_on = cross_department.follow_on_projects.get()
    assert list(follow_on.partner_departments.all()) == [nursing]


def test_governance_report_opens_on_the_champion_s_department(
    client_for, champion, outsider, acute_medicine, staff
):
    ours = ProjectFactory(lead=staff, clinical_areas=[acute_medicine])
    theirs = ProjectFactory(lead=outsider)
    client = client_for(champion)
    shown = client.get(reverse("governance:report")).context["page"].object_list
    assert ours in shown
    assert theirs not in shown
    everyone = client.get(reverse("governance:report"), {"department": ""})
    assert theirs in everyone.context["page"].object_list


def test_trust_qi_team_sees_a_project_s_showcase_slots_and_other_staff_do_not(
    client_for, trust_member, outsider, project, champion
):
    session = ShowcaseSessionFactory(department=project.department, created_by=champion)
    ShowcaseSlotFactory(session=session, position=1, project=project)
    shown = client_for(trust_member).get(project.get_absolute_url())
    assert session.get_absolute_url() in shown.content.decode()
    hidden = client_for(outsider).get(project.get_absolute_url())
    assert session.get_absolute_url() not in hidden.content.decode()
