import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import QIConversation
from projects.models import Interest, Membership, Task
from tests.factories import PersonFactory, ProjectFactory, SkillFactory, TaskFactory

ME = reverse("people:me")


@pytest.fixture
def lead(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Lee Lead")


def test_me_shows_projects_tasks_requests_and_hours(client_for, staff, lead, acute_medicine):
    led = ProjectFactory(lead=staff, title="My own project", clinical_areas=[acute_medicine])
    joined = ProjectFactory(lead=lead, title="Joined project", clinical_areas=[acute_medicine])
    Membership.objects.create(project=joined, person=staff, role_title="Data collector")
    asked = ProjectFactory(lead=lead, title="Asked project", clinical_areas=[acute_medicine])
    Interest.objects.create(project=asked, person=staff)
    TaskFactory(
        project=joined,
        title="My claimed task",
        status=Task.Status.CLAIMED,
        claimed_by=staff,
        due_date=dt.date(2027, 2, 1),
    )
    TaskFactory(
        project=joined,
        status=Task.Status.DONE,
        claimed_by=staff,
        actual_hours=Decimal("2.5"),
        completed_at=timezone.now(),
    )
    TaskFactory(
        project=joined,
        status=Task.Status.DONE,
        claimed_by=staff,
        actual_hours=Decimal("9"),
        completed_at=timezone.now() - dt.timedelta(days=400),
    )
    html = client_for(staff).get(ME).content.decode()
    for text in [
        led.title,
        "Joined project",
        "Data collector",
        "My claimed task",
        "1 Feb 2027",
        "Asked project",
        "<strong>2.5 hours</strong>",
    ]:
        assert text in html


def test_suggestions_fit_capacity_then_skills_then_area(
    client_for, staff, lead, acute_medicine, surgery
):
    excel = SkillFactory(name="Excel")
    staff.qi_hours_per_month = Decimal("3")
    staff.save()
    staff.skills.set([excel])
    surgery_project = ProjectFactory(lead=lead, clinical_areas=[surgery])
    acute_project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    TaskFactory(project=surgery_project, title="Skill match", skills_needed=[excel])
    TaskFactory(project=acute_project, title="Area match")
    TaskFactory(project=surgery_project, title="No match")
    TaskFactory(project=acute_project, title="Too big", estimated_hours=Decimal("4"))
    # Leading a project that states no time commitment takes none of the 3 hours.
    mine = ProjectFactory(lead=staff, clinical_areas=[acute_medicine], commitment_hours=None)
    TaskFactory(project=mine, title="Mine")
    response = client_for(staff).get(ME)
    assert [t.title for t in response.context["suggestions"]] == [
        "Skill match",
        "Area match",
        "No match",
    ]


def test_claimed_hours_use_up_capacity(client_for, staff, lead, acute_medicine):
    staff.qi_hours_per_month = Decimal("3")
    staff.save()
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    TaskFactory(project=project, status=Task.Status.CLAIMED, claimed_by=staff)  # 2 h
    TaskFactory(project=project, title="Two hours")
    TaskFactory(project=project, title="One hour", estimated_hours=Decimal("1"))
    response = client_for(staff).get(ME)
    assert [t.title for t in response.context["suggestions"]] == ["One hour"]


def test_me_query_count_is_bounded(
    client_for, staff, lead, acute_medicine, django_assert_max_num_queries
):
    staff.qi_hours_per_month = Decimal("10")
    staff.save()
    for n in range(15):
        project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
        Membership.objects.create(project=project, person=staff, role_title="Helper")
        TaskFactory(project=project, status=Task.Status.CLAIMED, claimed_by=staff)
        TaskFactory(project=project, title=f"Open {n}")
    client = client_for(staff)
    # session, user, person, the person's champion areas (navigation); led projects,
    # memberships, claimed tasks, requests, hours; suggestions: skills, preferred and work
    # areas, the tasks; reports; outstanding induction; the person again with the hours
    # they have committed (projects.capacity.with_commitment); the projects I mentor (with
    # their closure reports and latest update, in one query).
    # +1: the projects the department takes part in, read first (involving_department_q).
    with django_assert_max_num_queries(18):
        client.get(ME)


def test_me_needs_a_person(client, django_user_model, db):
    client.force_login(django_user_model.objects.create_user("bare"))
    assert client.get(ME).status_code == 403


def test_person_edits_their_own_capacity(client_for, staff, surgery):
    skill = SkillFactory(name="Teaching")
    response = client_for(staff).post(
        reverse("people:capacity_edit"),
        {
            "qi_hours_per_month": "6",
            "interests": "Antimicrobial stewardship",
            "skills": [skill.pk],
            "preferred_areas": [surgery.pk],
            "open_to_buddy_tasks": "on",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.qi_hours_per_month == Decimal("6")
    assert staff.open_to_buddy_tasks
    assert list(staff.skills.all()) == [skill]
    assert list(staff.preferred_areas.all()) == [surgery]


def test_negative_capacity_is_refused(client_for, staff):
    response = client_for(staff).post(reverse("people:capacity_edit"), {"qi_hours_per_month": "-2"})
    assert "Hours cannot be negative" in response.content.decode()
    staff.refresh_from_db()
    assert staff.qi_hours_per_month is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("manager", 200), ("admin", 200), ("champion", 403), ("outsider", 403)],
)
def test_capacity_page_is_for_the_person_their_manager_and_admins(
    db, request, client_for, staff, persona, status
):
    QIConversation.objects.create(person=staff, manager=staff.line_manager, note="Secret plan")
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("people:capacity", args=[staff.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Secret plan" in response.content.decode()


def test_manager_records_a_conversation_but_cannot_edit_capacity(client_for, manager, staff):
    client = client_for(manager)
    response = client.post(
        reverse("people:capacity", args=[staff.pk]),
        {"date": "2026-11-01", "note": "Agreed 4 hours", "agreed_hours_per_month": "4"},
    )
    assert response.status_code == 302
    conversation = staff.qi_conversations.get()
    assert (conversation.manager, conversation.agreed_hours_per_month) == (manager, Decimal("4"))
    # The capacity form edits the signed-in person only: the manager's own profile.
    client.post(reverse("people:capacity_edit"), {"qi_hours_per_month": "99"})
    staff.refresh_from_db()
    assert staff.qi_hours_per_month is None


def test_only_the_manager_records_conversations(client_for, staff):
    response = client_for(staff).post(
        reverse("people:capacity", args=[staff.pk]), {"note": "I agree with myself"}
    )
    assert response.status_code == 403
    assert staff.qi_conversations.count() == 0


def test_conversation_needs_a_note(client_for, manager, staff):
    response = client_for(manager).post(reverse("people:capacity", args=[staff.pk]), {"note": ""})
    assert "Write a short note of the conversation" in response.content.decode()
    assert staff.qi_conversations.count() == 0


def test_manager_sees_reports_on_my_qi(client_for, manager, staff):
    html = client_for(manager).get(ME).content.decode()
    assert reverse("people:capacity", args=[staff.pk]) in html


def test_a_new_manager_does_not_see_the_previous_managers_notes(
    client_for, staff, manager, pharmacy
):
    QIConversation.objects.create(person=staff, manager=manager, note="Note by the old manager")
    new_manager = PersonFactory(department=pharmacy, display_name="New Manager")
    staff.line_manager = new_manager
    staff.save()
    url = reverse("people:capacity", args=[staff.pk])
    assert "Note by the old manager" not in client_for(new_manager).get(url).content.decode()
    assert client_for(manager).get(url).status_code == 403  # no longer their report
    assert "Note by the old manager" in client_for(staff).get(url).content.decode()
