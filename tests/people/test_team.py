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


def test_team_sorts_by_hours_and_by_longest_since_a_conversation(
    client_for, manager, pharmacy, champion, acute_medicine
):
    busy = PersonFactory(department=pharmacy, display_name="Zed Busy", line_manager=manager)
    talked = PersonFactory(department=pharmacy, display_name="Amy Talked", line_manager=manager)
    never = PersonFactory(department=pharmacy, display_name="Mo Never", line_manager=manager)
    project = ProjectFactory(lead=champion, clinical_areas=[acute_medicine])
    TaskFactory(
        project=project, status="done", claimed_by=busy, actual_hours=5, completed_at=timezone.now()
    )
    QIConversation.objects.create(
        person=talked, manager=manager, note="n", date=dt.date(2026, 1, 1)
    )
    QIConversation.objects.create(person=busy, manager=manager, note="n", date=dt.date(2026, 9, 1))

    def order(sort):
        page = client_for(manager).get(TEAM, {"sort": sort}).context["page"]
        return [p.display_name for p in page.object_list if p.display_name in names]

    names = {busy.display_name, talked.display_name, never.display_name}

    assert order("hours")[0] == "Zed Busy"
    assert order("conversation") == ["Mo Never", "Amy Talked", "Zed Busy"]
    assert never.display_name in order("name")


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
    # (engagement as subqueries); is there an induction course; the reports for the appraisal
    # summary form.
    with django_assert_max_num_queries(9):
        client.get(TEAM)


def test_engagement_respects_the_period_for_roles(
    client_for, admin, staff, champion, acute_medicine
):
    project = ProjectFactory(lead=champion, clinical_areas=[acute_medicine])
    Membership.objects.create(project=project, person=staff, role_title="Helper")
    url = reverse("people:engagement")
    past = client_for(admin).get(url, {"from": "2015-01-01", "to": "2015-12-31"})
    assert past.context["total_taking_part"] == 0
    now = client_for(admin).get(url)
    assert now.context["total_taking_part"] == 2  # staff by the role, champion by leading
    area = next(a for a in now.context["by_area"] if a.pk == acute_medicine.pk)
    assert (area.staff, area.taking_part) == (3, 2)  # staff, champion and manager work there


def test_engagement_counts_who_took_part_each_way_once(client_for, admin, pharmacy):
    lead = ProjectFactory().lead  # approved and open: leading counts
    co_lead, member, buddy, both = (PersonFactory(department=pharmacy) for _ in range(4))
    project = ProjectFactory(co_leads=[co_lead])
    Membership.objects.create(project=project, person=member, role_title="Helper")
    Membership.objects.create(project=project, person=both, role_title="Helper")
    for person in (buddy, both):
        TaskFactory(
            project=project, status=Task.Status.DONE, claimed_by=person, completed_at=timezone.now()
        )
    # Not taking part: a proposal's lead and helper (not approved), a role left long ago.
    proposal = ProjectFactory(stage="proposed")
    proposer_helper, former = PersonFactory(department=pharmacy), PersonFactory(department=pharmacy)
    Membership.objects.create(project=proposal, person=proposer_helper, role_title="Helper")
    Membership.objects.create(
        project=project,
        person=former,
        role_title="Helper",
        joined_on=dt.date(2015, 1, 1),
        left_on=dt.date(2015, 6, 1),
    )
    response = client_for(admin).get(reverse("people:engagement"))
    # The second project's lead takes part too.
    took_part = {lead, co_lead, member, buddy, both, project.lead}
    assert response.context["total_taking_part"] == len(took_part)
    by_role = sum(row["taking_part"] for row in response.context["roles"])
    assert by_role == len(took_part)


@pytest.mark.parametrize("count", [1, 30])
def test_engagement_query_count_does_not_grow(
    client_for, admin, pharmacy, count, django_assert_max_num_queries
):
    Course.objects.create(name="QI induction", level="induction", is_induction=True)
    for _ in range(count):
        person = PersonFactory(department=pharmacy)
        project = ProjectFactory(lead=person)
        Membership.objects.create(project=project, person=PersonFactory(), role_title="Helper")
    client = client_for(admin)
    # session, user, the person with their roles; people taking part by job role; everyone by
    # job role (the totals are added up from these two); is there an induction course; how
    # many have no induction, and the first of them; staff and people taking part by area.
    with django_assert_max_num_queries(9):
        client.get(reverse("people:engagement"))


def test_without_an_induction_course_nobody_is_listed_as_missing_it(client_for, admin, staff):
    response = client_for(admin).get(reverse("people:engagement"))
    assert response.context["not_inducted_count"] == 0


def test_agreed_time_is_the_latest_agreed_figure(client_for, manager, staff):
    QIConversation.objects.create(
        person=staff, manager=manager, note="a", date=dt.date(2026, 5, 1), agreed_hours_per_month=6
    )
    QIConversation.objects.create(person=staff, manager=manager, note="b", date=dt.date(2026, 9, 1))
    row = client_for(manager).get(TEAM).context["page"].object_list[0]
    assert (row.agreed_hours, row.last_conversation) == (Decimal("6"), dt.date(2026, 9, 1))


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


@pytest.mark.parametrize(("persona", "url"), [("manager", TEAM), ("admin", "/engagement/")])
def test_a_bad_period_is_shown_at_the_field_and_the_default_used(
    db, request, client_for, staff, persona, url
):
    response = client_for(request.getfixturevalue(persona)).get(
        url, {"from": "2026-02-30", "to": "2026-01-01", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/html")  # no CSV for a bad period
    assert "There is a problem" in response.text
    assert "From must be a real date" in response.text
    # What was given is shown back in the day, month and year boxes
    assert 'name="from_day" value="30"' in response.text
    assert 'name="from_month" value="2"' in response.text
    assert response.context["start"] == timezone.localdate() - dt.timedelta(days=365)


def test_a_reversed_period_is_refused_not_swapped(client_for, manager, staff):
    response = client_for(manager).get(TEAM, {"from": "2026-06-01", "to": "2026-01-01"})
    assert "The end of the period must be on or after its start" in response.text


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"to": "9999-12-31"}, "To must be on or before "),
        ({"from": "0001-01-01"}, "From must be on or after 1 January 2000"),
        ({"from": "2001-01-01", "to": "2026-01-01"}, "The period can be at most 10 years"),
    ],
)
def test_periods_are_bounded_on_every_report(db, client_for, admin, period, message):
    client = client_for(admin)
    for url in (TEAM, "/engagement/", "/impact/", reverse("recognition:portfolio")):
        response = client.get(url, period)
        assert response.status_code == 200, url
        assert message in response.text, url


def test_the_team_pdf_says_before_it_is_asked_for_that_a_long_one_is_prepared_in_the_background(
    client_for, manager, staff
):
    page = client_for(manager).get(reverse("people:team")).content.decode()
    assert 'aria-describedby="summary-pdf-hint"' in page
    assert "A longer one, such as one for all your reports, is prepared in the background" in page
    assert 'role="status" data-qi-pdf-status' in page
