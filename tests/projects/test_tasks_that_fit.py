"""Only live projects' tasks are offered or claimable, overdue tasks are
labelled and never lead, and the register's hours filter matches what joining costs."""

import datetime as dt
import html as html_lib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from projects import services
from projects.models import Interest, Membership, OverdueLast, Project, Task
from tests.factories import PersonFactory, ProjectFactory, RoleOpeningFactory, TaskFactory

ME = reverse("people:me")
BOARD = reverse("tasks:board")
REGISTER = reverse("projects:register")


@pytest.fixture
def lead(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Lee Lead")


@pytest.fixture
def today():
    return timezone.localdate()


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def suggested(client) -> list[str]:
    return [task.title for task in client.get(ME).context["suggestions"]]


def on_board(client, **query) -> list[str]:
    return [task.title for task in client.get(BOARD, query).context["page"].object_list]


# Overdue tasks.


def test_an_overdue_task_is_labelled_and_not_first_on_my_qi(
    client_for, staff, lead, acute_medicine, today
):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    TaskFactory(project=project, title="Late audit", due_date=today - dt.timedelta(days=7))
    TaskFactory(project=project, title="Next month", due_date=today + dt.timedelta(days=30))
    TaskFactory(project=project, title="Undated", due_date=None)
    client = client_for(staff)
    assert suggested(client) == ["Next month", "Undated", "Late audit"]
    html = client.get(ME).content.decode()
    suggestions = html[html.index("Tasks that fit you") :]
    assert suggestions.count("Overdue</strong>") == 1
    late = suggestions.index("Late audit")
    assert suggestions.index("Overdue</strong>", late) < suggestions.index("</li>", late)


def test_an_overdue_task_is_labelled_and_listed_last_on_the_board(
    client_for, staff, lead, acute_medicine, today
):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    TaskFactory(project=project, title="Long overdue", due_date=today - dt.timedelta(days=60))
    TaskFactory(project=project, title="Overdue", due_date=today - dt.timedelta(days=1))
    TaskFactory(project=project, title="Due today", due_date=today)
    TaskFactory(project=project, title="Due later", due_date=today + dt.timedelta(days=9))
    TaskFactory(project=project, title="Undated", due_date=None)
    client = client_for(staff)
    assert on_board(client) == ["Due today", "Due later", "Undated", "Long overdue", "Overdue"]
    html = client.get(BOARD).content.decode()
    assert html.count("nhsuk-tag--red") == 2
    assert "soonest due first, overdue last" in html


def test_the_board_finds_overdue_tasks_with_a_filter(
    client_for, staff, lead, acute_medicine, today
):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    TaskFactory(project=project, title="Overdue", due_date=today - dt.timedelta(days=3))
    TaskFactory(project=project, title="Due later", due_date=today + dt.timedelta(days=3))
    assert on_board(client_for(staff), overdue="on") == ["Overdue"]


def test_the_task_page_and_my_claimed_tasks_show_overdue(
    client_for, staff, lead, acute_medicine, today
):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    task = TaskFactory(
        project=project,
        title="Late",
        due_date=today - dt.timedelta(days=2),
        status=Task.Status.CLAIMED,
        claimed_by=staff,
    )
    client = client_for(staff)
    assert (
        "Overdue</strong>" in client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    )
    assert "Overdue</strong>" in client.get(ME).content.decode()


# Only live projects' tasks are offered or claimable.

NOT_LIVE = {
    "on hold": ({"stage": Project.Stage.ON_HOLD}, "is on hold"),
    "a proposal": ({"stage": Project.Stage.PROPOSED}, "is waiting for a champion's approval"),
    "a draft": ({"draft": True}, "is a draft"),
    "completed": ({"stage": Project.Stage.COMPLETED}, "is completed"),
    "closed": ({"stage": Project.Stage.CLOSED}, "is closed"),
}


@pytest.fixture(params=list(NOT_LIVE), ids=list(NOT_LIVE))
def dead_task(request, lead, acute_medicine):
    fields, reason = NOT_LIVE[request.param]
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine], **fields)
    task = TaskFactory(project=project, title="Dead work", estimated_hours=Decimal("1"))
    task.reason = reason
    return task


def test_tasks_of_projects_that_are_not_live_are_not_offered(
    client_for, staff, lead, acute_medicine, dead_task
):
    TaskFactory(project=ProjectFactory(lead=lead, clinical_areas=[acute_medicine]), title="Live")
    client = client_for(staff)
    assert suggested(client) == ["Live"]
    assert on_board(client) == ["Live"]


def test_claiming_a_task_of_a_project_that_is_not_live_is_refused(client_for, staff, dead_task):
    client = client_for(staff)
    claim = reverse("tasks:claim", args=[dead_task.pk])
    page = client.get(claim)
    if dead_task.project.is_draft:
        # A draft's tasks are hidden from everyone but its team.
        assert page.status_code == 404
        assert client.post(claim).status_code == 404
    else:
        assert "Yes, I will do it" not in text(page)
        assert dead_task.reason in text(page)
        detail = text(client.get(reverse("tasks:detail", args=[dead_task.pk])))
        assert "Claim this task" not in detail
        refused = text(client.post(claim, follow=True))
        assert f"This task cannot be claimed: its project {dead_task.reason}." in refused
    dead_task.refresh_from_db()
    assert (dead_task.status, dead_task.claimed_by) == (Task.Status.OPEN, None)


def test_the_claim_service_refuses_a_draft_task_even_for_its_team(lead, acute_medicine):
    draft = ProjectFactory(lead=lead, draft=True, clinical_areas=[acute_medicine])
    task = TaskFactory(project=draft)
    with pytest.raises(WorkflowError, match="its project is a draft"):
        services.task_claim(task_id=task.pk, person=lead)


def test_a_live_projects_task_is_still_claimed(client_for, staff, lead, acute_medicine):
    task = TaskFactory(project=ProjectFactory(lead=lead, clinical_areas=[acute_medicine]))
    client_for(staff).post(reverse("tasks:claim", args=[task.pk]))
    task.refresh_from_db()
    assert task.claimed_by == staff


def test_the_register_counts_open_tasks_of_live_projects_only(client_for, staff, lead):
    on_hold = ProjectFactory(lead=lead, title="Paused", stage=Project.Stage.ON_HOLD)
    live = ProjectFactory(lead=lead, title="Going")
    TaskFactory(project=on_hold)
    TaskFactory(project=live)
    response = client_for(staff).get(REGISTER, {"department": "", "open_tasks": "on"})
    rows = {project.title: project.open_tasks_count for project in response.context["page"]}
    assert rows == {"Going": 1}
    response = client_for(staff).get(REGISTER, {"department": ""})
    counts = {project.title: project.open_tasks_count for project in response.context["page"]}
    assert counts["Paused"] == 0


# Joining: a proposal may gather interest; on hold, completed and closed projects take nobody.


@pytest.mark.parametrize(
    "stage", [Project.Stage.ON_HOLD, Project.Stage.COMPLETED, Project.Stage.CLOSED]
)
def test_nobody_joins_a_project_on_hold_completed_or_closed(
    client_for, staff, lead, acute_medicine, stage
):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine], stage=stage)
    opening = RoleOpeningFactory(project=project)
    client = client_for(staff)
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Join this project</a>" not in detail
    join = reverse("projects:join", args=[project.pk])
    assert "Send to the lead" not in client.get(join).content.decode()
    html = text(client.post(join, {"role_opening": opening.pk}))
    assert "This project is not taking new people" in html
    assert not Interest.objects.exists()


def test_a_proposal_awaiting_review_may_gather_interest(client_for, staff, lead, acute_medicine):
    project = ProjectFactory(
        lead=lead, clinical_areas=[acute_medicine], stage=Project.Stage.PROPOSED
    )
    client = client_for(staff)
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Join this project</a>" in detail
    client.post(reverse("projects:join", args=[project.pk]), {"message": "Happy to help"})
    assert Interest.objects.get().person == staff


def test_a_lead_cannot_accept_someone_onto_a_project_on_hold(client_for, staff, lead):
    project = ProjectFactory(lead=staff)
    interest = Interest.objects.create(project=project, person=lead)
    project.stage = Project.Stage.ON_HOLD
    project.save(update_fields=["stage"])
    accept = reverse("projects:interest_accept", args=[project.pk, interest.pk])
    html = text(client_for(staff).post(accept, follow=True))
    assert "This project is not taking new people: it is on hold." in html
    assert not Membership.objects.exists()


# The register's hours filter: what joining would cost.


def test_hours_filter_compares_the_open_roles_not_the_projects_own_time(client_for, staff, lead):
    asks_more = ProjectFactory(
        lead=lead, title="Role asks 2 h a week", commitment_hours=1, commitment_period="month"
    )
    RoleOpeningFactory(project=asks_more, commitment_hours=2, commitment_period="week")
    asks_less = ProjectFactory(
        lead=lead, title="Role asks 1 h a month", commitment_hours=2, commitment_period="week"
    )
    RoleOpeningFactory(project=asks_less, commitment_hours=1, commitment_period="month")
    client = client_for(staff)

    def found(hours):
        response = client.get(REGISTER, {"department": "", "max_hours": hours, "sort": "title"})
        return [project.title for project in response.context["page"]]

    assert found("2") == ["Role asks 1 h a month", "Role asks 2 h a week"]
    assert found("1") == ["Role asks 1 h a month"]


def test_hours_filter_counts_open_tasks_and_open_roles_only(client_for, staff, lead):
    with_task = ProjectFactory(lead=lead, title="Small task", commitment_hours=10)
    TaskFactory(project=with_task, estimated_hours=Decimal("1.5"))
    TaskFactory(project=with_task, estimated_hours=Decimal("1"), status=Task.Status.DONE)
    closed = ProjectFactory(lead=lead, title="Role closed")
    RoleOpeningFactory(project=closed, is_open=False, commitment_hours=1)
    paused = ProjectFactory(lead=lead, title="Paused", stage=Project.Stage.ON_HOLD)
    TaskFactory(project=paused, estimated_hours=Decimal("1"))
    RoleOpeningFactory(project=paused, commitment_hours=1)
    proposal = ProjectFactory(lead=lead, title="Proposal", stage=Project.Stage.PROPOSED)
    TaskFactory(project=proposal, estimated_hours=Decimal("1"))  # not claimable yet
    response = client_for(staff).get(REGISTER, {"department": "", "max_hours": "1.5"})
    assert [project.title for project in response.context["page"]] == ["Small task"]
    RoleOpeningFactory(project=proposal, commitment_hours=1)  # a proposal may gather a team
    response = client_for(staff).get(REGISTER, {"department": "", "max_hours": "1.5"})
    assert {project.title for project in response.context["page"]} == {"Small task", "Proposal"}


def test_overdue_last_pages_across_its_parts(lead, acute_medicine, today):
    project = ProjectFactory(lead=lead, clinical_areas=[acute_medicine])
    for days in (5, 1, None, -3, -9):
        due = None if days is None else today + dt.timedelta(days=days)
        TaskFactory(project=project, title=f"Due {days}", due_date=due)
    tasks = OverdueLast(Task.objects.offered())
    assert tasks.count() == len(tasks) == 5
    everything = ["Due 1", "Due 5", "Due None", "Due -9", "Due -3"]
    assert [task.title for task in tasks[0:25]] == everything
    assert tasks.counts() == [2, 1, 2]  # dated, undated, overdue
    assert [task.title for task in tasks[1:3]] == everything[1:3]
    assert [task.title for task in tasks[2:4]] == everything[2:4]
    assert [task.title for task in tasks[3:5]] == everything[3:5]
    assert [task.title for task in tasks[4:]] == everything[4:]
