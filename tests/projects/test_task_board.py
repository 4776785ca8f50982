import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Task
from tests.factories import PersonFactory, ProjectFactory, SkillFactory, TaskFactory

URL = reverse("tasks:board")


def titles(response):
    return [t.title for t in response.context["page"].object_list]


@pytest.fixture
def lead(pharmacy):
    return PersonFactory(department=pharmacy)


def test_board_lists_open_tasks_of_the_department_soonest_due_first(
    client_for, staff, lead, acute_medicine, outsider, draft
):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    TaskFactory(project=project, title="Later", due_date=dt.date(2027, 3, 1))
    TaskFactory(project=project, title="Sooner", due_date=dt.date(2027, 1, 1))
    TaskFactory(project=project, title="Undated", due_date=None)
    TaskFactory(project=project, title="Done", status=Task.Status.DONE)
    TaskFactory(project=draft, title="Draft task")
    TaskFactory(project=ProjectFactory(lead=outsider), title="Other department")
    assert titles(client_for(staff).get(URL)) == ["Sooner", "Later", "Undated"]


def test_board_filters_by_hours_skill_area_due_date_and_stage(
    client_for, staff, lead, acute_medicine, surgery
):
    excel = SkillFactory(name="Excel")
    testing = ProjectFactory(lead=lead, stage="testing", clinical_areas=[surgery])
    planning = ProjectFactory(lead=lead, stage="planning", clinical_areas=[acute_medicine])
    TaskFactory(
        project=testing,
        title="Fits",
        estimated_hours=Decimal("2"),
        skills_needed=[excel],
        due_date=dt.date(2027, 1, 10),
    )
    TaskFactory(project=testing, title="Too long", estimated_hours=Decimal("3"))
    TaskFactory(project=planning, title="Wrong stage", estimated_hours=Decimal("1"))
    client = client_for(staff)
    assert titles(client.get(URL, {"max_hours": "2", "stage": "testing"})) == ["Fits"]
    assert titles(client.get(URL, {"skill": excel.pk})) == ["Fits"]
    assert titles(client.get(URL, {"area": surgery.pk, "max_hours": "2"})) == ["Fits"]
    assert titles(client.get(URL, {"due_before": "2027-01-31"})) == ["Fits"]


def test_board_htmx_returns_only_results(client_for, staff, lead, acute_medicine):
    TaskFactory(project=ProjectFactory(lead=lead, clinical_areas=[acute_medicine]), title="T1")
    response = client_for(staff).get(
        URL, {"max_hours": "5"}, headers={"HX-Request": "true", "HX-Target": "task-results"}
    )
    assert "T1" in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_board_query_count_does_not_grow(
    client_for, staff, lead, acute_medicine, count, django_assert_max_num_queries
):
    skill = SkillFactory(name="Audit")
    for n in range(count):
        project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
        TaskFactory(project=project, title=f"Task {n}", skills_needed=[skill])
    client = client_for(staff)
    # session, user, person, the person's champion areas (navigation); count, page of tasks
    # with projects; skills; project areas;
    # filter choices: skills, areas.
    # +1: the projects the department takes part in, read first (involving_department_q).
    with django_assert_max_num_queries(11):
        response = client.get(URL)
    assert response.context["page"].paginator.count == count
