"""What a person has taken on (led and co-led projects, roles held,
claimed tasks) against what they offered and agreed, on My QI, the capacity page and My team."""

from decimal import Decimal

import pytest
from django.urls import reverse

from people.models import QIConversation
from projects.capacity import committed_hours_per_month, tasks_that_fit
from projects.models import Membership, Project, Task
from tests.factories import PersonFactory, ProjectFactory, TaskFactory

ME = reverse("people:me")
TEAM = reverse("people:team")


@pytest.fixture
def lead(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Lee Lead")


def capacity_url(person):
    return reverse("people:capacity", args=[person.pk])


def test_committed_hours_count_led_co_led_roles_and_claimed_tasks(staff, lead):
    # Led: 1 h a week (52/12 = 4.33 h a month) and 3 h a month; co-led: 2 h a month.
    ProjectFactory(lead=staff, commitment_hours=1, commitment_period="week")
    ProjectFactory(lead=staff, commitment_hours=3, commitment_period="month")
    ProjectFactory(lead=lead, co_leads=[staff], commitment_hours=2, commitment_period="month")
    # A role held: 1 h a month; one left earlier does not count.
    role = ProjectFactory(lead=lead)
    Membership.objects.create(
        project=role, person=staff, role_title="Data collector", commitment_hours=1,
        commitment_period="month",
    )  # fmt: skip
    left = ProjectFactory(lead=lead)
    Membership.objects.create(
        project=left, person=staff, role_title="Helper", commitment_hours=8,
        commitment_period="month", left_on="2026-01-01",
    )  # fmt: skip
    # Claimed tasks: 2.5 h; a done one does not count.
    TaskFactory(project=role, status=Task.Status.CLAIMED, claimed_by=staff, estimated_hours=2.5)
    TaskFactory(project=role, status=Task.Status.DONE, claimed_by=staff, estimated_hours=9)
    # Finished, paused and unapproved projects take no time now.
    for stage in ("completed", "on_hold", "closed", "proposed"):
        ProjectFactory(lead=staff, stage=stage, commitment_hours=20)
    ProjectFactory(lead=staff, draft=True, commitment_hours=20)
    assert committed_hours_per_month(staff).quantize(Decimal("0.01")) == Decimal("12.83")


def test_tasks_that_fit_use_what_is_left_after_leading_and_roles(
    client_for, staff, lead, acute_medicine
):
    staff.qi_hours_per_month = Decimal("6")
    staff.save()
    ProjectFactory(lead=staff, commitment_hours=2, commitment_period="month")
    role = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    Membership.objects.create(
        project=role, person=staff, role_title="Helper", commitment_hours=1,
        commitment_period="month",
    )  # fmt: skip
    TaskFactory(project=role, status=Task.Status.CLAIMED, claimed_by=staff, estimated_hours=1)
    TaskFactory(project=role, title="Two hours", estimated_hours=2)
    TaskFactory(project=role, title="Three hours", estimated_hours=3)
    assert [task.title for task in tasks_that_fit(staff)] == ["Two hours"]
    response = client_for(staff).get(ME)
    assert [task.title for task in response.context["suggestions"]] == ["Two hours"]
    assert "Taken on: 4 hours a month" in response.content.decode()


def test_manager_sees_over_commitment_of_a_report_leading_four_projects(client_for, manager, staff):
    staff.qi_hours_per_month = Decimal("6")
    staff.save()
    QIConversation.objects.create(
        person=staff, manager=manager, note="Agreed in job plan", agreed_hours_per_month=4
    )
    for _ in range(4):
        ProjectFactory(lead=staff, commitment_hours=1, commitment_period="month")
    ProjectFactory(co_leads=[staff], commitment_hours=1, commitment_period="month")
    client = client_for(manager)
    team = client.get(TEAM).content.decode()
    assert "6 h offered; 4 h agreed; 5 h committed" in team
    assert "Over-committed</strong>" in team
    page = client.get(capacity_url(staff)).content.decode()
    assert "Hours a month committed" in page
    assert "5 h committed" in page
    assert "Over-committed</strong>" in page
    assert "Leading and co-leading live projects: 5; roles held: 0; claimed tasks: 0" in page


def test_within_the_agreed_time_is_not_flagged(client_for, manager, staff):
    staff.qi_hours_per_month = Decimal("2")  # offered less, but the agreed figure rules
    staff.save()
    QIConversation.objects.create(person=staff, manager=manager, note="n", agreed_hours_per_month=4)
    ProjectFactory(lead=staff, commitment_hours=3, commitment_period="month")
    team = client_for(manager).get(TEAM).content.decode()
    assert "3 h committed" in team
    assert "Over-committed" not in team


def test_with_nothing_agreed_the_offer_is_the_limit(client_for, manager, staff):
    staff.qi_hours_per_month = Decimal("2")
    staff.save()
    ProjectFactory(lead=staff, commitment_hours=3, commitment_period="month")
    team = client_for(manager).get(TEAM).content.decode()
    assert "2 h offered; none agreed; 3 h committed" in team
    assert "Over-committed</strong>" in team


def test_nothing_offered_or_agreed_is_never_flagged(client_for, manager, staff):
    ProjectFactory(lead=staff, commitment_hours=30, commitment_period="month")
    team = client_for(manager).get(TEAM).content.decode()
    assert "Offer not stated; none agreed; 30 h committed" in team
    assert "Over-committed" not in team


def test_the_person_sees_their_own_commitment_but_not_another_persons(client_for, staff, lead):
    ProjectFactory(lead=staff, commitment_hours=3, commitment_period="month")
    assert "3 h committed" in client_for(staff).get(capacity_url(staff)).content.decode()
    assert client_for(lead).get(capacity_url(staff)).status_code == 403


@pytest.mark.parametrize("count", [1, 25])
def test_team_commitment_query_count_does_not_grow(
    client_for, manager, pharmacy, count, django_assert_max_num_queries
):
    for _ in range(count):
        person = PersonFactory(department=pharmacy, line_manager=manager, qi_hours_per_month=2)
        led = ProjectFactory(lead=person, commitment_hours=3, commitment_period="month")
        ProjectFactory(co_leads=[person])
        Membership.objects.create(project=led, person=PersonFactory(department=pharmacy))
        TaskFactory(project=led, status=Task.Status.CLAIMED, claimed_by=person)
        QIConversation.objects.create(person=person, manager=manager, note="n")
    client = client_for(manager)
    # session, user, person, champion areas; is the viewer a manager; count; page of rows
    # (engagement and commitment as subqueries); is there an induction course; the reports
    # for the appraisal summary form.
    with django_assert_max_num_queries(9):
        html = client.get(TEAM).content.decode()
    assert html.count("Over-committed</strong>") == count


def test_capacity_page_query_count(client_for, manager, staff, django_assert_max_num_queries):
    for _ in range(5):
        project = ProjectFactory(lead=staff)
        TaskFactory(project=project, status=Task.Status.CLAIMED, claimed_by=staff)
        QIConversation.objects.create(person=staff, manager=manager, note="n")
    client = client_for(manager)
    # session, user, person, champion areas; the person with commitment; skills; preferred
    # areas; conversations.
    with django_assert_max_num_queries(8):
        client.get(capacity_url(staff))


def test_proposals_do_not_count_but_are_projects(staff):
    ProjectFactory(lead=staff, stage=Project.Stage.PROPOSED, commitment_hours=5)
    assert committed_hours_per_month(staff) == 0
