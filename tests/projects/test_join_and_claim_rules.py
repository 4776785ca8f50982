"""Who may ask to join a project and who may claim a task: one rule on the model each
(`Project.can_be_joined_by`, `Task.is_claimable_by`), read by the pages to show the button and
enforced again by the services after locking the row."""

import pytest
from django.urls import reverse

from projects import services
from projects.models import NOT_IN_DEPARTMENT, Interest, Membership, Project, Task
from tests.factories import PersonFactory, TaskFactory


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


def test_a_colleague_in_the_department_may_join_a_live_project(project, colleague):
    assert project.can_be_joined_by(colleague)
    assert project.why_cannot_join(colleague) is None


def test_nobody_signed_in_and_outsiders_may_not_join(project, outsider):
    assert project.why_cannot_join(None) == NOT_IN_DEPARTMENT
    assert project.why_cannot_join(outsider) == NOT_IN_DEPARTMENT


def test_the_team_may_not_join_again(project, colleague):
    Membership.objects.create(project=project, person=colleague, role_title="Data collector")
    assert project.why_cannot_join(colleague) == "You are already on this project's team"
    assert not project.can_be_joined_by(project.lead)


def test_a_pending_request_is_not_made_twice(project, colleague):
    Interest.objects.create(project=project, person=colleague)
    assert project.why_cannot_join(colleague) == (
        "You have already asked to join; the lead will reply"
    )


def test_a_project_on_hold_takes_nobody(project, colleague):
    Project.objects.filter(pk=project.pk).update(stage=Project.Stage.ON_HOLD)
    project.refresh_from_db()
    assert project.why_cannot_join(colleague) == (
        "This project is not taking new people: it is on hold."
    )


def test_the_service_refuses_an_outsider_even_without_the_page(project, outsider):
    with pytest.raises(services.WorkflowError, match="departments this project involves"):
        services.interest_express(project=project, person=outsider)


def test_the_join_button_follows_the_rule(client_for, project, colleague, outsider):
    url = reverse("projects:detail", args=[project.pk])
    assert client_for(colleague).get(url).context["can_join"] is True
    assert client_for(outsider).get(url).context["can_join"] is False
    Interest.objects.create(project=project, person=colleague)
    assert client_for(colleague).get(url).context["can_join"] is False


def test_an_open_task_of_a_live_project_is_claimable_in_its_departments(project, colleague):
    task = TaskFactory(project=project)
    assert task.is_claimable_by(colleague)
    assert not task.is_claimable_by(None)


def test_outsiders_may_not_claim_and_the_service_says_why(project, outsider):
    task = TaskFactory(project=project)
    assert task.why_cannot_claim(outsider) == NOT_IN_DEPARTMENT
    with pytest.raises(services.WorkflowError, match="departments this project involves"):
        services.task_claim(task_id=task.pk, person=outsider)


def test_a_claimed_or_done_task_says_why(project, colleague, staff):
    claimed = TaskFactory(project=project, status=Task.Status.CLAIMED, claimed_by=staff)
    assert claimed.why_cannot_claim(colleague) == "Someone else has just claimed this task"
    assert claimed.why_cannot_claim(staff) == "You have already claimed this task"
    done = TaskFactory(project=project, status=Task.Status.DONE, claimed_by=staff)
    assert done.why_cannot_claim(colleague) == "This task is already done"


def test_a_task_of_a_project_on_hold_is_not_claimable(client_for, project, colleague):
    task = TaskFactory(project=project)
    Project.objects.filter(pk=project.pk).update(stage=Project.Stage.ON_HOLD)
    task = Task.objects.select_related("project").get(pk=task.pk)
    assert task.why_cannot_claim(colleague) == (
        "This task cannot be claimed: its project is on hold. Tasks can be taken once a "
        "project is approved and while it is being worked on."
    )
    context = client_for(colleague).get(reverse("tasks:detail", args=[task.pk])).context
    assert (context["can_claim"], context["why_not_claimable"]) == (False, task.why_not_claimable)
