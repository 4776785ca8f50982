import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Completion, Course, QIConversation
from projects.models import Membership, Task
from tests.factories import PersonFactory, ProjectFactory, TaskFactory

TEAM = reverse("people:team")


def test_manager_sees_each_reports_engagement(client_for, manager, staff, champion, acute_medicine):
    project = ProjectFactory(lead=champion, clinical_areas=[acute_medicine])
    Membership.objects.create(project=project, person=staff, role_title="Data collector")
    TaskFactory(
        project=project,
        status=Task.Status.DONE,
        claimed_by=staff,
        actual_hours=Decimal("2.5"),
        completed_at=timezone.now(),
    )
    QIConversation.objects.create(
        person=staff, manager=manager, note="n", date=dt.date(2026, 10, 1), agreed_hours_per_month=4
    )
    Course.objects.create(name="QI induction", level="induction", is_induction=True)
    response = client_for(manager).get(TEAM)
    rows = list(response.context["page"].object_list)
    assert [p.display_name for p in rows] == ["Sam Taylor"]
    row = rows[0]
    assert (row.tasks_done, row.hours_done, row.roles_held) == (1, Decimal("2.5"), 1)
    assert (row.last_conversation, row.agreed_hours) == (dt.date(2026, 10, 1), Decimal("4"))
    html = response.content.decode()
    assert "QI induction outstanding" in html
    assert "1 Oct 2026" in html


def test_period_limits_the_tasks_counted(client_for, manager, staff, champion, acute_medicine):
    project = ProjectFactory(lead=champion, clinical_areas=[acute_medicine])
    TaskFactory(
        project=project,
        status="done",
        claimed_by=staff,
        actual_hours=1,
        completed_at=timezone.now() - dt.timedelta(days=500),
    )
    row = client_for(manager).get(TEAM).context["page"].object_list[0]
    assert row.tasks_done == 0
    start = (timezone.localdate() - dt.timedelta(days=600)).isoformat()
    row = client_for(manager).get(TEAM, {"from": start}).context["page"].object_list[0]
    assert row.tasks_done == 1


def test_team_sorts(client_for, manager, pharmacy):
    PersonFactory(department=pharmacy, display_name="Aaron Early", line_manager=manager)
    PersonFactory(department=pharmacy, display_name="Zed Late", line_manager=manager)
    names = [
        p.display_name
        for p in client_for(manager).get(TEAM, {"sort": "name"}).context["page"].object_list
    ]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("persona", "status"), [("staff", 403), ("champion", 403), ("outsider", 403), ("admin", 200)]
)
def test_team_is_for_managers_and_admins(db, request, client_for, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(TEAM).status_code == status


def test_admin_sees_everyone(client_for, admin, staff, manager, outsider):
    response = client_for(admin).get(TEAM)
    names = {p.display_name for p in response.context["page"].object_list}
    assert {"Sam Taylor", "Morgan Ellis", "Olu Nurse"} <= names


def test_manager_cannot_read_other_peoples_private_notes(client_for, manager, pharmacy):
    stranger = PersonFactory(department=pharmacy)
    QIConversation.objects.create(person=stranger, manager=stranger, note="Not yours")
    url = reverse("people:capacity", args=[stranger.pk])
    assert client_for(manager).get(url).status_code == 403


@pytest.mark.parametrize("count", [1, 30])
def test_team_query_count_does_not_grow(
    client_for, manager, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    course = Course.objects.create(name="QI induction", level="induction", is_induction=True)
    for _ in range(count):
        person = PersonFactory(department=pharmacy, line_manager=manager)
        Completion.objects.create(person=person, course=course)
        QIConversation.objects.create(person=person, manager=manager, note="n")
    client = client_for(manager)
    # session, user, person, champion areas; is the viewer a manager; count; page of rows
    # (engagement as subqueries); is there an induction course.
    with django_assert_max_num_queries(8):
        client.get(TEAM)


def test_engagement_report_for_admins_with_csv(
    client_for, admin, staff, manager, champion, acute_medicine
):
    Course.objects.create(name="QI induction", level="induction", is_induction=True)
    project = ProjectFactory(lead=champion, clinical_areas=[acute_medicine])
    Membership.objects.create(project=project, person=staff, role_title="Helper")
    url = reverse("people:engagement")
    assert client_for(manager).get(url).status_code == 403
    response = client_for(admin).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No QI induction yet" in html
    roles = {row["label"]: row for row in response.context["roles"]}
    assert roles["Pharmacy technician"]["taking_part"] == 1  # staff, by membership
    assert roles["Pharmacist"]["taking_part"] == 1  # champion, by leading
    csv = client_for(admin).get(url, {"format": "csv"})
    body = csv.content.decode()
    assert csv["Content-Disposition"].startswith("attachment")
    assert "Job role,Pharmacy technician" in body
    assert "No QI induction,Sam Taylor" in body
